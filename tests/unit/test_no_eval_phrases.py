"""The parser and its tests must not carry the evaluation sets' wording.

Every rule has to be general: no run of five words from any evaluation request (lower-cased,
punctuation stripped) may appear in the package or in the translation tests. Skipped where the
evaluation sets are not on this machine.
"""

from __future__ import annotations

import glob
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The public sets and the request sets kept in the repository (written without sight of the code).
EVAL_GLOBS = ("/work/shared/eval/*.jsonl", str(ROOT / "tests" / "data" / "regression" / "*.jsonl"))
N = 5
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    # punctuation separates words: "orders-api" and "orders api" are the same phrase here
    return _WORD.findall(text.lower())


def _ngrams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + N]) for i in range(len(words) - N + 1)}


def _eval_ngrams() -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for pattern in EVAL_GLOBS:
        for path in glob.glob(pattern):
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        nl = json.loads(line).get("nl")
                    except (json.JSONDecodeError, AttributeError):
                        continue
                    if isinstance(nl, str):
                        grams |= _ngrams(_words(nl))
    return grams


def _checked_files() -> list[Path]:
    files = [p for p in (ROOT / "kubectl-chat" / "kubechat").rglob("*") if p.is_file()]
    unit = ROOT / "tests" / "unit"
    for pattern in ("test_translate*.py", "test_verbs*.py", "test_rules.py"):
        files += sorted(unit.glob(pattern))
    return [p for p in files if "__pycache__" not in p.parts]


def test_no_five_word_sequence_of_an_evaluation_request() -> None:
    grams = _eval_ngrams()
    if not grams:
        pytest.skip("no evaluation sets on this machine")
    found: list[str] = []
    for path in _checked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary data (model files) carries no phrases
        for gram in sorted(_ngrams(_words(text)) & grams):
            found.append(f"{path.relative_to(ROOT)}: {' '.join(gram)!r}")
    assert not found, "evaluation wording in code or tests:\n" + "\n".join(found)
