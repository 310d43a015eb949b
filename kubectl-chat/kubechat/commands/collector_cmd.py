"""`kubectl chat collector …`: run the in-cluster audit collector and make its keys."""

from __future__ import annotations

from pathlib import Path

import click

from ..collector.limits import Limits


@click.group("collector", help="The in-cluster audit collector.")
def collector() -> None:
    pass


@collector.command(
    "serve",
    help="Serve the collector API over HTTPS (TLS 1.3).\n\nExample: kubectl chat collector serve "
    "--store sqlite:////var/lib/collector/audit.db --listen 0.0.0.0:8443 --tls-cert tls.crt --tls-key tls.key "
    "--api-server https://kubernetes.default.svc",
)
@click.option(
    "--store", "store_url", required=True, help="sqlite:////abs/path.db or postgresql://user@host/db"
)
@click.option("--listen", default="0.0.0.0:8443", show_default=True, help="HOST:PORT")
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False))
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False))
@click.option("--insecure-http", is_flag=True, help="Plain HTTP (only behind a proxy that terminates TLS).")
@click.option(
    "--key-file", envvar="KUBECHAT_COLLECTOR_KEY_FILE", help="AES-256 key for record bodies at rest."
)
@click.option(
    "--signing-key", envvar="KUBECHAT_COLLECTOR_SIGNING_KEY_FILE", help="Ed25519 PEM for checkpoints."
)
@click.option(
    "--api-server", envvar="KUBECHAT_API_SERVER", help="Kubernetes API server (default: in-cluster)."
)
@click.option("--api-ca", type=click.Path(dir_okay=False), help="CA bundle of the API server.")
@click.option(
    "--identity",
    type=click.Choice(["selfsubjectreview", "tokenreview"]),
    default="selfsubjectreview",
    show_default=True,
    help="How a bearer token is turned into a Kubernetes user.",
)
@click.option(
    "--reader-group", multiple=True, default=("system:masters", "kubechat:auditors"), show_default=True
)
@click.option("--reader-user", multiple=True, help="Users allowed to query the log.")
@click.option(
    "--accept-policy-bundle",
    "accepted_bundles",
    multiple=True,
    help="A policy bundle digest (sha256:...) or revision whose decisions are accepted; records "
    "decided by any other are flagged policyBundleStatus=unaccepted (repeatable).",
)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(min=1),
    default=Limits.max_body_bytes,
    show_default=True,
    help="Largest request body; larger ones get 413 before they are read.",
)
@click.option(
    "--max-record-bytes",
    type=click.IntRange(min=1),
    default=Limits.max_record_bytes,
    show_default=True,
    help="Largest single record; larger ones are rejected.",
)
@click.option(
    "--rate-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=Limits.records_per_second,
    show_default=True,
    help="Records per second each identity may send (sustained); beyond it 429 with Retry-After.",
)
@click.option(
    "--rate-burst",
    type=click.IntRange(min=1),
    default=Limits.burst,
    show_default=True,
    help="Records each identity may send at once before --rate-limit applies.",
)
@click.option(
    "--trusted-proxy",
    multiple=True,
    metavar="CIDR",
    help="A proxy network whose X-Forwarded-For names the client (repeatable). Default: none; "
    "the TCP peer is the client.",
)
@click.option(
    "--requestheader-client-ca",
    type=click.Path(exists=True, dir_okay=False),
    help="Also serve as an aggregated API (APIService v1.audit.kubechat.io): the CA of the API "
    "server's front-proxy client certificate (kube-system/extension-apiserver-authentication, "
    "requestheader-client-ca-file). Users it forwards are believed only on connections presenting "
    "a certificate of this CA.",
)
@click.option(
    "--requestheader-allowed-name",
    multiple=True,
    help="A front-proxy certificate name whose forwarded users are believed (repeatable; the "
    "API server's requestheader-allowed-names). Default: any certificate of that CA.",
)
def serve_cmd(
    store_url,
    listen,
    tls_cert,
    tls_key,
    insecure_http,
    key_file,
    signing_key,
    api_server,
    api_ca,
    identity,
    reader_group,
    reader_user,
    accepted_bundles,
    max_body_bytes,
    max_record_bytes,
    rate_limit,
    rate_burst,
    trusted_proxy,
    requestheader_client_ca,
    requestheader_allowed_name,
):
    import os

    from ..lean_imports import require_collector_extra

    postgres = ("psycopg",) if store_url.startswith("postgres") else ()
    require_collector_extra("fastapi", "uvicorn", "prometheus_client", "jinja2", *postgres)
    from ..collector.api import create_app
    from ..collector.bundles import AcceptedBundles
    from ..collector.crypto import BodyCipher, CheckpointSigner
    from ..collector.identity import SA_DIR, FrontProxy, SelfSubjectReviewResolver, TokenReviewResolver
    from ..collector.server import make_config
    from ..collector.service import CollectorService
    from ..collector.store import open_store

    if not api_server:
        host, port = (
            os.environ.get("KUBERNETES_SERVICE_HOST"),
            os.environ.get("KUBERNETES_SERVICE_PORT", "443"),
        )
        if not host:
            raise click.UsageError("no --api-server given and not running in a cluster")
        api_server = f"https://{host}:{port}"
        api_ca = api_ca or str(SA_DIR / "ca.crt")
    resolver_cls = TokenReviewResolver if identity == "tokenreview" else SelfSubjectReviewResolver
    service = CollectorService(
        open_store(store_url),
        BodyCipher.from_file(key_file),
        CheckpointSigner.from_file(signing_key),
        resolver_cls(api_server, api_ca),
        reader_groups=tuple(reader_group),
        reader_users=tuple(reader_user),
        accepted_bundles=AcceptedBundles(frozenset(accepted_bundles)),
        limits=Limits(max_body_bytes, max_record_bytes, rate_limit, rate_burst),
    )
    front_proxy = FrontProxy(tuple(requestheader_allowed_name)) if requestheader_client_ca else None
    config = make_config(
        create_app(service, front_proxy),
        listen,
        tls_cert,
        tls_key,
        insecure_http,
        trusted_proxy,
        front_proxy_ca=requestheader_client_ca,
    )
    import uvicorn

    click.echo(
        f"collector listening on {'http' if insecure_http else 'https'}://{listen} (store: {service.store.kind})",
        err=True,
    )
    uvicorn.Server(config).run()


