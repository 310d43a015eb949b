"""`kubectl chat audit …`: query, verify, export, report, ship, status and rotate keys.

Thin wiring over kubechat.audit: every command builds its inputs, calls one library function and
prints the result. Records come from the local spool unless --collector is given.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..audit.locate import COLLECTOR_CA_ENV, COLLECTOR_ENV
from ..errors import AuditError, UsageError

COLLECTOR_KEY_ENV = "KUBECHAT_COLLECTOR_KEY"  # the same name kubechat.audit.receipts reads


def _tls_url(_ctx, _param, value):
    """Refuse a collector URL that would carry a token in clear, before anything is sent."""
    if value is None:
        return None
    from ..https import require_tls

    return require_tls(value)


def _collector_key_option(help_text: str):
    return click.option(
        "--collector-key", envvar=COLLECTOR_KEY_ENV, help=f"{help_text} (env {COLLECTOR_KEY_ENV})"
    )


def _filter_options(fn):
    opts = [
        click.option("--user", "username", help="Only records of this Kubernetes user."),
        click.option("--verb", help="Only this kubectl verb (get, delete, scale, …)."),
        click.option("-n", "--namespace", help="Only this namespace."),
        click.option("--risk", type=click.Choice(["read", "write", "destructive", "unknown"])),
        click.option(
            "--decision", type=click.Choice(["allow", "deny", "error", "none"]), help="Policy decision."
        ),
        click.option(
            "--stage",
            help="ResponseComplete, DryRun, Clarification, Cancelled, Denied, Failed or KeyRotation.",
        ),
        click.option("--since", help="From this time: 30d, 12h, or an ISO date/time."),
        click.option("--until", help="Up to this time (same forms as --since)."),
        click.option("-q", "--text", help="Free text found anywhere in the record."),
        click.option("--limit", type=int, help="Only the newest this many records."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def _source_options(fn):
    opts = [
        click.option(
            "--collector",
            envvar=COLLECTOR_ENV,
            callback=_tls_url,
            help=f"Collector URL, https:// (env {COLLECTOR_ENV}); default: local spool.",
        ),
        click.option(
            "--ca-file",
            envvar=COLLECTOR_CA_ENV,
            type=click.Path(exists=True, dir_okay=False),
            help=f"CA bundle for the collector (env {COLLECTOR_CA_ENV}).",
        ),
        click.option("--token-file", type=click.Path(exists=True, dir_okay=False), help="Bearer token file."),
        click.option("--kubeconfig", type=click.Path(dir_okay=False), help="Kubeconfig whose token to use."),
        click.option("--context", "kube_context", help="Kubeconfig context."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def _token(token_file, kubeconfig, kube_context) -> str | None:
    if token_file:
        return Path(token_file).read_text().strip()
    from ..audit.kube import bearer_token

    try:
        return bearer_token(kubeconfig, kube_context)
    except AuditError:
        return None


def _records(filters_kw: dict, limit, collector, ca_file, token_file, kubeconfig, kube_context):
    from ..audit import query
    from ..audit.spool import Spool

    filters = query.Filters(
        username=filters_kw.get("username"),
        verb=filters_kw.get("verb"),
        namespace=filters_kw.get("namespace"),
        risk=filters_kw.get("risk"),
        decision=filters_kw.get("decision"),
        stage=filters_kw.get("stage"),
        since=query.parse_time(filters_kw.get("since")),
        until=query.parse_time(filters_kw.get("until")),
        text=filters_kw.get("text"),
    )
    if collector:
        token = _token(token_file, kubeconfig, kube_context)
        found = query.from_collector(collector, filters, token=token, ca_file=ca_file)
    else:
        found = query.from_spool(Spool(), filters)
    if limit is None:
        return found
    # --limit N: the newest N, still oldest first (both sources page from the oldest record).
    from collections import deque

    return list(deque(found, maxlen=max(limit, 0))) if limit > 0 else []


@click.group("audit", help="Query, verify, export and ship the signed audit trail.")
def audit() -> None:
    pass


@audit.command(
    "query", help="Show audit records.\n\nExample: kubectl chat audit query --user alice --since 7d"
)
@_filter_options
@_source_options
@click.option(
    "-o", "--output", "fmt", type=click.Choice(["table", "json", "csv", "cef", "leef"]), default="table"
)
def query_cmd(fmt, limit, collector, ca_file, token_file, kubeconfig, kube_context, **filters):
    records = _records(filters, limit, collector, ca_file, token_file, kubeconfig, kube_context)
    if fmt != "table":
        from ..ledger.formats import export

        export(records, fmt, sys.stdout)
        return
    from rich.console import Console
    from rich.table import Table

    from ..ledger.formats import flat

    table = Table(box=None)
    for col in ("time", "user", "ns", "risk", "policy", "stage", "exit"):
        table.add_column(col, no_wrap=True)
    table.add_column("command", overflow="fold")
    for record in records:
        f = flat(record)
        table.add_row(
            f["requestReceivedTimestamp"][:19].replace("T", " "),
            f["username"],
            f["namespace"],
            f["risk"],
            f["decision"],
            f["stage"],
            f["exitCode"],
            f["argv"] or f["request"],
        )
    console = Console()
    if not console.is_terminal:  # a file or pipe: one record per line
        console = Console(width=200)
    console.print(table)


@audit.command(
    "export", help="Export records for a SIEM.\n\nExample: kubectl chat audit export --format cef -f out.cef"
)
@_filter_options
@_source_options
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "cef", "leef"]), default="json")
@click.option(
    "-f", "--file", "out_file", type=click.Path(dir_okay=False), help="Write here instead of stdout."
)
def export_cmd(fmt, out_file, limit, collector, ca_file, token_file, kubeconfig, kube_context, **filters):
    from ..ledger.formats import export

    records = _records(filters, limit, collector, ca_file, token_file, kubeconfig, kube_context)
    if out_file:
        with open(out_file, "w", encoding="utf-8", newline="") as fh:
            n = export(records, fmt, fh)
        click.echo(f"wrote {n} records to {out_file}", err=True)
    else:
        export(records, fmt, sys.stdout)


@audit.command(
    "verify",
    help="Check that the trail is intact: chain links, order, signatures (and, with --collector, "
    "the collector's signed checkpoint and Merkle tree). Exits 0 when intact, 1 otherwise.",
)
@_source_options
@_collector_key_option("The collector's checkpoint public key (base64) to trust")
def verify_cmd(collector, ca_file, token_file, kubeconfig, kube_context, collector_key):
    from ..audit.trail import AuditTrail

    trail = AuditTrail()
    result = trail.verify(collector_key)
    click.echo(f"local spool: {result.describe()}")
    if not collector:
        return 0 if result.ok else 1
    from ..audit.remote_verify import verify_collector

    token = _token(token_file, kubeconfig, kube_context)
    report = verify_collector(
        collector, token=token, ca_file=ca_file, trusted_key=collector_key, spool=trail.spool
    )
    click.echo(report.describe())
    return 0 if report.ok and result.ok else 1


@audit.command(
    "proof",
    help="Prove that one of your records is in the collector's signed Merkle log (an RFC 6962 "
    "inclusion proof to a signed checkpoint), using the record as your spool holds it.\n\n"
    "Example: kubectl chat audit proof 3f1c…  --collector https://collector:8443",
)
@click.argument("audit_id")
@click.option(
    "--collector",
    envvar=COLLECTOR_ENV,
    required=True,
    callback=_tls_url,
    help=f"Collector URL, https:// (env {COLLECTOR_ENV}).",
)
@click.option("--ca-file", type=click.Path(exists=True, dir_okay=False), help="CA bundle for the collector.")
@_collector_key_option("The collector's checkpoint public key (base64) to trust")
def proof_cmd(audit_id, collector, ca_file, collector_key):
    from ..audit.remote_verify import prove_inclusion
    from ..audit.spool import Spool

    record = next((r for r in Spool().records(text=audit_id) if r.auditID == audit_id), None)
    if record is None:
        raise UsageError(
            f"record {audit_id} is not in the local spool", hint="see `kubectl chat audit query`"
        )
    report = prove_inclusion(collector, record, ca_file=ca_file, trusted_key=collector_key)
    click.echo(report.describe())
    return 0 if report.ok else 1


@audit.command("ship", help="Send spooled records to the collector now (they are kept until it has them).")
@_source_options
@_collector_key_option("Check the collector's receipts against this checkpoint public key (base64)")
def ship_cmd(collector, ca_file, token_file, kubeconfig, kube_context, collector_key):
    from ..audit import locate
    from ..https import require_tls as http_url

    if collector:
        found = locate.Collector(
            collector, "flag", ca_file, collector_key, os.environ.get(locate.COLLECTOR_CLUSTER_ENV) or None
        )
    else:
        from ..kubeconfig_info import resolve
        from ..kubectl_options import KubectlOptions

        options = KubectlOptions(kubeconfig=kubeconfig, context=kube_context)
        server = resolve(options).server
        found = locate.resolve(options, server)
        if found is None:
            seen = locate.candidate(options, server, ask_cluster=False)
            raise UsageError(
                (seen and locate.untrusted_reason(seen)) or "no collector URL",
                hint=f"pass --collector https://…, set {COLLECTOR_ENV}, or install the collector's Helm chart",
            )
        collector, ca_file = http_url(found.url), ca_file or found.ca_file
        collector_key = collector_key or found.checkpoint_key
    from ..audit.trail import AuditTrail

    token = _token(token_file, kubeconfig, kube_context)
    client = through = None
    if token is None:  # a client certificate, say: through the API server to the aggregated API
        from ..audit.kube import WrongCluster, aggregated_route

        try:
            client, through = aggregated_route(found, kubeconfig, kube_context)
        except WrongCluster:
            raise  # nothing is sent through another cluster's API server
        except AuditError:
            pass  # nothing to authenticate with: ship_pending says so
    try:
        result = AuditTrail().ship_pending(
            collector,
            token=token,
            ca_file=ca_file,
            collector_key=collector_key,
            client=client,
            through=through,
        )
    finally:
        if client is not None:
            client.close()
    click.echo(result.describe(), err=not result.ok)
    return 0 if result.ok else 1


@audit.command(
    "status",
    help="Where records go and how far behind shipping is: the collector in use (and whether it "
    "came from the environment, config.yaml or the cluster), pending records, the oldest one's "
    "age, the last successful ship and the last error.",
)
@click.option("--kubeconfig", type=click.Path(dir_okay=False), help="Kubeconfig of the cluster to ask.")
@click.option("--context", "kube_context", help="Kubeconfig context.")
@click.option("-o", "--output", "fmt", type=click.Choice(["text", "json"]), default="text")
def status_cmd(kubeconfig, kube_context, fmt):
    import json

    from ..audit.status import describe, status
    from ..kubectl_options import KubectlOptions

    data = status(KubectlOptions(kubeconfig=kubeconfig, context=kube_context))
    click.echo(json.dumps(data, indent=2) if fmt == "json" else describe(data))


@audit.command("autoship", hidden=True, context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def autoship_cmd(args):
    """The detached shipper a run starts (the packaged binary's way to run it)."""
    from ..audit.autoship import main

    return main(list(args))


@audit.command(
    "report",
    help="SOC 2-style evidence report: activity by user, writes and destructive operations with "
    "their confirmation, denials, and the integrity check.\n\nExample: kubectl chat audit report --since 30d --format html -f report.html",
)
@_source_options
@click.option("--since", default="30d", show_default=True)
@click.option("--until")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "pdf"]),
    help="Default: from the -f file's extension (.pdf, .html), else md.",
)
@click.option(
    "-f", "--file", "out_file", type=click.Path(dir_okay=False), help="Output file (required for pdf)."
)
@_collector_key_option("The collector's checkpoint public key (base64) to trust")
def report_cmd(
    collector, ca_file, token_file, kubeconfig, kube_context, since, until, fmt, out_file, collector_key
):
    from ..audit import evidence
    from ..ledger import report

    if fmt is None:
        suffix = Path(out_file).suffix.lower() if out_file else ""
        fmt = {".pdf": "pdf", ".html": "html", ".htm": "html"}.get(suffix, "md")
    if fmt == "pdf" and not out_file:
        raise UsageError("a PDF report needs an output file", hint="add -f report.pdf")
    records = list(
        _records(
            {"since": since, "until": until}, None, collector, ca_file, token_file, kubeconfig, kube_context
        )
    )
    if collector:
        from ..audit.remote_verify import verify_collector

        token = _token(token_file, kubeconfig, kube_context)
        integrity = evidence.collector_integrity(
            verify_collector(collector, token=token, ca_file=ca_file, trusted_key=collector_key)
        )
    else:
        from ..audit.trail import AuditTrail

        integrity = evidence.local_integrity(AuditTrail(), collector_key)
    data = report.build(records, since=since, until=until, integrity=integrity)
    if fmt == "pdf":
        report.write_pdf(data, out_file)
        click.echo(f"wrote {out_file}", err=True)
        return
    text = report.render_html(data) if fmt == "html" else report.render_md(data)
    if out_file:
        Path(out_file).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out_file}", err=True)
    else:
        click.echo(text)


