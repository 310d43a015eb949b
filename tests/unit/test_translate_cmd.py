"""`kubectl chat translate --jsonl`: one JSON object per request line."""

import json

from click.testing import CliRunner

from kubechat.cli import cli

FIELDS = {"input", "command", "argv", "risk", "source", "clarification", "latency_ms"}


def test_jsonl_batch_offline_rules_only():
    requests = "list pods in prod\n\nscale web to 3\ndelete everything\n"
    res = CliRunner().invoke(cli, ["translate", "--offline", "--rules-only", "--jsonl"], input=requests)
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines() if line.startswith("{")]
    assert [r["input"] for r in rows] == ["list pods in prod", "scale web to 3", "delete everything"]
    assert all(FIELDS <= set(r) for r in rows)
    assert rows[0]["command"] == "kubectl get pods -n prod" and rows[0]["argv"] == [
        "get",
        "pods",
        "-n",
        "prod",
    ]
    assert rows[0]["source"] == "rules" and rows[0]["risk"] in (None, "read")
    assert rows[1]["argv"][:3] == ["scale", "deployment", "web"]
    assert rows[2]["command"] is None and rows[2]["argv"] is None and rows[2]["clarification"]


def test_missing_model_warns_once_and_rules_still_work(tmp_path):
    res = CliRunner().invoke(
        cli,
        ["translate", "--offline", "--model", str(tmp_path / "nope.gguf"), "--jsonl"],
        # the last two have no grounded rule answer, so the model is asked (and missing) twice
        input="get nodes\nbilling-api deployment needs a kick\nzorp the frobnicator\nblarg wibble quux\n",
    )
    assert res.exit_code == 0
    assert res.output.count("does not exist") == 1  # one warning for the batch
    rows = [json.loads(line) for line in res.output.splitlines() if line.startswith("{")]
    assert rows[0]["command"] == "kubectl get nodes" and rows[0]["source"] == "rules"
    assert rows[1]["source"] == "rules" and rows[1]["argv"] == ["get", "deployments", "billing-api"]


def test_single_request_prints_the_command():
    res = CliRunner().invoke(cli, ["translate", "--offline", "--rules-only", "describe", "pod", "web-1"])
    assert res.exit_code == 0 and res.output.strip() == "kubectl describe pods web-1"


def test_model_is_not_loaded_when_the_rules_are_sure(monkeypatch):
    from kubechat.translate import model

    calls = []
    monkeypatch.setattr(model.ModelTranslator, "load", classmethod(lambda cls, path=None: calls.append(path)))
    model._cached.clear()
    res = CliRunner().invoke(cli, ["translate", "--offline", "--jsonl"], input="list pods\nscale web to 2\n")
    assert res.exit_code == 0 and calls == []
