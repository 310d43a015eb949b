"""`kubectl chat policy explain|status|stop`: a thin layer over kubechat.safety."""

from __future__ import annotations

import json

import click

from ..errors import KubechatError
from ..kubectl_options import KubectlOptions


class _ExplainCommand(click.Command):
    """Remembers whether the words came after `--` (a raw kubectl command) or not (a request)."""

    def parse_args(self, ctx, args):
        ctx.meta["raw_command"] = "--" in args
        return super().parse_args(ctx, args)


@click.group("policy")
def policy() -> None:
    """The policy that decides what may run: explain a decision, show or stop the local OPA."""


@policy.command("explain", cls=_ExplainCommand)
@click.argument("words", nargs=-1, required=True)
@click.option("--write", "write_mode", is_flag=True, help="Evaluate as if write mode were on.")
@click.option("--kubeconfig", help="Path to the kubeconfig file.")
@click.option("--context", help="The kubeconfig context to use.")
@click.option("-n", "--namespace", help="Namespace used when the command names none.")
@click.option("--as", "as_user", help="Username to impersonate.")
@click.option("--as-group", "as_groups", multiple=True, help="Group to impersonate (repeatable).")
@click.option("--for-user", help="Evaluate for this user instead of asking the cluster who you are.")
@click.option(
    "--for-group", "for_groups", multiple=True, help="With --for-user: a group of that user (repeatable)."
)
@click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def explain_cmd(
    ctx, words, write_mode, kubeconfig, context, namespace, as_user, as_groups, for_user, for_groups, output
):
    """Show what the policy decides for a request, and why.

    \b
    Examples:
      kubectl chat policy explain "delete the web pods in prod"
      kubectl chat policy explain -- get secret db -n prod -o yaml
      kubectl chat policy explain --write --for-user alice -- scale deploy/web --replicas=0 -n prod
    """
    from ..safety.explain import explain

    options = KubectlOptions(
        kubeconfig=kubeconfig,
        context=context,
        namespace=namespace,
        as_user=as_user,
        as_groups=list(as_groups),
    )
    raw = ctx.meta.get("raw_command", False)
    argv = list(words)
    if raw and argv[:1] == ["kubectl"]:  # the command line as typed at a shell
        argv = argv[1:]
    result = explain(
        argv=argv if raw else None,
        request=None if raw else " ".join(words),
        options=options,
        mode="write" if write_mode else None,
        user=for_user,
        groups=list(for_groups) if for_user else None,
    )
    denied = 0 if result.decision.allow else 1  # scripts can test the verdict by the exit code
    if output == "json":
        click.echo(json.dumps(result.model_dump(mode="json"), indent=2))
        return denied
    d, inp = result.decision, result.input
    click.echo(f"command:  kubectl {' '.join(result.argv)}")
    click.echo(f"risk:     {inp.risk.value} ({inp.risk_reason})")
    who = inp.user or "unknown"
    click.echo(f"user:     {who}" + (f" (groups: {', '.join(inp.groups)})" if inp.groups else ""))
    click.echo(f"mode:     {inp.mode}")
    verdict = click.style("allowed", fg="green") if d.allow else click.style("denied", fg="red")
    confirm = {"none": "no confirmation", "yes": "confirm with yes", "typed": f"type `{d.confirm_phrase}`"}
    click.echo(f"decision: {verdict}" + (f", {confirm[d.confirm]}" if d.allow else ""))
    click.echo(f"source:   {d.source}")
    if d.bundle_revision or d.bundle_digest:
        click.echo(
            f"bundle:   revision {d.bundle_revision or '(none)'}, digest {d.bundle_digest or '(unknown)'}"
        )
    for r in d.reasons:
        click.echo(f"  - {r}")
    for n in result.notes:
        click.echo(f"note: {n}", err=True)
    return denied


@policy.command("status")
def status_cmd():
    """Show which OPA answers policy queries and whether the local one is running."""
    from ..safety import sidecar
    from ..safety.policy import load_settings

    settings = load_settings()
    if settings.enforced_by:
        click.echo(f"enforced by: {settings.enforced_by} (your own policy settings are ignored)")
        if settings.max_mode == "read-only":
            click.echo("  write mode: turned off by the administrator")
    if settings.opa_url:
        click.echo(f"central OPA: {settings.opa_url}")
    if settings.verification_key:
        click.echo(f"  bundle must be signed: {settings.verification_key} ({settings.signing_alg})")
    info = sidecar.describe()
    if info["running"]:
        click.echo(f"local OPA:   running, pid {info['pid']}, {info['url']}")
        click.echo(f"  binary:    {info['opa']}")
        click.echo(f"  policies:  {info['policies']}")
        if info.get("digest"):
            click.echo(f"  digest:    {info['digest']}")
    else:
        click.echo("local OPA:   not running (starts on first use)")
        try:
            click.echo(f"  binary:    {sidecar.find_opa()}")
        except KubechatError as exc:
            click.echo(f"  binary:    not found ({exc.hint})")
        try:
            click.echo(f"  policies:  {sidecar.policies_dir(settings)}")
        except KubechatError as exc:
            click.echo(f"  policies:  not found ({exc.hint})")
    click.echo(f"on_policy_unavailable: {settings.on_policy_unavailable}")


@policy.command("stop")
def stop_cmd():
    """Stop the local OPA sidecar (it starts again on next use)."""
    from ..safety import sidecar

    stopped = sidecar.stop()
    click.echo(f"stopped local OPA (pid {stopped.pid})" if stopped else "local OPA was not running")
