"""Settings come from one place each: a flag, then the environment, then config.yaml, then the
default, resolved once at the CLI edge; config.yaml is read by kubechat.config only and the
kubeconfig files by kubechat.kubeconfig_info only."""

import ast
from pathlib import Path

import pytest
import yaml

from kubechat import config, paths
from kubechat.commands.ask_cmd import settings_from

PACKAGE = Path(__file__).parents[2] / "kubectl-chat" / "kubechat"


def write_config(text: str) -> None:
    d = paths.config_dir()
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.yaml").write_text(text)


def flags(**kw) -> dict:
    base = dict(write=False, yes=False, dry_run=False, offline=False, model_path=None, no_model=False)
    return {**base, "kubectl_output": None, **kw}


@pytest.mark.parametrize(
    "flag, env, file, expected",
    [
        (False, {}, None, "read-only"),  # the default
        (False, {}, "mode: write\n", "write"),  # config.yaml over the default
        (False, {"KUBECHAT_MODE": "read-only"}, "mode: write\n", "read-only"),  # env over the file
        (True, {"KUBECHAT_MODE": "read-only"}, "mode: read-only\n", "write"),  # the flag over all
        (False, {"KUBECHAT_MODE": "yolo"}, "mode: write\n", "write"),  # a bad value is passed over
        (False, {}, "mode: yolo\n", "read-only"),
    ],
)
def test_mode_precedence(flag, env, file, expected):
    if file is not None:
        write_config(file)
    assert config.resolve_mode(flag, env) == expected
    assert settings_from(flags(write=flag), env).mode == expected


def test_every_setting_of_a_run_follows_the_same_order():
    write_config("mode: write\npreview: full\n")
    s = settings_from(flags(), {"KUBECHAT_RBAC_PRECHECK": "off"})
    assert (s.mode, s.preview, s.rbac_precheck) == ("write", "full", False)
    s = settings_from(flags(), {})
    assert s.rbac_precheck is True
    write_config("preview: sideways\n")
    assert settings_from(flags(), {}).preview == "compact"


def test_the_file_is_parsed_once_for_a_run(monkeypatch):
    from kubechat.safety.policy import load_settings

    write_config("mode: write\npolicy:\n  on_policy_unavailable: allow-reads\n")
    parsed = []
    real = yaml.safe_load
    monkeypatch.setattr(yaml, "safe_load", lambda text: parsed.append(1) or real(text))
    s = settings_from(flags(), {})
    assert load_settings().on_policy_unavailable == "allow-reads"
    assert s.mode == "write" and len(parsed) == 1
    write_config("mode: read-only\n# changed\n")  # a changed file is read again
    assert config.resolve_mode(False, {}) == "read-only" and len(parsed) == 2


def test_a_caller_cannot_change_what_the_next_one_reads():
    write_config("policy:\n  opa_url: https://opa.example\n")
    config.read_config()["policy"]["opa_url"] = "http://evil"
    assert config.read_config()["policy"]["opa_url"] == "https://opa.example"


def test_a_broken_file_is_a_policy_error_for_the_policy_settings():
    from kubechat.errors import PolicyError
    from kubechat.safety.policy import load_settings

    write_config("mode: [unclosed\n")
    with pytest.raises(PolicyError, match="config.yaml is not valid YAML"):
        load_settings()


# --- who reads what -------------------------------------------------------------------------------

