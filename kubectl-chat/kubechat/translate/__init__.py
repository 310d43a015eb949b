"""Translation: a plain-language request → a validated kubectl argv.

Public API (the only entry point other parts need)::

    from kubechat.translate import translate
    t = translate("scale web in prod to 3", offline=True)
    t.argv        # ['scale', 'deployment', 'web', '--replicas=3', '-n', 'prod']  (after `kubectl`)
    t.command     # "kubectl scale deployment web --replicas=3 -n prod"  (display only)
    t.intent      # kubechat.intent.Intent (verb, resource, names, namespace, selectors, flags)
    t.source      # "rules" | "model" | None
    t.clarification  # a question when the request is ambiguous or unsafe (argv is then None)

Order: the deterministic rule parser first; the local model only when the rules have no
grounded answer; conversational references ("describe the first one", "now in staging")
resolved from the session; every candidate validated (known command, resource types from
discovery, known flags, argv words that are data only) and passed through the grounding gate
(`grounding.check`: no write the request does not ask for, no value that does not come from the
request, the session or a default). Never returns a command outside kubectl's grammar.
"""

from __future__ import annotations

import os
import re
import time
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from ..errors import ModelError
from ..intent import Intent
from . import compound, grounding, rules
from .resources import BUILTIN_TABLE, ResourceTable
from .validate import ValidationIssue, validate

if TYPE_CHECKING:
    from .context import Session
    from .model import ModelTranslator

# Below this rule confidence the model is asked (when one is available).
MODEL_THRESHOLD = 0.75

_SHELL = re.compile(
    r"(;\s*(rm|curl|wget|cat|echo|sh|bash|zsh|sudo|chmod|chown|kill|mv|cp|dd|python\d?|perl|nc|eval|exec)\b"
    r"|&&|\|\||\$\(|`|\|\s*(sh|bash|zsh|xargs)\b|\brm\s+-rf?\b|>>?\s*[/~.]|\bsudo\b)"
)
_VAGUE = re.compile(
    r"^\s*(please\s+)?(fix|repair|heal|optimi[sz]e|improve|debug|troubleshoot|clean ?up|secure|make)\b"
    r"(?!.*\b(pod|deploy|service|node|job|secret|configmap|namespace)s?\b)|"
    r"\b(delete|remove|destroy|wipe|nuke|kill)\b\s+(it\s+)?(all|everything)\s*$|"
    r"\b(delete|remove|destroy|wipe|nuke)\b.*\b(everything|the (whole|entire) cluster|all resources)\b",
    re.I,
)


class Translation(BaseModel):
    """The result of translating one request."""

    request: str
    intent: Intent | None = None
    argv: list[str] | None = Field(None, description="kubectl arguments, without the leading 'kubectl'")
    command: str | None = Field(None, description="display string starting with 'kubectl'")
    source: Literal["rules", "model"] | None = None
    clarification: str | None = None
    confidence: float = 0.0
    latency_ms: float = 0.0
    notes: list[str] = Field(default_factory=list)
    caveats: list[str] = Field(
        default_factory=list,
        description="what of the request the command does not express, one line each: shown before it runs",
    )


