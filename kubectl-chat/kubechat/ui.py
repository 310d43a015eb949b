"""The terminal UI the CLI and REPL hand to a Conversation: rich output, prompts that read from
the terminal, and a plain mode (--plain, NO_COLOR, -o json) for scripts and screen readers."""

from __future__ import annotations

import contextlib
import json
import sys

import click

from . import render
from .conversation import Outcome, Preview

# How the policy (policies/decision.rego) tells a read-only user to turn on write mode.
WRITE_MODE_HINT = "turn on write mode with --write or `mode: write` in config.yaml"


class TerminalUI:
    def __init__(
        self,
        plain: bool = False,
        json_output: bool = False,
        quiet: bool = False,
        spinner: bool = False,
        interactive: bool = False,
        compact_reads: bool | None = None,
    ):
        """`compact_reads`: an allowed read's preview on one line (the settings' `preview`); unset,
        as config.yaml says."""
        self.interactive = interactive  # the interactive prompt, where /mode steers, not flags
        self.spinner = spinner and not plain
        self.plain = plain or json_output
        self.json_output = json_output
        self.quiet = quiet
        self.quit_requested = False  # Ctrl-D at a confirmation prompt
        if compact_reads is None:
            from .config import preview_style

            compact_reads = preview_style() == "compact"
        self.compact_reads = compact_reads
        self.console = render.make_console(plain=self.plain)
        self.err = render.make_console(plain=self.plain, stderr=True)

    def thinking(self):
        """A spinner while the request is translated (interactive terminals only)."""
        if self.spinner and self.err.is_terminal:
            return self.err.status("thinking…", spinner="dots")
        return contextlib.nullcontext()

    def info(self, text: str) -> None:
        if not self.json_output:
            self.err.print(text, markup=False, highlight=False)

    def clarify(self, question: str) -> None:
        if not self.json_output:
            self.err.print(f"? {question}", style="bold cyan", markup=False, highlight=False)

    def preview(self, p: Preview) -> None:
        if self.json_output or self.quiet:
            return
        render.preview(
            self.err,
            argv=p.argv,
            risk=p.risk,
            source=p.source,
            policy_allow=p.policy_allow,
            policy_reasons=[self._where(r, p) for r in p.reasons],
            confirm=p.confirm,
            rbac=p.rbac_message,
            dry_run_output=p.dry_run_output,
            plain=self.plain,
            scope=p.scope,
            caveats=p.caveats,
            compact=self.compact_reads
            and p.risk == "read"
            and p.policy_allow
            and p.rbac_allowed is not False,
        )

    def denied(self, p: Preview, why: str, detail: str = "") -> None:
        if self.json_output:
            return
        self.preview(p)
        if why == "policy":
            detail = self._where(detail, p)
            self.err.print(f"denied by policy: {detail or 'no reason given'}", style="bold red", markup=False)
            if not p.policy_available:
                self.err.print(
                    "  the policy engine could not be reached, so changes are refused (fail closed).",
                    markup=False,
                )
        else:
            self.err.print(f"denied by RBAC: {p.rbac_message}", style="bold red", markup=False)
            if detail:
                self.err.print("Ask a cluster admin for this Role and RoleBinding:", markup=False)
                self.err.print(detail.rstrip(), markup=False, highlight=False)
        self.err.print("nothing was run.", markup=False)

    def _where(self, reason: str, p: Preview) -> str:
        """The policy's advice, fitted to the user: write mode is not suggested where it would
        not help (the policy refuses the change in write mode too, or RBAC forbids it: the
        missing permission is shown instead); at the interactive prompt it is turned on with
        /mode write, not a flag."""
        if not p.write_mode_helps:
            return reason.replace(f"; {WRITE_MODE_HINT}", "").replace(WRITE_MODE_HINT, "")
        if not self.interactive:
            return reason
        return reason.replace(WRITE_MODE_HINT, "turn on write mode with /mode write")

    def confirm_yes(self, p: Preview) -> bool:
        if not sys.stdin.isatty():
            self.err.print("this change needs confirmation; re-run with --yes or in a terminal", markup=False)
            return False
        answer = self._ask(f"Run `{p.command}`? [y/N]: ")
        return answer is not None and answer.strip().lower() in ("y", "yes")

    def confirm_typed(self, p: Preview, phrase: str) -> bool:
        if not sys.stdin.isatty():
            self.err.print(
                f"this destructive command needs typed confirmation ('{phrase}'); run it in a terminal",
                markup=False,
            )
            return False
        self.err.print(f"This is destructive. Type [bold]{phrase}[/bold] to confirm (anything else cancels):")
        answer = self._ask("> ")
        return answer is not None and answer.strip() == phrase

    def _ask(self, prompt: str) -> str | None:
        """One line from the terminal; None when the user pressed Ctrl-C (cancel this request)
        or Ctrl-D (cancel it and leave: `quit_requested` tells the prompt loop)."""
        try:
            click.echo(prompt, nl=False, err=True)
            return input()
        except KeyboardInterrupt:
            click.echo("", err=True)
            return None
        except EOFError:
            click.echo("", err=True)
            self.quit_requested = True
            return None

    @property
    def highlights(self) -> bool:
        """Whether YAML/JSON output is worth buffering to highlight (a colour terminal)."""
        return not self.plain and self.console.is_terminal and not self.console.no_color

    def structured(self, text: str, fmt: str) -> None:
        render.output(self.console, text, fmt, self.plain)

    def stdout(self, line: str) -> None:
        if not self.json_output:
            sys.stdout.write(line)
            sys.stdout.flush()

    def stderr(self, line: str) -> None:
        if not self.json_output:
            sys.stderr.write(line)
            sys.stderr.flush()

    def finished(self, o: Outcome) -> None:
        if self.json_output:
            click.echo(json.dumps(outcome_dict(o)))
            return
        if o.status == "cancelled":
            self.err.print("cancelled: nothing was changed.", style="yellow", markup=False)
        elif o.status == "dry-run":
            self.err.print("dry run: not executed.", style="cyan", markup=False)
        elif o.status in ("failed", "dry-run-failed") and o.message:
            self.err.print(o.message, style="red", markup=False)


def outcome_dict(o: Outcome) -> dict:
    p = o.preview
    return {
        "status": o.status,
        "request": o.request,
        "command": p.command if p else None,
        "argv": p.argv if p else None,
        "caveats": p.caveats if p else [],
        "risk": p.risk if p else None,
        "policy": {"allow": p.policy_allow, "confirm": p.confirm, "reasons": p.reasons} if p else None,
        "rbac": {"allowed": p.rbac_allowed, "message": p.rbac_message} if p else None,
        "clarification": o.clarification,
        "exit_code": o.exit_code,
        "stdout": o.stdout,
        "stderr": o.stderr,
        "message": o.message,
        "audit_id": o.record_id,
    }