@collector.command("init-keys", help="Create the record encryption key and checkpoint signing key (0600).")
@click.option("--dir", "directory", type=click.Path(file_okay=False), required=True)
@click.option(
    "--tls-host", multiple=True, help="Also make a self-signed serving certificate for these names."
)
def init_keys_cmd(directory, tls_host):
    from ..collector.crypto import CheckpointSigner, init_keys
    from ..collector.tlscert import make_self_signed

    aes, sig = init_keys(Path(directory))
    click.echo(f"record key:       {aes}")
    click.echo(f"checkpoint key:   {sig}")
    click.echo(f"checkpoint public key (give to auditors): {CheckpointSigner.from_file(sig).public_b64}")
    if tls_host:
        make_self_signed(list(tls_host), Path(directory) / "tls.crt", Path(directory) / "tls.key")
        click.echo(f"tls certificate:  {Path(directory) / 'tls.crt'}")


@collector.command(
    "healthz",
    help="Exit 0 when a collector answers /healthz over verified TLS (the chart's `helm test` runs "
    "it; the image has no shell or curl).\n\nExample: kubectl chat collector healthz "
    "https://audit.kubechat-system.svc:8443 --ca-file ca.crt",
)
@click.argument("url")
@click.option("--ca-file", type=click.Path(exists=True, dir_okay=False), help="CA bundle of the collector.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True)
def healthz_cmd(url, ca_file, timeout):
    import httpx

    from .. import https as http

    target = http.require_tls(url).rstrip("/") + "/healthz"
    try:
        with http.client(ca_file, timeout=timeout) as client:
            answer = client.get(target)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"{target}: {exc.__class__.__name__}: {exc}") from exc
    if answer.status_code != 200:
        raise click.ClickException(f"{target}: HTTP {answer.status_code} {answer.text.strip()[:200]}")
    click.echo(f"{target}: {answer.text.strip()}")
