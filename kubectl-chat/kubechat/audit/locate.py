"""Which collector this machine's records go to, and where that answer came from.

In order: KUBECHAT_COLLECTOR_URL (env), `audit.collector` in config.yaml (config), or the
well-known ConfigMap `kubechat-system/kubechat-collector` of the cluster a command ran against
(discovered). The collector's Helm chart creates that ConfigMap with the collector's URL, its TLS CA
bundle and its checkpoint public key, readable by every authenticated user, so a user whose admin
installed the chart needs no setup. Discovery reads it with the user's own kubectl and credentials
and caches the answer (also "there is none") per API server URL.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import paths

COLLECTOR_ENV = "KUBECHAT_COLLECTOR_URL"
COLLECTOR_CA_ENV = "KUBECHAT_COLLECTOR_CA"
NAMESPACE, NAME = "kubechat-system", "kubechat-collector"
CONFIGMAP_PATH = f"/api/v1/namespaces/{NAMESPACE}/configmaps/{NAME}"
# Data keys of the ConfigMap (the chart writes them).
URL_KEY, CA_KEY, PUBLIC_KEY_KEY = "url", "ca.crt", "checkpoint-public-key"
FOUND_TTL_S = 3600.0  # an admin who moves the collector is picked up within the hour
MISSING_TTL_S = 600.0  # a cluster without the chart is asked again after ten minutes


@dataclass(frozen=True)
class Collector:
    url: str
    source: str  # env | config | discovered
    ca_file: str | None = None
    checkpoint_key: str | None = None
    server: str | None = None  # the API server it was discovered from


def configured() -> Collector | None:
    """The collector named by the environment or config.yaml, if any (no cluster asked)."""
    url = os.environ.get(COLLECTOR_ENV)
    if url:
        return Collector(url, "env", os.environ.get(COLLECTOR_CA_ENV) or None)
    section = audit_config()
    value = section.get("collector")
    if isinstance(value, str) and value:
        return Collector(value, "config", section.get("ca_file"), section.get("collector_key"))
    if isinstance(value, dict) and value.get("url"):
        return Collector(str(value["url"]), "config", value.get("ca_file"), value.get("key"))
    return None


def audit_config() -> dict:
    from ..config import read_config

    section = read_config().get("audit") or {}
    return section if isinstance(section, dict) else {}


def _cache_file(server: str) -> Path:
    digest = hashlib.sha256(server.encode()).hexdigest()[:16]
    return paths.cache_dir() / "collector-discovery" / f"{digest}.json"


def cached(server: str | None) -> tuple[bool, Collector | None]:
    """(known, collector) from the discovery cache for this API server; known is False when the
    cache has no fresh answer."""
    if not server:
        return False, None
    try:
        data = json.loads(_cache_file(server).read_text())
    except (OSError, ValueError):
        return False, None
    if data.get("server") != server or data.get("expires", 0) < time.time():
        return False, None
    found = data.get("collector")
    return True, Collector(**found) if found else None


def _store(server: str, collector: Collector | None, ttl: float) -> None:
    path = _cache_file(server)
    paths.ensure_private_dir(path.parent)
    doc = {
        "server": server,
        "expires": time.time() + ttl,
        "collector": asdict(collector) if collector else None,
    }
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc))
    os.replace(tmp, path)


def discover(options, server: str | None) -> Collector | None:
    """Read the well-known ConfigMap with the user's kubectl (cached per API server URL).
    Returns None when the cluster has none or cannot be asked (the latter is not cached)."""
    if not server:
        return None  # no cluster in the kubeconfig: nothing to ask
    known, collector = cached(server)
    if known:
        return collector
    from ..errors import KubechatError
    from ..kubectl_api import Call, call

    try:
        cm = call(options, Call(CONFIGMAP_PATH, "collector discovery"))
    except KubechatError as exc:
        if "notfound" in exc.message.lower().replace(" ", ""):
            _store(server, None, MISSING_TTL_S)
        return None
    data = cm.get("data") or {}
    url = data.get(URL_KEY)
    if not url:
        _store(server, None, MISSING_TTL_S)
        return None
    ca_file = None
    if data.get(CA_KEY, "").strip():
        ca_path = _cache_file(server).with_suffix(".ca.crt")
        paths.ensure_private_dir(ca_path.parent)
        ca_path.write_text(data[CA_KEY])
        ca_file = str(ca_path)
    collector = Collector(url, "discovered", ca_file, data.get(PUBLIC_KEY_KEY) or None, server)
    _store(server, collector, FOUND_TTL_S)
    return collector


def resolve(options, server: str | None, ask_cluster: bool = True) -> Collector | None:
    """The collector in use: env, then config.yaml, then the cluster's ConfigMap (from the cache
    only when ask_cluster is False)."""
    found = configured()
    if found is not None:
        return found
    if not ask_cluster:
        return cached(server)[1]
    return discover(options, server)
