"""A keyword cue ("watch", "follow", "all", "wide", "yaml", "previous", "force", "now", "it", "sh" …)
never fires on a part of a name joined by '-' or '.': the name is one word. Each keyword is put at
the start, the end and the middle of generated names, joined by hyphens or dots; the command must be
the one the same request gives for a name without the keyword, with only the name changed."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from translate_cases import assert_translates

KEYWORDS = [
    "watch", "follow", "all", "wide", "yaml", "json", "previous", "force", "now", "it", "sh",
    "tail", "live", "stream", "labels", "every", "immediately", "interactive", "bash", "name",
    # verb words: a name never chooses the verb
    "delete", "remove", "kill", "scale", "restart", "drain", "cordon", "undo", "exec", "edit", "patch",
]  # fmt: skip
TEMPLATES = [
    ("get pod {name} -n {ns}", "kubectl get pod {name} -n {ns}"),
    ("logs of pod {name} in namespace {ns}", "kubectl logs {name} -n {ns}"),
    ("describe deployment {name} -n {ns}", "kubectl describe deployment {name} -n {ns}"),
    ("delete pod {name} -n {ns}", "kubectl delete pod {name} -n {ns}"),
    ("restart deployment {name} -n {ns}", "kubectl rollout restart deployment/{name} -n {ns}"),
]
part = st.from_regex(r"\A[b-df-hj-np-tv-z]{2,5}[0-9]?\Z")  # no vowels: never an English word
ns = st.from_regex(r"\A[b-df-hj-np-tv-z]{3,6}\Z")


@st.composite
def joined_names(draw):
    keyword = draw(st.sampled_from(KEYWORDS))
    joint = draw(st.sampled_from(["-", "."]))
    a, b = draw(part), draw(part)
    where = draw(st.sampled_from(["start", "end", "middle"]))
    words = {"start": [keyword, a], "end": [a, keyword], "middle": [a, keyword, b]}[where]
    return joint.join(words)


@pytest.mark.parametrize("template, want", TEMPLATES)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=joined_names(), place=ns)
def test_a_keyword_inside_a_joined_name_is_part_of_the_name(template, want, name, place):
    assert_translates(template.format(name=name, ns=place), want.format(name=name, ns=place))


@pytest.mark.parametrize(
    "request_text, want",
    [
        # the same keywords as words of their own still count
        ("logs of pod brq-7 in namespace zvk, follow", "kubectl logs brq-7 -n zvk --follow"),
        ("get pod brq-7 -n zvk wide", "kubectl get pod brq-7 -n zvk -o wide"),
        # a flag typed out is read by its words
        ("drain node brq-7 using --delete-emptydir-data", "kubectl drain brq-7 --delete-emptydir-data"),
    ],
)
def test_a_keyword_of_its_own_still_counts(request_text, want):
    assert_translates(request_text, want)


@pytest.mark.parametrize(
    "request_text, want",
    [
        ("describe hpa rm brin", "kubectl describe hpa rm -n brin"),
        ("rm pod brq-7 -n zvk", "kubectl delete pod brq-7 -n zvk"),
    ],
)
def test_rm_asks_for_a_delete_only_at_a_verbs_place(request_text, want):
    assert_translates(request_text, want)
