"""Policy decisions from OPA: `decide(PolicyInput) -> Decision`.

The input is built from the kubectl argv and the cluster's identity, never from model output.
OPA is a central server when one is configured (KUBECHAT_OPA_URL or `policy.opa_url`), else the
local sidecar. When OPA cannot answer, or answers nothing usable, writes and destructive commands
are denied; reads follow `on_policy_unavailable` (default: deny).

An administrator's `policy:` in the system config (kubechat.system_config) replaces the user's
settings outright. Whatever any policy answers, destructive commands need typed confirmation
(`client_floor`), and every decision names the bundle revision and digest that made it.
"""

from __future__ import annotations

import os
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from .. import system_config
from ..config import config_path, read_config
from ..errors import KubechatError, PolicyError, UsageError
from ..lean_imports import opa_client_class
from . import local_opa, replicas, sidecar
from .assess import Assessment, assess
from .risk import Risk

Confirm = Literal["none", "yes", "typed"]
Mode = Literal["read-only", "write"]


class PolicySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    opa_url: str | None = None  # a central OPA; unset → local sidecar
    opa_token: str | None = None
    on_policy_unavailable: Literal["deny", "allow-reads"] = "deny"
    timeout_s: float = 2.0
    mode: Mode = "read-only"
    # The local sidecar's bundle (a directory or an `opa build` archive); unset → the shipped one.
    bundle: str | None = None
    # A PEM public key: the bundle must be signed with its private key (`opa build --signing-key`).
    verification_key: str | None = None
    signing_alg: Literal["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"] = (
        "RS256"
    )
    opa_binary: str | None = None  # the opa program for the sidecar; unset → KUBECHAT_OPA, PATH
    max_mode: Mode = "write"  # read-only: write mode is refused whatever the user asks for
    enforced_by: str | None = None  # the system config these settings come from, if any


# Variables a user may set for their own policy settings; ignored under an administrator's policy.
_USER_ENV = (
    ("KUBECHAT_OPA_URL", "opa_url"),
    ("KUBECHAT_OPA_TOKEN", "opa_token"),
    ("KUBECHAT_ON_POLICY_UNAVAILABLE", "on_policy_unavailable"),
)


def load_settings() -> PolicySettings:
    """The administrator's `policy:` from the system config when it has one (then nothing the user
    sets changes policy; only `mode:` is still the user's, within `max_mode`). Otherwise
    `policy:` and `mode:` from the user's config.yaml, then the environment on top."""
    user_cfg = config_path()
    user_doc = _user_config()
    system_path, admin = system_config.policy_section()
    if admin is not None:
        raw = {k: v for k, v in admin.items() if k != "enforced_by"}
        raw["enforced_by"] = str(system_path)
        where = f"the system config {system_path}"
    else:
        raw = {k: v for k, v in (user_doc.get("policy") or {}).items() if k != "enforced_by"}
        for env, key in _USER_ENV:
            if os.environ.get(env):
                raw[key] = os.environ[env]
        where = f"{user_cfg} or the environment"
    if "mode" in user_doc:
        raw["mode"] = user_doc["mode"]
    try:
        settings = PolicySettings.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError(f"invalid policy settings in {where}: {exc}") from exc
    if settings.verification_key and not (settings.bundle or settings.opa_url):
        raise PolicyError(
            f"policy settings in {where}: verification_key needs a signed `bundle` to verify",
            hint="build one with `opa build --bundle policies/ --signing-key KEY.pem -o bundle.tar.gz`",
        )
    return settings


def _user_config() -> dict:
    """The user's config.yaml (kubechat.config reads it); a broken one is a policy error here,
    as no decision can be made without knowing the policy settings."""
    try:
        doc = read_config()
    except UsageError as exc:
        raise PolicyError(exc.message, hint=exc.hint) from exc
    if not isinstance(doc.get("policy") or {}, dict):
        raise PolicyError(f"`policy` in {config_path()} must be a mapping")
    return doc


class PolicyInput(BaseModel):
    """What OPA sees (input for data.kubectl_chat.decision)."""

    argv: list[str]
    verb: str
    subcommand: str = ""
    resource: str = ""
    resources: list[str] = Field(default_factory=list)
    namespace: str = ""
    names: list[str] = Field(default_factory=list)
    output: str = ""
    flags: list[str] = Field(default_factory=list)
    all_namespaces: bool = False
    ambiguous: bool = False
    violations: list[str] = Field(default_factory=list)  # why argv is outside kubectl's grammar
    effects: list[str] = Field(default_factory=list)  # safety.effects.Effect values, any reading
    connection_flags: list[str] = Field(default_factory=list)  # global connection/identity flags
    risk: Risk
    risk_reason: str = ""
    user: str = ""
    groups: list[str] = Field(default_factory=list)
    cluster: str = ""
    context: str = ""
    mode: Mode = "read-only"
    # Seconds the oldest audit record not yet at the collector has waited (0: none; None: the
    # spool could not be read). Policy data `audit.require_collector` refuses writes on it.
    audit_backlog_s: int | None = None


