"""Recognising "why is X failing?" and reading a pod's status into facts."""

import pytest

from kubechat.diagnose import _pod_facts, diagnose, parse_request


@pytest.mark.parametrize(
    "text, expected",
    [
        ("why is payments-worker failing in prod?", ("auto", "payments-worker", "prod")),
        ("why is the pod api-7d9 crashing", ("pod", "api-7d9", None)),
        ("Why is deployment web not ready in namespace staging", ("deployment", "web", "staging")),
        ("what's wrong with checkout", ("auto", "checkout", None)),
    ],
)
def test_why_requests_are_recognised(text, expected):
    assert parse_request(text) == expected


@pytest.mark.parametrize("text", ["list pods in prod", "why; rm -rf ~", "delete pod web"])
def test_other_requests_are_not(text):
    assert parse_request(text) is None


def test_crashloop_facts():
    pod = {
        "metadata": {"name": "w"},
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {
                    "name": "c",
                    "restartCount": 4,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "message": "db refused"}},
                }
            ],
        },
    }
    facts = _pod_facts(pod)
    assert any("CrashLoopBackOff" in f for f in facts)
    assert any("exit code 1" in f and "db refused" in f for f in facts)
    assert any("restarted 4 times" in f for f in facts)


def test_unscheduled_pod_facts():
    pod = {
        "metadata": {"name": "r"},
        "status": {
            "phase": "Pending",
            "conditions": [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "reason": "Unschedulable",
                    "message": "0/2 nodes match",
                }
            ],
        },
    }
    assert _pod_facts(pod) == ["pod r is not scheduled: Unschedulable: 0/2 nodes match"]


def test_a_refused_read_is_reported_and_the_diagnosis_goes_on():
    import json

    from kubechat.execute import ExecResult

    pod = {"metadata": {"name": "w"}, "status": {"phase": "Running", "containerStatuses": []}}
    asked = []

    def read(argv):
        asked.append(argv)
        if argv[:2] == ["get", "events"]:
            return "skipped `kubectl get events …`: RBAC: you need `list` on `events` in `prod`"
        return ExecResult(argv=argv, exit_code=0, stdout=json.dumps(pod), stderr="", duration_ms=1)

    finding = diagnose("pod", "w", "prod", read)
    assert [a[:2] for a in asked] == [["get", "pod"], ["get", "events"]]
    assert finding.steps == [asked[0]]  # only what ran
    assert finding.facts == ["skipped `kubectl get events …`: RBAC: you need `list` on `events` in `prod`"]
    assert finding.summary.startswith("skipped `kubectl get events")
