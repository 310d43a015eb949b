"""Our own few-shot example bank for the model path: everyday requests in our own words, with
the command each means. Retrieval picks the nearest examples to a request by word overlap."""

from __future__ import annotations

import re

EXAMPLES: tuple[tuple[str, str], ...] = (
    ("what pods are up in the billing namespace", "get pods -n billing"),
    ("gimme every deployment on the cluster", "get deployments --all-namespaces"),
    ("services please", "get services"),
    ("is the cache statefulset healthy", "get statefulsets cache"),
    ("how does the checkout svc look in yaml", "get services checkout -o yaml"),
    ("tell me everything about node worker-7", "describe nodes worker-7"),
    ("why is pod api-6f9c stuck", "describe pods api-6f9c"),
    ("what happened to the ingress called shop", "describe ingresses shop"),
    ("peek at the output of pod queue-0", "logs queue-0"),
    ("what did worker-2 print before it crashed", "logs worker-2 --previous"),
    ("keep streaming output from pod ingest-1", "logs ingest-1 --follow"),
    ("bounce the payments deployment", "rollout restart deployment/payments"),
    ("kick the frontend deployment in qa", "rollout restart deployment/frontend -n qa"),
    ("go back to the previous version of deployment auth", "rollout undo deployment/auth"),
    ("is the rollout of search done", "rollout status deployment/search"),
    ("bump cart to 4 copies", "scale deployment cart --replicas=4"),
    ("shrink the reports deployment down to 1", "scale deployment reports --replicas=1"),
    ("get rid of pod tmp-debug", "delete pods tmp-debug"),
    ("trash the configmap old-settings", "delete configmaps old-settings"),
    ("take node worker-3 out of rotation", "cordon worker-3"),
    ("put node worker-3 back in rotation", "uncordon worker-3"),
    ("empty node worker-9 for maintenance", "drain worker-9 --ignore-daemonsets"),
    ("which pods eat the most memory", "top pod --sort-by=memory"),
    ("node resource usage", "top node"),
    ("recent warnings in staging", "events --types=Warning -n staging"),
    ("what's going on in the cluster lately", "events --all-namespaces"),
    ("make a namespace for team-blue", "create namespace team-blue"),
    (
        "new deployment echo from image hashicorp/http-echo",
        "create deployment echo --image=hashicorp/http-echo",
    ),
    ("spin up a throwaway alpine pod named scratch", "run scratch --image=alpine --restart=Never"),
    ("open port 8080 on deployment api as a service", "expose deployment api --port=8080"),
    ("tag pod web-0 with tier=frontend", "label pods web-0 tier=frontend"),
    ("drop the tier label from pod web-0", "label pods web-0 tier-"),
    ("note on deployment api that owner=team-a", "annotate deployments api owner=team-a"),
    ("am I able to delete secrets here", "auth can-i delete secrets"),
    ("as whom does the API server see me", "auth whoami"),
    ("which cluster is this shell aimed at", "config current-context"),
    ("hop over to the lisbon-2 context", "config use-context lisbon-2"),
    ("what kinds of objects does the api know", "api-resources"),
    ("describe the fields of a cronjob", "explain cronjobs"),
    ("kubernetes version please", "version"),
    ("where does the control plane run", "cluster-info"),
    ("shell into pod toolbox", "exec toolbox --stdin --tty -- sh"),
    ("tunnel local 9000 to pod minio-0 port 9000", "port-forward minio-0 9000:9000"),
    ("swap the image of deployment web to nginx:1.27", "set image deployment/web nginx=nginx:1.27"),
    ("history of the api rollout", "rollout history deployment/api"),
    ("freeze the rollout of deployment web", "rollout pause deployment/web"),
    ("show secrets in kube-system", "get secrets -n kube-system"),
    ("list the cron jobs", "get cronjobs"),
    ("pvcs across all namespaces", "get persistentvolumeclaims --all-namespaces"),
    ("nodes with their ips", "get nodes -o wide"),
)

_STOP = {
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "on",
    "for",
    "is",
    "are",
    "me",
    "please",
    "my",
    "with",
    "and",
    "what",
    "it",
    "i",
    "do",
    "does",
    "from",
    "at",
    "as",
    "be",
    "that",
    "this",
    "all",
}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP}


def nearest(request: str, k: int = 4) -> list[tuple[str, str]]:
    """The k examples sharing most words with the request (ties: bank order)."""
    want = _words(request)
    scored = []
    for i, (nl, cmd) in enumerate(EXAMPLES):
        have = _words(nl) | _words(cmd)
        overlap = len(want & have) / (len(want | have) or 1)
        scored.append((-overlap, i, nl, cmd))
    scored.sort()
    return [(nl, cmd) for _, _, nl, cmd in scored[:k]]
