"""CEF and LEEF 2.0 escaping (checked against the specs' own examples), CSV and JSON exports."""

import csv
import io
import json

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.ledger.formats import cef_line, export, leef_line, to_cef, to_leef


# Examples from the ArcSight Common Event Format specification.
def test_cef_spec_example_pipe_in_header():
    line = cef_line(
        "security", "threatmanager", "1.0", "100", "detected a | in message", 10, {"src": "10.0.0.1"}
    )
    assert line == "CEF:0|security|threatmanager|1.0|100|detected a \\| in message|10|src=10.0.0.1"


def test_cef_spec_example_backslash_in_header_and_extension():
    line = cef_line(
        "security",
        "threatmanager",
        "1.0",
        "100",
        "detected a \\ in packet",
        10,
        {"src": "10.0.0.1", "act": "blocked a \\", "dst": "1.1.1.1"},
    )
    assert line == (
        "CEF:0|security|threatmanager|1.0|100|detected a \\\\ in packet|10|src=10.0.0.1 act=blocked a \\\\ dst=1.1.1.1"
    )


def test_cef_spec_example_equals_and_pipe_in_extension():
    line = cef_line(
        "security", "threatmanager", "1.0", "100", "detected a = in message", 10, {"act": "blocked a = |"}
    )
    # `=` is escaped in extensions, not in the header; `|` is not escaped in extensions.
    assert line == "CEF:0|security|threatmanager|1.0|100|detected a = in message|10|act=blocked a \\= |"


def test_cef_spec_example_multiline_value():
    line = cef_line("v", "p", "1", "1", "n", 1, {"msg": "Detected a threat.\nNo action needed."})
    assert line.endswith("msg=Detected a threat.\\nNo action needed.")
    assert "\n" not in line


def test_cef_header_newline_removed():
    assert "\n" not in cef_line("v", "p", "1", "1", "two\nlines", 1, {})


def test_leef2_header_and_tab_delimiter():
    line = leef_line("Lancope", "StealthWatch", "1.0", "41", {"src": "10.0.1.8", "dst": "10.0.0.5"})
    assert line == "LEEF:2.0|Lancope|StealthWatch|1.0|41|x09|src=10.0.1.8\tdst=10.0.0.5"


def test_leef2_escaping():
    line = leef_line("a|b", "p", "1", "e", {"msg": "tab\there\nnew \\ line"})
    assert line.startswith("LEEF:2.0|a\\|b|p|1|e|x09|")
    body = line.split("|x09|", 1)[1]
    assert body == "msg=tab\\there\\nnew \\\\ line"
    assert body.count("\t") == 0


def _records():
    trail = AuditTrail()
    user = UserInfo(username="alice", groups=["dev"])
    trail.record(
        RecordInput(
            user=user,
            request='delete pod "web|1" = gone\nnow',
            argv=["kubectl", "delete", "pod", "web-1", "-n", "prod"],
            verb="delete",
            object_ref={"resource": "pods", "namespace": "prod", "name": "web-1"},
            risk="destructive",
            policy={"decision": "allow", "confirm": "typed", "reasons": ["prod is protected"]},
            confirmation="typed",
            exit_code=0,
        )
    )
    return list(trail.spool.records())


def test_record_to_cef_and_leef_single_line():
    (record,) = _records()
    cef = to_cef(record)
    assert cef.startswith("CEF:0|kubectl-chat|kubectl chat|")
    assert "|8|" in cef  # destructive severity
    assert "suser=alice" in cef and "\n" not in cef
    assert 'msg=delete pod "web|1" \\= gone\\nnow' in cef
    leef = to_leef(record)
    assert leef.startswith("LEEF:2.0|kubectl-chat|kubectl chat|") and "\n" not in leef
    pairs = dict(p.split("=", 1) for p in leef.split("|x09|", 1)[1].split("\t"))
    assert (
        pairs["usrName"] == "alice" and pairs["cat"] == "destructive" and pairs["auditID"] == record.auditID
    )


def test_csv_and_json_exports_round_trip():
    records = _records()
    buf = io.StringIO()
    assert export(records, "csv", buf) == 1
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert rows[0]["request"] == 'delete pod "web|1" = gone\nnow'
    assert rows[0]["confirmation"] == "typed"
    buf = io.StringIO()
    export(records, "json", buf)
    assert json.loads(buf.getvalue())["auditID"] == records[0].auditID


def test_csv_formula_injection_neutralised():
    from kubechat.ledger.formats import csv_cell

    assert csv_cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell("+1") == "'+1"
    assert csv_cell("get pods") == "get pods" and csv_cell("") == ""
    trail = AuditTrail()
    trail.record(RecordInput(user=UserInfo(username="mallory"), request="=cmd|' /C calc'!A0"))
    buf = io.StringIO()
    export(trail.spool.records(), "csv", buf)
    row = next(csv.DictReader(io.StringIO(buf.getvalue())))
    assert row["request"].startswith("'=")
