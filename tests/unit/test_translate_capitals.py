"""A request typed in capitals reads as the same request in lower case: the same command, with
its names and places in lower case (Kubernetes names are); a quoted value keeps its case."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from translate_cases import assert_translates

TEMPLATES = [
    ("list pods in {ns}", "kubectl get pods -n {ns}"),
    ("scale deployment {name} to 4 in {ns}", "kubectl scale deployment {name} -n {ns} --replicas=4"),
    ("restart deployment {name} -n {ns}", "kubectl rollout restart deployment/{name} -n {ns}"),
    ("describe pod {name} in the {ns} namespace", "kubectl describe pod {name} -n {ns}"),
]
# no vowels: never an English word; "q" first: never a type's short name ("csr", "pv")
word = st.from_regex(r"\Aq[b-df-hj-np-tv-z]{2,4}\Z")
name = st.from_regex(r"\Aq[b-df-hj-np-tv-z]{2,4}-[0-9]\Z")


@pytest.mark.parametrize("template, want", TEMPLATES)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(place=word, obj=name)
def test_capitals_read_as_lower_case(template, want, place, obj):
    request_text = template.format(ns=place, name=obj)
    assert_translates(request_text.upper(), want.format(ns=place, name=obj))


def test_quoted_values_and_variable_names_keep_their_case():
    assert_translates(
        "SET ENV DEPLOYMENT QRV-1 FEATURE_Q=ON IN BNK", "kubectl set env deployment qrv-1 FEATURE_Q=ON -n bnk"
    )
    assert_translates("GET LOGS FOR 'QRV-1' IN BNK", "kubectl logs QRV-1 -n bnk")
