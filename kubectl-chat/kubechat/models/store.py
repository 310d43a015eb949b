"""Model files on disk: <cache>/models/<file> (per user), then read-only system directories.

A model is used only after its sha256 matched the registry. A full hash of a 250 MB file takes
about a second, so a verified file gets a small stamp (digest, size, mtime) next to it and is
re-hashed only when the file changes; `kubectl chat model verify` always hashes in full.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
from pathlib import Path

from .. import paths
from ..errors import ModelError, UsageError
from .progress import Progress, Silent
from .registry import ModelEntry, Registry, load_registry

# Where a system-wide (air-gap bundle --system) install puts models; searched after the user's.
SYSTEM_MODEL_DIRS = (Path("/usr/local/share/kubectl-chat/models"), Path("/usr/share/kubectl-chat/models"))
CHUNK = 1 << 20
INSTALL_HINT = "kubectl chat model install   (offline: kubectl chat model install --from PATH)"


def models_dir() -> Path:
    return paths.cache_dir() / "models"


def model_path(entry: ModelEntry) -> Path:
    """Where `model install` puts this model for the current user."""
    return models_dir() / entry.file


def search_dirs() -> list[Path]:
    return [models_dir(), *SYSTEM_MODEL_DIRS]


def find(entry: ModelEntry) -> Path | None:
    """The first installed copy of this model, verified or not."""
    for directory in search_dirs():
        candidate = directory / entry.file
        if candidate.is_file():
            return candidate
    return None


def sha256_file(path: Path, progress: Progress | None = None, label: str | None = None) -> str:
    progress = progress or Silent()
    digest = hashlib.sha256()
    progress.begin(f"verify {label or path.name}", path.stat().st_size)
    try:
        with path.open("rb") as fh:
            while block := fh.read(CHUNK):
                digest.update(block)
                progress.advance(len(block))
    finally:
        progress.end()
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamp(path: Path, sha: str) -> dict:
    st = path.stat()
    return {"sha256": sha, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _write_stamp(path: Path, sha: str) -> None:
    try:
        _stamp_path(path).write_text(json.dumps(_stamp(path, sha)))
    except OSError:
        pass  # a read-only system directory: we simply hash again next time


def _stamp_valid(path: Path, sha: str) -> bool:
    try:
        return json.loads(_stamp_path(path).read_text()) == _stamp(path, sha)
    except (OSError, ValueError):
        return False


def verify(entry: ModelEntry, path: Path | None = None, progress: Progress | None = None) -> Path:
    """Hash the file in full; raise ModelError unless it matches the registry."""
    path = path or find(entry)
    if path is None:
        raise ModelError(f"model {entry.name} is not installed", hint=INSTALL_HINT)
    actual = sha256_file(path, progress)
    if actual != entry.sha256:
        _stamp_path(path).unlink(missing_ok=True)
        raise ModelError(
            f"model file {path} is corrupt or not {entry.name}: sha256 {actual}, expected {entry.sha256}",
            hint=f"kubectl chat model remove {entry.name} && kubectl chat model install {entry.name}",
        )
    _write_stamp(path, actual)
    return path


def require_model(
    name: str | None = None, progress: Progress | None = None, registry: Registry | None = None
) -> Path:
    """The verified path of the named (or default) model, for loading. Never downloads.

    Raises ModelError with an install hint when it is missing, and when its digest is wrong.
    """
    entry = (registry or load_registry()).get(name)
    path = find(entry)
    if path is None:
        raise ModelError(
            f"model {entry.name} is not installed (rule-based translation still works)", hint=INSTALL_HINT
        )
    if _stamp_valid(path, entry.sha256):
        return path
    return verify(entry, path, progress)


def _copy(src: Path, part: Path, progress: Progress) -> None:
    progress.begin(f"copy {src.name}", src.stat().st_size)
    try:
        with src.open("rb") as fin, part.open("wb") as fout:
            while block := fin.read(CHUNK):
                fout.write(block)
                progress.advance(len(block))
    finally:
        progress.end()


def _from_package(entry: ModelEntry, part: Path) -> None:
    try:
        module = importlib.import_module(entry.source.module or "")
    except ImportError:
        raise ModelError(f"the Python package {entry.source.pypi} is not installed") from None
    try:
        module.assemble(output_path=part, overwrite=True)
    except (OSError, ValueError) as exc:
        raise ModelError(f"could not assemble {entry.file} from {entry.source.pypi}: {exc}") from None


def has_package(entry: ModelEntry) -> bool:
    """Whether the PyPI chunk package for this model is installed (a local, offline source)."""
    if not entry.source.module:
        return False
    return importlib.util.find_spec(entry.source.module) is not None


_has_package = has_package  # earlier name, still used by callers


def local_model(name: str | None = None, registry: Registry | None = None) -> Path:
    """What translation loads: the verified model, assembled from the locally installed PyPI
    chunk package the first time when there is one. Never touches the network."""
    reg = registry or load_registry()
    try:
        return require_model(name, registry=reg)
    except ModelError:
        entry = reg.get(name)
        if not has_package(entry):
            raise
        return install(entry)


def check_file(path: Path, registry: Registry | None = None) -> Path:
    """A model file given by path (--model): when its name is a registry model's file, its
    sha256 must match that entry; other files are the user's own models and pass unchanged."""
    for entry in (registry or load_registry()).models:
        if entry.file == path.name:
            if _stamp_valid(path, entry.sha256):
                return path
            return verify(entry, path)
    return path


def install(
    entry: ModelEntry,
    source: str | None = None,
    progress: Progress | None = None,
    announce=lambda message: None,
) -> Path:
    """Put a verified copy of the model at model_path(entry) and return it.

    source: None (the PyPI chunk package when installed, else the registry URL), a local file
    path, or an http(s) URL. Already installed and valid: nothing is copied again.
    """
    progress = progress or Silent()
    target = model_path(entry)
    if target.is_file():
        try:
            verify(entry, target)
            announce(f"model {entry.name} already installed at {target}")
            return target
        except ModelError:
            announce(f"replacing the corrupt copy at {target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    if source is None:
        if has_package(entry):
            announce(f"assembling {entry.file} from the {entry.source.pypi} package")
            _from_package(entry, part)
        elif entry.source.url:
            source = entry.source.url
        else:
            raise UsageError(f"no local source for {entry.name}", hint="pass --from PATH or --from URL")
    if source is not None:
        if source.startswith(("http://", "https://")):
            from .download import fetch

            announce(f"downloading {entry.file} from {source}")
            fetch(source, part, progress, expected_size=entry.size)
        else:
            src = Path(source.removeprefix("file://")).expanduser()
            if not src.is_file():
                raise UsageError(f"--from {source}: no such file")
            announce(f"copying {src}")
            _copy(src, part, progress)
    actual = sha256_file(part, progress, label=entry.file)
    if actual != entry.sha256:
        part.unlink(missing_ok=True)
        raise ModelError(
            f"refusing {entry.file}: sha256 {actual} does not match the registry ({entry.sha256})",
            hint="the source is corrupt or a different file; nothing was installed",
        )
    os.replace(part, target)
    _write_stamp(target, actual)
    return target


def remove(entry: ModelEntry) -> Path | None:
    """Delete the user's copy (and any partial download); returns what was removed."""
    target = model_path(entry)
    existed = target.is_file()
    for p in (target, _stamp_path(target), target.with_name(target.name + ".part")):
        p.unlink(missing_ok=True)
    return target if existed else None
