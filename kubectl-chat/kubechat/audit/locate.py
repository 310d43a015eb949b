"""Which collector this machine's records go to, and where that answer came from.

In order: KUBECHAT_COLLECTOR_URL (env), `audit.collector` in config.yaml (config), or the
well-known ConfigMap `kubechat-system/kubechat-collector` of the cluster a command ran against
(discovered). The collector's Helm chart creates that ConfigMap with the collector's URL, its TLS CA
bundle and its checkpoint public key, readable by every authenticated user. Discovery reads it with
the user's own kubectl and credentials and caches the answer (also "there is none") per API server
URL.

A discovered collector receives the user's bearer token, and anyone who can write that ConfigMap
(or create the namespace on a cluster without the chart) could name their own server in it. So a
discovered collector is used only when it is pinned: its exact URL, and every certificate of its
CA bundle (which it must have), must be listed in `audit.trusted_collectors` of the administrator's
/etc/kubectl-chat/config.yaml (no setup for users) or of the user's own config.yaml. An unpinned one is reported by `audit status`, never sent
anything. Users without a token ship through an API server's aggregated API, whoever registered it:
only through the API server of the collector's own cluster (see aggregated_route_reason).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import paths

COLLECTOR_ENV = "KUBECHAT_COLLECTOR_URL"
COLLECTOR_CA_ENV = "KUBECHAT_COLLECTOR_CA"
COLLECTOR_CLUSTER_ENV = "KUBECHAT_COLLECTOR_CLUSTER"  # API server URL of the collector's cluster
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
    # The API server it was discovered from, or the one a configured collector serves: the only one
    # whose aggregated API records may go through.
    server: str | None = None
    ca_fingerprints: tuple[str, ...] = ()  # "sha256:<hex>" of each certificate of a discovered bundle


_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----")


def _certificates(pem: str) -> list:
    """The certificates of a PEM bundle. Any block that is not a plain CERTIFICATE is refused:
    OpenSSL also trusts `TRUSTED CERTIFICATE` blocks that other parsers skip, and a bundle must
    mean the same thing to the code that pins it and to the code that verifies TLS with it."""
    from cryptography import x509

    kinds = set(_PEM_BEGIN.findall(pem))
    if kinds != {"CERTIFICATE"}:
        raise ValueError(
            f"a CA bundle may hold only CERTIFICATE blocks, not {sorted(kinds - {'CERTIFICATE'})}"
        )
    certs = x509.load_pem_x509_certificates(pem.encode())
    if len(certs) != len(_PEM_BEGIN.findall(pem)):
        raise ValueError("a CA bundle block could not be read")
    return certs


def ca_fingerprints(pem: str) -> tuple[str, ...]:
    """sha256 of each certificate's DER in a PEM bundle (raises ValueError when there is none)."""
    from cryptography.hazmat.primitives.serialization import Encoding

    return tuple(
        "sha256:" + hashlib.sha256(c.public_bytes(Encoding.DER)).hexdigest() for c in _certificates(pem)
    )


def canonical_bundle(pem: str) -> str:
    """The bundle rewritten from the parsed certificates: exactly what was fingerprinted, nothing
    a TLS library could read differently."""
    from cryptography.hazmat.primitives.serialization import Encoding

    return "".join(c.public_bytes(Encoding.PEM).decode() for c in _certificates(pem))


def _pin_entries() -> list:
    """`audit.trusted_collectors` of the administrator's system config and of the user's config."""
    from .. import system_config

    _, system = system_config.read()
    entries: list = []
    for section in ((system.get("audit") or {}), audit_config()):
        value = section.get("trusted_collectors") if isinstance(section, dict) else None
        entries += value if isinstance(value, list) else []
    return entries


def pins() -> set[str]:
    """The pinned collector URLs and CA fingerprints."""
    found: set[str] = set()
    for pin in _pin_entries():
        if isinstance(pin, str) and pin.strip():
            found.add(pin.strip().lower() if pin.strip().lower().startswith("sha256:") else pin.strip())
    return found


def pinned_clusters() -> set[tuple[str, str]]:
    """(collector URL, API server URL) of each `{url: …, cluster: …}` entry: the clusters whose
    aggregated API is that collector."""
    return {
        (str(pin["url"]).strip(), _server(str(pin["cluster"])))
        for pin in _pin_entries()
        if isinstance(pin, dict) and pin.get("url") and pin.get("cluster")
    }


def _server(url: str) -> str:
    return url.strip().rstrip("/")


