"""The parser and its tests must not carry the evaluation sets' wording.

Every rule has to be general: no run of five words from any evaluation request (lower-cased,
punctuation stripped) may appear in the package or in the translation tests. Skipped where the
evaluation sets are not on this machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from training.corpus.eval_overlap import eval_ngrams, ngrams, words  # noqa: E402


def _checked_files() -> list[Path]:
    files = [p for p in (ROOT / "kubectl-chat" / "kubechat").rglob("*") if p.is_file()]
    unit = ROOT / "tests" / "unit"
    for pattern in ("test_translate*.py", "test_verbs*.py", "test_rules.py"):
        files += sorted(unit.glob(pattern))
    return [p for p in files if "__pycache__" not in p.parts]


def test_no_five_word_sequence_of_an_evaluation_request() -> None:
    grams = eval_ngrams()
    if not grams:
        pytest.skip("no evaluation sets on this machine")
    found: list[str] = []
    for path in _checked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary data (model files) carries no phrases
        for gram in sorted(ngrams(words(text)) & grams):
            found.append(f"{path.relative_to(ROOT)}: {' '.join(gram)!r}")
    assert not found, "evaluation wording in code or tests:\n" + "\n".join(found)
