"""Golden tables for the workload verbs (port-forward, autoscale, rollout, set image, exec, top,
logs, config): verb choice from how people say it, names after the verb, places before the words
that follow. Our own phrasings."""

import pytest

from kubechat.translate import translate
from kubechat.translate.compare import canonical, split_command


def cmd(text):
    return translate(text, offline=True, use_model=False).command


@pytest.mark.parametrize(
    "text, want",
    [
        (
            "forward local 9000 to port 81 of the ledger service in bank",
            "kubectl port-forward svc/ledger 9000:81 -n bank",
        ),
        (
            "set up autoscaling for relay in lab, min 2 max 9, cpu 55 percent",
            "kubectl autoscale deployment relay -n lab --min=2 --max=9 --cpu=55%",
        ),
        (
            "autoscale relay in lab between 3 and 8 pods at 65% cpu",
            "kubectl autoscale deployment relay -n lab --min=3 --max=8 --cpu=65%",
        ),
        (
            "is the api deployment in lab fully rolled out yet?",
            "kubectl rollout status deployment/api -n lab",
        ),
        (
            "revert relay in lab back to rev 4, fast",
            "kubectl rollout undo deployment/relay -n lab --to-revision=4",
        ),
        (
            "lab: relay broke after the release, undo it to revision 3",
            "kubectl rollout undo deployment/relay -n lab --to-revision=3",
        ),
        ("resume rollout for relay, lab namespace", "kubectl rollout resume deployment/relay -n lab"),
        (
            "update relay container proxy to envoy:1.30 in lab",
            "kubectl set image deployment relay proxy=envoy:1.30 -n lab",
        ),
        (
            "run printenv inside container app of pod relay-0 (ns lab)",
            "kubectl exec relay-0 -n lab --container=app -- printenv",
        ),
        ("per-container usage of pods in lab", "kubectl top pod -n lab --containers"),
        ("logs from the last 20m for job nightly-x in lab", "kubectl logs job/nightly-x -n lab --since=20m"),
        ("last 30 lines of pod web-1", "kubectl logs web-1 --tail=30"),
        ("which contexts are in my kubeconfig", "kubectl config get-contexts"),
        ("which context am i using right now", "kubectl config current-context"),
    ],
)
def test_workload_verbs(text, want):
    assert cmd(text) == want


def test_cpu_percent_is_cpu_with_a_percent_sign():
    a = canonical(split_command("kubectl autoscale deployment w --max=3 --cpu-percent=70"))
    assert a == canonical(split_command("kubectl autoscale deployment w --max=3 --cpu=70%"))
