"""One request, end to end: translate → risk → policy → RBAC → preview → confirm → execute →
audit. The library never prompts: the caller passes a `UI` whose methods show things and ask
for confirmation (the CLI's is interactive; tests can drive a scripted one).

Every interaction — answered, clarified, denied, cancelled, failed or run — leaves one audit
record. The record is made durable before the outcome is reported; if it cannot be, a command
that would change the cluster is not run (fail closed).
"""

from __future__ import annotations

import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from .errors import AuditError, ClusterUnreachableError, KubechatError
from .kubectl_options import KubectlOptions
from .turn import Turn

if TYPE_CHECKING:
    from .safety.assess import Assessment

Status = Literal[
    "clarify",
    "denied",
    "rbac-denied",
    "cancelled",
    "dry-run",
    "dry-run-failed",
    "executed",
    "failed",
    "error",
]


class UI(Protocol):
    def thinking(self) -> AbstractContextManager: ...
    def info(self, text: str) -> None: ...
    def clarify(self, question: str) -> None: ...
    def preview(self, p: Preview) -> None: ...
    def denied(self, p: Preview, why: str, detail: str = "") -> None: ...
    def confirm_yes(self, p: Preview) -> bool: ...
    def confirm_typed(self, p: Preview, phrase: str) -> bool: ...
    def stdout(self, line: str) -> None: ...
    def stderr(self, line: str) -> None: ...
    def finished(self, outcome: Outcome) -> None: ...


@dataclass
class Settings:
    mode: Literal["read-only", "write"] = "read-only"
    assume_yes: bool = False  # --yes: accepts "yes" confirmations, never typed ones
    dry_run: bool = False  # show, don't run
    offline: bool = False
    model_path: str | None = None
    use_model: bool = True
    rbac_precheck: bool = True
    server_dry_run: bool = True
    output: str | None = None  # kubectl's -o for the command, as the user gave it
    preview: Literal["compact", "full"] = "compact"  # compact: an allowed read's preview is one line


@dataclass
class Preview:
    request: str
    argv: list[str]
    command: str
    risk: str
    risk_reason: str = ""
    source: str | None = None
    policy_allow: bool = False
    policy_available: bool = True
    confirm: str = "typed"
    confirm_phrase: str | None = None
    reasons: list[str] = field(default_factory=list)
    rbac_allowed: bool | None = None
    rbac_message: str | None = None
    rbac_request_yaml: str = ""
    dry_run_output: str | None = None
    dry_run_failed: bool = False  # the API server refused the server dry run (NotFound, Forbidden, …)
    context: str | None = None
    namespace: str | None = None
    scope: str | None = None  # where it runs, in words: context and namespace
    write_mode_helps: bool = True  # False: the policy or RBAC refuses it in write mode too
    unreachable: KubechatError | None = None  # the API server did not answer the pre-check
    policy_bundle: tuple[str | None, str | None] | None = None  # (revision, digest) that decided
    assessment: Assessment | None = None  # the command as the safety layer read it, once
    caveats: list[str] = field(default_factory=list)  # what of the request the command cannot express


@dataclass
class Outcome:
    status: Status
    request: str
    preview: Preview | None = None
    clarification: str | None = None
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    confirmation: str = "none"
    record_id: str | None = None
    message: str | None = None