def translate(
    request: str,
    *,
    session: Session | None = None,
    offline: bool = False,
    model_path: str | None = None,
    kubeconfig: str | None = None,
    context: str | None = None,
    namespace: str | None = None,
    use_model: bool = True,
    model: ModelTranslator | None = None,
    table: ResourceTable | None = None,
) -> Translation:
    """Translate one plain-language request into a validated kubectl command.

    Args:
        request: the user's words, e.g. "show me the logs of web-1 in staging".
        session: a `kubechat.translate.context.Session`; follow-ups ("describe the first one",
            "delete that pod", "now in staging") resolve against its previous command and
            output, and the result is recorded in it.
        offline: never contact a cluster; resource types come from the built-in table and the
            current namespace is `default`.
        model_path: a GGUF file for the model path (default: the embedded model).
        kubeconfig, context: which cluster's discovery to use (resource types, CRDs).
        namespace: the namespace for requests that do not name one (e.g. from `-n`).
        use_model: False for the rule path only.
        model: an already loaded `ModelTranslator` (the batch interface loads one per batch).
        table: a resource table to use instead of discovery.

    Returns a `Translation`: `argv`/`command` when confident and valid, else `clarification`.
    Never raises for a user's wording; raises `ModelError` only if the caller passed `model`
    that fails (a missing/corrupt default model just leaves the rule result in place).
    """
    start = time.perf_counter()
    text = " ".join((request or "").split())
    if table is None:
        table = BUILTIN_TABLE
        if not offline:
            from .discovery import resource_table

            table = resource_table(kubeconfig=kubeconfig, context=context)
    result = Translation(request=request)

    def done(t: Translation) -> Translation:
        t.latency_ms = round((time.perf_counter() - start) * 1000, 3)
        if session is not None:
            session.record(t)
        return t

    if not text:
        result.clarification = 'What would you like to do? For example: "list pods in staging".'
        return done(result)
    if _SHELL.search(text):
        result.clarification = (
            "That looks like a shell command or fragment. I only run single kubectl commands: "
            "what should kubectl do?"
        )
        return done(result)
    if _VAGUE.search(text):
        result.clarification = (
            "That is too broad to turn into one safe command. Which resource (type and name) and "
            "which action do you mean?"
        )
        return done(result)

    known = _session_words(session)

    def finish(intent: Intent, source: str, confidence: float, repeated: str | None = None) -> Translation:
        out = Translation(request=request)
        return _finish(out, intent, source, confidence, table, namespace, offline, known, repeated)

    if session is not None:
        from .context import resolve

        resolved = resolve(text, session, table)
        if resolved is not None:
            if isinstance(resolved, str):
                result.clarification = resolved
                return done(result)
            last = session.last()
            repeated = last.request if last and last.argv and last.argv[0] == resolved.root else None
            return done(finish(resolved, "rules", 0.9, repeated))

    several = compound.separate_commands(text, table)
    if several is not None:
        # one command would run only a part of what was asked, or a merge nobody asked for
        result.clarification = compound.question(several)
        return done(result)

    try:
        rr = rules.parse(text, table)
    except (IndexError, KeyError, ValueError, TypeError, AttributeError) as exc:
        # A parser bug must not reach the user as a traceback: ask instead (KUBECHAT_DEBUG shows it).
        if os.environ.get("KUBECHAT_DEBUG") == "1":
            raise
        result.clarification = "I could not make sense of that request; could you rephrase it?"
        result.notes.append(f"rule parser error: {type(exc).__name__}")
        return done(result)
    ruled: Translation | None = None
    if rr.intent is not None:
        ruled = finish(rr.intent, "rules", rr.confidence)
        if ruled.argv is not None and (
            _unaccounted(ruled.argv, rr.unexplained)
            or _change_read_as_a_read(ruled.argv, rr.unexplained, text)
        ):
            # a change must account for what was said: leftover words mean a misreading
            ruled = Translation(
                request=request,
                confidence=rr.confidence,
                clarification=(
                    f"I would run {ruled.command!r}, but it does not use "
                    f"{', '.join(repr(w) for w in rr.unexplained[:3])} from your request. "
                    "Could you say it more plainly, naming the action, the object and its values?"
                    if rr.unexplained
                    else f"That asks for a change, and {ruled.command!r} would only read. Could you say "
                    "it more plainly, naming the action, the object and its values?"
                ),
                notes=[f"unexplained words: {' '.join(rr.unexplained)}"],
            )
        if ruled.argv is not None and rr.caveats and not _read_only(ruled.argv):
            # a change acts on what the command selects: a restriction kubectl cannot select
            # would be widened to every object, so the user names them instead
            ruled = Translation(
                request=request,
                confidence=rr.confidence,
                clarification=f"{rr.caveats[0].split(':')[0]}. Which ones do you mean? Name them or give a label selector.",
                notes=[f"not expressed: {c}" for c in rr.caveats],
            )
        elif ruled.argv is not None:
            ruled.caveats = list(rr.caveats)
        if ruled.argv is not None:
            # a grounded rule answer stands, however unsure: the model replacing unsure but
            # grounded answers lowered accuracy on requests it had never seen
            return done(ruled)
    elif rr.clarification and rr.confidence >= MODEL_THRESHOLD:
        result.clarification = rr.clarification
        result.confidence = rr.confidence
        return done(result)

    # The model is consulted only where the parser has no grounded answer, and its answer
    # passes the same gate, so it can add answers but never replace a grounded one.
    if use_model:
        try:
            if model is None:
                from .model import get_model

                model = get_model(model_path)
            intent = model.translate(text, table, hint=rr)
        except ModelError as exc:
            result.notes.append(f"model unavailable: {exc.message}")
            intent = None
        if intent is not None:
            modeled = finish(intent, "model", 0.6)
            if modeled.argv is not None and _read_only(modeled.argv):
                # a change needs the parser's own grounded reading; the model may only add reads
                return done(modeled)
            result.notes += modeled.notes
    if ruled is not None:
        ruled.notes = result.notes + ruled.notes
        return done(ruled)
    result.clarification = rr.clarification or (
        "I could not turn that into a kubectl command. Try naming the action and the resource, "
        'e.g. "list pods in staging" or "restart deployment web".'
    )
    return done(result)


def _unaccounted(argv: list[str], left: list[str]) -> bool:
    """A change whose command leaves a value-shaped word (a name, number, path, key=value) or
    more than one plain word of the request unused; a destructive one that leaves any."""
    if not left:
        return False
    from ..safety.risk import Risk, classify

    risk = classify(argv)
    if risk is Risk.READ:
        return False
    # a value (digits, -./=:), a restriction ("nothing else"), a type or an action word left
    # unused means a misreading; a plain word or two ("obsolete", "wedged") says why. (Clauses
    # that give a reason or a time are context already: coverage leaves their plain words out.)
    if any(_VALUE_SHAPED.search(w) or w.lower() in _RESTRICTING for w in left):
        return True
    if any(_names_a_part(w) for w in left):
        return True
    # a word or two saying why ("obsolete", "wedged"); more is a description the command missed
    if risk is Risk.DESTRUCTIVE:
        # only a removal may leave a word or two of why; what opens or reveals names it all
        return argv[0] != "delete" or len(left) > 2
    return len(left) > 1


