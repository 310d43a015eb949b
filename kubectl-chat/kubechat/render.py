"""Everything the user sees: the preview panel (command, risk colour, policy, RBAC), prompts'
text, kubectl output (tables as they come, YAML/JSON highlighted). `plain` mode (--plain,
NO_COLOR, or not a terminal) prints the same facts as plain lines for scripts and screen readers."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

# rich loads only for colour output (about 40 ms a run); Panel, Syntax (which loads pygments) and
# Text only where the colour preview and highlighted output need them.

RISK_STYLE = {"read": "green", "write": "yellow", "destructive": "red"}
RISK_LABEL = {"read": "read (safe)", "write": "write (changes the cluster)", "destructive": "DESTRUCTIVE"}


class PlainConsole:
    """What plain output asks of rich's Console, without loading rich: text printed as it is, a
    line at a time, never wrapped, with no colour, no highlighting and no emoji codes."""

    no_color = True

    def __init__(self, stderr: bool = False):
        self.stderr = stderr
        self.file = None  # None: the current sys.stdout or sys.stderr

    def _out(self):
        return self.file or (sys.stderr if self.stderr else sys.stdout)

    @property
    def is_terminal(self) -> bool:
        try:
            return self._out().isatty()
        except (AttributeError, ValueError):
            return False

    @property
    def width(self) -> int:
        return shutil.get_terminal_size().columns if self.is_terminal else 100

    def print(self, *objects, sep: str = " ", end: str = "\n", markup: bool | None = None, **_style) -> None:
        text = sep.join(str(o) for o in objects)
        if markup is not False and "[" in text:
            from rich.markup import render  # `[bold]x[/bold]`: the plain text of the markup

            text = render(text).plain
        self._out().write(text + end)

    def out(self, text: str, **_style) -> None:
        self.print(text, markup=False)

    def status(self, *_args, **_kwargs):
        return contextlib.nullcontext()


def make_console(plain: bool = False, stderr: bool = False) -> Console | PlainConsole:
    if plain:
        return PlainConsole(stderr=stderr)
    from rich.console import Console

    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(
        stderr=stderr,
        no_color=no_color,
        highlight=not no_color,
        width=None if sys.stdout.isatty() else 100,
        # Lines of text are never broken by us: the terminal wraps them, and piped output keeps
        # each message (and each command) on one line. Panels and highlighted output opt out.
        soft_wrap=True,
    )


def command_text(argv: list[str]) -> str:
    return shlex.join(["kubectl", *argv])


CONFIRM_TEXT = {
    "none": "runs without asking",
    "yes": "asks you to confirm (y/N) before it runs",
    "typed": "asks you to type its name before it runs",
}


def policy_verdict(allow: bool | None, confirm: str) -> tuple[str, str]:
    """("allowed", what confirmation it needs) or ("denied", "nothing runs"). A denied command
    never runs, so its confirmation level (which the policy still computes) is not shown."""
    if not allow:
        return "denied", "nothing runs"
    return "allowed", CONFIRM_TEXT.get(confirm, f"needs {confirm} confirmation")


def preview(
    console: Console,
    *,
    argv: list[str],
    risk: str,
    source: str | None,
    policy_allow: bool | None,
    policy_reasons: list[str],
    confirm: str,
    rbac: str | None,
    dry_run_output: str | None = None,
    plain: bool = False,
    scope: str | None = None,
    compact: bool = False,
    caveats: list[str] = (),
) -> None:
    """`caveats`: what of the request the command does not express, one line each, said before
    anything runs in every form of the preview."""
    cmd = command_text(argv)
    verdict, needs = policy_verdict(policy_allow, confirm)
    if compact:  # an allowed read: one line, the command and where it runs
        facts = " · ".join(f for f in (risk, verdict, scope) if f)
        if plain or console.no_color:
            console.print(f"→ {cmd}   {facts}", markup=False, highlight=False, soft_wrap=True)
        else:
            from rich.text import Text

            line = Text("→ ", style="green")
            line.append(cmd, style="bold")
            line.append(f"   {facts}", style="dim")
            console.print(line, soft_wrap=True)  # one line: the terminal wraps it, not us
        for c in caveats:
            console.print(f"  note: {c}", style="yellow", markup=False, highlight=False, soft_wrap=True)
        return
    if plain or console.no_color:
        console.print(f"command: {cmd}", markup=False, highlight=False)
        for c in caveats:
            console.print(f"note: {c}", markup=False, highlight=False)
        if scope:
            console.print(f"scope: {scope}", markup=False, highlight=False)
        console.print(f"risk: {risk}", markup=False, highlight=False)
        console.print(f"policy: {verdict}; {needs}", markup=False, highlight=False)
        for r in policy_reasons:
            console.print(f"  reason: {r}", markup=False, highlight=False)
        if rbac:
            console.print(f"rbac: {rbac}", markup=False, highlight=False)
        if dry_run_output:
            console.print("server dry-run:", markup=False)
            console.print(dry_run_output.rstrip(), markup=False, highlight=False)
        return
    from rich.panel import Panel
    from rich.syntax import Syntax
    from rich.text import Text

    style = RISK_STYLE.get(risk, "red")
    body = Text()
    body.append_text(Syntax(cmd, "bash", theme="ansi_dark", background_color="default").highlight(cmd))
    body.rstrip()
    for c in caveats:
        body.append("\nnote    ", style="bold")
        body.append(c, style="yellow")
    if scope:
        body.append("\nscope   ", style="bold")
        body.append(scope)
    body.append("\nrisk    ", style="bold")
    body.append(RISK_LABEL.get(risk, risk), style=f"bold {style}")
    body.append("\npolicy  ", style="bold")
    body.append(verdict, style="green" if policy_allow else "bold red")
    body.append(f" — {needs}")
    for r in policy_reasons:
        body.append(f"\n        · {r}", style="dim")
    if rbac:
        body.append("\nrbac    ", style="bold")
        body.append(rbac)
    if dry_run_output:
        body.append("\ndry-run ", style="bold")
        body.append(dry_run_output.rstrip())
    title = f"kubectl chat · {source}" if source else "kubectl chat"
    console.print(Panel(body, title=title, border_style=style, expand=False), soft_wrap=False)


def output(console: Console, text: str, fmt: str | None, plain: bool) -> None:
    """Print captured kubectl output: YAML/JSON highlighted, everything else as is."""
    if not text:
        return
    if plain or console.no_color or fmt not in ("yaml", "json"):
        console.out(text.rstrip("\n"), highlight=False)
        return
    from rich.syntax import Syntax

    if fmt == "json":
        try:
            text = json.dumps(json.loads(text), indent=2)
        except ValueError:
            pass
    console.print(
        Syntax(text.rstrip("\n"), fmt, theme="ansi_dark", background_color="default", word_wrap=True),
        soft_wrap=False,
    )
