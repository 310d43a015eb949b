"""`kubectl chat audit query|export|verify|keys` against the local spool."""

import csv
import io
import json
import sqlite3

import pytest

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.cli import main


def run(capsys, *argv):
    code = 0
    try:
        main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def spool():
    trail = AuditTrail()
    alice, bob = UserInfo(username="alice"), UserInfo(username="bob")
    trail.record(
        RecordInput(
            user=alice,
            request="list pods",
            argv=["kubectl", "get", "pods", "-n", "dev"],
            verb="get",
            object_ref={"namespace": "dev"},
            risk="read",
        )
    )
    trail.record(
        RecordInput(
            user=bob,
            request="delete web",
            argv=["kubectl", "delete", "deploy", "web", "-n", "prod"],
            verb="delete",
            object_ref={"namespace": "prod"},
            risk="destructive",
            policy={"decision": "deny", "reasons": ["prod is protected"]},
            stage="Denied",
        )
    )
    trail.record(
        RecordInput(
            user=alice,
            request="scale web",
            argv=["kubectl", "scale", "deploy/web", "--replicas=3"],
            verb="scale",
            object_ref={"namespace": "dev"},
            risk="write",
            confirmation="yes",
            exit_code=0,
        )
    )
    trail.close()
    return trail.spool.path


def test_query_filters_json(capsys, spool):
    code, out, _ = run(capsys, "audit", "query", "--user", "alice", "-o", "json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["verb"] for r in rows] == ["get", "scale"]
    code, out, _ = run(capsys, "audit", "query", "--decision", "deny", "-o", "json")
    assert [json.loads(line)["user"]["username"] for line in out.splitlines()] == ["bob"]
    code, out, _ = run(capsys, "audit", "query", "-q", "REPLICAS", "-o", "json")
    assert len(out.splitlines()) == 1


def test_query_time_range(capsys, spool):
    _, out, _ = run(capsys, "audit", "query", "--since", "1h", "-o", "json")
    assert len(out.splitlines()) == 3
    _, out, _ = run(capsys, "audit", "query", "--until", "2000-01-01", "-o", "json")
    assert out.strip() == ""


def test_query_table(capsys, spool):
    code, out, _ = run(capsys, "audit", "query", "--risk", "destructive")
    assert code == 0 and "bob" in out and "alice" not in out


def test_bad_time_is_a_message_not_a_traceback(capsys, spool):
    code, _, err = run(capsys, "audit", "query", "--since", "yesterday-ish")
    assert code == 2 and "cannot read time" in err and "Traceback" not in err


def test_export_csv_to_file(capsys, spool, tmp_path):
    out_file = tmp_path / "out.csv"
    code, _, err = run(capsys, "audit", "export", "--format", "csv", "-f", str(out_file))
    rows = list(csv.DictReader(io.StringIO(out_file.read_text())))
    assert code == 0 and "wrote 3 records" in err and rows[1]["decision"] == "deny"


def test_export_cef_stdout(capsys, spool):
    _, out, _ = run(capsys, "audit", "export", "--format", "cef", "--verb", "delete")
    assert out.startswith("CEF:0|") and len(out.splitlines()) == 1


def test_verify_ok_then_tampered(capsys, spool):
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0 and "3 records" in out
    db = sqlite3.connect(spool)
    body = json.loads(db.execute("SELECT body FROM records WHERE seq = 2").fetchone()[0])
    body["policy"]["decision"] = "allow"
    db.execute(
        "UPDATE records SET body = ? WHERE seq = 2",
        (json.dumps(body, sort_keys=True, separators=(",", ":")).encode(),),
    )
    db.commit()
    db.close()
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 1 and "record 2" in out and "signature" in out


def test_keys_rotate_offline(capsys, spool):
    code, out, _ = run(capsys, "audit", "keys", "rotate", "--user", "alice")
    assert code == 0 and "now signing with" in out
    code, out, _ = run(capsys, "audit", "keys", "list")
    assert len(out.splitlines()) == 2 and sum(line.startswith("*") for line in out.splitlines()) == 1
    assert run(capsys, "audit", "verify")[0] == 0


def test_report_md_and_html(capsys, spool, tmp_path):
    code, out, _ = run(capsys, "audit", "report", "--since", "1d", "--format", "md")
    assert (
        code == 0
        and "## Activity by user" in out
        and "prod is protected" in out
        and "chain and signatures intact" in out
    )
    html_file = tmp_path / "r.html"
    run(capsys, "audit", "report", "--format", "html", "-f", str(html_file))
    assert "<table>" in html_file.read_text()


def test_report_pdf(capsys, spool, tmp_path):
    pdf = tmp_path / "r.pdf"
    code, _, _ = run(capsys, "audit", "report", "--format", "pdf", "-f", str(pdf))
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF")


def test_ship_without_collector_is_usage_error(capsys, spool, monkeypatch):
    monkeypatch.delenv("KUBECHAT_COLLECTOR_URL", raising=False)
    code, _, err = run(capsys, "audit", "ship")
    assert code == 2 and "no collector URL" in err


def test_prune_never_drops_unshipped(capsys, spool):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kubechat.collector.crypto import CheckpointSigner

    key = CheckpointSigner(Ed25519PrivateKey.generate()).public_b64
    code, out, err = run(capsys, "audit", "prune", "--shipped-before", "0s", "--collector-key", key)
    assert code == 0 and "removed 0" in out, err
    assert run(capsys, "audit", "verify")[1].count("3 records") == 1


def test_prune_without_the_collector_key_is_a_clear_error(capsys, spool, monkeypatch):
    monkeypatch.delenv("KUBECHAT_COLLECTOR_KEY", raising=False)
    code, _, err = run(capsys, "audit", "prune", "--shipped-before", "0s")
    assert code == 1 and "checkpoint public key" in err


@pytest.mark.parametrize("command", ["ship", "verify", "query", "export"])
def test_plain_http_collector_is_refused_with_one_line(capsys, spool, monkeypatch, command):
    monkeypatch.setenv("KUBECHAT_INSECURE_LOOPBACK", "1")  # opens loopback only
    code, out, err = run(capsys, "audit", command, "--collector", "http://collector.example:8080")
    assert code != 0 and "refusing plain-HTTP URL http://collector.example:8080" in err
    assert "Traceback" not in err and out == ""


def test_limit_returns_the_newest_records(capsys, spool):
    code, out, _ = run(capsys, "audit", "query", "--limit", "2", "-o", "json")
    assert code == 0
    assert [json.loads(ln)["request"] for ln in out.splitlines()] == ["delete web", "scale web"]


def test_report_format_follows_the_file_extension(capsys, spool, tmp_path):
    code, _, err = run(capsys, "audit", "report", "-f", str(tmp_path / "r.pdf"))
    assert code == 0 and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    run(capsys, "audit", "report", "-f", str(tmp_path / "r.html"))
    assert "<html" in (tmp_path / "r.html").read_text().lower()
