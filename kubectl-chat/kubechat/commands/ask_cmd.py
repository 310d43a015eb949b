"""`kubectl chat "REQUEST"` (one-shot) and `kubectl chat` (interactive). kubectl's global flags
are accepted and passed to the kubectl that runs, so commands use the user's own credentials."""

from __future__ import annotations

import os
import sys

import click

from ..kubectl_options import KubectlOptions

EXIT_CLARIFY, EXIT_DENIED, EXIT_CANCELLED = 2, 3, 1


def kubectl_flags(f):
    """kubectl's global flags, shared by every command that talks to a cluster."""
    opts = [
        click.option(
            "--kubeconfig", envvar=None, help="Path to the kubeconfig file (KUBECONFIG is honoured too)."
        ),
        click.option("--context", "kube_context", help="The kubeconfig context to use."),
        click.option("-n", "--namespace", help="The namespace for requests that do not name one."),
        click.option("-A", "--all-namespaces", is_flag=True, help="List across all namespaces."),
        click.option("--as", "as_user", help="Impersonate this user (needs RBAC permission)."),
        click.option("--as-group", "as_groups", multiple=True, help="Impersonate this group (repeatable)."),
        click.option("--request-timeout", help="kubectl's per-request timeout, e.g. 10s."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def options_from(kw: dict) -> KubectlOptions:
    return KubectlOptions(
        kubeconfig=kw.pop("kubeconfig"),
        context=kw.pop("kube_context"),
        namespace=kw.pop("namespace"),
        all_namespaces=kw.pop("all_namespaces"),
        as_user=kw.pop("as_user"),
        as_groups=list(kw.pop("as_groups")),
        request_timeout=kw.pop("request_timeout"),
    )


@click.command(
    "ask",
    context_settings={"ignore_unknown_options": False},
    help='kubectl chat "REQUEST": translate a plain-language request into a kubectl command, '
    "check it against policy and RBAC, preview it, and run it after confirmation. "
    "With no REQUEST, start an interactive session.",
)
@click.argument("request", nargs=-1)
@kubectl_flags
@click.option(
    "--write", is_flag=True, envvar="KUBECHAT_WRITE", help="Allow changes (policy default is read-only)."
)
@click.option("-y", "--yes", is_flag=True, help="Accept write confirmations (never waives typed ones).")
@click.option("--dry-run", is_flag=True, help="Show the command, policy and RBAC result; run nothing.")
@click.option(
    "--plain", is_flag=True, help="Plain text output: no colour, no boxes (scripts, screen readers)."
)
@click.option(
    "-o",
    "--output",
    "kubectl_output",
    metavar="FORMAT",
    help="kubectl's output format for the command (wide, yaml, json, name, jsonpath=…, "
    "custom-columns=…), passed to the kubectl that runs and checked by the policy with it.",
)
@click.option(
    "--output-format",
    "out_format",
    type=click.Choice(["text", "chat-json"]),
    default="text",
    help="chat-json: one JSON document describing the outcome (command, policy, RBAC, output).",
)
@click.option("--offline", is_flag=True, help="Never contact a cluster (translation and policy only).")
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="A GGUF model file to use.")
@click.option("--no-model", is_flag=True, help="Rule-based translation only.")
@click.option("--session", "session_name", default=None, help="Resume or start a named conversation.")
@click.option("--new", "new_session", is_flag=True, help="Start the conversation afresh.")
def ask(request: tuple[str, ...], **kw) -> int:
    options = options_from(kw)
    _check_paths(options, kw["model_path"])
    if kw["kubectl_output"] is not None and not request:
        from ..errors import UsageError

        raise UsageError(
            "-o applies to one request", hint='kubectl chat -o yaml "get deployment web in prod"'
        )
    if request and not kw["offline"]:
        # Every run that may reach the cluster confirms who the caller is: ask now, so the
        # review overlaps loading the translator and the policy client instead of following them.
        from ..kubectl_api import WHOAMI, start_early

        start_early(options, WHOAMI)
    settings = settings_from(kw)
    plain = kw["plain"] or bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()
    if not request:
        from ..repl import run_repl

        # The prompt comes first; the session (and the translator it loads) opens behind it.
        return run_repl(
            options,
            settings,
            open_session=lambda: _session(kw["session_name"], kw["new_session"]),
            plain=kw["plain"],
        )
    session = _session(kw["session_name"], kw["new_session"])
    from ..conversation import Conversation
    from ..ui import TerminalUI

    ui = TerminalUI(
        plain=plain, json_output=kw["out_format"] == "chat-json", compact_reads=settings.preview == "compact"
    )
    conv = Conversation(options, ui, settings, session=session)
    outcome = conv.handle(" ".join(request))
    from ..audit import autoship

    autoship.kick(options, settings.offline)  # records reach the collector without waiting on it
    return exit_code(outcome)


def _check_paths(options: KubectlOptions, model_path: str | None) -> None:
    """Catch mistyped paths before anything runs."""
    from pathlib import Path

    from ..errors import UsageError

    if options.kubeconfig and os.pathsep not in options.kubeconfig and not Path(options.kubeconfig).is_file():
        raise UsageError(
            f"kubeconfig {options.kubeconfig} does not exist", hint="check the --kubeconfig path"
        )
    if model_path and not Path(model_path).is_file():
        raise UsageError(
            f"model file {model_path} does not exist",
            hint="pass a .gguf file, list installed models with `kubectl chat model list`, or drop --model",
        )


def settings_from(kw: dict, env=None):
    """The run's settings, resolved once here and passed down: each from its flag, then the
    environment, then config.yaml, then the default (kubechat.config.pick)."""
    from .. import config
    from ..conversation import Settings

    return Settings(
        mode=config.resolve_mode(kw["write"], env),
        assume_yes=kw["yes"],
        dry_run=kw["dry_run"],
        offline=kw["offline"],
        model_path=kw["model_path"],
        use_model=not kw["no_model"],
        # Some clusters forbid SelfSubjectAccessReview; the API server still has the last word.
        rbac_precheck=config.pick(None, "KUBECHAT_RBAC_PRECHECK", None, "on", env=env) != "off",
        output=kw["kubectl_output"],
        preview=config.preview_style(),
    )


def exit_code(outcome) -> int:
    if outcome.status in ("executed", "failed", "dry-run-failed"):
        return outcome.exit_code or 0
    return {
        "clarify": EXIT_CLARIFY,
        "denied": EXIT_DENIED,
        "rbac-denied": EXIT_DENIED,
        "cancelled": EXIT_CANCELLED,
        "dry-run": 0,
    }.get(outcome.status, 1)


def _session(name: str | None, new: bool):
    """The persisted conversation that follow-ups ("describe the first one") resolve against.
    Without --session, each terminal has its own, shared by the one-shot runs and interactive
    sessions in it; --session NAME shares one on purpose."""
    from ..translate.context import Session, terminal_session_name

    idle = int(os.environ.get("KUBECHAT_SESSION_IDLE_S", "3600"))
    # idle_timeout_s=0 makes open() treat any earlier turns as expired: a fresh start.
    return Session.open(name or terminal_session_name(), idle_timeout_s=0 if new else idle)