def aggregated_route_reason(collector: Collector, api_server: str) -> str | None:
    """Why records for this collector may not go through `api_server`'s aggregated API; None when
    that API server is the one of the collector's own cluster. Whoever registers
    `v1.audit.kubechat.io` on another cluster would receive every pending record and key proof."""
    if not collector.server:
        return (
            f"shipping without a token goes through the API server of the collector's cluster, and "
            f"the collector {collector.url} names none: set audit.collector.cluster (or "
            f"{COLLECTOR_CLUSTER_ENV}) to that API server's URL"
        )
    if _server(collector.server) != _server(api_server):
        return (
            f"the kubeconfig points at {api_server}, not at {collector.server} whose collector is "
            f"{collector.url}: nothing is sent through another cluster's API server"
        )
    if collector.source == "discovered" and (collector.url, _server(api_server)) not in pinned_clusters():
        return (
            f"the collector {collector.url} is not pinned for the cluster {api_server}: add "
            f"{{url: {collector.url}, cluster: {api_server}}} to audit.trusted_collectors "
            "(check with your administrator)"
        )
    return None


def untrusted_reason(collector: Collector) -> str | None:
    """Why a discovered collector may not be sent anything; None when it is pinned (or was not
    discovered: env and config are the user's own choice). Its exact URL must be pinned, and so
    must every certificate of its CA bundle: a CA pin alone would let whoever can write the
    ConfigMap name any host that CA has issued a certificate for, and a URL pin without a CA would
    let them drop `ca.crt` so that TLS trusts any public CA's certificate for that host."""
    if collector.source != "discovered":
        return None
    if not collector.ca_fingerprints or not collector.ca_file:
        return (
            f"the collector {collector.url} found in the cluster has no ca.crt in its ConfigMap: "
            "a pinned collector is used only with its pinned CA (check with your administrator)"
        )
    pinned = pins()
    missing = [] if collector.url in pinned else [collector.url]
    missing += [f for f in collector.ca_fingerprints if f not in pinned]
    if not missing:
        return None
    return (
        f"the collector {collector.url} found in the cluster is not pinned: add "
        f"{' and '.join(missing)} to audit.trusted_collectors (check with your administrator)"
    )


def configured() -> Collector | None:
    """The collector named by the environment or config.yaml, if any (no cluster asked)."""
    url = os.environ.get(COLLECTOR_ENV)
    if url:
        cluster = os.environ.get(COLLECTOR_CLUSTER_ENV) or None
        return Collector(url, "env", os.environ.get(COLLECTOR_CA_ENV) or None, server=cluster)
    section = audit_config()
    value = section.get("collector")
    if isinstance(value, str) and value:
        return Collector(value, "config", section.get("ca_file"), section.get("collector_key"))
    if isinstance(value, dict) and value.get("url"):
        cluster = value.get("cluster")
        return Collector(
            str(value["url"]),
            "config",
            value.get("ca_file"),
            value.get("key"),
            str(cluster) if cluster else None,
        )
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
    if found:
        found["ca_fingerprints"] = tuple(found.get("ca_fingerprints") or ())
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
    ca_file, fingerprints = None, ()
    if data.get(CA_KEY, "").strip():
        try:
            fingerprints = ca_fingerprints(data[CA_KEY])
        except ValueError:
            _store(server, None, MISSING_TTL_S)
            return None  # a bundle that holds no certificate names no collector we could check
        ca_path = _cache_file(server).with_suffix(".ca.crt")
        paths.ensure_private_dir(ca_path.parent)
        ca_path.write_text(canonical_bundle(data[CA_KEY]))
        ca_file = str(ca_path)
    collector = Collector(url, "discovered", ca_file, data.get(PUBLIC_KEY_KEY) or None, server, fingerprints)
    _store(server, collector, FOUND_TTL_S)
    return collector


def resolve(options, server: str | None, ask_cluster: bool = True) -> Collector | None:
    """The collector records may be sent to: env, then config.yaml, then the cluster's ConfigMap
    when it is pinned (from the cache only when ask_cluster is False)."""
    found = candidate(options, server, ask_cluster)
    return found if found is not None and untrusted_reason(found) is None else None


def candidate(options, server: str | None, ask_cluster: bool = True) -> Collector | None:
    """The collector that would be used, pinned or not (for `audit status`)."""
    found = configured()
    if found is not None:
        return found
    if not ask_cluster:
        return cached(server)[1]
    return discover(options, server)
