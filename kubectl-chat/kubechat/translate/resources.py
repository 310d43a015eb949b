"""Resource types as small declarative records (plural, singular, short names, kind, scope), and
the built-in table used offline. Discovery (discovery.py) adds the cluster's own types and CRDs."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ResourceType:
    plural: str
    singular: str
    kind: str
    namespaced: bool = True
    short: tuple[str, ...] = ()
    group: str = ""
    verbs: tuple[str, ...] = ()
    extra: tuple[str, ...] = field(default=())  # spoken names: "replica set", "config map"

    def all_names(self) -> set[str]:
        return {self.plural, self.singular, self.kind.lower(), *self.short, *self.extra}


def _r(plural, singular, kind, namespaced=True, short=(), group="", extra=()):
    return ResourceType(plural, singular, kind, namespaced, tuple(short), group, (), tuple(extra))


BUILTIN: tuple[ResourceType, ...] = (
    _r("pods", "pod", "Pod", short=["po"]),
    _r("services", "service", "Service", short=["svc"]),
    _r("deployments", "deployment", "Deployment", short=["deploy"], group="apps", extra=["deploys"]),
    _r(
        "replicasets",
        "replicaset",
        "ReplicaSet",
        short=["rs"],
        group="apps",
        extra=["replica set", "replica sets"],
    ),
    _r(
        "statefulsets",
        "statefulset",
        "StatefulSet",
        short=["sts"],
        group="apps",
        extra=["stateful set", "stateful sets"],
    ),
    _r(
        "daemonsets",
        "daemonset",
        "DaemonSet",
        short=["ds"],
        group="apps",
        extra=["daemon set", "daemon sets"],
    ),
    _r(
        "replicationcontrollers",
        "replicationcontroller",
        "ReplicationController",
        short=["rc"],
        extra=["replication controller", "replication controllers"],
    ),
    _r("jobs", "job", "Job", group="batch"),
    _r("cronjobs", "cronjob", "CronJob", short=["cj"], group="batch", extra=["cron job", "cron jobs"]),
    _r("configmaps", "configmap", "ConfigMap", short=["cm"], extra=["config map", "config maps"]),
    _r("secrets", "secret", "Secret"),
    _r("namespaces", "namespace", "Namespace", False, short=["ns"]),
    _r("nodes", "node", "Node", False, short=["no"]),
    _r(
        "persistentvolumes",
        "persistentvolume",
        "PersistentVolume",
        False,
        short=["pv"],
        extra=["persistent volume", "persistent volumes"],
    ),
    _r(
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        short=["pvc"],
        extra=["persistent volume claim", "persistent volume claims", "volume claim", "volume claims"],
    ),
    _r(
        "serviceaccounts",
        "serviceaccount",
        "ServiceAccount",
        short=["sa"],
        extra=["service account", "service accounts"],
    ),
    _r("ingresses", "ingress", "Ingress", short=["ing"], group="networking.k8s.io"),
    _r("ingressclasses", "ingressclass", "IngressClass", False, group="networking.k8s.io"),
    _r(
        "networkpolicies",
        "networkpolicy",
        "NetworkPolicy",
        short=["netpol"],
        group="networking.k8s.io",
        extra=["network policy", "network policies"],
    ),
    _r("events", "event", "Event", short=["ev"]),
    _r("endpoints", "endpoints", "Endpoints", short=["ep"]),
    _r("endpointslices", "endpointslice", "EndpointSlice", group="discovery.k8s.io"),
    _r("roles", "role", "Role", group="rbac.authorization.k8s.io"),
    _r(
        "rolebindings",
        "rolebinding",
        "RoleBinding",
        group="rbac.authorization.k8s.io",
        extra=["role binding", "role bindings"],
    ),
    _r(
        "clusterroles",
        "clusterrole",
        "ClusterRole",
        False,
        group="rbac.authorization.k8s.io",
        extra=["cluster role", "cluster roles"],
    ),
    _r(
        "clusterrolebindings",
        "clusterrolebinding",
        "ClusterRoleBinding",
        False,
        group="rbac.authorization.k8s.io",
        extra=["cluster role binding", "cluster role bindings"],
    ),
    _r(
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        short=["hpa"],
        group="autoscaling",
        extra=["autoscaler", "autoscalers"],
    ),
    _r("resourcequotas", "resourcequota", "ResourceQuota", short=["quota"], extra=["resource quota"]),
    _r("limitranges", "limitrange", "LimitRange", short=["limits"], extra=["limit range", "limit ranges"]),
    _r(
        "poddisruptionbudgets",
        "poddisruptionbudget",
        "PodDisruptionBudget",
        short=["pdb"],
        group="policy",
        extra=["pod disruption budget"],
    ),
    _r(
        "storageclasses",
        "storageclass",
        "StorageClass",
        False,
        short=["sc"],
        group="storage.k8s.io",
        extra=["storage class", "storage classes"],
    ),
    _r(
        "customresourcedefinitions",
        "customresourcedefinition",
        "CustomResourceDefinition",
        False,
        short=["crd", "crds"],
        group="apiextensions.k8s.io",
    ),
    _r(
        "certificatesigningrequests",
        "certificatesigningrequest",
        "CertificateSigningRequest",
        False,
        short=["csr"],
        group="certificates.k8s.io",
    ),
    _r("priorityclasses", "priorityclass", "PriorityClass", False, short=["pc"], group="scheduling.k8s.io"),
    _r("leases", "lease", "Lease", group="coordination.k8s.io"),
    _r("podtemplates", "podtemplate", "PodTemplate"),
    _r("componentstatuses", "componentstatus", "ComponentStatus", False, short=["cs"]),
    _r("controllerrevisions", "controllerrevision", "ControllerRevision", group="apps"),
    _r("apiservices", "apiservice", "APIService", False, group="apiregistration.k8s.io"),
    _r(
        "mutatingwebhookconfigurations",
        "mutatingwebhookconfiguration",
        "MutatingWebhookConfiguration",
        False,
        group="admissionregistration.k8s.io",
    ),
    _r(
        "validatingwebhookconfigurations",
        "validatingwebhookconfiguration",
        "ValidatingWebhookConfiguration",
        False,
        group="admissionregistration.k8s.io",
    ),
    _r("runtimeclasses", "runtimeclass", "RuntimeClass", False, group="node.k8s.io"),
    _r("volumeattachments", "volumeattachment", "VolumeAttachment", False, group="storage.k8s.io"),
    _r("csidrivers", "csidriver", "CSIDriver", False, group="storage.k8s.io"),
    _r("csinodes", "csinode", "CSINode", False, group="storage.k8s.io"),
)


def spoken_names(t: ResourceType) -> set[str]:
    """Names derived from a type's own record, so a type discovery adds gets them too: the kind
    in words ("mutating webhook configurations", "priority class"), plural short names ("pdbs")."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", t.kind)
    out: set[str] = set()
    # "api service" stays a service called api: no derived name ends in another type's name
    if len(words) > 1 and words[-1].lower() not in _OWN_TYPES:
        one = " ".join(w.lower() for w in words)
        stem, last = one[: -len(words[-1])], words[-1].lower()
        out |= {one, stem + _plural(last)}
        if last.endswith("y"):
            out.add(stem + last + "s")  # "network policys": the plural as often typed
        if last in _CLIPPED:
            out |= {stem + _CLIPPED[last], stem + _CLIPPED[last] + "s"}  # "webhook configs"
    out |= {_plural(s) for s in t.short if not s.endswith("s") and len(s) > 1}
    return out


