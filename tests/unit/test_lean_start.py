"""What a plain `kubectl chat` run loads: neither the collector's server side (the `collector`
extra) nor the Python Kubernetes client, whose import alone would cost a read a quarter second.
Speed itself is measured by bench/cli_overhead.py, not here."""

import json
import os
import runpy
import subprocess
import sys
import tomllib
from pathlib import Path

from kubechat import __version__
from kubechat.lean_imports import COLLECTOR_EXTRA_MODULES

ROOT = Path(__file__).resolve().parents[2]
# The server side; the Kubernetes client; rich and pygments (colour output only: this read is
# plain); the HTTP stack under opa-python-client (the local sidecar is asked over http.client);
# sqlite-utils (sessions use sqlite3); llama.cpp (the model, not the rules).
NOT_ON_THE_READ_PATH = (
    *COLLECTOR_EXTRA_MODULES,
    "starlette",
    "kubernetes",
    "rich",
    "pygments",
    "requests",
    "urllib3",
    "opa_client",
    "sqlite_utils",
    "llama_cpp",
)

# Imports every module a read goes through, translates in a kept session, asks the local OPA
# sidecar for the decision, renders a plain preview and runs the RBAC pre-check, identity review
# and replica read against a server that is not there (the calls fail, as they should; what
# matters is what they loaded), then lists what is loaded.
READ_PATH = """
import importlib, io, json, sys
for m in ("kubechat.cli", "kubechat.commands.ask_cmd", "kubechat.conversation", "kubechat.ui",
          "kubechat.render", "kubechat.translate", "kubechat.translate.context",
          "kubechat.safety.policy", "kubechat.safety.rbac", "kubechat.safety.replicas",
          "kubechat.execute", "kubechat.kubeconfig_info", "kubechat.audit.trail", "kubechat.repl"):
    importlib.import_module(m)
from kubechat.errors import KubechatError
from kubechat.kubectl_options import KubectlOptions
from kubechat.safety import rbac, replicas
from kubechat.translate import translate
from kubechat.ui import TerminalUI

from kubechat.safety import policy
from kubechat.translate.context import Session
session = Session.open("lean")
read = translate("list pods in prod", session=session, offline=True, use_model=False)
assert read.argv[:2] == ["get", "pods"]
session.attach_output("No resources found in prod namespace.")
decision = policy.decide(policy.build_input(read.argv, user="alice"))
assert decision.available and decision.allow, decision
opts = KubectlOptions(kubeconfig=sys.argv[1])
for call in (lambda: rbac.whoami(opts), lambda: rbac.check(["get", "pods"], opts)):
    try:
        call()
    except KubechatError:
        pass
assert replicas.current_replicas(["scale", "deploy/web", "--replicas=1"], opts) is None
ui = TerminalUI(plain=True)
ui.err.file = io.StringIO()
from kubechat.conversation import Preview
ui.preview(Preview(request="r", argv=["get", "pods"], command="kubectl get pods", risk="read",
                   source="rules", policy_allow=True, confirm="none", reasons=["read"]))
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


# A kubeconfig (JSON is YAML) whose API server refuses connections.
UNREACHABLE_KUBECONFIG = (
    '{"apiVersion": "v1", "kind": "Config", "current-context": "x",'
    ' "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:1"}}],'
    ' "users": [{"name": "u", "user": {"token": "t"}}],'
    ' "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}]}'
)


def test_a_read_loads_neither_the_server_side_nor_the_kubernetes_client(tmp_path):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(UNREACHABLE_KUBECONFIG)
    out = subprocess.run(
        [sys.executable, "-c", READ_PATH, str(kubeconfig)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "kubechat" in loaded
    assert loaded.isdisjoint(NOT_ON_THE_READ_PATH), sorted(loaded & set(NOT_ON_THE_READ_PATH))


def test_collector_serve_without_the_extra_says_what_to_install(tmp_path):
    # fastapi made unimportable, as in a plugin-only install.
    code = (
        "import sys; sys.modules['fastapi'] = None\n"
        "from kubechat.cli import main\n"
        f"main(['collector', 'serve', '--store', 'sqlite:///{tmp_path}/a.db', '--insecure-http',"
        " '--api-server', 'https://127.0.0.1:1'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 2
    assert "install kubectl-chat[collector]" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_the_collector_extra_is_not_a_plugin_dependency_nor_in_the_krew_archive():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def module(requirement: str) -> str:
        name = requirement.split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip()
        return name.lower().replace("-", "_")

    assert {module(r) for r in project["optional-dependencies"]["collector"]} == set(COLLECTOR_EXTRA_MODULES)
    assert not {module(r) for r in project["dependencies"]} & set(COLLECTOR_EXTRA_MODULES)
    frozen = runpy.run_path(str(ROOT / "packaging" / "imports.py"))["imported_modules"]()
    assert not {m.split(".")[0] for m in frozen} & set(COLLECTOR_EXTRA_MODULES)


def test_the_executable_skips_teardown_but_not_exit_handlers_output_or_exit_codes():
    code = (
        "import atexit, sys\n"
        "from kubechat import cli\n"
        "atexit.register(lambda: print('exit handler ran'))\n"
        "sys.argv = ['kubectl-chat', *sys.argv[1:]]\n"
        "cli.console()\n"
    )
    ok = subprocess.run([sys.executable, "-c", code, "--version"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0
    assert ok.stdout.splitlines() == [f"kubectl chat {__version__}", "exit handler ran"]
    bad = subprocess.run(
        [sys.executable, "-c", code, "--no-such-flag"], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and "No such option" in bad.stderr and "exit handler ran" in bad.stdout


def test_the_interactive_prompt_does_not_wait_for_the_translator():
    # The session, the translator and the verb registry load behind the first prompt.
    code = (
        "import json, sys, kubechat.repl, kubechat.commands.ask_cmd; print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    loaded = json.loads(out.stdout)
    assert "prompt_toolkit" in loaded
    assert not [
        m for m in loaded if m == "pydantic" or m.startswith(("kubechat.translate", "kubechat.verbs"))
    ]


# Records an audit entry of a read, as every run does, and lists what is loaded.
RECORD_A_READ = """
import json, sys
from kubechat.audit import AuditTrail, RecordInput, UserInfo
AuditTrail().record(RecordInput(user=UserInfo(username="alice"), request="list pods",
                                argv=["kubectl", "get", "pods"], verb="get", risk="read", exit_code=0))
print(json.dumps(sorted(sys.modules)))
"""


def test_signing_a_record_does_not_load_the_key_file_formats(tmp_path):
    # The first run makes the key (that needs the PEM writer); every later run only signs.
    env = {**os.environ, "KUBECHAT_HOME": str(tmp_path)}
    run = [sys.executable, "-c", RECORD_A_READ]
    subprocess.run(run, env=env, capture_output=True, text=True, timeout=60, check=True)
    out = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60, check=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "kubechat.ledger.sign" in loaded
    assert "cryptography.hazmat.primitives.serialization" not in loaded
