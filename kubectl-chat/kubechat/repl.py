"""Interactive `kubectl chat`: a prompt-toolkit loop over the same Conversation the one-shot
command uses. History persists (Ctrl-R searches it), Tab completes verbs, resource types and
live object names, a status line shows context/namespace/mode, and slash commands steer."""

from __future__ import annotations

import functools
import shlex
import threading

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import Completer, Completion
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings

from . import completion, paths, render
from .conversation import Conversation, Settings
from .errors import KubechatError
from .kubectl_options import KubectlOptions
from .ui import TerminalUI


@functools.cache
def request_openings() -> list[str]:
    """Words a request starts with: the kubectl verbs completion offers (from the verb registry)
    and the plain-language openings translation understands. Loaded at the first Tab, not
    before the prompt: the registry brings the translator with it."""
    from . import verbs

    return ["list", "show", "restart", "why is", *verbs.completion_verbs()]


RESOURCES = [
    "pods",
    "deployments",
    "services",
    "configmaps",
    "secrets",
    "nodes",
    "namespaces",
    "jobs",
    "cronjobs",
    "statefulsets",
    "daemonsets",
    "replicasets",
    "ingresses",
    "events",
    "persistentvolumeclaims",
    "serviceaccounts",
]
SLASH = {
    "/help": "show this help",
    "/ns NAME": "switch the namespace for following requests",
    "/context [NAME]": "show or switch the kubeconfig context",
    "/mode read-only|write": "switch between read-only and write mode",
    "/history [N]": "show the commands this session ran; N runs one again",
    "/explain": "explain the last command (risk, policy, RBAC)",
    "/audit": "show recent audit records",
    "/new": "forget the conversation context",
    "/quit": "leave (also Ctrl-D)",
}
KEYS = {
    "Enter": "send the request",
    "Alt-Enter / Esc Enter": "new line (multi-line input)",
    "Ctrl-R": "search history",
    "Tab": "complete verbs, types, object names and namespaces",
    "Ctrl-C": "cancel the input, a confirmation or a running command",
    "Ctrl-D": "quit",
}


class ChatCompleter(Completer):
    """Slash commands and their arguments; request openings; then, from the words typed so far,
    namespaces, live object names (completion.complete_word) or resource types."""

    def __init__(self, options: KubectlOptions, offline: bool):
        self.options = options
        self.names = completion.ClusterNames(options, offline)

    def _slash_argument(self, cmd: str) -> list[str]:
        if cmd == "/ns":
            return self.names.namespaces()
        if cmd == "/context":
            return completion.contexts(self.options)
        if cmd == "/mode":
            return ["read-only", "write"]
        return []

    def get_completions(self, document, complete_event):
        text = document.text_before_cursor
        word = document.get_word_before_cursor(WORD=True)
        words = text.split()
        before = words[:-1] if word else words
        if text.startswith("/") and before:
            candidates = self._slash_argument(before[0])
        elif text.startswith("/"):
            for cmd in SLASH:
                name = cmd.split()[0]
                if name.startswith(text.strip()):
                    yield Completion(name, start_position=-len(text.strip()), display_meta=SLASH[cmd])
            return
        elif not before:
            candidates = request_openings()
        else:
            candidates = completion.complete_word(before, word, self.names, self.options.namespace)
            if not candidates and completion.slot(before, self.names.namespaces) is None:
                candidates = RESOURCES
        for c in candidates:
            if c.startswith(word):
                yield Completion(c, start_position=-len(word))


def _bindings() -> KeyBindings:
    kb = KeyBindings()

    @kb.add("escape", "enter")
    def _(event):
        event.current_buffer.insert_text("\n")

    return kb


