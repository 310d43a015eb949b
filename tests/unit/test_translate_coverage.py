"""Namespace cues that must not overreach, imperatives, and coverage: a change that leaves words
of the request unused is a question, never a guess. Our own phrasings throughout."""

import pytest

from kubechat.intent import Intent
from kubechat.translate import translate
from kubechat.translate.coverage import unexplained
from kubechat.translate.resources import BUILTIN_TABLE


def tr(text):
    return translate(text, offline=True, use_model=False)


@pytest.mark.parametrize(
    "text, want",
    [
        # a determiner and no name is not a namespace
        ("list all secrets in the namespace", "kubectl get secrets"),
        # cluster-scoped commands never take -n / -A
        ("make a namespace named teal", "kubectl create namespace teal"),
        ("list nodes in prod", "kubectl get nodes"),
        ("list pvs across all namespaces", "kubectl get persistentvolumes"),
        # X/Y is namespace/name only beside a type word
        ("show cpu/memory use of nodes", "kubectl top node"),
        (
            "the orders/db statefulset needs 2 replicas, scale it",
            "kubectl scale statefulsets db -n orders --replicas=2",
        ),
        ("describe pod shop/api-1", "kubectl describe pods api-1 -n shop"),
        # a place that opens the request
        ("billing: list pods", "kubectl get pods -n billing"),
        ("obs: port-forward deploy dash 9000:9000", "kubectl port-forward deploy/dash 9000:9000 -n obs"),
        ("in billing restart deployment api", "kubectl rollout restart deployment/api -n billing"),
        ("in queue, delete job sweep", "kubectl delete jobs sweep -n queue"),
        ("note: list pods", "kubectl get pods"),
        ("delete the pod cart-1 in shop (it is stuck)", "kubectl delete pods cart-1 -n shop"),
        # "in the <noun>" is a noun phrase
        ("update all deployments in the project with MODE=x", "kubectl set env deployments MODE=x --all"),
        # the namespace a config change sets is its value
        (
            "set my context's default namespace to shop",
            "kubectl config set-context --namespace=shop --current",
        ),
        # imperatives
        ("Do a rolling restart of deployment api", "kubectl rollout restart deployment/api"),
        ("resume the paused deployment web", "kubectl rollout resume deployment/web"),
        # a clause or phrase that only sets the scene
        ("restart web before the demo", "kubectl rollout restart deployment/web"),
        ("add priority class gold with value 500", "kubectl create priorityclass gold --value=500"),
    ],
)
def test_reads_what_was_said(text, want):
    assert tr(text).command == want


@pytest.mark.parametrize(
    "text",
    [
        "get output from app-ctr from pod web-9",  # the container is not a namespace
    ],
)
def test_a_container_is_not_a_namespace(text):
    assert "-n app-ctr" not in (tr(text).command or "")


@pytest.mark.parametrize(
    "text",
    [
        "add priority class gold that cannot preempt lower pods",
        "delete pod web-1 on node gpu-3",  # the node would be dropped
        "create a service named edge of type nodeport",  # kubectl needs a port
        "create a quota named small",  # no limits said
        "create a job from the cron job nightly",  # the new job has no name
        "start a redis pod",  # which image (and registry) is not said
        "roll back to statefulset revision 2",  # which statefulset?
        "forcibly remove one pod sitting on a broken node",  # which pod?
        "show the pods on a specific node",  # a placeholder, not a name
        "set the label field in the blue context to x",  # not a context switch
    ],
)
def test_asks_instead_of_guessing(text):
    t = tr(text)
    assert t.argv is None and t.clarification


def test_unexplained_lists_the_words_the_command_drops():
    it = Intent(verb="delete", resource="pods", names=["web-1"])
    assert unexplained("delete pod web-1 on node gpu-3", it, BUILTIN_TABLE) == ["gpu-3"]
    assert unexplained("please delete the pod web-1 now", it, BUILTIN_TABLE) == []
    # multi-word type names and the flags present account for their words
    it = Intent(
        verb="scale", resource="statefulsets", names=["db"], flags=[{"name": "replicas", "value": "2"}]
    )
    assert unexplained("scale the stateful set db to 2 copies", it, BUILTIN_TABLE) == []


# Why and when around a grounded change is context; a value or an action word left over is not.
@pytest.mark.parametrize(
    "text,want",
    [
        ("the stale-cache hpa in shop is outdated, delete it", "delete horizontalpodautoscalers stale-cache"),
        ("delete pods labelled app=cart in shop so they come back fresh", "delete pods"),
        ("restart deployment cart in shop because the config changed yesterday", "rollout restart"),
        ("scale deployment cart in shop to 4 (the weekend sale is starting)", "scale deployments cart"),
        ("restart deployment cart in shop — customers see stale prices", "rollout restart"),
    ],
)
def test_context_clauses_do_not_block_a_grounded_change(text, want):
    t = translate(text, offline=True, use_model=False)
    assert t.command is not None and want in t.command, t.clarification


@pytest.mark.parametrize(
    "text",
    [
        "delete deployment cart in shop because of ticket ops-4411",  # a value in the aside
        "delete pod web-1 in shop and nothing else but the service",  # a restriction left over
    ],
)
def test_values_and_restrictions_left_over_still_ask(text):
    assert translate(text, offline=True, use_model=False).argv is None
