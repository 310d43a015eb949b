"""Resumable HTTP download: a partial file is continued with a Range request, not restarted."""

from __future__ import annotations

from pathlib import Path

from ..errors import ModelError
from .progress import Progress

CHUNK = 1 << 20


def fetch(url: str, part: Path, progress: Progress, expected_size: int | None = None) -> Path:
    """Download `url` into `part`, continuing from its current length when the server allows it."""
    import requests

    done = part.stat().st_size if part.exists() else 0
    if expected_size is not None and done > expected_size:
        part.unlink()  # longer than the model can be: not a prefix of it
        done = 0
    if expected_size is not None and done == expected_size:
        return part
    headers = {"Range": f"bytes={done}-"} if done else {}
    try:
        with requests.get(url, headers=headers, stream=True, timeout=(15, 60)) as resp:
            if resp.status_code == 416:  # nothing left to send: the part is already whole
                return part
            if resp.status_code == 200 and done:
                done = 0  # the server ignored Range; start over rather than append a second copy
            elif resp.status_code not in (200, 206):
                raise ModelError(f"download failed: {url} answered HTTP {resp.status_code}")
            length = resp.headers.get("Content-Length")
            total = done + int(length) if length and length.isdigit() else expected_size
            progress.begin(f"download {part.name.removesuffix('.part')}", total, done)
            with part.open("ab" if done else "wb") as out:
                for block in resp.iter_content(CHUNK):
                    out.write(block)
                    progress.advance(len(block))
    except requests.RequestException as exc:
        raise ModelError(
            f"download interrupted: {exc}",
            hint="run the same `kubectl chat model install` again to resume where it stopped",
        ) from None
    finally:
        progress.end()
    return part
