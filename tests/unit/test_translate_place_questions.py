"""Questions about a place itself: "what's in X" (no type said) lists every common type there
(`get all -n X`), and "does namespace X exist" reads that namespace object, for any names."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubechat.translate import translate
from kubechat.translate.compare import same_command
from kubechat.translate.resources import BUILTIN_TABLE
from kubechat.translate.rules import KEYWORDS, STOP

_RESERVED = STOP | KEYWORDS | set(BUILTIN_TABLE.names()) | {"it", "sh", "now", "all", "then"}
place = st.from_regex(r"\A[a-z][a-z0-9]{2,7}(-[a-z0-9]{1,4})?\Z").filter(
    lambda w: w not in _RESERVED and not w.isdigit()
)

SHAPES = [
    ("what's in {ns}?", "kubectl get all -n {ns}"),
    ("whats running in the {ns} namespace", "kubectl get all -n {ns}"),
    ("what is deployed in ns {ns}", "kubectl get all -n {ns}"),
    ("does namespace {ns} exist", "kubectl get namespace {ns}"),
    ("is there a namespace called {ns}?", "kubectl get namespace {ns}"),
    ("does the {ns} namespace exist yet", "kubectl get namespace {ns}"),
]


@pytest.mark.parametrize("template, want", SHAPES)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ns=place)
def test_a_question_about_a_place_reads_the_place(template, want, ns):
    request = template.format(ns=ns)
    got = translate(request, offline=True, use_model=False).command
    assert got is not None and same_command(got, want.format(ns=ns)), f"{request!r}: {got!r}"


@pytest.mark.parametrize(
    "request_text, want",
    [
        # a type said keeps its own reading
        ("does configmap tolk-2 exist in namespace brin", "kubectl get configmap tolk-2 -n brin"),
        ("what deployments are in brin", "kubectl get deployments -n brin"),
        ("what is running on node tolk-2", "kubectl get pods --field-selector=spec.nodeName=tolk-2"),
    ],
)
def test_a_type_said_is_kept(request_text, want):
    got = translate(request_text, offline=True, use_model=False).command
    assert got is not None and same_command(got, want), f"{request_text!r}: {got!r}"
