"""`kubectl chat policy explain`: what would the policy decide for a request or a raw kubectl
command, and why. Everything here is read-only: nothing is run against the cluster except the
identity lookup."""

from __future__ import annotations

from pydantic import BaseModel

from ..config import resolve_mode
from ..errors import KubechatError, TranslationError
from ..kubectl_options import KubectlOptions
from . import rbac
from .evaluate import evaluate, scoped_argv
from .policy import Decision, Mode, PolicyInput, PolicySettings


class Explanation(BaseModel):
    request: str | None
    argv: list[str]
    input: PolicyInput
    decision: Decision
    notes: list[str] = []


def argv_from_request(request: str) -> list[str]:
    """The kubectl argv the translator produces for a plain-language request (offline)."""
    try:
        from ..translate import translate  # lazy: translation loads rules (and maybe a model)
    except ImportError as exc:
        raise TranslationError(
            "plain-language translation is not available in this build",
            hint="give the kubectl command instead: kubectl chat policy explain -- get pods -n prod",
        ) from exc
    result = translate(request, offline=True)
    argv = getattr(result, "argv", None)
    if argv:
        return [str(a) for a in argv]
    question = getattr(result, "clarification", None)
    raise TranslationError(
        question or f"could not turn {request!r} into a kubectl command",
        hint="or give the kubectl command itself: kubectl chat policy explain -- get pods -n prod",
    )


def explain(
    *,
    argv: list[str] | None = None,
    request: str | None = None,
    options: KubectlOptions | None = None,
    mode: Mode | None = None,
    user: str | None = None,
    groups: list[str] | None = None,
    settings: PolicySettings | None = None,
) -> Explanation:
    """Evaluate the policy for `argv`, or for what `request` translates to, through the same
    path a real run takes (safety.evaluate): the same -A scoping, mode resolution (--write,
    KUBECHAT_MODE, config), identity from the cluster, replica read and policy settings.
    `user`/`groups` evaluate for someone else instead of asking the cluster who you are."""
    if (argv is None) == (request is None):
        raise KubechatError("give either a request or a kubectl command")
    options = options or KubectlOptions()
    if request is not None:
        argv = argv_from_request(request)
    assert argv is not None
    argv = scoped_argv(list(argv), options)
    notes: list[str] = []
    try:
        ctx = rbac.context_info(options)
    except KubechatError as exc:
        ctx = rbac.ContextInfo(namespace=options.namespace or "default")
        notes.append(f"no kubeconfig context ({exc.message})")
    if user is None:
        try:
            ident = rbac.whoami(options)
            user, groups = ident.user, (groups or []) + ident.groups
        except KubechatError as exc:
            user = ""
            notes.append(f"identity unknown, group rules not applied ({exc.message})")
    ev = evaluate(
        argv,
        options=options,
        namespace=ctx.namespace,
        cluster=ctx.cluster,
        context=ctx.context,
        mode=mode or resolve_mode(),  # type: ignore[arg-type]
        user=user,
        groups=groups or [],
        offline=not ctx.context,
        settings=settings,
    )
    return Explanation(request=request, argv=argv, input=ev.input, decision=ev.decision, notes=notes)
