"""The real node says in one line what this machine lacks, and its pods go only to it."""

import os

import pytest

from kubechat.sandbox import real_node


def test_a_missing_kubelet_is_named(tmp_path):
    (tmp_path / "sandbox-probe").write_text("")
    reason = real_node.missing(tmp_path)
    assert reason is not None and reason.startswith("not installed:") and "kubelet" in reason
    assert "\n" not in reason


@pytest.mark.skipif(
    real_node.containerd_missing() or real_node.cni_dir() is None, reason="containerd or CNI not installed"
)
def test_nothing_is_missing_when_everything_is_there(tmp_path):
    for name in real_node.TESTBIN_BINARIES:
        (tmp_path / name).write_text("")
    expected = None if os.geteuid() == 0 else "containerd and the kubelet need root"
    assert real_node.missing(tmp_path) == expected


def test_probe_pods_select_and_tolerate_only_the_real_node():
    pod = real_node.pod_manifest("p", "dev")
    assert pod["spec"]["nodeSelector"] == {real_node.NODE_LABEL: "true"}
    (toleration,) = pod["spec"]["tolerations"]
    assert toleration["key"] == real_node.NODE_TAINT["key"] == real_node.NODE_LABEL
    assert toleration["effect"] == real_node.NODE_TAINT["effect"] == "NoSchedule"
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == "Never"  # no registry to pull from