def _change_read_as_a_read(argv: list[str], left: list[str], request: str) -> bool:
    """A listing or description that leaves a change's values or words unused read a change as a
    read ("generic secret x in y, k=v", "suspend cronjob x", "give user u the r role"): the
    change asked for would be dropped silently, so it is a question, never the read."""
    if argv[0] not in ("get", "describe"):
        return False
    if any(_CHANGE_VALUE.search(w) or w.lower() in _CHANGE_WORDS for w in left):
        return True
    return _CHANGE_SHAPE.search(request.lower()) is not None


# What a change carries and a read never leaves unused: a key=value, an image with its tag.
_CHANGE_VALUE = re.compile(r"=|^[a-z][\w./-]*:\w")
# Verbs of a change the router has no command for, said at any place.
_CHANGE_WORDS = {
    *("unset", "suspend", "unsuspend", "record", "trigger", "give", "grant", "assign", "stop"),
    *("bump", "pin", "switch", "set", "add", "update", "change", "use", "make", "mount", "attach"),
}
# A role's verbs listed ("get/list/watch"), or a role given to someone.
_CHANGE_SHAPE = re.compile(
    r"\b(?:get|list|watch|create|update|patch|delete)(?:\s*[/,]\s*(?:get|list|watch|create|update|patch|delete))+\b"
    r"|\b(?:give|grant|bind|assign)\b[^.?!]*\brole\b"
    r"|\bshould (?:use|run|have|be)\b|\bkick(?:s|ed)? off\b"
    # a change verb opening the request or a clause ("change svc x to …", "…, clear its finalizers")
    r"|(?:^|[,;:]\s*)(?:please\s+)?(?:change|give(?! me\b| us\b)|grant|clear|debug|set|update|add|remove|unset"
    r"|switch|assign|bump|stop)\b"
)


_RESTRICTING = {"nothing", "not", "no", "never", "without", "except", "excluding", "only", "but", "unless"}


def _names_a_part(word: str) -> bool:
    """A type name or a word that asks for a change: leaving it out changes what is done."""
    w = word.lower()
    if BUILTIN_TABLE.get(w) is not None or BUILTIN_TABLE.get(w.rstrip("s")) is not None:
        return True
    return any(re.match(rx, w) for rx in _ACTION_WORDS)


_ACTION_WORDS = [
    rf"(?:{rx})"
    for rx in (
        r"delet|remov|kill|destroy|eras|terminat|evict|wipe|nuke|purg|drop",
        r"scal|resiz|restart|bounce|redeploy|undo|rollback|revert|pause|resum|unpause",
        r"uncordon|cordon|drain|taint|untaint|label|annotat|expos|patch|replac|apply|edit",
        r"creat|deploy|run|launch|exec|attach|forward|proxy|cp|copy|approv|deny|grant|bind",
    )
]


def _read_only(argv: list[str]) -> bool:
    from ..safety.risk import Risk, classify

    return classify(argv) is Risk.READ


_VALUE_SHAPED = re.compile(r"\d|[-./=:]|[a-z][A-Z]")


def _session_words(session: Session | None) -> list[str]:
    """What earlier turns said and printed: a follow-up may take its names from there."""
    if session is None:
        return []
    words: list[str] = []
    for turn in session.turns:
        words.append(turn.request)
        words += turn.argv or []
        if turn.output:
            words.append(turn.output)
    return words


def _finish(
    result: Translation,
    intent: Intent,
    source: str,
    confidence: float,
    table: ResourceTable,
    namespace: str | None,
    offline: bool,
    known: list[str] | None = None,
    repeated: str | None = None,
) -> Translation:
    if namespace and not intent.namespace and not intent.all_namespaces and rules.namespaced(intent, table):
        if not (offline and namespace == "default"):
            intent.namespace = namespace
    try:
        validate(intent, table)
    except ValidationIssue as issue:
        result.clarification = issue.question
        result.confidence = confidence
        return result
    question = grounding.check(
        result.request, intent, table, known=known or (), default_namespace=namespace, repeated=repeated
    )
    if question is not None:
        result.clarification = question
        result.confidence = confidence
        result.notes.append(f"not grounded ({source}): {intent.command_string()}")
        return result
    result.intent = intent
    result.argv = intent.to_argv()
    result.command = intent.command_string()
    result.source = source  # type: ignore[assignment]
    result.confidence = confidence
    return result


__all__ = ["Translation", "translate", "MODEL_THRESHOLD"]
