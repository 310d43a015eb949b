"""The semantic comparator used by the accuracy benchmark."""

import pytest

from kubechat.translate.compare import same_command


@pytest.mark.parametrize(
    "a, b",
    [
        ("kubectl get po", "kubectl get pods"),
        ("kubectl get pods -n default", "kubectl get pods"),
        ("kubectl logs -f web", "kubectl logs --follow pod/web"),
        ("kubectl scale --replicas=3 rs/foo", "kubectl scale replicaset foo --replicas 3"),
        ("kubectl label pods foo a=1 b=2", "kubectl label pod/foo b=2 a=1"),
        (
            "kubectl create configmap c --from-literal=a=1 --from-literal=b=2",
            "kubectl create cm c --from-literal=b=2 --from-literal=a=1",
        ),
        ("kubectl get pods -l app=web,tier=fe", "kubectl get pods --selector tier=fe,app=web"),
        ("kubectl logs web --all-containers=true", "kubectl logs web --all-containers"),
        (
            "kubectl create role r --verb=get,list --resource=pods",
            "kubectl create role r --verb=list --verb=get --resource=pods",
        ),
        ("kubectl -n my-ns delete pod,svc --all", "kubectl delete services,pods --all --namespace=my-ns"),
        ("kubectl get pods -o=wide", "kubectl get pods --output wide"),
        (
            "kubectl wait --for=condition=Ready pod/x",
            """kubectl wait --for='jsonpath={.status.conditions[?(@.type=="Ready")].status}=True' pod/x""",
        ),
    ],
)
def test_equivalent(a, b):
    assert same_command(a, b)
    assert same_command(b, a)


@pytest.mark.parametrize(
    "a, b",
    [
        ("kubectl get pods", "kubectl get services"),
        ("kubectl get pods -n prod", "kubectl get pods"),
        ("kubectl logs -f web", "kubectl logs -p web"),
        ("kubectl get -f x.yaml", "kubectl get --follow"),
        ("kubectl scale deploy web --replicas=3", "kubectl scale deploy web --replicas=4"),
        ("kubectl exec web -- ls /a", "kubectl exec web -- ls /b"),
    ],
)
def test_different(a, b):
    assert not same_command(a, b)


def test_slots_match_any_value():
    ref = "kubectl annotate pods <pod_name> <key>=<value> --overwrite"
    assert same_command("kubectl annotate pods web tier=fe --overwrite", ref)
    assert not same_command("kubectl annotate pods web tier=fe", ref)
    assert same_command("kubectl logs web -c app", "kubectl logs <pod_name> --container <container_name>")


def test_none_and_garbage_never_match():
    assert not same_command(None, "kubectl get pods")
    assert not same_command("kubectl get 'pods", "kubectl get pods")