class Decision(BaseModel):
    allow: bool
    confirm: Confirm = "none"
    confirm_phrase: str | None = None
    reasons: list[str] = Field(default_factory=list)
    source: str = ""  # which OPA answered, or "unavailable"
    available: bool = True
    # The bundle that decided: its .manifest revision (as OPA reports it) and its digest (known
    # for the local sidecar's bundle; a central OPA reports only revisions).
    bundle_revision: str | None = None
    bundle_digest: str | None = None


class _OpaAnswer(BaseModel):
    """The shape decision.rego must return; anything else is treated as no answer."""

    allow: StrictBool
    confirm: Confirm
    reasons: list[str]
    confirm_phrase: str | None = None


def build_input(
    argv: list[str],
    *,
    user: str = "",
    groups: list[str] | None = None,
    cluster: str = "",
    context: str = "",
    mode: Mode = "read-only",
    default_namespace: str = "default",
    current_replicas: int | None = None,
    scale_down_fraction: float | None = None,
    audit_backlog_s: int | None = None,
) -> PolicyInput:
    """Policy input from the argv alone (plus who and where). `default_namespace` is the
    context's namespace, used when argv has no -n. For `scale`, `current_replicas` (see
    replicas.current_replicas) lets a large scale-down count as destructive; the fraction comes
    from the policy data unless given. The audit backlog's age is read from the spool unless given."""
    if scale_down_fraction is None:
        scale_down_fraction = replicas.scale_down_fraction()
    found = assess(
        argv,
        default_namespace=default_namespace,
        current_replicas=current_replicas,
        scale_down_fraction=scale_down_fraction,
    )
    return input_for(
        found,
        user=user,
        groups=groups,
        cluster=cluster,
        context=context,
        mode=mode,
        audit_backlog_s=audit_backlog_s,
    )


def input_for(
    found: Assessment,
    *,
    user: str = "",
    groups: list[str] | None = None,
    cluster: str = "",
    context: str = "",
    mode: Mode = "read-only",
    audit_backlog_s: int | None = None,
) -> PolicyInput:
    """What OPA sees for an assessed command, who asks and where."""
    if audit_backlog_s is None:
        from ..audit.autoship import backlog_age_s

        audit_backlog_s = backlog_age_s()
    cmd = found.command
    return PolicyInput(
        argv=found.argv,
        verb=found.verb,
        subcommand=found.subcommand,
        resource=found.resource,
        resources=found.resources,
        namespace=found.namespace,
        names=found.names,
        output=cmd.output if cmd else "",
        flags=sorted(cmd.flags) if cmd else [],
        all_namespaces=cmd.all_namespaces if cmd else False,
        ambiguous=found.ambiguous,
        violations=found.violations,
        effects=sorted(found.effects),
        connection_flags=found.connection_flags,
        risk=found.risk,
        risk_reason=found.risk_reason,
        user=user,
        groups=list(groups or []),
        cluster=cluster,
        context=context,
        mode=mode,
        audit_backlog_s=audit_backlog_s,
    )


def _central_client(settings: PolicySettings):
    OpaClient = opa_client_class()  # noqa: N806

    url = urlsplit(settings.opa_url or "")
    if url.scheme not in {"http", "https"} or not url.hostname:
        raise PolicyError(f"the central OPA URL {settings.opa_url!r} is not an http(s) URL")
    if url.path not in {"", "/"}:
        raise PolicyError(f"the central OPA URL {settings.opa_url!r} must not have a path")
    from ..ports import is_loopback

    if url.scheme == "http" and not is_loopback(url.hostname):
        # In clear, the token can be read and the decision itself rewritten on the way back.
        raise PolicyError(f"refusing plain-HTTP central OPA {settings.opa_url}: use https://")
    port = url.port or (443 if url.scheme == "https" else 80)
    client = OpaClient(
        host=url.hostname,
        port=port,
        ssl=url.scheme == "https",
        token=settings.opa_token,
        timeout=settings.timeout_s,
        retries=1,
    )
    return client, f"central OPA {url.scheme}://{url.hostname}:{port}"


def _client(settings: PolicySettings):
    """A client for the central OPA or the local sidecar (query_rule, close_connection), a label
    for it, the digest of the bundle it serves when we know it, and the errors it raises when OPA
    does not answer."""
    if settings.opa_url:
        import requests

        from ..lean_imports import opa_client_errors

        errors = (requests.RequestException, opa_client_errors().ConnectionsError)
        return (*_central_client(settings), None, errors)
    spec = sidecar.SidecarSpec(
        policies=str(sidecar.policies_dir(settings).resolve()),
        verification_key=settings.verification_key,
        signing_alg=settings.signing_alg,
        opa=settings.opa_binary,
        enforced=settings.enforced_by is not None,
    )
    state = sidecar.ensure_running(spec)
    client = local_opa.LocalOpa(state.port, settings.timeout_s)
    return client, f"local OPA 127.0.0.1:{state.port}", state.digest or None, (local_opa.OpaUnreachable,)


