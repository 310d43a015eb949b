"""Slot readers on our own phrasings: type lexicon (plurals of short names, kinds in words,
slips), self-corrections, selectors in words, removal of objects chosen by a label."""

import pytest

from kubechat.translate import translate
from kubechat.translate.resources import BUILTIN_TABLE, close_type
from kubechat.translate.rules import apply_corrections


def cmd(text):
    return translate(text, offline=True, use_model=False).command


@pytest.mark.parametrize(
    "text, want",
    [
        ("what pdbs exist cluster-wide", "kubectl get poddisruptionbudgets --all-namespaces"),
        ("list hpas in shop", "kubectl get horizontalpodautoscalers -n shop"),
        ("get pvs", "kubectl get persistentvolumes"),
        ("list pvcs", "kubectl get persistentvolumeclaims"),
        ("list netpols", "kubectl get networkpolicies"),
        ("list csrs", "kubectl get certificatesigningrequests"),
        ("get mutating webhook configurations", "kubectl get mutatingwebhookconfigurations"),
        ("list validatingwebhookconfigurations", "kubectl get validatingwebhookconfigurations"),
        ("list priority classes", "kubectl get priorityclasses"),
        ("list ingress classes", "kubectl get ingressclasses"),
        ("list pod disruption budgets", "kubectl get poddisruptionbudgets"),
        ("get resource quotas in dev", "kubectl get resourcequotas -n dev"),
        ("list statefulsts", "kubectl get statefulsets"),
        ("list persistentvolumeclams", "kubectl get persistentvolumeclaims"),
        ("show namspaces", "kubectl get namespaces"),
        ("describe the api service", "kubectl describe services api"),
        ("scale web to 6, no wait, 7", "kubectl scale deployment web --replicas=7"),
        ("restart web, no wait, api", "kubectl rollout restart deployment/api"),
        ("delete pod a, no wait, delete pod b", "kubectl delete pods b"),
        ("list pods where app is nginx", "kubectl get pods -l app=nginx"),
        ("list pods where the tier label is backend", "kubectl get pods -l tier=backend"),
        ("remove all pods with label run=old in services", "kubectl delete pods -n services -l run=old"),
        ("delete pods labelled app=etl in the jobs namespace", "kubectl delete pods -n jobs -l app=etl"),
        ("remove the label stage from pod api-2", "kubectl label pods api-2 stage-"),
        ("get pods -n default", "kubectl get pods -n default"),
        ("list pods in CrashLoopBackOff", "kubectl get pods"),
        ("list every pod in ps output format", "kubectl get pods"),
        ("open a shell in web-1", "kubectl exec web-1 --stdin --tty -- sh"),
        ("show output of the ls command in pod web-1", "kubectl exec web-1 -- ls"),
    ],
)
def test_slots(text, want):
    assert cmd(text) == want


def test_slips_only_on_long_words():
    names = BUILTIN_TABLE.names()
    assert close_type("deploymnets", names) == "deployments"
    assert close_type("notes", names) is None  # five letters: too close to English
    assert close_type("services", names) is None or close_type("services", names) == "services"


def test_corrections():
    assert apply_corrections("scale api to 5, actually 4") == "scale api to 4"
    assert apply_corrections("actually, list pods") == "list pods"
