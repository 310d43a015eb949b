"""Verb forms read from the shapes people use, whatever the names: copies, waits, resources,
RBAC and other creates. Every value comes from the request; what is missing is asked for."""

from __future__ import annotations

import pytest

from kubechat.translate import translate

PLACES = ["shop", "team-blue", "ops2"]
PODS = ["cache-0", "api-7f9c-x2k4q", "worker3"]


def cmd(text: str) -> str | None:
    return translate(text, offline=True, use_model=False).command


def asks(text: str) -> bool:
    t = translate(text, offline=True, use_model=False)
    return t.argv is None and bool(t.clarification)


@pytest.mark.parametrize("pod", PODS)
@pytest.mark.parametrize("place", PLACES)
def test_copy_into_and_out_of_a_pod(pod, place):
    assert cmd(f"copy ./seed.txt into pod {pod} at /var/tmp/seed.txt ({place})") == (
        f"kubectl cp ./seed.txt {pod}:/var/tmp/seed.txt -n {place}"
    )
    assert cmd(f"copy /srv/out.bin out of pod {pod} in {place} to ./out.bin") == (
        f"kubectl cp {pod}:/srv/out.bin ./out.bin -n {place}"
    )
    assert cmd(f"copy /srv/a.txt from pod {pod} container helper to ./a.txt -n {place}") == (
        f"kubectl cp {pod}:/srv/a.txt ./a.txt -n {place} --container=helper"
    )


def test_a_copy_without_both_paths_is_a_question():
    assert asks("copy the dump from pod db-2")
    assert asks("copy /srv/x.txt from pod db-2")


@pytest.mark.parametrize("place", PLACES)
def test_wait_for_a_condition_with_a_timeout(place):
    assert cmd(f"wait until pod cache-0 in {place} is Ready, stop after 90s") == (
        f"kubectl wait pod/cache-0 -n {place} --for=condition=Ready --timeout=90s"
    )
    assert cmd(f"block until job backfill-3 in {place} is complete") == (
        f"kubectl wait job/backfill-3 -n {place} --for=condition=complete"
    )
    assert cmd(f"wait until deployment api in {place} is available") == (
        f"kubectl wait deployment/api -n {place} --for=condition=Available"
    )


@pytest.mark.parametrize("name", ["web", "pay-api", "img2"])
@pytest.mark.parametrize("place", PLACES)
def test_set_resources_reads_each_kind_and_its_values(name, place):
    assert cmd(f"give {name} ({place}) limits of cpu 300m and memory 256Mi") == (
        f"kubectl set resources deployment/{name} -n {place} --limits=cpu=300m,memory=256Mi"
    )
    assert cmd(f"requests cpu=100m memory=128Mi for deploy {name}, namespace {place}") == (
        f"kubectl set resources deployments/{name} -n {place} --requests=cpu=100m,memory=128Mi"
    )
    assert cmd(f"deployment {name} in {place}: limits cpu=1, requests cpu=500m mem 1Gi") == (
        f"kubectl set resources deployments/{name} -n {place} --limits=cpu=1 --requests=cpu=500m,memory=1Gi"
    )


@pytest.mark.parametrize("place", PLACES)
def test_rbac_creates(place):
    assert cmd(f"we need a role named cm-view in {place} that can get, list, watch configmaps.") == (
        f"kubectl create role cm-view -n {place} --verb=get,list,watch --resource=configmaps"
    )
    assert cmd(f"bind role cm-view to service account robot in {place}, call the rolebinding robot-view") == (
        f"kubectl create rolebinding robot-view -n {place} --role=cm-view --serviceaccount={place}:robot"
    )
    assert cmd(f"create rolebinding ed-1 in {place} that binds clusterrole edit to user kim@example.org") == (
        f"kubectl create rolebinding ed-1 -n {place} --clusterrole=edit --user=kim@example.org"
    )


def test_a_roles_verbs_end_with_their_sentence():
    # a later sentence's verb ("create it") is no right the role grants
    assert cmd("we need a role named r1 in x that can get and list pods. Please create it now.") == (
        "kubectl create role r1 -n x --verb=get,list --resource=pods"
    )


@pytest.mark.parametrize("place", PLACES)
def test_other_creates(place):
    assert (
        cmd(f"need a serviceaccount builder in {place}")
        == f"kubectl create serviceaccount builder -n {place}"
    )
    assert cmd(f"quota for {place} called q-main: pods=20, requests.memory=8Gi") == (
        f"kubectl create quota q-main -n {place} --hard=pods=20,requests.memory=8Gi"
    )
    assert (
        cmd(f"create quota q1 --hard=pods=5 -n {place}")
        == f"kubectl create quota q1 -n {place} --hard=pods=5"
    )
    assert cmd(f"make a job now-1 from the backup cronjob in {place}") == (
        f"kubectl create job now-1 -n {place} --from=cronjob/backup"
    )
    assert cmd(f"create a cronjob sweeper with image alpine on the schedule 0 4 * * 1-5 in {place}") == (
        f"kubectl create cronjob sweeper -n {place} --image=alpine '--schedule=0 4 * * 1-5'"
    )
    assert cmd(f"create generic secret creds in {place} from the env file ./creds.env") == (
        f"kubectl create secret generic creds -n {place} --from-env-file=./creds.env"
    )
    assert cmd(f"configmap app-cfg from file app.ini in {place}") == (
        f"kubectl create configmap app-cfg -n {place} --from-file=app.ini"
    )
    assert cmd(f"create configmap app-cfg --from-file=./conf.yaml -n {place}") == (
        f"kubectl create configmap app-cfg -n {place} --from-file=./conf.yaml"
    )


