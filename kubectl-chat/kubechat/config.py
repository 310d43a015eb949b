"""The user's config file, ~/.config/kubectl-chat/config.yaml (or $KUBECHAT_HOME/config/...), and
the order in which a setting is taken: a flag, then the environment, then this file, then the
default (`pick`). This is the one module that reads the file (the administrator's
/etc/kubectl-chat/config.yaml is kubechat.system_config's); the CLI resolves the settings of a
run once, at its edge, and passes them down. Read with plain YAML so start-up stays light; each
part validates its own section."""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from pathlib import Path

import yaml

from . import paths
from .errors import UsageError

MODES = ("read-only", "write")
PREVIEW_STYLES = ("compact", "full")

# The parsed file, keyed by where it is and what it was when read: parsed once however many
# settings are taken from it, and read again when it changes.
_parsed: dict[Path, tuple[tuple[int, int], dict]] = {}


def config_path() -> Path:
    return paths.config_dir() / "config.yaml"


def read_config() -> dict:
    """The whole config file as a dict; {} when there is none. A broken file is a clear error."""
    cfg = config_path()
    try:
        st = cfg.stat()
    except OSError:
        return {}
    if not cfg.is_file():
        return {}
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _parsed.get(cfg)
    if cached is None or cached[0] != stamp:
        try:
            doc = yaml.safe_load(cfg.read_text()) or {}
        except yaml.YAMLError as exc:
            raise UsageError(f"{cfg} is not valid YAML: {exc}", hint="fix or remove the file") from exc
        if not isinstance(doc, dict):
            raise UsageError(f"{cfg} must be a mapping of settings", hint="see README: write mode, policy")
        cached = _parsed[cfg] = (stamp, doc)
    return copy.deepcopy(cached[1])  # callers may change theirs; the parsed file stays as read


def pick(
    flag: str | None,
    env_var: str | None,
    key: str | None,
    default: str,
    *,
    allowed: tuple[str, ...] | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """One setting: the flag when given, else `env_var` when set, else `key` in config.yaml, else
    the default. A value outside `allowed` from the environment or the file is passed over (the
    next source decides); the file is read only when neither flag nor environment decides."""
    if flag is not None:
        return flag
    env = os.environ if env is None else env
    value = env.get(env_var) if env_var else None
    if value and (allowed is None or value in allowed):
        return value
    if key is not None:
        value = read_config().get(key)
        if isinstance(value, str) and (allowed is None or value in allowed):
            return value
    return default


def resolve_mode(write_flag: bool = False, env: Mapping[str, str] | None = None) -> str:
    """--write, then KUBECHAT_MODE, then `mode:` in config.yaml; read-only by default."""
    return pick("write" if write_flag else None, "KUBECHAT_MODE", "mode", "read-only", allowed=MODES, env=env)


def preview_style() -> str:
    """`preview: full|compact` in config.yaml: compact shows an allowed read as one line."""
    return pick(None, None, "preview", "compact", allowed=PREVIEW_STYLES)
