"""The model registry: which models exist, their file names, sizes, licences and sha256 digests.

The registry ships as package data (kubechat/data/model-registry.yaml, the same file as
models/registry.yaml in the source tree), so a frozen build knows its models without the repo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import ModelError, UsageError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class ModelSource:
    pypi: str | None = None  # a distribution carrying the file in chunks, e.g. "pkg==1.0.0"
    module: str | None = None  # its import name, with an assemble(output_path=...) function
    homepage: str | None = None
    url: str | None = None  # direct download, used only when a user runs `model install`


@dataclass(frozen=True)
class ModelEntry:
    name: str
    file: str
    sha256: str
    size: int
    context_length: int
    licence: str
    licence_url: str | None = None
    description: str = ""
    source: ModelSource = ModelSource()


@dataclass(frozen=True)
class Registry:
    default: str
    models: tuple[ModelEntry, ...]

    def get(self, name: str | None = None) -> ModelEntry:
        """The named model, or the default one."""
        wanted = name or self.default
        for entry in self.models:
            if entry.name == wanted:
                return entry
        known = ", ".join(m.name for m in self.models)
        raise UsageError(f"unknown model {wanted!r}", hint=f"known models: {known}")


def default_registry_path() -> Path:
    return Path(str(resources.files("kubechat") / "data" / "model-registry.yaml"))


def _entry(raw: dict, where: str) -> ModelEntry:
    try:
        name, file, sha = str(raw["name"]), str(raw["file"]), str(raw["sha256"])
        size, ctx, licence = int(raw["size"]), int(raw["context_length"]), str(raw["licence"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"model registry {where}: entry {raw!r} is incomplete ({exc})") from None
    # A file name must stay inside the models directory; a digest must be comparable as text.
    if Path(file).name != file or file in ("", ".", ".."):
        raise ModelError(f"model registry {where}: {name}: file must be a plain file name, got {file!r}")
    if not _SHA256.match(sha):
        raise ModelError(f"model registry {where}: {name}: sha256 must be 64 lowercase hex digits")
    src = raw.get("source") or {}
    return ModelEntry(
        name=name,
        file=file,
        sha256=sha,
        size=size,
        context_length=ctx,
        licence=licence,
        licence_url=raw.get("licence_url"),
        description=str(raw.get("description", "")),
        source=ModelSource(
            pypi=src.get("pypi"), module=src.get("module"), homepage=src.get("homepage"), url=src.get("url")
        ),
    )


def load_registry(path: Path | None = None) -> Registry:
    import yaml

    path = path or default_registry_path()
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ModelError(f"cannot read the model registry {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("models"), list) or not data["models"]:
        raise ModelError(f"model registry {path}: expected a 'models' list")
    models = tuple(_entry(m if isinstance(m, dict) else {}, str(path)) for m in data["models"])
    names = [m.name for m in models]
    if len(set(names)) != len(names):
        raise ModelError(f"model registry {path}: duplicate model names")
    default = str(data.get("default") or models[0].name)
    if default not in names:
        raise ModelError(f"model registry {path}: default {default!r} is not listed")
    return Registry(default=default, models=models)
