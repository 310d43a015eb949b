"""config.yaml: read when present, a clear error when broken, write mode taken from it."""

import pytest

from kubechat import paths
from kubechat.config import read_config, resolve_mode
from kubechat.errors import UsageError


def write(text):
    d = paths.config_dir()
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.yaml").write_text(text)


def test_no_file_means_defaults(monkeypatch):
    monkeypatch.delenv("KUBECHAT_MODE", raising=False)
    assert read_config() == {}
    assert resolve_mode(False) == "read-only"


def test_mode_from_file_flag_and_env(monkeypatch):
    monkeypatch.delenv("KUBECHAT_MODE", raising=False)
    write("mode: write\n")
    assert resolve_mode(False) == "write"
    monkeypatch.setenv("KUBECHAT_MODE", "read-only")
    assert resolve_mode(False) == "read-only"
    assert resolve_mode(True) == "write"


def test_unknown_mode_falls_back_to_read_only(monkeypatch):
    monkeypatch.delenv("KUBECHAT_MODE", raising=False)
    write("mode: yolo\n")
    assert resolve_mode(False) == "read-only"


@pytest.mark.parametrize("text", ["mode: [unclosed\n", "- just\n- a list\n"])
def test_broken_file_is_a_clear_error(text):
    write(text)
    with pytest.raises(UsageError) as err:
        read_config()
    assert "config.yaml" in err.value.message
