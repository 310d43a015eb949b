"""`kubectl chat model …` through the real CLI entry point (no model weights needed)."""

import dataclasses
import hashlib

import pytest

from kubechat.cli import main
from kubechat.models.registry import load_registry


@pytest.fixture
def empty_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("KUBECHAT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr("kubechat.models.store.SYSTEM_MODEL_DIRS", ())
    monkeypatch.setattr("kubechat.models.store.has_package", lambda entry: False)  # no embedded copy
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
    assert "embedded" not in out


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


def _fake_registry_model(monkeypatch, tmp_path):
    """A registry entry whose sha256 is a small local file's, so install runs for real."""
    fake = tmp_path / "small.gguf"
    fake.write_bytes(b"GGUF small but verified")
    entry = load_registry().get()
    entry = dataclasses.replace(entry, sha256=hashlib.sha256(fake.read_bytes()).hexdigest())
    monkeypatch.setattr("kubechat.commands.model_cmd._entry", lambda name: entry)
    return entry, fake


def test_install_from_says_one_true_line(empty_cache, monkeypatch, tmp_path, capsys):
    entry, fake = _fake_registry_model(monkeypatch, tmp_path)
    main(["model", "install", "--from", str(fake)])
    out = capsys.readouterr()
    lines = [ln for ln in out.err.splitlines() if ln.strip() and "━" not in ln]
    assert lines == [
        f"installed {entry.name} from {fake}, sha256 verified ({entry.licence}; {entry.licence_url})"
    ]
    assert out.out.strip() == str(empty_cache / "models" / entry.file)
    # Again: nothing is copied, and it says so instead of claiming an install.
    main(["model", "install", "--from", str(fake)])
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip() and "━" not in ln]
    assert len(lines) == 1 and "already installed" in lines[0] and "--from was not read" in lines[0]


def test_list_says_the_embedded_model_is_available(empty_cache, monkeypatch, capsys):
    monkeypatch.setattr("kubechat.models.store.has_package", lambda entry: True)
    main(["model", "list"])
    out = capsys.readouterr().out
    assert "embedded" in out and "unpacked on first use" in out
