"""Which texts share a run of five words with an evaluation request.

Five words, lower-cased, punctuation as a separator ("orders-api" and "orders api" are the same
phrase). The evaluation files are read mechanically, here only: nothing prints their text.
"""

from __future__ import annotations

import glob
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
N = 5
# The public sets and the request sets kept in the repository (written without sight of the code).
EVAL_GLOBS = ("/work/shared/eval/*.jsonl", str(ROOT / "tests" / "data" / "regression" / "*.jsonl"))
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def ngrams(text_words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(text_words[i : i + N]) for i in range(len(text_words) - N + 1)}


def eval_files(patterns: tuple[str, ...] = EVAL_GLOBS) -> list[str]:
    return sorted({p for pattern in patterns for p in glob.glob(pattern, recursive=True)})


def eval_ngrams(patterns: tuple[str, ...] = EVAL_GLOBS) -> set[tuple[str, ...]]:
    """Every five-word run of the requests (`nl`, or `request`) in the evaluation files."""
    grams: set[tuple[str, ...]] = set()
    for path in eval_files(patterns):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if not isinstance(row, dict):
                    continue
                for key in ("nl", "request"):
                    if isinstance(row.get(key), str):
                        grams |= ngrams(words(row[key]))
    return grams


def shares_ngram(text: str, grams: set[tuple[str, ...]]) -> bool:
    return not ngrams(words(text)).isdisjoint(grams)
