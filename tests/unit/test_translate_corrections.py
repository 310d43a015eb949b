"""A value the request corrects ("…, no, 6", "… - wait, 1.4.1", "sorry, I meant web-2", "no wait,
in depot") replaces the value it corrects, of the same make: a count, an image tag, a name or a
place; a lone "no" that is no correction ("…, no restarts") changes nothing."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from translate_cases import assert_translates

MARKERS = [
    ", no, ",
    " - wait, ",
    ", no wait, ",
    ", sorry, I meant ",
    " - sorry, i meant ",
    ", no wait, make it ",
]
# no vowels: never an English word; "q" first: never a type's short name ("csr", "pv")
word = st.from_regex(r"\Aq[b-df-hj-np-tv-z]{2,4}\Z")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(marker=st.sampled_from(MARKERS), obj=word, place=word, old=st.integers(1, 9), new=st.integers(10, 20))
def test_a_corrected_count_replaces_the_first(marker, obj, place, old, new):
    assume(obj != place)
    assert_translates(
        f"scale deployment {obj} to {old} in {place}{marker}{new}",
        f"kubectl scale deployment {obj} -n {place} --replicas={new}",
    )


@pytest.mark.parametrize(
    "request_text, want",
    [
        # a tag said alone replaces the tag of the image, not the image
        ("set image deployment zrk app=zrk:2.0.0 - wait, 2.0.1", "kubectl set image deployment zrk app=zrk:2.0.1"),
        ("set image deployment zrk app=reg.io/zrk:v1.9 (ns bnk), no, v1.10", "kubectl set image deployment zrk app=reg.io/zrk:v1.10 -n bnk"),
        # a name replaces the name of the same make, not the place
        ("restart deployment zrk-1, sorry, I meant zrk-2", "kubectl rollout restart deployment/zrk-2"),
        ("restart deployment zrk-1 in bnk, sorry I meant zrk-2", "kubectl rollout restart deployment/zrk-2 -n bnk"),
        # a place corrected with its cue word
        ("list secrets in bnk, no, in qvt", "kubectl get secrets -n qvt"),
        ("describe pod zrk-1 in bnk, no wait, in qvt", "kubectl describe pod zrk-1 -n qvt"),
        # a "no" that corrects nothing
        ("get pods in bnk, no restarts please", "kubectl get pods -n bnk"),
    ],
)  # fmt: skip
def test_corrected_values(request_text, want):
    assert_translates(request_text, want)


@pytest.mark.parametrize(
    "request_text",
    [
        # a name unlike the object's, after both an object and a place: which one it corrects is
        # not said, so nothing is run
        "restart deployment zrk-1 in bnk, no, qvt-2",
        "delete pod zrk-1 in bnk - wait, qvt-4",
    ],
)
def test_a_correction_that_could_be_the_object_or_the_place_is_a_question(request_text):
    from kubechat.translate import translate

    assert translate(request_text, offline=True, use_model=False).argv is None
