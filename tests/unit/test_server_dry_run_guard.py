"""The preview's server dry-run runs kubectl for real; it must only ever run when kubectl will honour
--dry-run=server. These argvs must never reach kubectl from the preview."""

import pytest

from kubechat import execute
from kubechat.conversation import Conversation, Settings
from kubechat.kubectl_options import KubectlOptions


class _UI:
    pass


@pytest.fixture
def ran(monkeypatch):
    calls: list[list[str]] = []

    def fake_run(argv, options, **kw):
        calls.append(argv)
        return execute.ExecResult(argv, 0, "ok (server dry run)", "", 1.0)

    monkeypatch.setattr(execute, "run", fake_run)
    return calls


@pytest.mark.parametrize(
    "argv",
    [
        ["delete", "--raw", "/api/v1/namespaces/dev/configmaps/victim"],
        ["create", "--raw", "/api/v1/namespaces/dev/configmaps", "-f", "cm.json"],
        ["replace", "--raw", "/api/v1/namespaces/dev/configmaps/victim", "-f", "cm.json"],
        ["delete", "configmap", "victim", "-n", "dev", "--dry_run=none"],
        ["delete", "configmap", "victim", "-n", "dev", "--dry-run=client"],
    ],
)
def test_no_server_dry_run_where_kubectl_would_not_honour_it(ran, argv):
    conv = Conversation(KubectlOptions(), _UI(), Settings(mode="write", use_model=False))
    assert conv._server_dry_run(argv) == (None, False)
    assert ran == []


def test_an_ordinary_write_is_previewed_with_the_flag_after_the_verb(ran):
    conv = Conversation(KubectlOptions(), _UI(), Settings(mode="write", use_model=False))
    assert conv._server_dry_run(["delete", "configmap", "victim", "-n", "dev"])[0]
    assert ran == [["delete", "--dry-run=server", "configmap", "victim", "-n", "dev"]]