class Conversation:
    """Holds what lasts across turns: options, identity, session and the audit trail."""

    def __init__(
        self, options: KubectlOptions, ui: UI, settings: Settings | None = None, session=None, trail=None
    ):
        self.options = options
        self.ui = ui
        self.settings = settings or Settings()
        self.session = session
        self._trail = trail
        self._identity = None
        self._identity_error: KubechatError | None = None
        self._model = None
        self.session_id = getattr(session, "name", None) or uuid.uuid4().hex[:12]

    # --- lazily built parts (keep start-up fast: nothing heavy until needed) -------------------

    @property
    def trail(self):
        if self._trail is None:
            from .audit.trail import AuditTrail

            self._trail = AuditTrail()
        return self._trail

    def identity(self):
        """Who the API server says we are (SelfSubjectReview); None offline or unreachable."""
        if self._identity is None and not self.settings.offline:
            from .safety.rbac import whoami

            try:
                self._identity = whoami(self.options)
            except KubechatError as exc:
                self._identity_error = exc
                return None
        return self._identity

    def _unconfirmed_identity(self) -> KubechatError | None:
        """Why nothing may run: policy rules keyed on users and groups need the identity the API
        server confirms. Without it (offline, or the review failed) a command is shown, not run."""
        if self.settings.offline:
            return KubechatError(
                "offline: shown, not run",
                hint="running a command needs the cluster to confirm who you are; drop --offline",
            )
        if self.identity() is not None:
            return None
        why = self._identity_error
        if isinstance(why, ClusterUnreachableError):  # said as kubectl says it, with its own hint
            return why
        return KubechatError(
            "the API server did not confirm who you are, so nothing was run"
            + (f" ({why.message})" if why is not None else ""),
            hint="check your credentials with `kubectl auth whoami`",
        )

    def target(self):
        from .kubeconfig_info import resolve

        return resolve(self.options)

    # --- the turn ---------------------------------------------------------------------------------

    def handle(self, request: str) -> Outcome:
        received = time.monotonic()  # the record's duration counts from here
        turn = Turn(request, self.target(), received)
        from . import clarify

        # The previous turn's question, if any: this input answers it or replaces it.
        asked = clarify.load(self.session)
        if asked is not None:
            clarify.save(self.session, None)
            reply = clarify.answer(asked, request)
            if reply.dropped:
                self.ui.info("OK, I dropped that request; nothing was run.")
                turn.notes = {"kubechat.io/answers": asked.question}
                return self._audit(turn, Outcome("cancelled", request, message="dropped after a question"))
            if reply.request is not None:
                turn.notes = {"kubechat.io/answers": asked.question, "kubechat.io/answer": request}
                turn.request = reply.request
        return self._turn(turn)

    def _turn(self, turn: Turn) -> Outcome:
        request = turn.request
        if not self.settings.offline:
            from .diagnose import parse_request

            asked = parse_request(request)
            if asked is not None and self.settings.output is not None:
                from .errors import UsageError

                raise UsageError(
                    f"-o {self.settings.output} does not apply to a diagnosis (it runs several reads)",
                    hint="drop -o, or ask for one object's output",
                )
            if asked is not None:
                unconfirmed = self._unconfirmed_identity()
                if unconfirmed is not None:
                    return self._refuse(turn, unconfirmed)
                return self._diagnose(turn, asked)
        with self.ui.thinking():
            t = turn.translation = self._translate(request)
        from . import clarify

        if t.argv is None:
            question = (
                t.clarification or "I could not turn that into a kubectl command; could you rephrase it?"
            )
            self.ui.clarify(question)
            clarify.save(self.session, clarify.Pending(request, question))
            return self._audit(turn, Outcome("clarify", request, clarification=question))
        from .safety.evaluate import scoped_argv

        argv = self._with_output(scoped_argv(list(t.argv), self.options))
        return self._checked(turn, argv, t.source, caveats=t.caveats)

    def _with_output(self, argv: list[str]) -> list[str]:
        """The translated command with the user's `-o FORMAT` as one of its own flags, so that
        kubectl prints it and the policy judges it (`-o yaml` of a secret reveals its data)."""
        if self.settings.output is None:
            return argv
        from .errors import UsageError
        from .safety.command import ParseError, insert_flags, interpretations

        wanted = self.settings.output
        readings = interpretations(argv)
        asked = {v for r in readings for v in r.flags.get("--output", [])}
        if asked == {wanted}:
            return argv
        if asked:
            raise UsageError(
                f"-o {wanted} conflicts with the request's own output format ({', '.join(sorted(asked))})",
                hint="say the format once: with -o, or in the request",
            )
        try:
            return insert_flags(argv, f"--output={wanted}")
        except ParseError as exc:
            raise UsageError(f"-o {wanted} cannot be added to `{' '.join(argv)}`: {exc}") from None

    def rerun(self, argv: list[str], request: str) -> Outcome:
        """Run again a command this session ran (the prompt's `/history N`): not translated
        again, but checked, previewed, confirmed and recorded like any request."""
        received = time.monotonic()
        turn = Turn(request, self.target(), received, notes={"kubechat.io/rerun": "history"})
        from . import clarify

        clarify.save(self.session, None)  # a new request replaces an open question
        if self.session is not None:  # its output is what the next follow-up refers to
            from .translate import Translation

            self.session.record(Translation(request=request, argv=list(argv)))
        return self._checked(turn, list(argv), "history")

    def _checked(self, turn: Turn, argv: list[str], source: str | None, caveats=()) -> Outcome:
        request = turn.request
        preview = turn.preview = self._assess(request, argv, source, turn.target)
        preview.caveats = list(caveats)
        if not preview.policy_allow and self._forbidden_in_write_mode(preview):
            # Write mode would not help: RBAC forbids the change too, so that is what is said.
            self.ui.denied(preview, "rbac", preview.rbac_request_yaml)
            return self._audit(turn, Outcome("rbac-denied", request, preview, message=preview.rbac_message))
        if not preview.policy_allow:
            self.ui.denied(preview, "policy", "; ".join(preview.reasons))
            return self._audit(turn, Outcome("denied", request, preview, message="denied by policy"))
        if preview.unreachable is not None:
            # Nothing would work: say so once, clearly, instead of letting kubectl retry and fail.
            return self._refuse(turn, preview.unreachable)
        if preview.rbac_allowed is False:
            self.ui.denied(preview, "rbac", preview.rbac_request_yaml)
            return self._audit(turn, Outcome("rbac-denied", request, preview, message=preview.rbac_message))
        if preview.risk != "read" and self.settings.server_dry_run and not self.settings.offline:
            preview.dry_run_output, preview.dry_run_failed = self._server_dry_run(argv)
        self.ui.preview(preview)
        if preview.dry_run_failed:
            # The server already said no (the object does not exist, RBAC forbids it): the real
            # command would fail the same way, so nothing is asked and nothing runs.
            out = Outcome(
                "dry-run-failed",
                request,
                preview,
                exit_code=1,
                stderr=preview.dry_run_output or "",
                message=f"the server dry run failed, so nothing was run: {preview.dry_run_output or ''}".strip(),
            )
            return self._audit(turn, out)
        if self.settings.dry_run:  # shown, not run: nothing to confirm
            return self._audit(turn, Outcome("dry-run", request, preview))
        unconfirmed = self._unconfirmed_identity()
        if unconfirmed is not None:
            if self.settings.offline:  # asked for: show and stop, like --dry-run
                self.ui.info(f"{unconfirmed.message} ({unconfirmed.hint})")
                return self._audit(turn, Outcome("dry-run", request, preview, message=unconfirmed.message))
            return self._refuse(turn, unconfirmed)
        confirmation = self._confirm(preview)
        if confirmation is None:
            return self._audit(
                turn, Outcome("cancelled", request, preview, message="cancelled; nothing was changed")
            )
        turn.confirmation = confirmation
        with self._check_spool(turn):
            return self._execute(turn)

    def _refuse(self, turn: Turn, exc: KubechatError) -> Outcome:
        self.ui.info(f"error: {exc.message}" + (f"\n  hint: {exc.hint}" if exc.hint else ""))
        return self._audit(turn, Outcome("error", turn.request, turn.preview, message=exc.message))

    def _diagnose(self, turn: Turn, asked) -> Outcome:
        """Read-only troubleshooting. Every read is a command of its own: checked like any other
        (the shared policy path and the RBAC pre-check), reserved in the audit spool before it
        runs and recorded after it, each record naming its command and object; the records of
        one diagnosis share the turn's id (`kubechat.io/turn`). A read that is refused is not
        run: the diagnosis says so and goes on with what it may read."""
        from .diagnose import diagnose

        kind, name, ns = asked
        ns = ns or self.options.namespace or turn.target.namespace
        steps: list[Turn] = []

        def read(argv: list[str]):
            step = turn.step(len(steps) + 1)
            steps.append(step)
            return self._diagnosis_read(step, argv)

        with self.ui.thinking():
            finding = diagnose(kind, name, ns, read)
        return self._diagnosed(turn, finding, steps)

    def _diagnosis_read(self, step: Turn, argv: list[str]):
        """One read of a diagnosis: its kubectl result, or why it was not run."""
        from . import execute
        from .render import command_text

        p = step.preview = self._assess(step.request, argv, "diagnose", step.target)
        refused = _read_refusal(p)
        if refused is not None:
            status, why = refused
            self._record(step, Outcome(status, step.request, p, message=why))
            return f"skipped `{command_text(argv)}`: {why}"
        step.outcome = Outcome("executed", step.request, p)  # what the reservation holds
        with self._check_spool(step):
            res = execute.run(argv, self.options)
            status: Status = "executed" if res.exit_code == 0 else "failed"
            out = Outcome(
                status, step.request, p, exit_code=res.exit_code, stdout=res.stdout, stderr=res.stderr
            )
            self._record(step, out)
        return res

    def _diagnosed(self, turn: Turn, finding, steps: list[Turn]) -> Outcome:
        from .render import command_text

        ran = [command_text(s) for s in finding.steps]
        text = "checked:\n" + "\n".join(f"  {c}" for c in ran) + "\nfound:\n"
        text += "\n".join(f"  - {f}" for f in finding.facts) or "  (nothing)"
        text += f"\nsummary: {finding.summary}\n"
        self.ui.stdout(text)
        first = steps[0].preview if steps else None
        out = Outcome("executed", turn.request, first, exit_code=0, stdout=text, message=finding.summary)
        # Each read has its own record; the diagnosis as a whole points at the last one.
        out.record_id = next((s.outcome.record_id for s in reversed(steps) if s.outcome), None)
        turn.preview, turn.outcome = first, out
        self.ui.finished(out)
        return out

    def _translate(self, request: str):
        from .translate import translate

        return translate(
            request,
            session=self.session,
            offline=self.settings.offline,
            model_path=self.settings.model_path,
            kubeconfig=self.options.kubeconfig,
            context=self.options.context,
            namespace=self.options.namespace,
            use_model=self.settings.use_model,
        )

    def _evaluate(self, argv: list[str], target, mode: str):
        from .safety.evaluate import evaluate

        ident = self.identity()
        return evaluate(
            argv,
            options=self.options,
            namespace=target.namespace,
            cluster=target.cluster or "",
            context=target.context or "",
            mode=mode,
            user=getattr(ident, "user", "") or "",
            groups=list(getattr(ident, "groups", []) or []),
            offline=self.settings.offline,
        )

    def _forbidden_in_write_mode(self, p: Preview) -> bool:
        """For a change refused in read-only mode: whether write mode would help at all. When the
        policy refuses it in write mode too, `write_mode_helps` is cleared (its reasons are the
        answer); when only read-only mode refuses it, the RBAC pre-check runs as for an allowed
        command, and True means RBAC forbids it: the missing permission is the answer. The
        policy's refusal stands either way."""
        if self.settings.mode != "read-only" or p.risk == "read" or not p.policy_available:
            return False
        target = self.target()
        if not self._evaluate(p.argv, target, "write").decision.allow:
            p.write_mode_helps = False
            return False
        if not self.settings.rbac_precheck or self.settings.offline:
            return False
        self._precheck(p, target)
        p.write_mode_helps = p.rbac_allowed is not False
        return not p.write_mode_helps

    def _assess(self, request: str, argv: list[str], source: str | None, target) -> Preview:
        precheck = self.settings.rbac_precheck and not self.settings.offline
        if not precheck or target.namespace is None:
            return self._assess_now(request, argv, source, target, precheck)
        from .kubectl_api import ahead
        from .safety.rbac import review_calls

        # The pre-check's reviews run while the policy decides (its answer is not needed first).
        with ahead(self.options, review_calls(argv, target.namespace)):
            return self._assess_now(request, argv, source, target, precheck)

    def _assess_now(
        self, request: str, argv: list[str], source: str | None, target, precheck: bool
    ) -> Preview:
        from .render import command_text

        ev = self._evaluate(argv, target, self.settings.mode)
        inp, decision = ev.input, ev.decision
        p = Preview(
            request=request,
            argv=argv,
            command=command_text(argv),
            risk=str(getattr(inp.risk, "value", inp.risk)),
            risk_reason=inp.risk_reason,
            source=source,
            policy_allow=decision.allow,
            policy_available=decision.available,
            policy_bundle=(decision.bundle_revision, decision.bundle_digest) if decision.available else None,
            confirm=decision.confirm,
            confirm_phrase=decision.confirm_phrase,
            reasons=list(decision.reasons),
            context=target.context,
            namespace=inp.namespace or None,  # cluster-scoped objects have none
            scope=_scope(argv, target.context, inp.namespace or None),
            assessment=ev.assessment,
        )
        if decision.allow and precheck:
            self._precheck(p, target)
        return p

    def _precheck(self, p: Preview, target) -> None:
        """The RBAC pre-check (SelfSubjectAccessReview) of the preview's command, into the preview."""
        from .safety.rbac import check

        try:
            r = check(
                p.argv,
                self.options,
                default_namespace=target.namespace,
                identity=self.identity(),
                command=p.assessment.command if p.assessment is not None else None,
            )
            p.rbac_allowed, p.rbac_message, p.rbac_request_yaml = r.allowed, r.message, r.request_yaml
        except ClusterUnreachableError as exc:
            p.unreachable = exc
        except KubechatError as exc:
            p.rbac_message = f"not pre-checked ({exc.message})"

    def _server_dry_run(self, argv: list[str]) -> tuple[str | None, bool]:
        """The API server's verdict on the write, with nothing persisted. Runs only when every
        reading of the argv carries `--dry-run=server` as a flag of the command itself."""
        from . import verbs

        if not verbs.server_dry_run(argv[0]):
            return None, False
        from . import execute
        from .safety.command import ParseError, insert_flags, interpretations

        try:
            dry = insert_flags(argv, "--dry-run=server")
            readings = interpretations(dry)
        except ParseError:
            return None, False
        # Exactly one --dry-run, ours, in every reading: a second one (`--dry_run=none`: kubectl
        # normalises `_` and the last value wins) would make the "preview" real. And kubectl's
        # `--raw` requests ignore --dry-run altogether.
        if not all(r.flags.get("--dry-run") == ["server"] and "--raw" not in r.flags for r in readings):
            return None, False
        res = execute.run(dry, self.options)
        text = (res.stdout or res.stderr).strip()
        return (text[:2000] if text else None), res.exit_code != 0

    def _confirm(self, p: Preview) -> str | None:
        """'none' | 'yes' | 'typed' when the user agreed, None when they did not."""
        if p.confirm == "none":
            return "none"
        if p.confirm == "yes":
            if self.settings.assume_yes or self.ui.confirm_yes(p):
                return "yes"
            return None
        phrase = p.confirm_phrase or _default_phrase(p.argv)
        p.confirm_phrase = phrase
        return "typed" if self.ui.confirm_typed(p, phrase) else None

    def _check_spool(self, turn: Turn):
        """No record, no command: reserve the command's record in the spool (durably, with room
        for its outcome) before anything runs; AuditError here means nothing runs. Used as a
        context manager around the run: the run's record finishes the reservation, and a run that
        ends without one leaves it recorded as "outcome unknown"."""
        if turn.outcome is None:
            turn.outcome = Outcome("executed", turn.request, turn.preview)
        try:
            return self.trail.reserve(turn.record_input(self.identity(), self.session_id))
        except OSError as exc:
            raise AuditError(f"the audit spool is not writable: {exc}", hint="nothing was run") from exc

    def _execute(self, turn: Turn) -> Outcome:
        from . import execute, verbs

        p = turn.preview

        cmd = p.assessment.command if p.assessment is not None else None
        interactive = cmd is not None and cmd.has("--stdin") and "--stdin" in verbs.own_flags(cmd.verb)
        # YAML/JSON are shown whole, highlighted; everything else streams as it arrives.
        fmt = _structured_format(p.argv)
        highlight = fmt is not None and getattr(self.ui, "highlights", False)
        res = execute.run(
            p.argv,
            self.options,
            on_stdout=None if highlight else self.ui.stdout,
            on_stderr=self.ui.stderr,
            stdin_tty=interactive,
        )
        if highlight:
            self.ui.structured(res.stdout, fmt)
        status: Status = "executed" if res.exit_code == 0 else "failed"
        out = Outcome(status, turn.request, p, exit_code=res.exit_code, stdout=res.stdout, stderr=res.stderr)
        if res.exit_code != 0 and not res.interrupted:
            from .failures import explain

            ex = explain(res.stderr)
            if ex:
                out.message = f"{ex.message}. Likely cause: {ex.cause}. Next: {ex.next_step}"
        if self.session is not None:
            self.session.attach_output(res.stdout)
        return self._audit(turn, out)

    def _audit(self, turn: Turn, out: Outcome) -> Outcome:
        """Record the turn's outcome, then report it."""
        self._record(turn, out)
        self.ui.finished(out)
        return out

    def _record(self, turn: Turn, out: Outcome) -> None:
        turn.outcome = out
        out.confirmation = turn.confirmation
        record = self.trail.record(turn.record_input(self.identity(), self.session_id))
        out.record_id = getattr(record, "auditID", None) or getattr(record, "id", None)


