"""The audit client (kubechat.audit) and the collector (kubechat.collector) share the ledger core
(kubechat.ledger: record format, canonical bytes, Merkle tree, signed messages, filters,
redaction) and import nothing of each other."""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "kubectl-chat" / "kubechat"


def _is_module(name: str) -> bool:
    path = PKG.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported(path: Path) -> set[str]:
    """The kubechat modules a file imports (function-level imports included), as absolute names:
    `from X import y` is X.y when y is a module, else X."""
    package = list(path.relative_to(PKG.parent).with_suffix("").parts)[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            out |= {f"{module}.{a.name}" if _is_module(f"{module}.{a.name}") else module for a in node.names}
    return {m for m in out if m == "kubechat" or m.startswith("kubechat.")}


def _crossings(side: str, other: str) -> dict[str, set[str]]:
    found = {}
    for path in sorted((PKG / side).rglob("*.py")):
        names = {m for m in imported(path) if m == f"kubechat.{other}" or m.startswith(f"kubechat.{other}.")}
        if names:
            found[str(path.relative_to(PKG))] = names
    return found


def test_the_import_reader_resolves_relative_imports():
    assert imported(PKG / "collector" / "service.py") >= {"kubechat.ledger.merkle", "kubechat.ledger.record"}
    assert "kubechat.https" in imported(PKG / "collector" / "identity.py")


@pytest.mark.parametrize("side, other", [("audit", "collector"), ("collector", "audit")])
def test_audit_and_collector_do_not_import_each_other(side, other):
    assert _crossings(side, other) == {}, f"{side} imports {other}: move what both use into kubechat.ledger"


def test_the_ledger_imports_neither_side():
    for path in sorted((PKG / "ledger").rglob("*.py")):
        bad = {m for m in imported(path) if m.startswith(("kubechat.audit", "kubechat.collector"))}
        assert bad == set(), f"{path.name} imports {sorted(bad)}"