class _Opening:
    """A session being opened in the background, so the prompt does not wait for the translator
    (pydantic, the rule tables) and the session database to load."""

    def __init__(self, open_session):
        self._result = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(open_session,), daemon=True)
        self._thread.start()

    def _run(self, open_session) -> None:
        try:
            self._result = open_session()
        except BaseException as exc:  # raised again, in the REPL's thread, by result()
            self._error = exc

    def wait(self) -> None:
        self._thread.join()

    def result(self):
        self.wait()
        if self._error is not None:
            raise self._error
        return self._result


def run_repl(
    options: KubectlOptions, settings: Settings, session=None, plain: bool = False, open_session=None
) -> int:
    """The interactive loop. `open_session`, when given, opens the conversation's session behind
    the first prompt; it is ready before the first line is handled."""
    ui = TerminalUI(plain=plain, spinner=True, interactive=True, compact_reads=settings.preview == "compact")
    conv = Conversation(options, ui, settings, session=session)
    opening = _Opening(open_session) if open_session is not None else None
    try:
        return _loop(conv, options, settings, ui, opening)
    finally:
        if opening is not None:
            opening.wait()  # never leave the session database mid-write at exit


def _loop(conv: Conversation, options: KubectlOptions, settings: Settings, ui: TerminalUI, opening) -> int:
    state_dir = paths.ensure_private_dir(paths.state_dir())
    prompt = PromptSession(
        history=FileHistory(str(state_dir / "repl_history")),
        completer=ChatCompleter(options, settings.offline),
        key_bindings=_bindings(),
        enable_history_search=False,  # Ctrl-R reverse search stays on; Up walks history
        complete_while_typing=False,
        refresh_interval=0.5,  # the status line picks up the identity once it is known
    )
    # Who we are (SelfSubjectReview) is looked up in the background: the prompt comes first.
    identity: list[str | None] = [None]
    if not settings.offline:
        threading.Thread(target=lambda: identity.__setitem__(0, _identity(conv)), daemon=True).start()
    last = None
    ui.info("kubectl chat: ask in plain language. /help for help, Ctrl-D quits.")

    targets: dict = {}

    def toolbar():
        # Redrawn every half second: read the kubeconfig again only when /context changed it.
        key = (options.kubeconfig, options.context)
        if key not in targets:
            targets[key] = conv.target()
        target = targets[key]
        who = f" · {identity[0]}" if identity[0] else ""
        return f" {target.context or 'no context'} · ns {options.namespace or target.namespace} · {settings.mode}{who} "

    while True:
        try:
            line = prompt.prompt("chat> ", bottom_toolbar=toolbar, multiline=False)
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        line = line.strip()
        if not line:
            continue
        if opening is not None:
            conv.session = opening.result()
            conv.session_id = conv.session.name
            opening = None
        if line.startswith("/"):
            try:
                action = _slash(line, conv, options, settings, ui, last)
            except KubechatError as exc:
                action = _report(ui, exc)
            except KeyboardInterrupt:
                ui.err.print("cancelled.", markup=False)
                action = None
            if action == "quit":
                return 0
            if action is not None:  # /history N ran a command
                last = action
            if ui.quit_requested:
                return 0
            continue
        try:
            last = conv.handle(line)
        except KubechatError as exc:
            _report(ui, exc)
        except KeyboardInterrupt:
            ui.err.print("cancelled.", markup=False)
        from .audit import autoship

        autoship.kick(options, settings.offline)  # records reach the collector without waiting on it
        if ui.quit_requested:  # Ctrl-D at a confirmation: that request was cancelled, now leave
            return 0


def _report(ui: TerminalUI, exc: KubechatError) -> None:
    ui.err.print(f"error: {exc.message}", style="red", markup=False)
    if exc.hint:
        ui.err.print(f"  hint: {exc.hint}", markup=False)


def _identity(conv: Conversation) -> str | None:
    ident = conv.identity()
    return getattr(ident, "user", None)