def _read_refusal(p: Preview) -> tuple[Status, str] | None:
    """Why a read of a diagnosis may not run, as (status, reason); None when it may. A diagnosis
    never asks: a read the policy wants confirmed is not run either."""
    if not p.policy_allow:
        return "denied", "denied by policy" + (f" ({'; '.join(p.reasons)})" if p.reasons else "")
    if p.confirm != "none":
        return "cancelled", f"the policy asks to confirm it ({p.confirm}), and a diagnosis never asks"
    if p.unreachable is not None:
        return "error", p.unreachable.message
    if p.rbac_allowed is False:
        return "rbac-denied", f"RBAC: {p.rbac_message}"
    return None


def _structured_format(argv: list[str]) -> str | None:
    """ "yaml" or "json" when the command prints one whole document in that format."""
    for i, a in enumerate(argv):
        value = argv[i + 1] if a in ("-o", "--output") and i + 1 < len(argv) else None
        if a.startswith(("-o=", "--output=")):
            value = a.split("=", 1)[1]
        elif a.startswith("-o") and len(a) > 2 and not a.startswith("-o="):
            value = a[2:]
        if value in ("yaml", "json") and not any(w in argv for w in ("-w", "--watch")):
            return value
    return None


def _scope(argv: list[str], context: str | None, namespace: str | None) -> str:
    """ "context X, namespace Y", saying when the namespace is the kubeconfig context's default."""
    where = f"context {context or '(none)'}"
    if any(a in ("-A", "--all-namespaces") or a.startswith("--all-namespaces=") for a in argv):
        return f"{where}, all namespaces"
    if namespace is None:
        return where
    named = any(a in ("-n", "--namespace") or a.startswith(("--namespace=", "-n")) for a in argv)
    return f"{where}, namespace {namespace}" + ("" if named else f" (from context {context or '(none)'})")


def _default_phrase(argv: list[str]) -> str:
    """The object's name when the command names one, else the verb and resource."""
    positional = [a for a in argv[1:] if not a.startswith("-")]
    if len(positional) >= 2:
        return positional[-1].split("/")[-1]
    if positional and "/" in positional[0]:
        return positional[0].split("/")[-1]
    return " ".join(argv[:2])
