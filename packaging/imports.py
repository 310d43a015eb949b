"""Every module the kubechat package imports by absolute name (stdlib and third party), one per
line, sorted. The frozen runtime is built from this list rather than from the package itself,
so editing kubechat re-packs the archive in seconds; only a new import rebuilds the runtime.
Modules of the `collector` extra are left out: the plugin does not ship the server side."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kubectl-chat" / "kubechat"
# The collector server and PDF report (the `collector` extra) are not part of the plugin.
sys.path.insert(0, str(PACKAGE.parent))
from kubechat.lean_imports import COLLECTOR_EXTRA_MODULES  # noqa: E402


def imported_modules(package: Path = PACKAGE) -> list[str]:
    names: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                # `from pkg import sub` may name a submodule that nothing else imports.
                names.update(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")
    # importlib.import_module("...") with a literal: commands and optional parts load this way.
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and not node.args[0].value.startswith(".")
            ):
                names.add(node.args[0].value)
    ours = [n for n in names if n != "kubechat" and not n.startswith("kubechat.")]
    return sorted(n for n in ours if n.split(".")[0] not in COLLECTOR_EXTRA_MODULES and _is_module(n))


def _is_module(name: str) -> bool:
    """A module we can find here (drops `pkg.function` names and absent optional modules)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError, AttributeError):
        return False


if __name__ == "__main__":
    sys.stdout.write("".join(f"{name}\n" for name in imported_modules()))
