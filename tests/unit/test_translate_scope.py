"""Scope: a change over every namespace is never narrowed silently nor run unnamed; words that
describe objects ("crashlooping", "installed", "lying around") are never read as their names."""

import itertools

import pytest

from kubechat.safety.risk import Risk, classify
from kubechat.translate import translate


def tr(text):
    return translate(text, offline=True, use_model=False)


EVERYWHERE = [
    "in all namespaces",
    "everywhere",
    "across the cluster",
    "across all namespaces",
    "cluster-wide",
]
WRITES = [
    "restart all deployments {w}",
    "label all pods {w} tier=bronze",
    "annotate every service {w} owner=kestrel",
    "delete all configmaps {w}",
    "scale all deployments {w} to 1",
]


@pytest.mark.parametrize(("write", "where"), list(itertools.product(WRITES, EVERYWHERE)))
def test_a_change_over_every_namespace_asks(write, where):
    t = tr(write.format(w=where))
    assert t.argv is None or classify(t.argv) is Risk.READ, t.command


@pytest.mark.parametrize("where", EVERYWHERE)
def test_a_read_over_every_namespace_keeps_the_scope(where):
    t = tr(f"list all deployments {where}")
    assert t.argv is not None and ("-A" in t.argv or "--all-namespaces" in t.argv), t.command


@pytest.mark.parametrize("ns", ["heron", "blue-pond", "qa7"])
@pytest.mark.parametrize("kind", ["deployments", "statefulsets", "replicasets"])
def test_scaling_a_type_without_a_name_asks_which(kind, ns):
    t = tr(f"scale {kind} in {ns} to 0")
    assert t.argv is None and "which" in (t.clarification or "").lower()


@pytest.mark.parametrize("state", ["crashlooping", "flapping", "wedged", "misbehaving", "zombie"])
@pytest.mark.parametrize("ns", ["heron", "blue-pond"])
def test_a_state_word_before_a_plural_type_is_not_a_name(state, ns):
    t = tr(f"delete the {state} pods in {ns}")
    assert t.argv is None, t.command


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("show whatever {k} exist in {ns}", "deployments"),
        ("are there any {k} lying around in {ns}?", "secrets"),
        ("list the {k} installed in {ns}", "configmaps"),
        ("list the {k} registered in {ns}", "services"),
        ("show the {k} defined in {ns}", "ingresses"),
        ("{k} available in {ns}", "jobs"),
        ("list {k} wise in {ns}", "statefulsets"),
        ("list the {k} w their labels in {ns}", "pods"),
    ],
)
@pytest.mark.parametrize("ns", ["heron", "qa7"])
def test_a_word_describing_listed_objects_is_not_a_name(phrase, kind, ns):
    t = tr(phrase.format(k=kind, ns=ns))
    assert t.argv is not None, t.clarification
    assert t.argv[:2] == ["get", kind] and (len(t.argv) == 2 or t.argv[2].startswith("-")), t.command


@pytest.mark.parametrize(
    ("request_text", "name"),
    [
        ("show deployment heron-api in qa7", "heron-api"),
        ("get pod kestrel in heron", "kestrel"),
        ("describe the kestrel deployment in heron", "kestrel"),
        ("show services billing in qa7", "billing"),
    ],
)
def test_names_still_read(request_text, name):
    t = tr(request_text)
    assert t.argv is not None and name in t.argv, (t.command, t.clarification)


@pytest.mark.parametrize("ns", ["heron", "billing", "sandbox"])
@pytest.mark.parametrize("kind", ["pods", "events", "deployments"])
def test_a_word_opening_a_listing_before_a_plural_type_is_the_place(ns, kind):
    t = tr(f"{ns} {kind}")
    assert t.argv is not None and t.argv[-2:] == ["-n", ns], t.command


@pytest.mark.parametrize("adj", ["evicted", "old", "failing", "stale"])
def test_an_adjective_before_a_plural_type_is_neither_name_nor_place(adj):
    t = tr(f"list {adj} replicasets")
    assert t.argv is not None and adj not in t.argv, t.command
