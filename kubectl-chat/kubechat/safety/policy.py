"""Policy decisions from OPA: `decide(PolicyInput) -> Decision`.

The input is built from the kubectl argv and the cluster's identity, never from model output.
OPA is a central server when one is configured (KUBECHAT_OPA_URL or `policy.opa_url`), else the
local sidecar. When OPA cannot answer, or answers nothing usable, writes and destructive commands
are denied; reads follow `on_policy_unavailable` (default: deny).
"""

from __future__ import annotations

import os
from typing import Literal
from urllib.parse import urlsplit

import requests
import yaml
from pydantic import BaseModel, Field, StrictBool, ValidationError

from .. import paths
from ..errors import KubechatError, PolicyError
from ..lean_imports import opa_client_class, opa_client_errors
from . import grammar, replicas, sidecar
from .command import ParseError, interpretations, parse
from .effects import effects
from .resources import info as resource_info
from .risk import Risk, classify_with_reason

Confirm = Literal["none", "yes", "typed"]
Mode = Literal["read-only", "write"]


class PolicySettings(BaseModel):
    opa_url: str | None = None  # a central OPA; unset → local sidecar
    opa_token: str | None = None
    on_policy_unavailable: Literal["deny", "allow-reads"] = "deny"
    timeout_s: float = 2.0
    mode: Mode = "read-only"


def load_settings() -> PolicySettings:
    """`policy:` and `mode:` from config.yaml, then the environment (KUBECHAT_OPA_URL,
    KUBECHAT_OPA_TOKEN, KUBECHAT_ON_POLICY_UNAVAILABLE) on top."""
    raw: dict = {}
    cfg = paths.config_dir() / "config.yaml"
    if cfg.is_file():
        try:
            doc = yaml.safe_load(cfg.read_text()) or {}
        except yaml.YAMLError as exc:
            raise PolicyError(f"{cfg} is not valid YAML: {exc}") from exc
        if isinstance(doc, dict):
            raw.update(doc.get("policy") or {})
            if "mode" in doc:
                raw["mode"] = doc["mode"]
    for env, key in (
        ("KUBECHAT_OPA_URL", "opa_url"),
        ("KUBECHAT_OPA_TOKEN", "opa_token"),
        ("KUBECHAT_ON_POLICY_UNAVAILABLE", "on_policy_unavailable"),
    ):
        if os.environ.get(env):
            raw[key] = os.environ[env]
    try:
        return PolicySettings.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError(f"invalid policy settings in {cfg} or the environment: {exc}") from exc


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


class Decision(BaseModel):
    allow: bool
    confirm: Confirm = "none"
    confirm_phrase: str | None = None
    reasons: list[str] = Field(default_factory=list)
    source: str = ""  # which OPA answered, or "unavailable"
    available: bool = True


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
) -> PolicyInput:
    """Policy input from the argv alone (plus who and where). `default_namespace` is the
    context's namespace, used when argv has no -n. For `scale`, `current_replicas` (see
    replicas.current_replicas) lets a large scale-down count as destructive; the fraction comes
    from the policy data unless given."""
    argv = [str(a) for a in argv]
    if scale_down_fraction is None:
        scale_down_fraction = replicas.scale_down_fraction()
    risk, why = classify_with_reason(argv, current_replicas, scale_down_fraction)
    problems = grammar.violations(argv)
    try:
        cmd = parse(argv)
        readings = interpretations(argv)
    except ParseError as exc:
        return PolicyInput(
            argv=argv,
            verb="",
            risk=Risk.DESTRUCTIVE,
            risk_reason=why,
            ambiguous=True,
            violations=problems or [str(exc)],
            mode=mode,
        )
    resource, names = cmd.targets()
    resources = [r for r in resource.split(",") if r]
    ambiguous = len({_shape(r) for r in readings}) > 1
    namespaced = not resources or any(
        (resource_info(r) is None or resource_info(r).namespaced) for r in resources
    )
    namespace = cmd.namespace or (default_namespace if namespaced else "")
    # Facts from every reading of argv, so an ambiguous flag cannot hide one.
    found = sorted({str(e) for r in readings for e in effects(r)})
    connection = sorted({f for r in readings for f in r.connection_flags})
    return PolicyInput(
        argv=argv,
        verb=cmd.verb,
        subcommand=cmd.subcommand,
        resource=resource,
        resources=resources,
        namespace=namespace,
        names=names,
        output=cmd.output,
        flags=sorted(cmd.flags),
        all_namespaces=cmd.all_namespaces,
        ambiguous=ambiguous,
        violations=problems,
        effects=found,
        connection_flags=connection,
        risk=risk,
        risk_reason=why,
        user=user,
        groups=list(groups or []),
        cluster=cluster,
        context=context,
        mode=mode,
    )


def _shape(cmd) -> tuple:
    return (cmd.verb, cmd.subcommand, tuple(cmd.targets()[1]), cmd.targets()[0], cmd.namespace, cmd.output)


def _central_client(settings: PolicySettings):
    OpaClient = opa_client_class()  # noqa: N806

    url = urlsplit(settings.opa_url or "")
    if url.scheme not in {"http", "https"} or not url.hostname:
        raise PolicyError(f"the central OPA URL {settings.opa_url!r} is not an http(s) URL")
    if url.path not in {"", "/"}:
        raise PolicyError(f"the central OPA URL {settings.opa_url!r} must not have a path")
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
    """An opa_client.OpaClient for the central OPA or the local sidecar, and a label for it."""
    OpaClient = opa_client_class()  # noqa: N806

    if settings.opa_url:
        return _central_client(settings)
    state = sidecar.ensure_running()
    client = OpaClient(host="127.0.0.1", port=state.port, timeout=settings.timeout_s, retries=1)
    return client, f"local OPA 127.0.0.1:{state.port}"


def decide(inp: PolicyInput, settings: PolicySettings | None = None) -> Decision:
    """Ask OPA. Never raises for an unreachable or silent OPA: the answer is then a fail-closed
    Decision with available=False."""
    ConnectionsError = opa_client_errors().ConnectionsError  # noqa: N806

    settings = settings or load_settings()
    try:
        client, source = _client(settings)
    except KubechatError as exc:
        return unavailable(inp, settings, exc.message)
    except OSError as exc:  # could not write the state dir or run opa
        return unavailable(inp, settings, f"could not start the local OPA: {exc}")
    try:
        resp = client.query_rule(
            input_data=inp.model_dump(mode="json"), package_path="kubectl_chat", rule_name="decision"
        )
    except (requests.RequestException, ConnectionsError) as exc:
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
    return Decision(**answer.model_dump(), source=source, available=True)


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