def decide(inp: PolicyInput, settings: PolicySettings | None = None) -> Decision:
    """Ask OPA. Never raises for an unreachable or silent OPA: the answer is then a fail-closed
    Decision with available=False."""
    settings = settings or load_settings()
    inp, notes = _within_limits(inp, settings)
    try:
        client, source, digest, not_answered = _client(settings)
    except KubechatError as exc:
        return unavailable(inp, settings, exc.message)
    except OSError as exc:  # could not write the state dir or run opa
        return unavailable(inp, settings, f"could not start the local OPA: {exc}")
    try:
        resp = client.query_rule(
            input_data=inp.model_dump(mode="json"),
            package_path="kubectl_chat",
            rule_name="decision",
            query_params={"provenance": "true"},  # names the bundle revisions that answered
        )
    except not_answered as exc:
        return unavailable(inp, settings, f"{source} did not answer ({type(exc).__name__})")
    except ValueError as exc:  # a body that is not JSON
        return unavailable(inp, settings, f"{source} sent an unreadable answer ({exc})")
    finally:
        client.close_connection()
    result = resp.get("result") if isinstance(resp, dict) else None
    if result is None:
        return unavailable(inp, settings, f"{source} has no kubectl_chat.decision (policy not loaded?)")
    try:
        answer = _OpaAnswer.model_validate(result)
    except ValidationError:
        return unavailable(inp, settings, f"{source} answered in an unexpected shape")
    if answer.confirm == "typed" and not answer.confirm_phrase:
        return unavailable(inp, settings, f"{source} asked for typed confirmation without a phrase")
    decision = Decision(
        **answer.model_dump(),
        source=source,
        available=True,
        bundle_revision=_revision(resp.get("provenance")),
        bundle_digest=digest,
    )
    decision.reasons += notes
    return client_floor(inp, decision)


def _within_limits(inp: PolicyInput, settings: PolicySettings) -> tuple[PolicyInput, list[str]]:
    """The input as the administrator's limits allow it: write mode off under max_mode read-only."""
    if settings.max_mode == "read-only" and inp.mode == "write":
        where = settings.enforced_by or "the policy settings"
        note = f"write mode is turned off by the administrator (max_mode: read-only in {where})"
        return inp.model_copy(update={"mode": "read-only"}), [note]
    return inp, []


def client_floor(inp: PolicyInput, decision: Decision) -> Decision:
    """kubectl chat's own minimum, whatever the policy says: a destructive command that is allowed
    needs typed confirmation. A policy may ask for more, never for less."""
    if not decision.allow or inp.risk.rank < Risk.DESTRUCTIVE.rank or decision.confirm == "typed":
        return decision
    phrase = decision.confirm_phrase or _confirm_phrase(inp)
    why = f"`{inp.verb or 'this'}` is destructive: kubectl chat always asks to type `{phrase}` to confirm"
    return decision.model_copy(
        update={"confirm": "typed", "confirm_phrase": phrase, "reasons": [*decision.reasons, why]}
    )


def _confirm_phrase(inp: PolicyInput) -> str:
    """As decision.rego picks it: the one named object, else the namespace, else the verb."""
    if len(inp.names) == 1 and inp.names[0]:
        return inp.names[0]
    return inp.namespace or inp.verb or "confirm"


def _revision(provenance) -> str | None:
    """The revision of the bundle(s) OPA answered from, from its provenance block; several
    bundles read as `name=revision` pairs."""
    bundles = provenance.get("bundles") if isinstance(provenance, dict) else None
    if not isinstance(bundles, dict):
        return None
    revs = {str(name): str(b.get("revision") or "") for name, b in bundles.items() if isinstance(b, dict)}
    if len(revs) == 1:
        return next(iter(revs.values())) or None
    pairs = [f"{name}={rev}" for name, rev in sorted(revs.items()) if rev]
    return ",".join(pairs) or None


def unavailable(inp: PolicyInput, settings: PolicySettings, why: str) -> Decision:
    """Fail closed: deny writes always, reads unless on_policy_unavailable is allow-reads."""
    allow_read = inp.risk == Risk.READ and settings.on_policy_unavailable == "allow-reads"
    if allow_read:
        reason = f"policy engine unavailable: {why}; reads are allowed (on_policy_unavailable: allow-reads)"
    elif inp.risk == Risk.READ:
        reason = f"policy engine unavailable: {why}; nothing runs without a policy decision"
    else:
        reason = f"policy engine unavailable: {why}; {inp.risk.value} commands are denied"
    return Decision(allow=allow_read, confirm="none", reasons=[reason], source="unavailable", available=False)
