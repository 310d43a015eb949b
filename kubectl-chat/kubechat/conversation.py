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
        self._turn_notes: dict[str, str] = {}  # annotations of this turn's record (an answered question)
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
        received = time.monotonic()
        target = self.target()
        from . import clarify

        # The previous turn's question, if any: this input answers it or replaces it.
        asked = clarify.load(self.session)
        self._turn_notes = {}
        if asked is not None:
            clarify.save(self.session, None)
            reply = clarify.answer(asked, request)
            if reply.dropped:
                self.ui.info("OK, I dropped that request; nothing was run.")
                self._turn_notes = {"kubechat.io/answers": asked.question}
                return self._audit(
                    Outcome("cancelled", request, message="dropped after a question"), target, received
                )
            if reply.request is not None:
                self._turn_notes = {"kubechat.io/answers": asked.question, "kubechat.io/answer": request}
                request = reply.request
        return self._turn(request, target, received)

    def _turn(self, request: str, target, received: float) -> Outcome:
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
                    return self._refuse(request, None, unconfirmed, target, received)
                return self._diagnose(request, asked, target, received)
        with self.ui.thinking():
            t = self._translate(request)
        from . import clarify

        if t.argv is None:
            question = (
                t.clarification or "I could not turn that into a kubectl command; could you rephrase it?"
            )
            self.ui.clarify(question)
            clarify.save(self.session, clarify.Pending(request, question))
            out = Outcome("clarify", request, clarification=question)
            return self._audit(out, target, received)
        from .safety.evaluate import scoped_argv

        argv = self._with_output(scoped_argv(list(t.argv), self.options))
        return self._checked(request, argv, t.source, target, received)

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
        target = self.target()
        from . import clarify

        clarify.save(self.session, None)  # a new request replaces an open question
        self._turn_notes = {"kubechat.io/rerun": "history"}
        if self.session is not None:  # its output is what the next follow-up refers to
            from .translate import Translation

            self.session.record(Translation(request=request, argv=list(argv)))
        return self._checked(request, list(argv), "history", target, received)

    def _checked(self, request: str, argv: list[str], source: str | None, target, received: float) -> Outcome:
        preview = self._assess(request, argv, source, target)
        if not preview.policy_allow and self._forbidden_in_write_mode(preview):
            # Write mode would not help: RBAC forbids the change too, so that is what is said.
            self.ui.denied(preview, "rbac", preview.rbac_request_yaml)
            return self._audit(
                Outcome("rbac-denied", request, preview, message=preview.rbac_message), target, received
            )
        if not preview.policy_allow:
            self.ui.denied(preview, "policy", "; ".join(preview.reasons))
            return self._audit(
                Outcome("denied", request, preview, message="denied by policy"), target, received
            )
        if preview.unreachable is not None:
            # Nothing would work: say so once, clearly, instead of letting kubectl retry and fail.
            return self._refuse(request, preview, preview.unreachable, target, received)
        if preview.rbac_allowed is False:
            self.ui.denied(preview, "rbac", preview.rbac_request_yaml)
            return self._audit(
                Outcome("rbac-denied", request, preview, message=preview.rbac_message), target, received
            )
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
            return self._audit(out, target, received)
        if self.settings.dry_run:  # shown, not run: nothing to confirm
            return self._audit(Outcome("dry-run", request, preview), target, received)
        unconfirmed = self._unconfirmed_identity()
        if unconfirmed is not None:
            if self.settings.offline:  # asked for: show and stop, like --dry-run
                self.ui.info(f"{unconfirmed.message} ({unconfirmed.hint})")
                return self._audit(
                    Outcome("dry-run", request, preview, message=unconfirmed.message), target, received
                )
            return self._refuse(request, preview, unconfirmed, target, received)
        confirmation = self._confirm(preview)
        if confirmation is None:
            return self._audit(
                Outcome("cancelled", request, preview, message="cancelled; nothing was changed"),
                target,
                received,
            )
        with self._check_spool(request, preview, confirmation, target, received):
            return self._execute(request, preview, confirmation, target, received)

    def _refuse(
        self, request: str, preview: Preview | None, exc: KubechatError, target, received: float
    ) -> Outcome:
        self.ui.info(f"error: {exc.message}" + (f"\n  hint: {exc.hint}" if exc.hint else ""))
        return self._audit(Outcome("error", request, preview, message=exc.message), target, received)

    def _diagnose(self, request: str, asked, target, received: float) -> Outcome:
        """Read-only troubleshooting: each read still passes policy before it runs."""
        from .diagnose import diagnose
        from .safety.policy import decide

        kind, name, ns = asked
        ns = ns or self.options.namespace or target.namespace

        def allowed(argv: list[str]) -> bool:
            d = decide(self._policy_input(argv, target, ns))
            return d.allow and d.confirm == "none"

        from .render import command_text

        # Reads are commands too: their record is reserved before the first one runs.
        first_read = ["get", "deployment" if kind == "deployment" else "pod", name, "-n", ns]
        planned = Preview(
            request,
            first_read,
            command_text(first_read),
            "read",
            source="diagnose",
            policy_allow=True,  # each read is checked by policy before it runs
            confirm="none",
            namespace=ns,
        )
        with self._check_spool(request, planned, "none", target, received):
            with self.ui.thinking():
                finding = diagnose(kind, name, ns, self.options, allowed)
            return self._diagnosed(request, finding, name, ns, target, received)

    def _diagnosed(self, request: str, finding, name: str, ns: str, target, received: float) -> Outcome:
        from .render import command_text

        steps = [command_text(s) for s in finding.steps]
        text = "checked:\n" + "\n".join(f"  {c}" for c in steps) + "\nfound:\n"
        text += "\n".join(f"  - {f}" for f in finding.facts) or "  (nothing)"
        text += f"\nsummary: {finding.summary}\n"
        self.ui.stdout(text)
        first = finding.steps[0] if finding.steps else ["get", "pod", name, "-n", ns]
        p = Preview(
            request,
            first,
            command_text(first),
            "read",
            source="diagnose",
            policy_allow=True,
            confirm="none",
            namespace=ns,
        )
        out = Outcome("executed", request, p, exit_code=0, stdout=text)
        out.message = finding.summary
        return self._audit(out, target, received, extra={"kubechat.io/steps": " ; ".join(steps)})

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

    def _policy_input(self, argv: list[str], target, namespace: str, **extra):
        """What OPA sees: the argv, who asks (from the cluster), where, and in which mode."""
        from .safety.policy import build_input

        ident = self.identity()
        return build_input(
            argv,
            user=getattr(ident, "user", "") or "",
            groups=list(getattr(ident, "groups", []) or []),
            cluster=target.cluster or "",
            context=target.context or "",
            mode=self.settings.mode,
            default_namespace=namespace,
            **extra,
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
        if decision.allow and self.settings.rbac_precheck and not self.settings.offline:
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

    def _check_spool(self, request: str, p: Preview, confirmation: str, target, received: float):
        """No record, no command: reserve the command's record in the spool (durably, with room
        for its outcome) before anything runs; AuditError here means nothing runs. Used as a
        context manager around the run: the run's record finishes the reservation, and a run that
        ends without one leaves it recorded as "outcome unknown"."""
        pending = self._record_input(
            Outcome("executed", request, p, confirmation=confirmation), target, received
        )
        try:
            return self.trail.reserve(pending)
        except OSError as exc:
            raise AuditError(f"the audit spool is not writable: {exc}", hint="nothing was run") from exc

    def _execute(self, request: str, p: Preview, confirmation: str, target, received: float) -> Outcome:
        from . import execute, verbs

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
        out = Outcome(
            status,
            request,
            p,
            exit_code=res.exit_code,
            stdout=res.stdout,
            stderr=res.stderr,
            confirmation=confirmation,
        )
        if res.exit_code != 0 and not res.interrupted:
            from .failures import explain

            ex = explain(res.stderr)
            if ex:
                out.message = f"{ex.message}. Likely cause: {ex.cause}. Next: {ex.next_step}"
        if self.session is not None:
            self.session.attach_output(res.stdout)
        return self._audit(out, target, received)

    def _audit(self, out: Outcome, target, received: float, extra: dict[str, str] | None = None) -> Outcome:
        record = self.trail.record(self._record_input(out, target, received, extra))
        out.record_id = getattr(record, "auditID", None) or getattr(record, "id", None)
        self.ui.finished(out)
        return out

    def _record_input(self, out: Outcome, target, received: float, extra: dict[str, str] | None = None):
        """What the audit record says about this outcome (and, before a run, its reservation)."""
        from .ledger.record import (
            Cluster,
            PolicyBundle,
            PolicyResult,
            RbacResult,
            RecordInput,
            UserInfo,
        )

        ident = self.identity()
        p = out.preview
        decision = "none"
        if p is not None:
            decision = ("allow" if p.policy_allow else "deny") if p.policy_available else "error"
        return RecordInput(
            user=UserInfo(
                username=getattr(ident, "user", None) or "unknown",
                groups=list(getattr(ident, "groups", []) or []),
            ),
            cluster=Cluster(name=target.cluster, server=target.server),
            context=target.context,
            session_id=self.session_id,
            request=out.request,
            argv=p.argv if p else [],
            verb=p.argv[0] if p else None,
            object_ref=_object_ref(p),
            risk=p.risk if p else "unknown",
            policy=PolicyResult(
                decision=decision, confirm=p.confirm if p else "none", reasons=p.reasons if p else []
            ),
            policy_bundle=PolicyBundle(revision=p.policy_bundle[0], digest=p.policy_bundle[1])
            if p and p.policy_bundle
            else None,
            rbac=RbacResult(allowed=p.rbac_allowed if p else None, reason=p.rbac_message if p else None),
            confirmation=out.confirmation,
            stage=_STAGE[out.status],
            exit_code=out.exit_code,
            output=out.stdout or None,
            duration_ms=int((time.monotonic() - received) * 1000),
            annotations={
                "kubechat.io/status": out.status,
                **({"kubechat.io/source": p.source} if p and p.source else {}),
                **self._turn_notes,
                **(extra or {}),
            },
        )


_STAGE = {
    "clarify": "Clarification",
    "dry-run": "DryRun",  # shown, not run: an auditor must never read it as a completed command
    "dry-run-failed": "DryRun",
    "executed": "ResponseComplete",
    "denied": "Denied",
    "rbac-denied": "Denied",
    "cancelled": "Cancelled",
    "failed": "Failed",
    "error": "Failed",
}


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


def _object_ref(p: Preview | None):
    """The object the command acts on, from its assessment (resource, one name, namespace)."""
    from .ledger.record import ObjectRef

    if p is None:
        return ObjectRef()
    if p.assessment is None:
        return ObjectRef(namespace=p.namespace)
    return ObjectRef(**p.assessment.object_ref())


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
