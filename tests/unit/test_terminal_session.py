"""The default session is this terminal's: named by the controlling terminal (or, without one,
the parent process and its start time); `ran()` lists the commands it ran, across reopenings."""

import os
import subprocess
import sys

import pytest

from kubechat.translate import Translation
from kubechat.translate.context import Session, terminal_session_name

NAME = "from kubechat.translate.context import terminal_session_name; print(terminal_session_name())"


@pytest.fixture(autouse=True)
def home(monkeypatch, tmp_path):
    monkeypatch.setenv("KUBECHAT_HOME", str(tmp_path))


def _name_in(cmd: list[str], **kw) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True, **kw).stdout.strip()


def test_without_a_terminal_the_parent_process_names_it():
    here = [sys.executable, "-c", NAME]
    # Two runs from the same parent share; a run from another parent (a shell) does not.
    a = _name_in(here, stdin=subprocess.DEVNULL)
    b = _name_in(here, stdin=subprocess.DEVNULL)
    other = _name_in(["sh", "-c", f'"{sys.executable}" -c "{NAME}"'], stdin=subprocess.DEVNULL)
    assert a == b == f"ppid-{os.getpid()}-" + a.rsplit("-", 1)[1]
    assert other != a and other.startswith("ppid-")


def test_terminals_have_their_own_names():
    names = []
    for _ in range(2):  # two terminals, each with its own login session
        primary, secondary = os.openpty()
        out = subprocess.run(
            [sys.executable, "-c", NAME],
            stdin=secondary,
            stdout=subprocess.PIPE,
            stderr=secondary,
            start_new_session=True,
            check=True,
            text=True,
        ).stdout.strip()
        os.close(primary)
        os.close(secondary)
        names.append(out)
    assert all(n.startswith("tty-pts-") for n in names)
    assert names[0] != names[1]


def test_ran_lists_commands_that_ran_across_reopenings():
    s = Session.open(terminal_session_name())
    s.record(Translation(request="list pods in prod", argv=["get", "pods", "-n", "prod"]))
    s.attach_output("NAME READY\nweb-1 1/1\n")
    s.record(Translation(request="delete pod web-1", argv=["delete", "pod", "web-1"]))  # not run
    again = Session.open(terminal_session_name())
    assert [t.argv for t in again.ran()] == [["get", "pods", "-n", "prod"]]
