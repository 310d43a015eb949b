"""The caller's Kubernetes identity and bearer token, from their own kubeconfig."""

from __future__ import annotations

import json
import shutil
import subprocess

from ..errors import AuditError
from ..ledger.record import UserInfo


def whoami(kubectl: str = "kubectl", kubeconfig: str | None = None, context: str | None = None) -> UserInfo:
    """SelfSubjectReview through `kubectl auth whoami`: the API server names the user."""
    exe = shutil.which(kubectl) or kubectl
    argv = [exe, "auth", "whoami", "-o", "json"]
    if kubeconfig:
        argv += ["--kubeconfig", kubeconfig]
    if context:
        argv += ["--context", context]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AuditError(f"cannot ask the cluster who you are: {exc}") from exc
    if proc.returncode != 0:
        raise AuditError(f"cannot ask the cluster who you are: {proc.stderr.strip()}")
    info = json.loads(proc.stdout).get("status", {}).get("userInfo", {})
    return UserInfo(username=info.get("username", ""), uid=info.get("uid"), groups=info.get("groups", []))


class NoCredentials(AuditError):
    """The kubeconfig's user has nothing the collector could be shown (retrying will not help)."""


def _client_configuration(kubeconfig: str | None, context: str | None):
    """The kubernetes client's view of the kubeconfig: server, CA, client certificate files and
    bearer token, exec plugins run. `kubeconfig` is a path or a KUBECONFIG-style list; the files
    are read by kubeconfig_info."""
    from kubernetes import client as kclient
    from kubernetes import config as kconfig

    from ..kubeconfig_info import document
    from ..kubectl_options import KubectlOptions

    cfg = kclient.Configuration()
    doc = document(KubectlOptions(kubeconfig=kubeconfig, context=context))
    try:
        # Nothing is written back: a refreshed token stays in this process.
        kconfig.load_kube_config_from_dict(
            doc, context=context, client_configuration=cfg, persist_config=False
        )
    except Exception as exc:  # the kubernetes client raises many kinds for a bad kubeconfig
        raise AuditError(f"cannot read kubeconfig: {exc}") from exc
    return cfg


def _token(cfg) -> str | None:
    value = (cfg.api_key.get("authorization") or cfg.api_key.get("BearerToken") or "").strip()
    if not value:
        return None
    # A tokenFile's trailing newline is no part of the token (kubectl trims it too).
    scheme, _, rest = value.partition(" ")
    if not rest:
        return value
    # Any other scheme is not a token: "Basic …" is the kubeconfig's username and password.
    return rest.strip() if scheme.lower() == "bearer" else None


def bearer_token(kubeconfig: str | None = None, context: str | None = None) -> str | None:
    """The bearer token the kubeconfig authenticates with (static or exec/OIDC), if any."""
    return _token(_client_configuration(kubeconfig, context))


def api_server_client(kubeconfig: str | None = None, context: str | None = None, timeout: float = 10.0):
    """(API server URL, an httpx client that authenticates to it as the kubeconfig's user): a
    client certificate (from files, inline data or an exec plugin) or a bearer token, verified
    with the cluster's CA. Records ship through it to the collector's aggregated API, so a user
    without a token needs nothing else."""
    from .. import https as http

    cfg = _client_configuration(kubeconfig, context)
    if not cfg.verify_ssl:
        raise NoCredentials(
            "the kubeconfig skips TLS verification of the API server: nothing is sent through it"
        )
    token = _token(cfg)
    cert = (cfg.cert_file, cfg.key_file) if cfg.cert_file and cfg.key_file else None
    if not (token or cert):
        raise NoCredentials("the kubeconfig's user has neither a client certificate nor a token")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = http.client(cfg.ssl_ca_cert, timeout, cert=cert, headers=headers)
    return http.require_tls(cfg.host), client


class WrongCluster(NoCredentials):
    """The kubeconfig's API server is not the one of the collector's cluster."""


def aggregated_route(collector, kubeconfig: str | None = None, context: str | None = None):
    """(client, base URL) for shipping through the API server to the collector's aggregated API
    (…/v1/keys and …/v1/records under it): for users whose kubeconfig yields no bearer token. Only
    the API server of the collector's own cluster is used (raises WrongCluster otherwise)."""
    from ..ledger.protocol import AGGREGATED_API
    from .locate import aggregated_route_reason

    server, client = api_server_client(kubeconfig, context)
    if why := aggregated_route_reason(collector, server):
        client.close()
        raise WrongCluster(why)
    return client, server + AGGREGATED_API