def test_creates_that_lack_a_value_ask():
    assert asks("create a cronjob sweeper with image alpine")  # no schedule
    assert asks("do we need a service account for web in shop?")


@pytest.mark.parametrize("place", PLACES)
def test_permission_checks_for_someone_else(place):
    assert cmd("can user kim@example.org delete nodes?") == (
        "kubectl auth can-i delete nodes --as=kim@example.org"
    )
    assert cmd(f"can the robot service account from {place} patch deployments in web-x?") == (
        f"kubectl auth can-i patch deployments -n web-x --as=system:serviceaccount:{place}:robot"
    )
    assert cmd(f"can the service account robot in {place} get pods in its own namespace?") == (
        f"kubectl auth can-i get pods -n {place} --as=system:serviceaccount:{place}:robot"
    )
    assert (
        cmd(f"am I allowed to exec into pods in {place}?")
        == f"kubectl auth can-i create pods/exec -n {place}"
    )
    assert cmd(f"everything I am allowed to do in {place}") == f"kubectl auth can-i -n {place} --list"


@pytest.mark.parametrize("name", ["api", "pay-svc", "web2"])
def test_revisions(name):
    assert cmd(f"details of revision 3 of the {name} deployment (shop)") == (
        f"kubectl rollout history deployment/{name} -n shop --revision=3"
    )
    assert cmd(f"roll {name} back to revision 2 in shop") == (
        f"kubectl rollout undo deployment/{name} -n shop --to-revision=2"
    )


@pytest.mark.parametrize("place", PLACES)
def test_a_statefulset_said_is_scaled_where_it_is(place):
    assert (
        cmd(f"{place} ns: statefulset db → 4 replicas")
        == f"kubectl scale statefulsets db -n {place} --replicas=4"
    )
    assert (
        cmd(f"statefulset db in {place} → 2 replicas")
        == f"kubectl scale statefulsets db -n {place} --replicas=2"
    )


def test_reads_of_other_shapes():
    assert cmd("show the kubeconfig, only what the current context uses") == "kubectl config view --minify"
    assert (
        cmd("nodes ordered by cpu (.status.capacity.cpu)")
        == "kubectl get nodes --sort-by=.status.capacity.cpu"
    )
    assert cmd("memory usage per node please") == "kubectl top node"
    assert cmd("explain the HorizontalPodAutoscaler spec") == "kubectl explain horizontalpodautoscaler.spec"


@pytest.mark.parametrize("node", ["node-a1", "gpu-7", "pool-x-3k"])
def test_make_it_schedulable_names_the_node_said_before(node):
    # "make it …" asks for a state here, it corrects nothing
    assert cmd(f"{node} is back, make it schedulable again") == f"kubectl uncordon {node}"
    assert cmd("scale web in shop to 3, make it 5") == "kubectl scale deployment web -n shop --replicas=5"


@pytest.mark.parametrize("place", PLACES)
def test_names_in_other_shapes(place):
    assert cmd(f"describe quota small-q in {place}") == f"kubectl describe resourcequotas small-q -n {place}"
    assert cmd(f"endpoints for svc api in {place}") == f"kubectl get endpoints api -n {place}"
    assert (
        cmd(f"does the api service in {place} have any endpoints?") == f"kubectl get endpoints api -n {place}"
    )
    assert cmd(f"logs web-1 {place} last 30m") == f"kubectl logs web-1 -n {place} --since=30m"
    assert cmd(f"alert: PodNotReady pod=web-5d9f-x2b namespace={place}. get its logs") == (
        f"kubectl logs web-5d9f-x2b -n {place}"
    )
    assert cmd(f"what happened to api-7f9c-x2k4q? it's in {place}, show kubectl events") == (
        f"kubectl events -n {place} --for=pod/api-7f9c-x2k4q"
    )


@pytest.mark.parametrize("label", ["cleanup", "hotfix", "todo"])
def test_an_opening_task_label_is_no_place_when_one_is_said(label):
    assert cmd(f"{label}: delete configmap old-cfg in shop") == "kubectl delete configmaps old-cfg -n shop"
    assert cmd("shop: restart deployment web") == "kubectl rollout restart deployment/web -n shop"


