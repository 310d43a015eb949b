"""Imports that would otherwise cost every `kubectl chat` run a few hundred milliseconds, and the
check that an optional part's dependencies are installed.

- opa-python-client's package __init__ also imports its asyncio client, which pulls in aiohttp
  (~350 ms); we only use the synchronous client, so load `opa_client.opa` on its own.
- sqlite-utils probes for numpy at import (~100 ms when installed, as llama-cpp-python does);
  our tables hold no numpy values, so that probe is skipped.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

# Top-level modules of the `collector` extra (pyproject.toml): the collector server and the PDF
# report with its charts. The plugin never imports them, and the krew archive leaves them out.
# jinja2 (the dashboard's templates) is not among them: llama-cpp-python needs it for chat
# templates, so every install has it and the krew archive must keep it.
COLLECTOR_EXTRA_MODULES = ("fastapi", "uvicorn", "psycopg", "prometheus_client", "reportlab", "matplotlib")


def require_collector_extra(*modules: str) -> None:
    """One clear error, instead of an ImportError traceback, when the extra is not installed."""
    missing = [m for m in modules or COLLECTOR_EXTRA_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        from .errors import UsageError

        raise UsageError(
            f"this needs {', '.join(missing)}, which the plugin does not ship: "
            "install kubectl-chat[collector] (pip install 'kubectl-chat[collector]')"
        )


def opa_client_class():
    """`opa_client.OpaClient` (the synchronous client) without importing the asyncio one."""
    pkg = sys.modules.get("opa_client")
    if pkg is None:
        spec = importlib.util.find_spec("opa_client")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("opa-python-client is not installed")
        # A bare package object: submodules import normally, the package __init__ does not run.
        pkg = types.ModuleType("opa_client")
        pkg.__path__ = list(spec.submodule_search_locations)
        pkg.__spec__ = spec
        pkg.__package__ = "opa_client"
        sys.modules["opa_client"] = pkg
    return importlib.import_module("opa_client.opa").OpaClient


def opa_client_errors():
    opa_client_class()
    return importlib.import_module("opa_client.errors")


def sqlite_utils():
    """The sqlite_utils module, imported without its numpy probe unless numpy is already loaded."""
    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    blocked = "numpy" not in sys.modules
    if blocked:
        sys.modules["numpy"] = None  # makes `import numpy` raise ImportError inside the probe
    try:
        return importlib.import_module("sqlite_utils")
    finally:
        if blocked and sys.modules.get("numpy") is None:
            del sys.modules["numpy"]