# Long last words people clip: "mutating webhook configs".
_CLIPPED = {"configuration": "config", "definition": "def"}
_OWN_TYPES = {"pod", "service", "node", "role", "job", "secret", "event", "lease", "deployment"}


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def close_type(word: str, names: list[str]) -> str | None:
    """A type name `word` is a slip of (edit distance 1, or 2 for words of 9+ letters). Only words
    of 7+ letters: shorter type names sit one slip away from English ("nodes"/"notes")."""
    if len(word) < 7:
        # "ingres": one of a type's doubled letters dropped is no English word's spelling
        return next(
            (n for n in names if len(word) >= 5 and len(n) == len(word) + 1 and _undoubled(n) == word),
            None,
        )
    limit = 1 if len(word) < 9 else 2
    best = None
    for n in names:
        if " " in n or len(n) < 7 or abs(len(n) - len(word)) > limit or n[0] != word[0]:
            continue
        d = _distance(word, n, limit)
        if d <= limit and (best is None or d < best[0]):
            best = (d, n)
    return best[1] if best else None


def _undoubled(name: str) -> str | None:
    """`name` with its one doubled letter written once ("ingress" → "ingres")."""
    m = re.search(r"([a-z])\1", name)
    return name[: m.start()] + name[m.start() + 1 :] if m else None


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count 1), cut off above `limit`."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


class ResourceTable:
    """Look-ups by any name a user or kubectl might use for a type (also `plural.group`)."""

    def __init__(self, types: tuple[ResourceType, ...] | list[ResourceType] = BUILTIN):
        self.types = tuple(types)
        self._by_name: dict[str, ResourceType] = {}
        for t in self.types:
            for n in sorted(t.all_names()):
                self._by_name.setdefault(n.lower(), t)
        for t in self.types:
            for n in sorted(spoken_names(t)):
                self._by_name.setdefault(n.lower(), t)
            if t.group:
                self._by_name.setdefault(f"{t.plural}.{t.group}", t)
                self._by_name.setdefault(f"{t.singular}.{t.group}", t)

    def get(self, name: str) -> ResourceType | None:
        return self._by_name.get(name.lower())

    def canonical(self, name: str) -> str:
        """Canonical plural for comparison; comma lists are canonicalised item by item."""
        parts = []
        for p in name.split(","):
            t = self.get(p)
            parts.append(t.plural if t else p.lower())
        return ",".join(parts)

    def names(self) -> list[str]:
        return list(self._by_name)

    def suggest(self, name: str) -> str | None:
        """The closest known plural, for 'did you mean …?'."""
        close = difflib.get_close_matches(name.lower(), self.names(), n=1, cutoff=0.6)
        if not close:
            return None
        return self._by_name[close[0]].plural

    def with_types(self, extra: list[ResourceType]) -> ResourceTable:
        seen = {t.plural + "." + t.group for t in self.types}
        merged = list(self.types) + [t for t in extra if t.plural + "." + t.group not in seen]
        return ResourceTable(merged)


BUILTIN_TABLE = ResourceTable()
