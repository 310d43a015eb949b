"""A namespace called like a word of the request language ("top", "watch", "events", "deploy",
"logs", "delete" …) is still the place when a cue says "namespace" outright: it is never dropped,
never read as an object's name, and never chooses the verb. Each keyword is put in place of a
plain namespace in requests of several shapes; the command must be the same with only the
namespace changed. A place said before or after a type in a terse listing is a place too."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from translate_cases import assert_translates

PLACE_WORDS = [
    "top", "watch", "events", "deploy", "logs", "delete", "describe", "scale", "streaming",
    "label", "follow", "wide", "yaml", "restart", "drain", "edit", "exec",
    # words the parser otherwise skips as filler
    "get", "make", "wait", "instance",
]  # fmt: skip
TEMPLATES = [
    ("list the pods in {ns} namespace", "kubectl get pods -n {ns}"),
    ("show pods in namespace {ns}", "kubectl get pods -n {ns}"),
    ("get pods -n {ns}", "kubectl get pods -n {ns}"),
    ("describe pod {name} in namespace {ns}", "kubectl describe pod {name} -n {ns}"),
    ("yaml of pod {name} in namespace {ns}", "kubectl get pod {name} -n {ns} -o yaml"),
    ("rollout history of the {name} statefulset, namespace {ns}", "kubectl rollout history statefulset/{name} -n {ns}"),
    ("get secrets (ns: {ns})", "kubectl get secrets -n {ns}"),
    ("restart deployment {name} ({ns} ns)", "kubectl rollout restart deployment/{name} -n {ns}"),
    ("delete pod {name}, namespace {ns}", "kubectl delete pod {name} -n {ns}"),
    ("scale deployment {name} to 3 in namespace {ns}", "kubectl scale deployment {name} -n {ns} --replicas=3"),
    ("delete pod {name} in the {ns} namespace", "kubectl delete pod {name} -n {ns}"),
    # quoted names: the one after a type is the object, the one after "namespace" the place
    ("erase the configmap '{name}' out of the namespace '{ns}'", "kubectl delete configmap {name} -n {ns}"),
    ('please drop statefulset "{name}" from the namespace "{ns}".', "kubectl delete statefulset {name} -n {ns}"),
]  # fmt: skip
# no vowels: never an English word; "q" first: never a type's short name ("csr", "pv")
name = st.from_regex(r"\Aq[b-df-hj-np-tv-z]{2,4}-[0-9]\Z")


@pytest.mark.parametrize("template, want", TEMPLATES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(place=st.sampled_from(PLACE_WORDS), obj=name)
def test_a_keyword_named_as_the_namespace_is_the_place(template, want, place, obj):
    assert_translates(template.format(ns=place, name=obj), want.format(ns=place, name=obj))


@pytest.mark.parametrize(
    "request_text, want",
    [
        # the cue word leaves the keyword to the place, the verb comes from the rest
        ("list secrets as yaml, in namespace events", "kubectl get secrets -n events -o yaml"),
        (
            "create deployment zrk with image nginx, in ns top",
            "kubectl create deployment zrk --image=nginx -n top",
        ),
        # a place before or after a plural type in a terse listing
        ("qrv-system services", "kubectl get services -n qrv-system"),
        ("list vbn pods", "kubectl get pods -n vbn"),
        ("top pods vbn by cpu", "kubectl top pods -n vbn --sort-by=cpu"),
        ("show me the vbn deployments", "kubectl get deployments -n vbn"),
    ],
)
def test_places_said_around_the_words_of_the_request(request_text, want):
    assert_translates(request_text, want)


@pytest.mark.parametrize(
    "request_text, want",
    [
        # words that pick a namespace without naming it, and a task label before "ns:"
        ("secrets from the current namespace", "kubectl get secrets"),
        (
            "frontdoorx ns: annotate service zrk-1 team=edge",
            "kubectl annotate service zrk-1 team=edge -n frontdoorx",
        ),
    ],
)
def test_words_that_do_not_name_a_place(request_text, want):
    assert_translates(request_text, want)
