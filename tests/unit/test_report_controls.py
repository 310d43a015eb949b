"""The evidence report's controls and exceptions, from records the trail signed: a change that ran
unconfirmed, a destructive one confirmed only with yes, one without an RBAC pre-check, and a
failed integrity check are each listed as exceptions, ahead of the controls, which say 'not met'."""

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.ledger.record import PolicyResult, RbacResult
from kubechat.ledger.report import Integrity, build, render_md

ALICE = UserInfo(username="alice")
CHECKED = RbacResult(allowed=True)


def _record(trail, argv, risk, confirmation, rbac=CHECKED, stage="ResponseComplete", exit_code=0, **kw):
    return trail.record(
        RecordInput(
            user=ALICE,
            request=" ".join(argv),
            argv=argv,
            verb=argv[0],
            risk=risk,
            confirmation=confirmation,
            rbac=rbac,
            stage=stage,
            exit_code=exit_code,
            policy=PolicyResult(decision="allow"),
            **kw,
        )
    )


def _records():
    trail = AuditTrail()
    _record(trail, ["get", "pods"], "read", "none")
    _record(trail, ["scale", "deployment", "web", "--replicas=2"], "write", "yes")
    _record(trail, ["delete", "pod", "web-1"], "destructive", "typed")
    return trail, list(trail.spool.records())


def test_controls_hold_and_no_exceptions_on_a_clean_trail():
    trail, records = _records()
    data = build(records, since="2026-11-01", until="2026-11-30T12:00:00Z", integrity=Integrity(True, "ok"))
    assert data.exceptions == []
    assert [c.result for c in data.controls] == ["met", "met", "enforced", "met", "met"]
    md = render_md(data)
    assert "- Period: 01 November 2026, 00:00 UTC to 30 November 2026, 12:00 UTC" in md
    assert md.index("## Exceptions") < md.index("## Controls") and "None: every control held" in md


def test_each_broken_control_is_an_exception_listed_first():
    trail, _ = _records()
    _record(trail, ["label", "pod", "web-1", "a=b"], "write", "none")
    _record(trail, ["delete", "pod", "web-2"], "destructive", "yes")
    _record(trail, ["annotate", "pod", "web-1", "a=b"], "write", "yes", rbac=RbacResult(allowed=None))
    _record(trail, ["delete", "pod", "web-3"], "destructive", "none", stage="Cancelled", exit_code=None)
    records = list(trail.spool.records())
    data = build(records, since=None, until=None, integrity=Integrity(False, "record 4: signature invalid"))
    problems = [(e.command, e.problem) for e in data.exceptions]
    assert problems == [
        ("the audit trail", "integrity check failed: record 4: signature invalid"),
        ("kubectl label pod web-1 a=b", "change ran without confirmation"),
        ("kubectl delete pod web-2", "destructive change ran without a typed confirmation"),
        ("kubectl annotate pod web-1 a=b", "change ran without an RBAC pre-check"),
    ]
    results = {c.name: c.result for c in data.controls}
    assert results["Every change was confirmed before it ran"] == "not met"
    assert results["Every destructive change was confirmed by typing the object's name"] == "not met"
    assert results["Commands are pre-checked against RBAC before they run"] == "not met"
    assert results["The audit trail is intact and signed"] == "not met"
    md = render_md(data)
    assert md.index("change ran without confirmation") < md.index("## Controls")


def test_a_report_given_only_words_about_integrity_does_not_claim_it_verified():
    _, records = _records()
    data = build(records, since=None, until=None, integrity="")
    assert data.controls[-1].result == "not met" and data.exceptions[0].command == "the audit trail"
