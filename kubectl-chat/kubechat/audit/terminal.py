"""Text from elsewhere (a collector's error detail) made safe to print on a terminal: control
characters, escape sequences and invisible formatting characters removed, and the length bounded,
so a collector cannot move the cursor, rewrite earlier lines, set the window title or flood the
screen of whoever runs kubectl chat."""

from __future__ import annotations

import re
import unicodedata

DETAIL_LIMIT = 200
# ESC-introduced sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`, two-character escapes) and
# the 8-bit CSI/OSC forms: removed whole, so no parameter bytes are left behind as text.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07]*\x07?"
)


def printable(text: object, limit: int = DETAIL_LIMIT) -> str:
    """`text` on one line with nothing a terminal would act on, at most `limit` characters."""
    cleaned = _ESCAPES.sub("", str(text)[: limit * 8])  # a bounded amount of work, however long
    # Cc: control characters (newlines become spaces); Cf: bidi overrides, zero-width characters;
    # Zl/Zp: line and paragraph separators.
    out = "".join(
        " " if ch in "\t\n\r" or unicodedata.category(ch) in ("Zl", "Zp") else ch
        for ch in cleaned
        if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")
    )
    out = " ".join(out.split())
    return out if len(out) <= limit else out[: limit - 1] + "…"
