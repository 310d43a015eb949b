"""A change the request makes wait for a later event or time is never run now: kubectl has no
"when", "once" or "at 02:00", so the answer is a question that says the command would run at once
and names the read that checks the condition. The same request without the condition is the write
(so the question comes from the condition, not from the names)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from translate_cases import assert_translates, names

from kubechat.safety.risk import Risk, classify
from kubechat.translate import translate
from kubechat.translate.compare import same_command

dns = names(r"\A[a-z][a-z0-9]{2,7}(-[a-z0-9]{1,4}){0,2}\Z")

# (the change asked for now, the command it is)
CHANGES = [
    ("remove job {name} -n {ns}", "kubectl delete job {name} -n {ns}"),
    (
        "scale deployment {name} in namespace {ns} to 0",
        "kubectl scale deployment {name} -n {ns} --replicas=0",
    ),
    ("bounce deployment {name} -n {ns}", "kubectl rollout restart deployment/{name} -n {ns}"),
    ("cordon node {name}", "kubectl cordon {name}"),
]
# conditions on a later event or time, said after or before the change
AFTER = [
    "once it has completed",
    "when the migration finishes",
    "after the nightly export is done",
    "as soon as the canary is healthy",
    "if it's still broken in the morning",
    "at 23:30",
    "at 4am",
    "tomorrow",
    "in 20 minutes",
    "on saturday",
]
BEFORE = ["when the batch completes,", "once the import is over,", "after the snapshot finishes,"]


@pytest.mark.parametrize("change, want", CHANGES)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=dns,
    ns=dns,
    condition=st.one_of(
        st.sampled_from(AFTER).map(lambda c: "{change} " + c),
        st.sampled_from(BEFORE).map(lambda c: c + " {change}"),
    ),
)
def test_a_change_put_off_is_a_question_never_the_write(change, want, name, ns, condition):
    now = change.format(name=name, ns=ns)
    plain = translate(now, offline=True, use_model=False)
    assert plain.command is not None and same_command(plain.command, want.format(name=name, ns=ns)), plain

    later = translate(condition.format(change=now), offline=True, use_model=False)
    assert later.argv is None or classify(later.argv) is Risk.READ, (
        f"{condition.format(change=now)!r} ran {later.command!r}"
    )
    if later.argv is not None:
        return  # a read of the condition ("… is done" read as a rollout's status) changes nothing
    assert "at once" in (later.clarification or ""), later.clarification
    assert "kubectl get" in later.clarification or "kubectl wait" in later.clarification


@pytest.mark.parametrize(
    "request_text, want",
    [
        # a time that sets the scene in another clause does not put the change off
        (
            "we patch the db hosts tonight, so please scale deployment quill-api in dunmore to 0",
            "kubectl scale deployment quill-api -n dunmore --replicas=0",
        ),
        # an event that already happened is the reason, not a condition
        (
            "after yesterday's upgrade, restart deployment quill-api in dunmore",
            "kubectl rollout restart deployment/quill-api -n dunmore",
        ),
        # a change someone will make, said as the time of a read, is not the verb
        ("before we bounce anything, list the pods in dunmore", "kubectl get pods -n dunmore"),
        ("once i delete it, show me the services in dunmore", "kubectl get services -n dunmore"),
        # reads are never held back: the condition is what they check
        ("is job vesper-7 in dunmore done yet", "kubectl get job vesper-7 -n dunmore"),
    ],
)
def test_a_condition_only_holds_back_the_change_it_governs(request_text, want):
    assert_translates(request_text, want)
