"""Questions about a place itself: "what's in X" (no type said) lists every common type there
(`get all -n X`), and "does namespace X exist" reads that namespace object, for any names."""

import pytest
from hypothesis import HealthCheck, given, settings
from translate_cases import assert_translates, names

place = names(r"\A[a-z][a-z0-9]{2,7}(-[a-z0-9]{1,4})?\Z")

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
    assert_translates(template.format(ns=ns), want.format(ns=ns))


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
    assert_translates(request_text, want)
