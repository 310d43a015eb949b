"""Sample data for the sandbox: namespaces, workloads, a CRD, fake nodes, RBAC for the limited
user, and two unhealthy pods so that "why is X failing?" has something to find."""

LIMITED_USER = "jane"
LIMITED_GROUP = "kubechat:viewers"
LIMITED_NAMESPACE = "prod"
NAMESPACES = ("prod", "staging", "dev")
NODES = ("kwok-node-0", "kwok-node-1")

# Pods the controllers never manage: kwok leaves pods with this annotation alone, so the
# status we write stays (a crash-looping container).
KWOK_CUSTOM_STATUS = {"kwok.x-k8s.io/status": "custom"}


def _node(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node-role.kubernetes.io/agent": "",
                "type": "kwok",
            },
        },
        "spec": {},
        "status": {
            "allocatable": {"cpu": "16", "memory": "64Gi", "pods": "110"},
            "capacity": {"cpu": "16", "memory": "64Gi", "pods": "110"},
        },
    }


def _deployment(ns: str, name: str, image: str, replicas: int, tier: str) -> dict:
    labels = {"app": name, "tier": tier}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {
                            "name": name,
                            "image": image,
                            "ports": [{"containerPort": 8080}],
                            "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                        }
                    ],
                    "tolerations": [
                        {"key": "kwok.x-k8s.io/node", "operator": "Exists", "effect": "NoSchedule"}
                    ],
                },
            },
        },
    }


def _service(ns: str, name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
        "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 8080}]},
    }


def _configmap(ns: str, name: str, data: dict) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": ns},
        "data": data,
    }


BACKUP_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "backups.ops.kubechat.io"},
    "spec": {
        "group": "ops.kubechat.io",
        "scope": "Namespaced",
        "names": {"plural": "backups", "singular": "backup", "kind": "Backup", "shortNames": ["bk"]},
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "properties": {
                                    "schedule": {"type": "string"},
                                    "target": {"type": "string"},
                                },
                            }
                        },
                    }
                },
            }
        ],
    },
}


def base_objects() -> list[dict]:
    """Objects that need nothing but the API server: namespaces, RBAC, the CRD, nodes."""
    objs: list[dict] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}} for n in NAMESPACES
    ]
    objs += [_node(n) for n in NODES]
    objs.append(BACKUP_CRD)
    objs.append(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": f"{LIMITED_USER}-view", "namespace": LIMITED_NAMESPACE},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": LIMITED_USER}],
        }
    )
    # Token users ("alice" operates staging, "bob" only reads it) for identity tests.
    objs.append(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "alice-edit", "namespace": "staging"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "alice"}],
        }
    )
    objs.append(
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "bob-view", "namespace": "staging"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "bob"}],
        }
    )
    return objs


def workload_objects() -> list[dict]:
    objs: list[dict] = [
        _deployment("prod", "web", "nginx:1.27", 3, "frontend"),
        _service("prod", "web"),
        _deployment("prod", "api", "registry.local/api:4.2.0", 2, "backend"),
        _service("prod", "api"),
        _configmap("prod", "web-config", {"LOG_LEVEL": "info", "FEATURE_CHECKOUT": "on"}),
        _deployment("staging", "web", "nginx:1.27", 1, "frontend"),
        _service("staging", "web"),
        _deployment("staging", "api", "registry.local/api:4.3.0-rc1", 1, "backend"),
        _configmap("staging", "web-config", {"LOG_LEVEL": "debug"}),
        _deployment("dev", "sandbox-app", "busybox:1.36", 1, "tools"),
        _configmap("dev", "app-settings", {"MODE": "dev"}),
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "db-credentials", "namespace": "dev"},
            "type": "Opaque",
            "stringData": {"username": "app", "password": "sandbox-only"},
        },
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "deployer", "namespace": "prod"},
        },
        {
            "apiVersion": "ops.kubechat.io/v1",
            "kind": "Backup",
            "metadata": {"name": "nightly", "namespace": "prod"},
            "spec": {"schedule": "0 2 * * *", "target": "postgres"},
        },
        # Crash-looping: bound to a node, status written by us (kwok leaves it alone).
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "payments-worker",
                "namespace": "prod",
                "labels": {"app": "payments-worker"},
                "annotations": KWOK_CUSTOM_STATUS,
            },
            "spec": {
                "nodeName": NODES[0],
                "containers": [{"name": "worker", "image": "registry.local/payments-worker:2.1"}],
            },
        },
        # Unschedulable: asks for a node label no node has; the scheduler says so in events.
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "report-generator", "namespace": "staging", "labels": {"app": "reports"}},
            "spec": {
                "nodeSelector": {"disktype": "ssd"},
                "containers": [{"name": "reports", "image": "registry.local/reports:1.0"}],
            },
        },
    ]
    return objs


