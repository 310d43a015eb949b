"""Sandbox failures are clear messages that name the fix."""

import pytest

from kubechat.errors import MissingBinaryError, SandboxError
from kubechat.sandbox import cluster, processes


def test_missing_binaries_name_the_build_command(tmp_path):
    with pytest.raises(MissingBinaryError) as err:
        cluster.find_binaries(tmp_path)
    assert "kube-apiserver" in err.value.message
    assert "make testbin" in err.value.hint


def test_corrupt_state_file_is_a_clear_error(tmp_path):
    (tmp_path / "state.json").write_text("{not json")
    with pytest.raises(SandboxError) as err:
        cluster.load_state(tmp_path)
    assert "sandbox down" in err.value.hint


def test_dead_component_reports_its_log(tmp_path):
    log = tmp_path / "etcd.log"
    log.write_text("line1\nfatal: address already in use\n")
    comp = processes.Component(name="etcd", pid=2**22 + 7, binary="/bin/false", log=str(log))
    with pytest.raises(SandboxError) as err:
        processes.ensure_running(comp)
    assert "address already in use" in err.value.message and str(log) in err.value.message


def test_status_without_state_is_empty(tmp_path):
    assert cluster.status(tmp_path) == (None, [])
    assert cluster.down(tmp_path) == []
