"""kubectl_complete-chat speaks Cobra's completion protocol."""

import yaml

from kubechat import completion


def test_first_word_completes_subcommands_and_examples():
    assert completion.candidates(["sa"]) == ["sandbox"]
    assert '"list pods"' in completion.candidates([""])


def test_flags_complete():
    assert completion.candidates(["--dr"]) == ["--dry-run"]
    assert completion.candidates(["ask", "--as"]) == ["--as", "--as-group"]


def test_contexts_come_from_the_kubeconfig(tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    cfg.write_text(
        yaml.safe_dump({"contexts": [{"name": "prod-eu", "context": {}}, {"name": "dev", "context": {}}]})
    )
    monkeypatch.setenv("KUBECONFIG", str(cfg))
    assert completion.candidates(["--context", "pr"]) == ["prod-eu"]


def test_main_ends_with_the_directive(capsys):
    completion.main(["--yes"])
    out = capsys.readouterr().out.splitlines()
    assert out == ["--yes", ":4"]


def test_output_formats_complete_after_o_and_output_format():
    assert completion.candidates(["-o", "ya"]) == ["yaml"]
    assert completion.candidates(["--output", "custom"]) == ["custom-columns="]
    assert completion.candidates(["--output-format", ""]) == ["text", "chat-json"]
    assert "--output-format" in completion.candidates(["--output"])


def test_the_words_before_the_cursor_say_what_it_names():
    no_namespaces = list
    assert completion.slot(["logs", "of"], no_namespaces) == completion.Slot("object", "pods")
    assert completion.slot(["scale"], no_namespaces) == completion.Slot("object", "deployments")
    assert completion.slot(["describe", "svc"], no_namespaces) == completion.Slot("object", "services")
    assert completion.slot(["list", "pods", "in"], no_namespaces) == completion.Slot("namespace")
    assert completion.slot(["/ns"], no_namespaces) == completion.Slot("namespace")
    assert completion.slot(["pods", "with", "no"], no_namespaces) == completion.Slot("object", "pods")
    assert completion.slot(["hello", "there"], no_namespaces) is None


def test_a_namespace_is_what_the_request_says_and_the_cluster_has():
    def ns():
        return ["prod", "staging"]

    assert completion.stated_namespace(["logs", "in", "staging", "of"], ns) == "staging"
    assert completion.stated_namespace(["logs", "in", "crashloop", "of"], ns) is None
    assert completion.stated_namespace(["-n", "qa", "logs"], ns) == "qa"
    assert completion.stated_namespace(["--namespace=qa", "in", "prod"], ns) == "prod"
