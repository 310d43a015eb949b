"""A write keeps the place the request names for its object: 'in X' right after the object
(a type and a name) is its namespace even when more words follow, and a common noun closing the
request right after a pod's name ("… of web-3 in folder") is where that pod lives. A container
named like a keyword ("the tail container", "-c watch") is kept, never left out. Object names and
places are generated and swapped between the shapes."""

import pytest
from hypothesis import HealthCheck, given, settings
from translate_cases import assert_translates, names

SHAPES = [
    (
        "hand deployment {obj} in {ns} resource requests of cpu 150m and memory 96Mi",
        "kubectl set resources deployment/{obj} -n {ns} --requests=cpu=150m,memory=96Mi",
    ),
    (
        "set statefulset {obj} in {ns} resource limits of memory 2Gi",
        "kubectl set resources statefulset/{obj} -n {ns} --limits=memory=2Gi",
    ),
    (
        "open bash in the scribe container of {obj}-4 in {ns}",
        "kubectl exec -it {obj}-4 -c scribe -n {ns} -- /bin/bash",
    ),
    (
        "sh into the scribe container of pod {obj}-4 in {ns}",
        "kubectl exec -it {obj}-4 -c scribe -n {ns} -- sh",
    ),
]
place = names(r"\Azq[b-df-hj-np-tv-z]{3,5}\Z")
obj = names(r"\Aq[b-df-hj-np-tv-z]{2,4}\Z")


@pytest.mark.parametrize("template, want", SHAPES)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ns=place, name=obj)
def test_the_place_after_the_object_is_kept(template, want, ns, name):
    assert_translates(template.format(obj=name, ns=ns), want.format(obj=name, ns=ns))


# (place word, container word): a common noun closing the request after a pod's name is its
# place; a keyword said as the container's name is that container
POD_CASES = [("files", "scribe"), ("folder", "tail"), ("directory", "watch"), ("errors", "events")]


@pytest.mark.parametrize("place_word, container", POD_CASES)
def test_a_pods_place_and_container_are_kept(place_word, container):
    assert_translates(
        f"sh into the {container} container of qrx-4 in {place_word}",
        f"kubectl exec -it qrx-4 -c {container} -n {place_word} -- sh",
    )
    assert_translates(
        f"bash into pod qrx-4 in {place_word}", f"kubectl exec -it qrx-4 -n {place_word} -- /bin/bash"
    )
    assert_translates(f"exec into qrx-4 -c {container} -- sh", f"kubectl exec -it qrx-4 -c {container} -- sh")


def test_a_shell_after_a_pod_name_is_no_place():
    assert_translates("exec into qrx-4 in bash", "kubectl exec -it qrx-4 -- /bin/bash")
