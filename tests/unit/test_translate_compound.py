"""A request that asks for two commands one after the other never runs a part of it, nor a merge of
its parts: the answer is a question naming the commands to run one at a time. Where kubectl takes
both parts as one command (two names of one type for the same verb), that command is the answer."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from translate_cases import assert_translates, names

from kubechat.translate import translate
from kubechat.translate.compare import same_command

dns = names(r"\A[a-z][a-z0-9]{2,7}(-[a-z0-9]{1,4}){0,2}\Z")

# two requests, each a command alone; {a} {b} names, {ns} a namespace
FIRST = [
    ("scale deployment {a} -n {ns} to 0", "kubectl scale deployment {a} -n {ns} --replicas=0"),
    ("cordon node {a}", "kubectl cordon {a}"),
    ("restart deployment {a} -n {ns}", "kubectl rollout restart deployment/{a} -n {ns}"),
]
SECOND = [
    ("delete deployment {b} -n {ns}", "kubectl delete deployment {b} -n {ns}"),
    ("show the logs of pod {b} -n {ns}", "kubectl logs {b} -n {ns}"),
    ("describe pod {b} -n {ns}", "kubectl describe pod {b} -n {ns}"),
]
JOINS = ["{x} and {y}", "{x} then {y}", "{x}, then {y}", "{x}; {y}", "{x} and after that {y}"]


@pytest.mark.parametrize("first, first_cmd", FIRST)
@pytest.mark.parametrize("second, second_cmd", SECOND)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=dns, b=dns, ns=dns, join=st.sampled_from(JOINS))
def test_two_commands_are_a_question_naming_both(first, first_cmd, second, second_cmd, a, b, ns, join):
    values = {"a": a, "b": b, "ns": ns}
    x, y = first.format(**values), second.format(**values)
    for alone, want in ((x, first_cmd), (y, second_cmd)):
        got = translate(alone, offline=True, use_model=False).command
        assert got is not None and same_command(got, want.format(**values)), (alone, got)
    both = translate(join.format(x=x, y=y), offline=True, use_model=False)
    assert both.argv is None, f"{join.format(x=x, y=y)!r} ran {both.command!r}"
    assert "one at a time" in (both.clarification or ""), both.clarification
    # the question names the parts (the first part by its verb and name at least)
    assert a in both.clarification and b in both.clarification


@pytest.mark.parametrize(
    "request_text, want",
    [
        # kubectl takes both: one command
        ("delete pods ulmo-1 and ulmo-2 in ns brandy", "kubectl delete pods ulmo-1 ulmo-2 -n brandy"),
        ("get pods and services in brandy", "kubectl get pods,services -n brandy"),
        # an "and" inside one command's own wording
        ("exec into ulmo-1 in brandy and run ls", "kubectl exec ulmo-1 -n brandy -- ls"),
        ("list pods in brandy and show labels", "kubectl get pods -n brandy --show-labels"),
    ],
)
def test_an_and_inside_one_command_stays_one_command(request_text, want):
    assert_translates(request_text, want)


@pytest.mark.parametrize(
    "request_text",
    [
        "cordon node elbe-4 then drain it",
        "bounce deployment ulmo in brandy and ulmo-db's logs",
        "restart deployment ulmo and deployment varda -n brandy",
    ],
)
def test_a_part_that_does_not_parse_alone_is_never_dropped(request_text):
    got = translate(request_text, offline=True, use_model=False)
    assert got.argv is None, f"{request_text!r} ran {got.command!r}"
