"""Byte progress reporting. The library reports through this small interface; the CLI passes a
rich progress bar, tests and --quiet pass the silent one."""

from __future__ import annotations

import sys
from typing import Protocol


class Progress(Protocol):
    def begin(self, label: str, total: int | None, done: int = 0) -> None: ...

    def advance(self, nbytes: int) -> None: ...

    def end(self) -> None: ...


class Silent:
    def begin(self, label: str, total: int | None, done: int = 0) -> None:
        pass

    def advance(self, nbytes: int) -> None:
        pass

    def end(self) -> None:
        pass


class Bar:
    """A rich progress bar on stderr (bytes, speed, time left); one task at a time."""

    def __init__(self) -> None:
        self._progress = None
        self._task = None

    def begin(self, label: str, total: int | None, done: int = 0) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self.end()
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(label, total=total, completed=done)

    def advance(self, nbytes: int) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, nbytes)

    def end(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
