"""The user's config file, ~/.config/kubectl-chat/config.yaml (or $KUBECHAT_HOME/config/...).
Read with plain YAML so start-up stays light; each part validates its own section."""

from __future__ import annotations

import yaml

from . import paths
from .errors import UsageError


def read_config() -> dict:
    """The whole config file as a dict; {} when there is none. A broken file is a clear error."""
    cfg = paths.config_dir() / "config.yaml"
    if not cfg.is_file():
        return {}
    try:
        doc = yaml.safe_load(cfg.read_text()) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{cfg} is not valid YAML: {exc}", hint="fix or remove the file") from exc
    if not isinstance(doc, dict):
        raise UsageError(f"{cfg} must be a mapping of settings", hint="see README: write mode, policy")
    return doc
