"""The administrator's config, /etc/kubectl-chat/config.yaml.

Its `policy:` section, when present, is the policy in force: the user's config.yaml `policy:`
section and the KUBECHAT_OPA_URL / KUBECHAT_OPA_TOKEN / KUBECHAT_ON_POLICY_UNAVAILABLE /
KUBECHAT_POLICIES variables are then ignored (kubechat.safety.policy.load_settings).

KUBECHAT_SYSTEM_CONFIG names another file, for tests, and is honoured only while
/etc/kubectl-chat/config.yaml does not exist: once an administrator has installed that file no
variable can swap it, and without it there is no administrator's policy for the variable to undo
(a user pointing it at a file only restricts themselves).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml

from .errors import PolicyError

SYSTEM_CONFIG = Path("/etc/kubectl-chat/config.yaml")
OVERRIDE_ENV = "KUBECHAT_SYSTEM_CONFIG"


def path() -> Path | None:
    """The system config in force, or None when there is none."""
    if SYSTEM_CONFIG.exists():
        return SYSTEM_CONFIG
    override = os.environ.get(OVERRIDE_ENV)
    return Path(override) if override else None


def read() -> tuple[Path | None, dict]:
    """(its path, its contents); (None, {}) when there is none. A system config that exists but
    cannot be trusted or read is an error, never silently skipped: skipping it would drop the
    administrator's policy."""
    cfg = path()
    if cfg is None:
        return None, {}
    try:
        info = cfg.stat()
        text = cfg.read_text()
    except OSError as exc:
        raise PolicyError(
            f"cannot read the system config {cfg}: {exc.strerror or exc}",
            hint="it must be readable by every user (mode 0644)",
        ) from exc
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        # Anyone who may write it could lift the policy it enforces.
        raise PolicyError(
            f"the system config {cfg} is writable by group or others; refusing to trust it",
            hint=f"chmod go-w {cfg}",
        )
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise PolicyError(f"the system config {cfg} is not valid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise PolicyError(f"the system config {cfg} must be a mapping of settings")
    return cfg, doc


def policy_section() -> tuple[Path | None, dict | None]:
    """(path, the `policy:` mapping) when the administrator set one, else (path, None)."""
    cfg, doc = read()
    if "policy" not in doc:
        return cfg, None
    section = doc["policy"] or {}
    if not isinstance(section, dict):
        raise PolicyError(f"`policy` in the system config {cfg} must be a mapping")
    return cfg, section