def _slash(line, conv, options, settings, ui, last):
    """A slash command: "quit", the Outcome of a command it ran (/history N), or None."""
    cmd, *args = shlex.split(line)
    if cmd in ("/quit", "/exit", "/q"):
        return "quit"
    if cmd == "/help":
        for k, v in SLASH.items():
            ui.err.print(f"  {k:<24} {v}", markup=False)
        ui.err.print("keys:", markup=False)
        for k, v in KEYS.items():
            ui.err.print(f"  {k:<24} {v}", markup=False)
    elif cmd == "/ns":
        if not args:
            ui.err.print(f"namespace: {options.namespace or conv.target().namespace}", markup=False)
        else:
            options.namespace = args[0]
            ui.err.print(f"namespace set to {args[0]}", markup=False)
    elif cmd == "/context":
        if args:
            options.context = args[0]
        t = conv.target()
        ui.err.print(f"context: {t.context} (cluster {t.cluster}, server {t.server})", markup=False)
    elif cmd == "/mode":
        if args and args[0] in ("read-only", "write"):
            settings.mode = args[0]
        ui.err.print(f"mode: {settings.mode}", markup=False)
    elif cmd == "/history":
        return _history(conv, ui, args)
    elif cmd == "/explain":
        if last is None or last.preview is None:
            ui.err.print("no command yet", markup=False)
        else:
            p = last.preview
            ui.err.print(f"{p.command}\n  risk: {p.risk} ({p.risk_reason})", markup=False)
            verdict, needs = render.policy_verdict(p.policy_allow, p.confirm)
            ui.err.print(f"  policy: {verdict}; {needs}", markup=False)
            for r in p.reasons:
                ui.err.print(f"    · {r}", markup=False)
            ui.err.print(f"  rbac: {p.rbac_message or 'not checked'}", markup=False)
            ui.err.print(f"  translated by: {p.source}", markup=False)
    elif cmd == "/audit":
        _recent_audit(conv, ui)
    elif cmd == "/new":
        if conv.session is not None:
            from . import clarify
            from .translate.context import Session

            clarify.save(conv.session, None)
            conv.session = Session.open(conv.session.name, idle_timeout_s=0)
        ui.err.print("conversation context cleared", markup=False)
    else:
        ui.err.print(f"unknown command {cmd}; /help lists them", markup=False)
    return None


def _history(conv: Conversation, ui: TerminalUI, args: list[str]):
    """The commands this session ran (its turns, so one-shot runs in this terminal count too);
    `/history N` runs number N again, through the usual preview and confirmation."""
    ran = conv.session.ran() if conv.session is not None else []
    if not args:
        if not ran:
            ui.err.print("no commands have run in this session yet", markup=False)
        for i, turn in enumerate(ran, 1):
            ui.err.print(f"  {i:>3}  {render.command_text(turn.argv)}", markup=False, highlight=False)
        return None
    if not args[0].isdigit() or not 1 <= int(args[0]) <= len(ran):
        ui.err.print(f"/history N: N is a number from /history's list (1-{len(ran)})", markup=False)
        return None
    turn = ran[int(args[0]) - 1]
    from .ledger.redact import MASK

    if any(MASK in a for a in turn.argv):
        ui.err.print("that command held a secret, which is not kept; type the request again", markup=False)
        return None
    return conv.rerun(turn.argv, turn.request)


def _recent_audit(conv: Conversation, ui: TerminalUI, limit: int = 10) -> None:
    try:
        records = conv.trail.spool.records()
    except (KubechatError, AttributeError, OSError) as exc:
        ui.err.print(f"audit trail unavailable: {exc}", markup=False)
        return
    width = max(40, ui.err.width)
    for r in list(records)[-limit:]:
        # Fits an 80-column terminal: time of day, who, risk, decision, then the command.
        head = f"  {r.stageTimestamp[11:19]}  {r.user.username[:14]:<14} {r.risk:<11} {r.policy.decision:<5} "
        cmd = " ".join(r.argv) or r.request
        if len(head) + len(cmd) > width:
            cmd = cmd[: max(8, width - len(head) - 1)] + "…"
        ui.err.print(head + cmd, markup=False, highlight=False)
