"""A real terminal for end-to-end tests: tmux runs a shell, send-keys types, capture-pane reads."""

import re
import shlex
import shutil
import subprocess
import time
import uuid


class Terminal:
    def __init__(self, env: dict[str, str], width: int = 100, height: int = 50):
        if not shutil.which("tmux"):
            raise RuntimeError(
                "tmux is not installed (make test installs it: scripts/install-system-deps.sh)"
            )
        self.name = f"kc-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(width),
                "-y",
                str(height),
                f"env {exports} bash --norc --noprofile",
            ],
            check=True,
        )
        subprocess.run(["tmux", "set-option", "-t", self.name, "history-limit", "5000"], check=True)
        self.send("PS1='$ '; clear", enter=True)

    def send(self, text: str, enter: bool = True) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)
        if enter:
            subprocess.run(["tmux", "send-keys", "-t", self.name, "Enter"], check=True)

    def key(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-J", "-S", "-5000", "-t", self.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def clear(self) -> None:
        self.send("clear", enter=True)
        subprocess.run(["tmux", "clear-history", "-t", self.name], check=True)
        time.sleep(0.2)

    def wait_for(self, pattern: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern, re.M)
        while time.monotonic() < deadline:
            text = self.screen()
            if rx.search(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {pattern!r}; screen was:\n{self.screen()}")

    def run(self, command: str, timeout: float = 90.0) -> tuple[int, str]:
        """Type a shell command, wait for it to finish, return (exit code, screen)."""
        marker = uuid.uuid4().hex[:6]
        self.send(f"{command}; echo EXIT-{marker}=$?", enter=True)
        text = self.wait_for(rf"^EXIT-{marker}=(\d+)", timeout)
        code = int(re.search(rf"^EXIT-{marker}=(\d+)", text, re.M).group(1))
        return code, text

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)