APP_LOG = """\
2026-11-26T08:00:00Z INFO  starting server on :8080
2026-11-26T08:00:01Z INFO  connected to cache
2026-11-26T08:00:05Z INFO  GET /healthz 200 1ms
2026-11-26T08:00:09Z WARN  slow request GET /api/orders 812ms
2026-11-26T08:00:15Z INFO  GET /healthz 200 1ms
"""

WORKER_LOG = """\
2026-11-26T08:00:00Z INFO  payments-worker 2.1 starting
2026-11-26T08:00:00Z INFO  connecting to postgres at db.prod.svc:5432
2026-11-26T08:00:03Z ERROR dial tcp db.prod.svc:5432: connection refused
panic: connect to database: connection refused
"""


def _cri(text: str) -> str:
    """Container runtimes store logs as `<RFC3339Nano> <stream> <F|P> <line>`; kwok expects that."""
    out = []
    for i, line in enumerate(text.splitlines()):
        stream = "stderr" if ("ERROR" in line or line.startswith("panic")) else "stdout"
        out.append(f"2026-11-26T08:00:{i:02d}.000000000Z {stream} F {line}")
    return "\n".join(out) + "\n"


def write_kwok_logs_config(directory) -> str:
    """kwok serves these files as container logs (kubectl logs, -f, --previous)."""
    from pathlib import Path

    d = Path(directory) / "kwok"
    d.mkdir(parents=True, exist_ok=True)
    (d / "app.log").write_text(_cri(APP_LOG))
    (d / "worker.log").write_text(_cri(WORKER_LOG))
    docs = [
        {
            "apiVersion": "kwok.x-k8s.io/v1alpha1",
            "kind": "ClusterLogs",
            "metadata": {"name": "payments-worker"},
            "spec": {
                "selector": {"matchNamespaces": ["prod"], "matchNames": ["payments-worker"]},
                "logs": [
                    {
                        "containers": ["worker"],
                        "logsFile": str(d / "worker.log"),
                        "previousLogsFile": str(d / "worker.log"),
                    }
                ],
            },
        },
        {
            "apiVersion": "kwok.x-k8s.io/v1alpha1",
            "kind": "ClusterLogs",
            "metadata": {"name": "workloads"},
            "spec": {
                "selector": {"matchNamespaces": list(NAMESPACES)},
                "logs": [{"logsFile": str(d / "app.log"), "follow": True}],
            },
        },
    ]
    import yaml

    path = d / "kwok.yaml"
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return str(path)


def crashloop_status(now_iso: str) -> dict:
    return {
        "status": {
            "phase": "Running",
            "hostIP": "127.0.0.1",
            "podIP": "127.10.0.77",
            "startTime": now_iso,
            "conditions": [
                {"type": "PodScheduled", "status": "True", "lastTransitionTime": now_iso},
                {
                    "type": "Ready",
                    "status": "False",
                    "reason": "ContainersNotReady",
                    "lastTransitionTime": now_iso,
                },
            ],
            "containerStatuses": [
                {
                    "name": "worker",
                    "image": "registry.local/payments-worker:2.1",
                    "imageID": "",
                    "ready": False,
                    "started": False,
                    "restartCount": 7,
                    "state": {
                        "waiting": {
                            "reason": "CrashLoopBackOff",
                            "message": "back-off 5m0s restarting failed container=worker pod=payments-worker",
                        }
                    },
                    "lastState": {
                        "terminated": {
                            "exitCode": 1,
                            "reason": "Error",
                            "message": "panic: connect to database: connection refused",
                            "startedAt": now_iso,
                            "finishedAt": now_iso,
                        }
                    },
                }
            ],
        }
    }


def crashloop_event(now_iso: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "payments-worker.backoff", "namespace": "prod"},
        "involvedObject": {"kind": "Pod", "name": "payments-worker", "namespace": "prod", "apiVersion": "v1"},
        "reason": "BackOff",
        "message": "Back-off restarting failed container worker in pod payments-worker_prod",
        "type": "Warning",
        "count": 7,
        "firstTimestamp": now_iso,
        "lastTimestamp": now_iso,
        "source": {"component": "kubelet", "host": NODES[0]},
    }
