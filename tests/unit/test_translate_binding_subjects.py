"""A binding the request names a subject for always carries that subject: a service account said
as "sa NAME" or "service-account NAME", with its namespace in brackets ("(tools ns)") or after
"in", becomes --serviceaccount=NS:NAME; a subject that cannot be read is asked for."""

import pytest
from hypothesis import HealthCheck, given, settings
from translate_cases import assert_translates, names

from kubechat.translate import translate

SHAPES = [
    (
        "clusterrolebinding {b}: give sa {who} ({ns} ns) the edit clusterrole",
        "kubectl create clusterrolebinding {b} --clusterrole=edit --serviceaccount={ns}:{who}",
    ),
    (
        "clusterrolebinding {b}: grant service-account {who} ({ns} namespace) the admin clusterrole",
        "kubectl create clusterrolebinding {b} --clusterrole=admin --serviceaccount={ns}:{who}",
    ),
    (
        "rolebinding {b} in {ns}: grant sa {who} the view clusterrole",
        "kubectl create rolebinding {b} -n {ns} --clusterrole=view --serviceaccount={ns}:{who}",
    ),
]
binding = names(r"\Aqb[b-df-hj-np-tv-z]{2,4}\Z")
account = names(r"\Aqa[b-df-hj-np-tv-z]{2,4}\Z")
place = names(r"\Azq[b-df-hj-np-tv-z]{2,4}\Z")


@pytest.mark.parametrize("template, want", SHAPES)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(b=binding, who=account, ns=place)
def test_the_named_service_account_is_bound(template, want, b, who, ns):
    assert_translates(template.format(b=b, who=who, ns=ns), want.format(b=b, who=who, ns=ns))


@pytest.mark.parametrize(
    "request_text",
    [
        "clusterrolebinding qbind: give the watcher the edit clusterrole",
        "clusterrolebinding qbind: give my robot account the edit clusterrole",
    ],
)
def test_an_unreadable_subject_is_asked_for(request_text):
    result = translate(request_text, offline=True, use_model=False)
    assert result.command is None and result.clarification
