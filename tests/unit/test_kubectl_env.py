"""The kubectl that runs gets the user's environment, minus what would make it run something other
than the command that was assessed."""

from kubechat.kubectl_options import KubectlOptions


def test_kuberc_is_off_for_every_kubectl_child(monkeypatch, tmp_path):
    # A kuberc can alias `get` to a delete or add default flags; the policy never saw those.
    monkeypatch.setenv("KUBERC", str(tmp_path / "kuberc"))
    env = KubectlOptions().env()
    assert env["KUBERC"] == "off"


def test_kubeconfig_path_list_travels_in_the_environment(monkeypatch):
    monkeypatch.setenv("HOME", "/tmp")
    env = KubectlOptions(kubeconfig="/a:/b").env()
    assert env["KUBECONFIG"] == "/a:/b" and env["HOME"] == "/tmp"