@audit.command(
    "prune",
    help="Remove records older than --shipped-before from the local spool, but only those the "
    "collector acknowledged with a receipt signed by its checkpoint key; the chain stays verifiable. "
    "Records without such a receipt are never removed.\n\n"
    "Example: kubectl chat audit prune --shipped-before 90d --collector-key BASE64",
)
@click.option("--shipped-before", required=True, help="Age limit: 90d, 12h, or an ISO date/time.")
@_collector_key_option("The collector's checkpoint public key (base64) its receipts must verify against")
def prune_cmd(shipped_before, collector_key):
    from ..audit.query import parse_time
    from ..audit.trail import AuditTrail

    dropped, stopped = AuditTrail().prune(parse_time(shipped_before), collector_key)
    click.echo(f"removed {dropped} acknowledged records from the local spool")
    if stopped:
        click.echo(f"kept everything from {stopped}", err=True)


@audit.group("keys", help="The client's audit signing keys.")
def keys() -> None:
    pass


@keys.command("list", help="List signing keys (the current one is marked).")
def keys_list():
    from ..audit.keys import KeyStore

    store = KeyStore()
    current = store.current_id()
    for kid in store.public_keys():
        click.echo(f"{'*' if kid == current else ' '} {kid}")


@keys.command("rotate", help="Start signing with a new key; old public keys are kept so old records verify.")
@click.option("--kubeconfig", type=click.Path(dir_okay=False))
@click.option("--context", "kube_context")
@click.option("--user", "username", help="Name to record when the cluster cannot be asked (offline).")
def keys_rotate(kubeconfig, kube_context, username):
    from ..audit.kube import whoami
    from ..audit.trail import AuditTrail
    from ..ledger.record import UserInfo

    user = UserInfo(username=username) if username else whoami(kubeconfig=kubeconfig, context=kube_context)
    trail = AuditTrail()
    record = trail.rotate_keys(user)
    click.echo(
        f"now signing with {record.annotations['kubechat.io/new-key-id']} (rotation is record {record.seq})"
    )
