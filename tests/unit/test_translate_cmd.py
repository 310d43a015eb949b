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


def test_missing_model_warns_and_rules_still_work(tmp_path):
    res = CliRunner().invoke(
        cli,
        ["translate", "--offline", "--model", str(tmp_path / "nope.gguf"), "--jsonl"],
        input="get nodes\n",
    )
    assert res.exit_code == 0
    assert "does not exist" in res.output or "not installed" in res.output
    row = json.loads([line for line in res.output.splitlines() if line.startswith("{")][0])
    assert row["command"] == "kubectl get nodes" and row["source"] == "rules"


def test_single_request_prints_the_command():
    res = CliRunner().invoke(cli, ["translate", "--offline", "--rules-only", "describe", "pod", "web-1"])
    assert res.exit_code == 0 and res.output.strip() == "kubectl describe pods web-1"