@pytest.mark.parametrize("ns", ["sandbox-x", "tmp-42", "play3"])
def test_delete_that_namespace_takes_the_one_name_said(ns):
    assert cmd(f"finished testing with {ns}, delete that namespace") == f"kubectl delete namespace {ns}"
    assert asks("sandbox-a and sandbox-b are done, delete that namespace")


@pytest.mark.parametrize("pod", ["web-5d-x2", "job-7c-ab12x", "api-0a-zz9"])
@pytest.mark.parametrize("place", PLACES)
def test_the_pod_is_the_one_object_name_said(pod, place):
    assert (
        cmd(f"why is {pod} hung? describe the pod, ns {place}") == f"kubectl describe pods {pod} -n {place}"
    )
    assert cmd(f"{pod} ({place}) is hung, just delete the pod") == f"kubectl delete pods {pod} -n {place}"
    assert cmd(f"{pod} keeps dying in {place}, get logs from the prior container") == (
        f"kubectl logs {pod} -n {place} --previous"
    )


def test_two_names_leave_the_pod_a_question():
    assert asks("web-5d-x2 and web-5d-x3 in shop are hung, delete the pod")


@pytest.mark.parametrize("place", PLACES)
def test_create_and_drain_read_their_values_as_typed(place):
    assert (
        cmd("drain node n-1 --ignore-daemonsets --force") == "kubectl drain n-1 --force --ignore-daemonsets"
    )
    assert cmd(f"we should create deployment web, image is nginx:1.25, namespace {place}") == (
        f"kubectl create deployment web -n {place} --image=nginx:1.25"
    )
    assert cmd(f"{place}: create cm flags from literals a=1 and b=2") == (
        f"kubectl create configmap flags -n {place} --from-literal=a=1 --from-literal=b=2"
    )
    assert cmd(f"{place}: web failed since the upgrade, please undo its rollout, revision 3") == (
        f"kubectl rollout undo deployment/web -n {place} --to-revision=3"
    )


def test_delete_that_namespace_never_takes_an_object_said_before_it():
    # the name before it belongs to a pod or sits in another place: which namespace is not said
    assert asks("we're done with web-1 in shop, delete that namespace")
    assert asks("done with pod web-1, delete that namespace")


def test_a_copy_asked_how_is_shown_not_run():
    t = translate("how do I copy ./a into pod web-1 at /tmp/a", offline=True, use_model=False)
    assert t.argv is None and "kubectl cp ./a web-1:/tmp/a" in (t.clarification or "")


def test_the_pod_is_never_a_name_said_to_spare():
    assert asks("delete the pod, not web-5d-x2")
    assert asks("keep web-5d-x2 but delete the pod next to it")


def test_a_roles_verbs_stop_at_what_it_must_not_do():
    assert cmd("create a role r1 in shop that can get pods but not delete them") == (
        "kubectl create role r1 -n shop --verb=get --resource=pods"
    )


def test_wait_takes_a_typed_timeout():
    assert cmd("wait for pod web-1 to be ready in shop --timeout=30s") == (
        "kubectl wait pod/web-1 -n shop --for=condition=Ready --timeout=30s"
    )


@pytest.mark.parametrize("role", ["pod-viewer", "r3", "cfg-read"])
def test_role_grants_only_the_clause_that_grants(role):
    assert cmd(f"create a role {role} in shop that can get pods but not delete secrets") == (
        f"kubectl create role {role} -n shop --verb=get --resource=pods"
    )
    assert cmd(f"create a role {role} allowing get, list on configmaps and secrets in shop") == (
        f"kubectl create role {role} -n shop --verb=get,list --resource=configmaps,secrets"
    )
    assert cmd(f"create role {role} for pods with verbs get and list in shop") == (
        f"kubectl create role {role} -n shop --verb=get,list --resource=pods"
    )


def test_metrics_inside_a_name_is_no_top():
    assert cmd("is deployment metrics-server in ops running?") == (
        "kubectl get deployments metrics-server -n ops"
    )
    assert cmd("list apiservices, the metrics api looks down") == "kubectl get apiservices"
    assert cmd("show metrics for pods in shop") == "kubectl top pod -n shop"
    assert cmd("show each api resource type this cluster has") == "kubectl api-resources"


@pytest.mark.parametrize("place", PLACES)
def test_download_upload_wait_till_and_revision_of(place):
    assert cmd(f"download /var/log/a.log out of pod api-1 in {place} to ./a.log") == (
        f"kubectl cp api-1:/var/log/a.log ./a.log -n {place}"
    )
    assert cmd(f"upload ./c.json to pod api-1 at /etc/c.json in {place}") == (
        f"kubectl cp ./c.json api-1:/etc/c.json -n {place}"
    )
    assert cmd(f"wait till job load-7 in {place} completes, max 10 minutes") == (
        f"kubectl wait job/load-7 -n {place} --for=condition=complete --timeout=10m"
    )
    assert cmd(f"show revision 2 of deployment web in {place}") == (
        f"kubectl rollout history deployment/web -n {place} --revision=2"
    )
