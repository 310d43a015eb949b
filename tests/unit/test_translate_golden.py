"""Golden tables, one per verb module of the rule parser (kubechat/translate/verbs/): our own
phrasings (terse, chatty, typos, namespaces that are plain English words) and the exact argv each
must give. Every verb module has a table, so a new module comes with one."""

import shlex
from pathlib import Path

import pytest

import kubechat.translate.verbs as verbs_pkg
from kubechat.translate import translate

GOLDEN: dict[str, list[tuple[str, str]]] = {
    "get": [
        ("list the pods in orchard", "kubectl get pods -n orchard"),
        ("show me every deploymnet in the meadow namespace", "kubectl get deployments -n meadow"),
        ("secrets -n ledger", "kubectl get secrets -n ledger"),
        ("get svc checkout-gw in lantern as yaml", "kubectl get services checkout-gw -n lantern -o yaml"),
        ("nodes, wide please", "kubectl get nodes -o wide"),
        ("could you list statefulsets across every namespace", "kubectl get statefulsets --all-namespaces"),
        ("pods labelled tier=cache in quarry", "kubectl get pods -n quarry -l tier=cache"),
        (
            "list the failed pods in anvil",
            "kubectl get pods -n anvil --field-selector=status.phase=Failed",
        ),
        ("show ingresses and services in pebble", "kubectl get ingresses,services -n pebble"),
        (
            "pods sorted by age in tundra",
            "kubectl get pods -n tundra --sort-by=.metadata.creationTimestamp",
        ),
        (
            "list jobs in kiln that have completed",
            "kubectl get jobs -n kiln --field-selector=status.successful=1",
        ),
        ("persistent volume claims in the cobalt namespace", "kubectl get persistentvolumeclaims -n cobalt"),
        ("get the rotor-5 pod -o json", "kubectl get pods rotor-5 -o json"),
        ("show the labels of pods in orchard", "kubectl get pods -n orchard --show-labels"),
        ("list pods on node worker-9", "kubectl get pods --field-selector=spec.nodeName=worker-9"),
        ("whats running on node gpu-a1", "kubectl get pods --field-selector=spec.nodeName=gpu-a1"),
        ("is rotor-5 running?", "kubectl get pods rotor-5"),
        ("has relay-7 crashed in tundra?", "kubectl get pods relay-7 -n tundra"),
        ("list pods [namespace=orchard]", "kubectl get pods -n orchard"),
    ],
    "describe": [
        ("describe pod rotor-5 in quarry", "kubectl describe pods rotor-5 -n quarry"),
        ("describe the ledger-api deployment in harbor", "kubectl describe deployments ledger-api -n harbor"),
        ("give me the details of node worker-9", "kubectl describe nodes worker-9"),
        ("dscribe svc gateway -n lantern", "kubectl describe services gateway -n lantern"),
        (
            "tell me about configmap feature-flags in meadow",
            "kubectl describe configmaps feature-flags -n meadow",
        ),
        ("describe ingress shopfront", "kubectl describe ingresses shopfront"),
        ("describe the pods with app=relay in tundra", "kubectl describe pods -n tundra -l app=relay"),
        (
            "describe statefulset vault-db in namespace cellar",
            "kubectl describe statefulsets vault-db -n cellar",
        ),
        ("describe nodes", "kubectl describe nodes"),
        (
            "describe hpa ledger-api in harbor",
            "kubectl describe horizontalpodautoscalers ledger-api -n harbor",
        ),
        ("what's wrong with pod rotor-5 in quarry", "kubectl describe pods rotor-5 -n quarry"),
    ],
    "delete": [
        ("delete pod rotor-5 in quarry", "kubectl delete pods rotor-5 -n quarry"),
        ("remove the configmap stale-flags from harbor", "kubectl delete configmaps stale-flags -n harbor"),
        ("delete the job nightly-sync -n kiln", "kubectl delete jobs nightly-sync -n kiln"),
        ("delete pods with label run=scratch in meadow", "kubectl delete pods -n meadow -l run=scratch"),
        ("nuke secret old-token in lantern", "kubectl delete secrets old-token -n lantern"),
        (
            "delete the deployments gizmo and widget in pebble",
            "kubectl delete deployments gizmo widget -n pebble",
        ),
        (
            "delete all the completed jobs in anvil",
            "kubectl delete jobs -n anvil --field-selector=status.successful=1",
        ),
        ("delete namespace sandbox-old", "kubectl delete namespaces sandbox-old"),
        (
            "delete the pod rotor-5 immediately in quarry",
            "kubectl delete pods rotor-5 -n quarry --force --grace-period=0",
        ),
        (
            "delete all failed pods in anvil",
            "kubectl delete pods -n anvil --field-selector=status.phase=Failed",
        ),
        ("delete pvc data-vault-0 in cellar", "kubectl delete persistentvolumeclaims data-vault-0 -n cellar"),
        ("remove every pod in scratchpad", "kubectl delete pods -n scratchpad --all"),
        ("delte service beacon in tundra", "kubectl delete services beacon -n tundra"),
    ],
    "logs": [
        ("logs of pod rotor-5 in quarry", "kubectl logs rotor-5 -n quarry"),
        (
            "last 50 lines of ledger-api-0 in harbor please",
            "kubectl logs ledger-api-0 -n harbor --tail=50",
        ),
        ("previous logs of relay-7 container sidecar", "kubectl logs relay-7 --container=sidecar --previous"),
        ("follow logs for pod kiln-worker-3 in anvil", "kubectl logs kiln-worker-3 -n anvil --follow"),
        ("get logs of pebble-1 with timestamps", "kubectl logs pebble-1 --timestamps"),
        (
            "logs of container sidecar in pod relay-7 in tundra",
            "kubectl logs relay-7 -n tundra --container=sidecar",
        ),
        ("logs of job nightly-sync in kiln", "kubectl logs job/nightly-sync -n kiln"),
        ("last 2 hours of logs from beacon-2 in lantern", "kubectl logs beacon-2 -n lantern --since=2h"),
        ("every container's logs for pod pebble-1", "kubectl logs pebble-1 --all-containers=true"),
        ("stream logs of deploy/gateway -n meadow", "kubectl logs deploy/gateway -n meadow --follow"),
    ],
    "exec": [
        ("open a shell in pod rotor-5 in quarry", "kubectl exec rotor-5 -n quarry --stdin --tty -- sh"),
        (
            "exec into ledger-api-0 -n harbor and run ls /data",
            "kubectl exec ledger-api-0 -n harbor -- ls /data",
        ),
        ("run 'cat /etc/hosts' in pod beacon-2", "kubectl exec beacon-2 -- cat /etc/hosts"),
        (
            "get a bash shell on relay-7 container sidecar",
            "kubectl exec relay-7 --container=sidecar --stdin --tty -- /bin/bash",
        ),
        ("execute date inside the pod kiln-worker-3 in anvil", "kubectl exec kiln-worker-3 -n anvil -- date"),
        ("exec -it pebble-1 -- sh", "kubectl exec pebble-1 --stdin --tty -- sh"),
        ("exec into web-sh in quarry and run ls", "kubectl exec web-sh -n quarry -- ls"),
    ],
    "apply": [
        ("apply qv-app.yaml", "kubectl apply --filename=qv-app.yaml"),
        ("apply -f infra/qv.json -n ledger", "kubectl apply -n ledger --filename=infra/qv.json"),
        ("apply the kustomization in overlays/qa", "kubectl apply --kustomize=overlays/qa"),
        ("delete the things defined in qv-old.yaml", "kubectl delete --filename=qv-old.yaml"),
    ],
    "attach": [
        ("attach to pod rotor-5 in quarry", "kubectl attach rotor-5 -n quarry"),
        ("attach to pod rotor-5 container app", "kubectl attach rotor-5 --container=app"),
        ("attach to relay-7 container sidecar", "kubectl attach relay-7 --container=sidecar"),
        ("attach to the pod beacon-2 in lantern", "kubectl attach beacon-2 -n lantern"),
        (
            "attach to pod relay-7 in tundra with stdin and a tty",
            "kubectl attach relay-7 -n tundra --stdin --tty",
        ),
        ("attach to deployment/gateway in meadow", "kubectl attach deploy/gateway -n meadow"),
        (
            "attach to rotor-5's sidecar container -n quarry",
            "kubectl attach rotor-5 -n quarry --container=sidecar",
        ),
    ],
    "port_forward": [
        (
            "port forward 8080:80 to svc gateway in meadow",
            "kubectl port-forward svc/gateway 8080:80 -n meadow",
        ),
        (
            "forward local port 5432 to pod vault-db-0 port 5432 in cellar",
            "kubectl port-forward vault-db-0 5432:5432 -n cellar",
        ),
        (
            "port-forward deployment/ledger-api 9000:9000 -n harbor",
            "kubectl port-forward deploy/ledger-api 9000:9000 -n harbor",
        ),
        ("tunnel 3000 to the beacon service", "kubectl port-forward svc/beacon 3000"),
        ("port-forward pod rotor-5 6379:6379 in quarry", "kubectl port-forward rotor-5 6379:6379 -n quarry"),
        ("forward port 9090 to service prom in lantern", "kubectl port-forward svc/prom 9090 -n lantern"),
        ("port forward svc/ledger 8443:443 -n harbor", "kubectl port-forward svc/ledger 8443:443 -n harbor"),
        ("pls port forward deployment/relay 7000:7000", "kubectl port-forward deploy/relay 7000:7000"),
        ("tunnel local 15432 to pod vault-db-0 port 5432", "kubectl port-forward vault-db-0 15432:5432"),
    ],
    "scale": [
        ("scale ledger-api in harbor to 4", "kubectl scale deployment ledger-api -n harbor --replicas=4"),
        (
            "scale the statefulset vault-db to 2 replicas in cellar",
            "kubectl scale statefulsets vault-db -n cellar --replicas=2",
        ),
        (
            "scael deployment gateway to 0 in meadow",
            "kubectl scale deployments gateway -n meadow --replicas=0",
        ),
        ("bump relay up to 6 replicas", "kubectl scale deployment relay --replicas=6"),
        ("resize the beacon deployment to three replicas", "kubectl scale deployments beacon --replicas=3"),
        (
            "set the replicas of deployment kiln-worker to 3 in anvil",
            "kubectl scale deployments kiln-worker -n anvil --replicas=3",
        ),
        ("scale rs pebble-7f to 1", "kubectl scale replicasets pebble-7f --replicas=1"),
    ],
    "autoscale": [
        (
            "autoscale deployment ledger-api between 2 and 8 replicas at 70% cpu in harbor",
            "kubectl autoscale deployments ledger-api -n harbor --min=2 --max=8 --cpu=70%",
        ),
        (
            "create an hpa for gateway, min 1 max 5, in meadow",
            "kubectl autoscale deployment gateway -n meadow --min=1 --max=5",
        ),
        ("autoscale relay max 10", "kubectl autoscale deployment relay --max=10"),
        (
            "set up autoscaling for the beacon deployment, min 3 max 9, cpu 60 percent",
            "kubectl autoscale deployments beacon --min=3 --max=9 --cpu=60%",
        ),
        (
            "autoscale statefulset vault-db min 2 max 4 in cellar",
            "kubectl autoscale statefulsets vault-db -n cellar --min=2 --max=4",
        ),
        (
            "hpa for relay between 3 and 11, cpu at 45%",
            "kubectl autoscale deployment relay --min=3 --max=11 --cpu=45%",
        ),
        (
            "autoscale the kiln-worker deployment up to 20 replicas in anvil",
            "kubectl autoscale deployments kiln-worker -n anvil --max=20",
        ),
        (
            "autoscale deployment beacon max 6 with 80% cpu in lantern",
            "kubectl autoscale deployments beacon -n lantern --max=6 --cpu=80%",
        ),
    ],
    "rollout": [
        (
            "restart the ledger-api deployment in harbor",
            "kubectl rollout restart deployment/ledger-api -n harbor",
        ),
        (
            "rollout status of deployment gateway in meadow",
            "kubectl rollout status deployment/gateway -n meadow",
        ),
        (
            "roll back relay to revision 3 in tundra",
            "kubectl rollout undo deployment/relay -n tundra --to-revision=3",
        ),
        (
            "undo the last rollout of statefulset vault-db in cellar",
            "kubectl rollout undo statefulsets/vault-db -n cellar",
        ),
        ("history of deployment beacon", "kubectl rollout history deployment/beacon"),
        (
            "pause the rollout of kiln-worker in anvil",
            "kubectl rollout pause deployment/kiln-worker -n anvil",
        ),
        ("resume deployment kiln-worker in anvil", "kubectl rollout resume deployment/kiln-worker -n anvil"),
        (
            "bounce the daemonset log-agent in lantern",
            "kubectl rollout restart daemonsets/log-agent -n lantern",
        ),
    ],
    "set": [
        (
            "set image of the ledger-api deployment, container api, to registry.io/ledger:2.1 in harbor",
            "kubectl set image deployments ledger-api api=registry.io/ledger:2.1 -n harbor",
        ),
        (
            "update the gateway deployment to image nginx:1.27.1 in meadow",
            "kubectl set image deployments gateway nginx=nginx:1.27.1 -n meadow",
        ),
        ("change image of relay to relay:v9", "kubectl set image deployment relay relay=relay:v9"),
        (
            "set env TRACE_MODE=on for deployment beacon in lantern",
            "kubectl set env deployments beacon TRACE_MODE=on -n lantern",
        ),
        (
            "drop env variable OLD_FLAG from deployment relay in tundra",
            "kubectl set env deployments relay OLD_FLAG- -n tundra",
        ),
        ("list the env of deployment kiln-worker", "kubectl set env deployments kiln-worker --list"),
        (
            "set memory requests to 256Mi for statefulset vault-db in cellar",
            "kubectl set resources statefulsets/vault-db -n cellar --requests=memory=256Mi",
        ),
    ],
    "label": [
        ("label pod rotor-5 tier=frontend in quarry", "kubectl label pods rotor-5 tier=frontend -n quarry"),
        ("add label owner=ops to node worker-9", "kubectl label nodes worker-9 owner=ops"),
        (
            "remove the label stage from deployment beacon in lantern",
            "kubectl label deployments beacon stage- -n lantern",
        ),
        (
            "label every pod having app=relay with team=core in tundra",
            "kubectl label pods team=core -n tundra -l app=relay",
        ),
        (
            "annotate deployment ledger-api note=reviewed in harbor",
            "kubectl annotate deployments ledger-api note=reviewed -n harbor",
        ),
        (
            "remove annotation note from service gateway in meadow",
            "kubectl annotate services gateway note- -n meadow",
        ),
        ("overwrite the label env=blue on pod pebble-1", "kubectl label pods pebble-1 env=blue --overwrite"),
        ("annotate ns cobalt contact=ana", "kubectl annotate namespaces cobalt contact=ana"),
    ],
    "suspend": [
        (
            "suspend cronjob ledger-sweep in quarry",
            """kubectl patch cronjob ledger-sweep -n quarry '--patch={"spec":{"suspend":true}}'""",
        ),
        (
            "resume the ledger-sweep cronjob",
            """kubectl patch cronjob ledger-sweep '--patch={"spec":{"suspend":false}}'""",
        ),
    ],
    "taint": [
        (
            "taint node worker-9 dedicated=gpu:NoSchedule",
            "kubectl taint nodes worker-9 dedicated=gpu:NoSchedule",
        ),
        (
            "add a taint spot=true:PreferNoSchedule to node worker-3",
            "kubectl taint nodes worker-3 spot=true:PreferNoSchedule",
        ),
        (
            "remove the taint dedicated=gpu:NoSchedule from worker-9",
            "kubectl taint nodes worker-9 dedicated=gpu:NoSchedule-",
        ),
        (
            "taint worker-4 with key maintenance and effect NoExecute",
            "kubectl taint nodes worker-4 maintenance:NoExecute",
        ),
        ("taint nodes worker-5 spot=yes:NoExecute", "kubectl taint nodes worker-5 spot=yes:NoExecute"),
        ("untaint node worker-9 dedicated", "kubectl taint nodes worker-9 dedicated-"),
        (
            "taint worker-2 gpu=true:NoSchedule --overwrite",
            "kubectl taint nodes worker-2 gpu=true:NoSchedule --overwrite",
        ),
        ("take the maintenance taint off worker-4", "kubectl taint nodes worker-4 maintenance-"),
    ],
    "node": [
        ("cordon worker-9", "kubectl cordon worker-9"),
        ("uncordon node worker-9", "kubectl uncordon worker-9"),
        ("drain kiln-3 ignoring daemonsets", "kubectl drain kiln-3 --ignore-daemonsets"),
        (
            "drain node worker-3 and delete emptydir data, force it",
            "kubectl drain worker-3 --force --delete-emptydir-data",
        ),
        ("mark worker-7 unschedulable", "kubectl cordon worker-7"),
        ("put worker-7 back into rotation", "kubectl uncordon worker-7"),
    ],
    "create": [
        ("create namespace orchard", "kubectl create namespace orchard"),
        (
            "create a deployment named ledger-api with image registry.io/ledger:2 in harbor",
            "kubectl create deployment ledger-api -n harbor --image=registry.io/ledger:2",
        ),
        (
            "make configmap tuning-knobs with mode=fast and tier=gold in meadow",
            "kubectl create configmap tuning-knobs -n meadow --from-literal=mode=fast --from-literal=tier=gold",
        ),
        (
            "create a secret called db-pass with password=hunter2 in cellar",
            "kubectl create secret generic db-pass -n cellar --from-literal=password=hunter2",
        ),
        (
            "create a job one-off from cronjob nightly-sync in kiln",
            "kubectl create job one-off -n kiln --from=cronjob/nightly-sync",
        ),
        (
            "create a cronjob report-gen with image busybox:1.36 every 15 minutes in anvil",
            "kubectl create cronjob report-gen -n anvil --image=busybox:1.36 '--schedule=*/15 * * * *'",
        ),
        (
            "create a service account deploy-bot in lantern",
            "kubectl create serviceaccount deploy-bot -n lantern",
        ),
        (
            "create a role cm-peeker that can get and list configmaps in quarry",
            "kubectl create role cm-peeker -n quarry --verb=get,list --resource=configmaps",
        ),
        (
            "create a clusterrole node-viewer allowing get and list on nodes",
            "kubectl create clusterrole node-viewer --verb=get,list --resource=nodes",
        ),
        (
            "create a quota team-cap with pods=20 in pebble",
            "kubectl create quota team-cap -n pebble --hard=pods=20",
        ),
        (
            "create a nodeport service edge with port 80:8080 in meadow",
            "kubectl create service nodeport edge -n meadow --tcp=80:8080",
        ),
        (
            "create a priority class urgent with value 100000",
            "kubectl create priorityclass urgent --value=100000",
        ),
    ],
    "run": [
        (
            "run a pod named scratch with image busybox:1.36 in tundra",
            "kubectl run scratch -n tundra --image=busybox:1.36",
        ),
        (
            "run a pod scratch with image busybox:1.36 in tundra",
            "kubectl run scratch -n tundra --image=busybox:1.36",
        ),
        (
            "launch pod curl-probe using image curlimages/curl:8.5.0 that sleeps 3600",
            "kubectl run curl-probe --image=curlimages/curl:8.5.0 -- sleep 3600",
        ),
        (
            "run a pod named echo-1 with image busybox:1.36 that echoes hello, never restart it",
            "kubectl run echo-1 --image=busybox:1.36 --restart=Never -- echo hello",
        ),
        (
            "start pod dbg with image busybox:1.36 interactively and remove it after",
            "kubectl run dbg --image=busybox:1.36 --stdin --tty --rm",
        ),
        (
            "run pod web-test with image httpd:2.4 on port 8080 in pebble",
            "kubectl run web-test -n pebble --image=httpd:2.4 --port=8080",
        ),
        (
            "run a pod tmp-env with image alpine:3.19 and env MODE=dry",
            "kubectl run tmp-env --image=alpine:3.19 --env=MODE=dry",
        ),
        (
            "run pod lbl with image httpd:2.4 and labels tier=web",
            "kubectl run lbl --image=httpd:2.4 --labels=tier=web",
        ),
        (
            "run a pod probe-3 with image busybox:1.36 in dev-it",
            "kubectl run probe-3 -n dev-it --image=busybox:1.36",
        ),
    ],
    "expose": [
        (
            "expose deployment ledger-api on port 80 in harbor",
            "kubectl expose deployment ledger-api -n harbor --port=80",
        ),
        (
            "expose the gateway deployment port 443 target port 8443 as a LoadBalancer in meadow",
            "kubectl expose deployment gateway -n meadow --port=443 --target-port=8443 --type=LoadBalancer",
        ),
        ("create a service for deployment relay on port 9090", "kubectl expose deployment relay --port=9090"),
        (
            "expose pod pebble-1 port 8000 with the name pebble-svc",
            "kubectl expose pod pebble-1 --port=8000 --name=pebble-svc",
        ),
        ("expose rs pebble-7f port 8080", "kubectl expose rs pebble-7f --port=8080"),
        (
            "expose the relay deployment on port 9000 with target port 9090 in tundra",
            "kubectl expose deployment relay -n tundra --port=9000 --target-port=9090",
        ),
        (
            "expose service gateway as a node port on 8080 in meadow",
            "kubectl expose services gateway -n meadow --port=8080 --type=NodePort",
        ),
        ("expose pod rotor-5 on port 6379 in quarry", "kubectl expose pod rotor-5 -n quarry --port=6379"),
    ],
    "events": [
        ("events in harbor", "kubectl events -n harbor"),
        ("show warning events in meadow", "kubectl events -n meadow --types=Warning"),
        ("watch events in lantern", "kubectl events -n lantern --watch"),
        ("events for deployment gateway in meadow", "kubectl events -n meadow --for=deployment/gateway"),
        ("events for pod rotor-5 in quarry", "kubectl events -n quarry --for=pod/rotor-5"),
        ("normal events in anvil", "kubectl events -n anvil --types=Normal"),
        ("warning events across all namespaces", "kubectl events --all-namespaces --types=Warning"),
        ("show me events in tundra, watch them", "kubectl events -n tundra --watch"),
    ],
    "top": [
        ("top pods in harbor", "kubectl top pod -n harbor"),
        ("which nodes use the most memory", "kubectl top node --sort-by=memory"),
        ("cpu and memory of pods in tundra, per container", "kubectl top pod -n tundra --containers"),
        ("top node worker-9", "kubectl top node worker-9"),
        (
            "show resource usage of pods across all namespaces sorted by cpu",
            "kubectl top pod --all-namespaces --sort-by=cpu",
        ),
    ],
    "explain": [
        ("explain deployments.spec.strategy", "kubectl explain deployments.spec.strategy"),
        ("explain pods recursively", "kubectl explain pods --recursive"),
        ("what fields does a cronjob have", "kubectl explain cronjob"),
        ("explain ingress spec", "kubectl explain ingress.spec"),
        ("docs for poddisruptionbudgets", "kubectl explain poddisruptionbudgets"),
        ("explain cronjob.spec.jobTemplate", "kubectl explain cronjob.spec.jobTemplate"),
        ("explain the spec of statefulsets", "kubectl explain statefulsets.spec"),
        ("explain services.spec.ports", "kubectl explain services.spec.ports"),
        ("explain pods in plaintext", "kubectl explain pods -o plaintext"),
    ],
    "api_resources": [
        ("list the api resources which are namespaced", "kubectl api-resources --namespaced=true"),
        ("list api resources that are not namespaced", "kubectl api-resources --namespaced=false"),
        ("show api resources from the batch api group", "kubectl api-resources --api-group=batch"),
        ("api resources sorted by name", "kubectl api-resources --sort-by=name"),
        ("api resources in json", "kubectl api-resources -o json"),
        ("which api resources are cluster scoped", "kubectl api-resources --namespaced=false"),
        (
            "api resources for the storage.k8s.io group",
            "kubectl api-resources --api-group=storage.k8s.io",
        ),
    ],
    "simple": [
        ("api versions", "kubectl api-versions"),
        ("who am i", "kubectl auth whoami"),
        ("whoami", "kubectl auth whoami"),
        ("client version only", "kubectl version --client"),
        ("list my kubectl plugins", "kubectl plugin list"),
        ("global options", "kubectl options"),
    ],
    "cluster_info": [
        ("cluster info", "kubectl cluster-info"),
        (
            "dump the cluster state to /tmp/snapshot",
            "kubectl cluster-info dump --output-directory=/tmp/snapshot",
        ),
        ("cluster-info dump for all namespaces", "kubectl cluster-info dump --all-namespaces"),
        ("cluster-info please", "kubectl cluster-info"),
    ],
    "auth": [
        ("can i delete replicasets in harbor", "kubectl auth can-i delete replicasets -n harbor"),
        ("can i list secrets in meadow", "kubectl auth can-i list secrets -n meadow"),
        (
            "check whether user maya can create deployments in quarry",
            "kubectl auth can-i create deployments -n quarry --as=maya",
        ),
        (
            "can service account builder in foundry get pods",
            "kubectl auth can-i get pods -n foundry --as=system:serviceaccount:foundry:builder",
        ),
        ("what can i do in pebble", "kubectl auth can-i -n pebble --list"),
        ("am i allowed to patch nodes", "kubectl auth can-i patch nodes"),
    ],
    "config": [
        ("switch to context staging-east", "kubectl config use-context staging-east"),
        ("what is my current context", "kubectl config current-context"),
        ("list contexts", "kubectl config get-contexts"),
        ("set the default namespace to orchard", "kubectl config set-context --namespace=orchard --current"),
        ("show my kubeconfig", "kubectl config view"),
        ("rename context old-east to legacy-east", "kubectl config rename-context old-east legacy-east"),
        ("delete the context scratch-ctx", "kubectl config delete-context scratch-ctx"),
    ],
    "certificate": [
        ("approve csr-7xk2", "kubectl certificate approve csr-7xk2"),
        ("approve the csr named csr-node-4", "kubectl certificate approve csr-node-4"),
        ("reject csr-rogue-1", "kubectl certificate deny csr-rogue-1"),
        ("force approve csr-pending-2", "kubectl certificate approve csr-pending-2 --force"),
        ("deny csr-node-7", "kubectl certificate deny csr-node-7"),
        ("approve certificate signing request csr-abc12", "kubectl certificate approve csr-abc12"),
        ("deny the certificate signing request node-csr-9", "kubectl certificate deny node-csr-9"),
    ],
    "wait": [
        (
            "wait for pod rotor-5 to be ready in quarry",
            "kubectl wait pod/rotor-5 -n quarry --for=condition=Ready",
        ),
        (
            "wait until deployment ledger-api is available in harbor, timeout 90s",
            "kubectl wait deployment/ledger-api -n harbor --for=condition=Available --timeout=90s",
        ),
        ("wait for pod scratch to be deleted", "kubectl wait pod/scratch --for=delete"),
        (
            "wait up to 2 minutes for deployment gateway to become available in meadow",
            "kubectl wait deployment/gateway -n meadow --for=condition=Available --timeout=2m",
        ),
        (
            "wait for pods with app=relay to be ready in tundra",
            "kubectl wait pod -n tundra -l app=relay --for=condition=Ready",
        ),
        (
            "wait for deployment relay to be available in tundra",
            "kubectl wait deployment/relay -n tundra --for=condition=Available",
        ),
        (
            "wait for pod rotor-5 to be deleted in quarry, up to 60s",
            "kubectl wait pod/rotor-5 -n quarry --for=delete --timeout=60s",
        ),
        (
            "wait until job nightly-sync completes in kiln",
            "kubectl wait job/nightly-sync -n kiln --for=condition=complete",
        ),
        (
            "wait for job nightly-sync in kiln to complete",
            "kubectl wait job/nightly-sync -n kiln --for=condition=complete",
        ),
    ],
    "cp": [
        (
            "copy /srv/trace.out out of pod rotor-5 to ./trace.out",
            "kubectl cp rotor-5:/srv/trace.out ./trace.out",
        ),
        (
            "copy ./init.sql into the pod vault-db-1 at /srv/init.sql in cellar",
            "kubectl cp ./init.sql vault-db-1:/srv/init.sql -n cellar",
        ),
        (
            "copy a file /etc/app.conf from pod relay-7 in tundra to ./app.conf",
            "kubectl cp relay-7:/etc/app.conf ./app.conf -n tundra",
        ),
        ("upload ./fix.sh into pod pebble-1 at /tmp/fix.sh", "kubectl cp ./fix.sh pebble-1:/tmp/fix.sh"),
        (
            "copy ./cfg.yaml into pod relay-7 at /etc/relay/cfg.yaml in tundra",
            "kubectl cp ./cfg.yaml relay-7:/etc/relay/cfg.yaml -n tundra",
        ),
        (
            "download /data/dump.gz out of pod vault-db-0 in cellar into ./dump.gz",
            "kubectl cp vault-db-0:/data/dump.gz ./dump.gz -n cellar",
        ),
        (
            "cp /tmp/trace.out from pod beacon-2 to ./trace.out -n lantern",
            "kubectl cp beacon-2:/tmp/trace.out ./trace.out -n lantern",
        ),
        (
            "copy ./a.txt into the pod pebble-1 at /tmp/a.txt container sidecar",
            "kubectl cp ./a.txt pebble-1:/tmp/a.txt --container=sidecar",
        ),
    ],
    "proxy": [
        ("proxy the api on port 8099", "kubectl proxy --port=8099"),
        ("run kubectl proxy with port 9001", "kubectl proxy --port=9001"),
        ("start a proxy on port 8011", "kubectl proxy --port=8011"),
        ("proxy on port 8090 serving static files from ./www", "kubectl proxy --port=8090 --www=./www"),
    ],
    "edit": [
        ("edit deployment ledger-api in harbor", "kubectl edit deployments ledger-api -n harbor"),
        ("edit the configmap app-settings", "kubectl edit configmaps app-settings"),
        ("edit svc beacon -n lantern", "kubectl edit services beacon -n lantern"),
        ("edit the ingress shopfront in pebble", "kubectl edit ingresses shopfront -n pebble"),
        (
            "edit deploy relay in tundra and save config",
            "kubectl edit deployments relay -n tundra --save-config",
        ),
        ("edit daemonset log-agent in lantern", "kubectl edit daemonsets log-agent -n lantern"),
        ("edit cm feature-flags -n meadow", "kubectl edit configmaps feature-flags -n meadow"),
        ("edit statefulset vault-db", "kubectl edit statefulsets vault-db"),
    ],
}


def test_every_verb_module_has_a_golden_table():
    modules = {p.stem for p in Path(verbs_pkg.__file__).parent.glob("*.py") if p.stem != "__init__"}
    assert modules == set(GOLDEN)


@pytest.mark.parametrize(
    "request_text, want",
    [pytest.param(r, w, id=f"{verb}:{r}") for verb, rows in GOLDEN.items() for r, w in rows],
)
def test_golden_argv(request_text, want):
    t = translate(request_text, offline=True, use_model=False)
    assert t.argv == shlex.split(want)[1:], t.command or t.clarification
