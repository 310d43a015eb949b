"""Golden table for reads (get): type words as people write them, namespace cues in every
position, names after the type word, field selectors and sort keys in words. Our own phrasings."""

import pytest

from kubechat.translate import translate


def cmd(text):
    return translate(text, offline=True, use_model=False).command


@pytest.mark.parametrize(
    "text, want",
    [
        # type words: spaced, clipped, misspelled plurals, dropped double letters, short names
        ("show the endpoint slices in lab", "kubectl get endpointslices -n lab"),
        ("network policys in sandbox-2", "kubectl get networkpolicies -n sandbox-2"),
        ("validating webhook configs please", "kubectl get validatingwebhookconfigurations"),
        ("ingres gateway-b from edge-net as json", "kubectl get ingresses gateway-b -n edge-net -o json"),
        ("ep -n lab", "kubectl get endpoints -n lab"),
        ("deploy in lab", "kubectl get deployments -n lab"),
        # "hpa" is the type unless an autoscaler is being made
        ("hpa in the lab namespace", "kubectl get horizontalpodautoscalers -n lab"),
        (
            "is there an hpa named frontend-x in lab?",
            "kubectl get horizontalpodautoscalers frontend-x -n lab",
        ),
        # a place after the object, before a state asked about
        ("is the sweeper cronjob in maint suspended?", "kubectl get cronjobs sweeper -n maint"),
        ("pdb gw-7 in edge-net yaml", "kubectl get poddisruptionbudgets gw-7 -n edge-net -o yaml"),
        # "for X" / "X events": the place, when nothing else claims X
        ("limitranges for team-lynx", "kubectl get limitranges -n team-lynx"),
        (
            "labsite events sorted by firstTimestamp",
            "kubectl get events -n labsite --sort-by=.firstTimestamp",
        ),
    ],
)
def test_get(text, want):
    assert cmd(text) == want


def test_state_word_is_not_a_place():
    assert cmd("list pods in CrashLoopBackOff") == "kubectl get pods"


@pytest.mark.parametrize(
    "text, want",
    [
        # fields of the object, not labels
        (
            "lab: pods where status.phase is Running",
            "kubectl get pods -n lab --field-selector=status.phase=Running",
        ),
        (
            "pods of lab namespace, just the Pending ones",
            "kubectl get pods -n lab --field-selector=status.phase=Pending",
        ),
        ("list the pods on node n-4", "kubectl get pods --field-selector=spec.nodeName=n-4"),
        ("what pods are running on the node n-4", "kubectl get pods --field-selector=spec.nodeName=n-4"),
        (
            "any pending pods anywhere?",
            "kubectl get pods --all-namespaces --field-selector=status.phase=Pending",
        ),
        (
            "edge: secrets whose type is example.com/token",
            "kubectl get secrets -n edge --field-selector=type=example.com/token",
        ),
        (
            "in edge, list every secret of type kubernetes.io/basic-auth",
            "kubectl get secrets -n edge --field-selector=type=kubernetes.io/basic-auth",
        ),
        (
            "events in lab where type is Normal, as a field selector",
            "kubectl get events -n lab --field-selector=type=Normal",
        ),
        ("show every node along with its labels", "kubectl get nodes --show-labels"),
    ],
)
def test_get_fields(text, want):
    assert cmd(text) == want
