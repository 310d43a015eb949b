"""Values a request gives for a flag kubectl has are used, never left over to make a question:
a drain's timeout, the count a scale changes from when it should happen only at that count,
the container port an expose forwards to."""

import pytest
from translate_cases import assert_translates


@pytest.mark.parametrize(
    "request_text, want",
    [
        ("drain zk-9, ignore daemonsets, timeout 4m", "kubectl drain zk-9 --ignore-daemonsets --timeout=4m"),
        ("drain zk-9 with a timeout of 90s", "kubectl drain zk-9 --timeout=90s"),
        ("scale qrv from 5 to 7, only if it is at 5", "kubectl scale deployment qrv --current-replicas=5 --replicas=7"),
        ("scale qrv in bnk from 1 to 2 provided it is currently 1", "kubectl scale deployment qrv -n bnk --current-replicas=1 --replicas=2"),
        ("expose deployment qrv on port 81 -> container 9091", "kubectl expose deployment qrv --port=81 --target-port=9091"),
        ("expose deployment qrv on port 443 to 8443", "kubectl expose deployment qrv --port=443 --target-port=8443"),
        ("expose deployment qrv on port 80", "kubectl expose deployment qrv --port=80"),
    ],
)  # fmt: skip
def test_flag_values_are_used(request_text, want):
    assert_translates(request_text, want)


def test_a_count_changed_from_without_a_condition_is_no_precondition():
    from kubechat.translate import translate

    # "from 4 to 1" alone does not ask kubectl to check the count: nothing guesses it
    got = translate("scale qrv from 4 to 1", offline=True, use_model=False)
    assert got.argv is None or "--current-replicas=4" not in got.argv


@pytest.mark.parametrize(
    "request_text, want",
    [
        # sets and existence, in kubectl's selector syntax
        ("secrets in bnk with tier in (web,api)", "kubectl get secrets -n bnk -l 'tier in (web,api)'"),
        ("secrets in bnk with tier notin (web, api)", "kubectl get secrets -n bnk -l 'tier notin (web,api)'"),
        ("deployments whose stage label is qv or zk, in bnk", "kubectl get deployments -n bnk -l 'stage in (qv,zk)'"),
        ("pods whose tier is web, api or db", "kubectl get pods -l 'tier in (web,api,db)'"),
        ("list deployments without a tier label in bnk", "kubectl get deployments -n bnk -l '!tier'"),
        ("services in bnk that carry no owner label", "kubectl get services -n bnk -l '!owner'"),
        ("pods where tier is web", "kubectl get pods -l tier=web"),
        # a node's zone is its well-known label
        ("which nodes sit in eu-north-2c?", "kubectl get nodes -l topology.kubernetes.io/zone=eu-north-2c"),
        ("list nodes in zone zq-2", "kubectl get nodes -l topology.kubernetes.io/zone=zq-2"),
        ("list pods in zq-2", "kubectl get pods -n zq-2"),
    ],
)  # fmt: skip
def test_selectors_with_sets_absence_and_zones(request_text, want):
    assert_translates(request_text, want)


@pytest.mark.parametrize(
    "request_text, want",
    [
        # a size in bytes said on its own is memory
        ("set limits for the app container of deployment zrk to 3 cpu and 2Gi", "kubectl set resources deployment/zrk -c app --limits=cpu=3,memory=2Gi"),
        ("set limits on deployment zrk to 2 cpu and 512Mi", "kubectl set resources deployment/zrk --limits=cpu=2,memory=512Mi"),
        # a container named before "logs of POD"
        ("envoy-side logs of zrk-1 in bnk", "kubectl logs zrk-1 -n bnk -c envoy-side"),
        ("error logs of zrk-1", "kubectl logs zrk-1"),
        # a run's labels said as a participle
        ("run pod zrk with image nginx labelled app=zrk", "kubectl run zrk --image=nginx --labels=app=zrk"),
        # a bare count closing a deployment's create is how many replicas
        ("create deployment zrk with image nginx:1.2, 3", "kubectl create deployment zrk --image=nginx:1.2 --replicas=3"),
        ("create deployment zrk with image nginx:1.2, 4 copies", "kubectl create deployment zrk --image=nginx:1.2 --replicas=4"),
    ],
)  # fmt: skip
def test_values_said_in_other_words(request_text, want):
    assert_translates(request_text, want)


@pytest.mark.parametrize(
    "request_text, want",
    [
        # a manifest file or a kustomization directory is what apply and delete act on
        ("apply zrk-stack.yaml", "kubectl apply -f zrk-stack.yaml"),
        ("apply -f zrk.yaml in bnk", "kubectl apply -f zrk.yaml -n bnk"),
        ("apply the kustomization at deploy/overlays/qa", "kubectl apply -k deploy/overlays/qa"),
        ("delete what is described in stale.yml", "kubectl delete -f stale.yml"),
        ("delete the objects in zrk/manifest.yml from bnk", "kubectl delete -f zrk/manifest.yml -n bnk"),
        # a label applied is still a label
        ("apply label team=x to pod zrk-1", "kubectl label pod zrk-1 team=x"),
    ],
)  # fmt: skip
def test_manifests_and_kustomizations(request_text, want):
    assert_translates(request_text, want)


def test_apply_without_a_file_asks_which():
    from kubechat.translate import translate

    got = translate("apply the file", offline=True, use_model=False)
    assert got.argv is None and "manifest" in got.clarification