# The only modules that may name these files or read them, and why.
READERS = {
    # the user's config.yaml, and the administrator's /etc/kubectl-chat/config.yaml
    "config.yaml": {"config.py", "system_config.py"},
    # which kubeconfig files are in effect ($KUBECONFIG, ~/.kube/config)
    "KUBECONFIG": {"kubectl_options.py"},
    ".kube": {"kubectl_options.py"},
    # the merged kubeconfig document; discovery only checks that a file exists and names its cache
    "kubeconfig_paths": {"kubeconfig_info.py", "kubectl_options.py", "translate/discovery.py"},
    # the Kubernetes client's own file reader
    "load_kube_config": set(),
}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _uses(source: str) -> set[str]:
    """Which READERS names the module's code uses (docstrings, comments and messages aside)."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            v = node.value
            if v == "config.yaml" or (v.endswith("/config.yaml") and " " not in v):
                found.add("config.yaml")
            if v in ("KUBECONFIG", ".kube"):
                found.add(v)
        name = (
            node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
        )
        if name in ("kubeconfig_paths", "load_kube_config"):
            found.add(name)
    return found


def _module_uses() -> dict[str, set[str]]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("sandbox/"):  # the sandbox writes and hands out kubeconfigs of its own
            continue
        out[rel] = _uses(path.read_text())
    return out


def test_only_the_readers_read_the_config_file_and_the_kubeconfig():
    uses = _module_uses()
    strays = {
        (module, what) for module, found in uses.items() for what in found if module not in READERS[what]
    }
    assert strays == set(), "read config.yaml through kubechat.config, the kubeconfig through kubeconfig_info"
    assert "config.yaml" in uses["config.py"] and "KUBECONFIG" in uses["kubectl_options.py"]


# Variables named in two modules on purpose, with why; any other variable has one reader.
SHARED_ENV = {
    # a click option shows it in --help; the library falls back to it when called without the option
    "KUBECHAT_COLLECTOR_KEY": {"audit/receipts.py", "commands/audit_cmd.py"},
    "KUBECHAT_COLLECTOR_KEY_FILE": {"collector/crypto.py", "commands/collector_cmd.py"},
    "KUBECHAT_COLLECTOR_SIGNING_KEY_FILE": {"collector/crypto.py", "commands/collector_cmd.py"},
    # tracebacks: the CLI's --debug, and the translator that turns a parser bug into a question
    "KUBECHAT_DEBUG": {"cli.py", "translate/__init__.py"},
}


def test_each_environment_variable_has_one_reader():
    named: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and id(node) not in docs and isinstance(node.value, str):
                if node.value.startswith("KUBECHAT_") and node.value.isupper():
                    named.setdefault(node.value, set()).add(path.relative_to(PACKAGE).as_posix())
    assert named["KUBECHAT_MODE"] == {"config.py"}
    shared = {var: modules for var, modules in named.items() if len(modules) > 1}
    assert shared == SHARED_ENV


def test_the_scan_sees_a_new_reader():
    assert _uses('import yaml\nyaml.safe_load(open(str(d / "config.yaml")))') == {"config.yaml"}
    assert _uses('p = os.environ.get("KUBECONFIG")') == {"KUBECONFIG"}
    assert _uses("config.load_kube_config(config_file=p)") == {"load_kube_config"}
    assert _uses('"""Reads config.yaml."""\nHINT = "set mode: write in config.yaml"') == set()


# --- the one kubeconfig reader ----------------------------------------------------------------------


def _kubeconfig(path: Path, name: str, user: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": name,
        "clusters": [
            {"name": name, "cluster": {"server": "https://127.0.0.1:1", "certificate-authority": "ca.crt"}}
        ],
        "users": [{"name": name, "user": user}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name, "namespace": "team"}}],
    }
    path.write_text(yaml.safe_dump(doc))
    return path


def test_relative_files_are_relative_to_the_kubeconfig_that_names_them(tmp_path):
    from kubechat.kubeconfig_info import document, resolve
    from kubechat.kubectl_options import KubectlOptions

    a = _kubeconfig(tmp_path / "a" / "config", "a", {"tokenFile": "token", "exec": {"command": "bin/auth"}})
    b = _kubeconfig(tmp_path / "b" / "config", "b", {"client-key": "/abs/key", "exec": {"command": "gcloud"}})
    options = KubectlOptions(kubeconfig=f"{a}:{b}")
    doc = document(options)
    users = {u["name"]: u["user"] for u in doc["users"]}
    assert users["a"]["tokenFile"] == str(tmp_path / "a" / "token")
    assert users["a"]["exec"]["command"] == str(tmp_path / "a" / "bin" / "auth")
    assert users["b"]["client-key"] == "/abs/key" and users["b"]["exec"]["command"] == "gcloud"  # on PATH
    clusters = {c["name"]: c["cluster"] for c in doc["clusters"]}
    assert clusters["b"]["certificate-authority"] == str(tmp_path / "b" / "ca.crt")
    assert (doc["current-context"], resolve(options).namespace) == ("a", "team")  # the first file wins


def test_the_bearer_token_comes_through_the_one_reader(tmp_path, monkeypatch):
    from kubechat.audit.kube import bearer_token

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "token").write_text("s3cret\n")
    a = _kubeconfig(tmp_path / "a" / "config", "a", {"tokenFile": "token"})
    b = _kubeconfig(tmp_path / "b" / "config", "b", {"token": "other"})
    for d in ("a", "b"):  # the client checks that the CA file it was named exists
        (tmp_path / d / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.chdir(tmp_path)  # the token file is found relative to its kubeconfig, not here
    assert bearer_token(f"{a}:{b}") == "s3cret"  # a path list, as $KUBECONFIG gives it
    assert bearer_token(f"{a}:{b}", context="b") == "other"
