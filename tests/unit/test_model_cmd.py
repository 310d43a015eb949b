"""`kubectl chat model …` through the real CLI entry point (no model weights needed)."""

import hashlib

import pytest

from kubechat.cli import main
from kubechat.models.registry import load_registry


@pytest.fixture
def empty_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("KUBECHAT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr("kubechat.models.store.SYSTEM_MODEL_DIRS", ())
    return tmp_path / "cache"


def _run(capsys, *args):
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def test_path_of_a_missing_model_is_a_clear_error_not_a_traceback(empty_cache, capsys):
    code, out, err = _run(capsys, "model", "path")
    assert code == 1 and out == ""
    assert "not installed" in err and "model install" in err and "Traceback" not in err


def test_list_marks_the_default_and_says_not_installed(empty_cache, capsys):
    main(["model", "list"])
    out = capsys.readouterr().out
    assert "* " in out and load_registry().default in out and "no" in out


def test_install_from_a_wrong_file_refuses_with_the_digest(empty_cache, tmp_path, capsys):
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"GGUF not really")
    code, _, err = _run(capsys, "model", "install", "--quiet", "--from", str(fake))
    assert code == 1
    assert hashlib.sha256(fake.read_bytes()).hexdigest() in err.replace("\n", "").replace(" ", "")
    assert not (empty_cache / "models" / load_registry().get().file).exists()


def test_unknown_model_name_is_a_usage_error(empty_cache, capsys):
    code, _, err = _run(capsys, "model", "verify", "nope")
    assert code == 2 and "unknown model" in err
