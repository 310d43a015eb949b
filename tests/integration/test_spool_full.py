"""No record, no command, on real filesystems: a spool on a small tmpfs that fills up or turns
read-only. A command's record is reserved (durably, with room for its outcome) before it runs; a
reservation that cannot be made stops the command, and one that was made is finished afterwards
even when the disk filled up meanwhile."""

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_conversation import ScriptedUI, api

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.errors import AuditError

pytestmark = pytest.mark.integration

USER = UserInfo(username="alice")


@pytest.fixture
def small_fs(tmp_path):
    """A 4 MiB tmpfs (no root reserve, unlike ext4), unmounted afterwards."""
    mnt = tmp_path / "fs"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mnt)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {done.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(directory: Path) -> Path:
    """Take every free byte of the filesystem holding `directory`."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for chunk in (1 << 16, 4096, 1):
            while True:
                try:
                    os.write(fd, b"\0" * chunk)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
                    break
    finally:
        os.close(fd)
    return filler


def remount(mnt: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(mnt)], check=True)


def command(request: str, **kw) -> RecordInput:
    return RecordInput(
        user=USER, request=request, argv=["scale", "deployment", "web", "--replicas=3"], risk="write", **kw
    )


def test_full_disk_refuses_the_reservation_so_nothing_runs(small_fs):
    trail = AuditTrail(spool_path=small_fs / "spool.db")
    trail.record(command("an earlier command", exit_code=0))
    fill(small_fs)
    with pytest.raises(AuditError) as exc:
        trail.reserve(command("scale web to 3"))
    assert "not run" in (exc.value.hint or "")
    assert trail.spool.reservations() == []


def test_reserved_record_is_finished_after_the_disk_filled_up(small_fs):
    trail = AuditTrail(spool_path=small_fs / "spool.db")
    first = trail.record(command("an earlier command", exit_code=0))
    with trail.reserve(command("scale web to 3")):
        fill(small_fs)  # the disk fills while kubectl runs
        with pytest.raises(OSError):
            (small_fs / "more").write_bytes(b"x" * 4096)
        done = trail.record(command("scale web to 3", exit_code=0, stage="ResponseComplete"))
    assert trail.spool.reservations() == []
    records = list(trail.spool.records())
    assert [r.auditID for r in records] == [first.auditID, done.auditID]
    assert records[-1].responseStatus.code == 0 and records[-1].stage == "ResponseComplete"
    assert trail.verify().ok


def test_kept_output_too_large_for_the_room_is_dropped_not_the_record(small_fs):
    trail = AuditTrail(spool_path=small_fs / "spool.db", keep_output=True)
    with trail.reserve(command("scale web to 3")):
        fill(small_fs)
        done = trail.record(command("scale web to 3", exit_code=0, output="x" * 500_000))
    assert done.output is None and done.outputDigest is not None
    assert done.annotations["kubechat.io/output"].startswith("not kept")
    assert trail.spool.reservations() == [] and trail.verify().ok


def test_read_only_spool_refuses_the_reservation(small_fs):
    spool = small_fs / "spool.db"
    trail = AuditTrail(spool_path=spool)
    trail.record(command("an earlier command", exit_code=0))
    trail.close()
    remount(small_fs, "ro")
    try:
        with pytest.raises(AuditError):
            AuditTrail(spool_path=spool).reserve(command("scale web to 3"))
    finally:
        remount(small_fs, "rw")


def test_immutable_spool_refuses_the_reservation(tmp_path):
    spool = tmp_path / "spool.db"
    trail = AuditTrail(spool_path=spool)
    trail.record(command("an earlier command", exit_code=0))
    trail.close()
    if subprocess.run(["chattr", "+i", str(spool)], capture_output=True).returncode != 0:
        pytest.skip("this filesystem has no immutable flag")
    try:
        with pytest.raises(AuditError):
            AuditTrail(spool_path=spool).reserve(command("scale web to 3"))
    finally:
        subprocess.run(["chattr", "-i", str(spool)], check=True)


def test_run_that_ends_without_its_record_is_recorded_as_unknown(small_fs):
    trail = AuditTrail(spool_path=small_fs / "spool.db")
    with pytest.raises(KeyboardInterrupt):
        with trail.reserve(command("scale web to 3")):
            raise KeyboardInterrupt  # kubectl ran, then the run was cut short
    (record,) = trail.spool.records()
    assert record.annotations["kubechat.io/status"] == "unknown"
    assert record.argv == ["scale", "deployment", "web", "--replicas=3"]
    assert record.responseStatus.code is None and trail.verify().ok


def test_reservation_of_a_dead_process_is_recorded_by_the_next_run(small_fs, tmp_path):
    """A process that reserved, ran kubectl and died (kill -9) before its record: the next
    process records the reservation as an outcome nobody saw, before its own command."""
    spool = small_fs / "spool.db"
    script = (
        "import os, signal\n"
        "from kubechat.audit import AuditTrail, RecordInput, UserInfo\n"
        f"t = AuditTrail(spool_path={str(spool)!r})\n"
        "t.reserve(RecordInput(user=UserInfo(username='alice'), request='delete pod a',"
        " argv=['delete', 'pod', 'a', '--token=t0ps3cret'], risk='destructive'))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env=os.environ.copy(), check=False)
    assert done.returncode == -9
    trail = AuditTrail(spool_path=spool)
    assert len(trail.spool.reservations()) == 1
    with trail.reserve(command("scale web to 3")):
        trail.record(command("scale web to 3", exit_code=0))
    records = list(trail.spool.records())
    assert [r.request for r in records] == ["delete pod a", "scale web to 3"]
    assert records[0].annotations["kubechat.io/status"] == "unknown"
    assert b"t0ps3cret" not in b"".join(trail.spool.raw_records())
    assert trail.verify().ok


# -- the conversation against the real sandbox: a write whose record cannot be reserved never runs


def replicas(sandbox, ns: str, name: str) -> int:
    return int(api(sandbox, "get", "deployment", name, "-n", ns, "-o", "jsonpath={.spec.replicas}").stdout)


@pytest.fixture
def conversation(sandbox, monkeypatch, small_fs):
    from kubechat.conversation import Conversation, Settings
    from kubechat.kubectl_options import KubectlOptions

    class UI(ScriptedUI):
        on_stdout = None

        def stdout(self, line):
            if self.on_stdout:
                self.on_stdout(line)

    monkeypatch.setenv("KUBECHAT_KUBECTL", str(sandbox.kubectl))
    ui = UI(yes=True)
    trail = AuditTrail(spool_path=small_fs / "spool.db")
    options = KubectlOptions(kubeconfig=str(sandbox.admin_kubeconfig))
    return Conversation(
        options, ui, Settings(mode="write", use_model=False, assume_yes=True), trail=trail
    ), ui


def test_write_is_not_run_when_its_record_cannot_be_reserved(conversation, sandbox, small_fs):
    conv, _ui = conversation
    before = replicas(sandbox, "staging", "web")
    conv.trail.record(command("an earlier command", exit_code=0))
    fill(small_fs)
    with pytest.raises(AuditError):
        conv.handle(f"scale deployment web in staging to {before + 2}")
    assert replicas(sandbox, "staging", "web") == before  # the cluster is unchanged
    assert conv.trail.spool.reservations() == []


def test_write_whose_disk_fills_while_it_runs_is_still_recorded(conversation, sandbox, small_fs):
    conv, ui = conversation
    before = replicas(sandbox, "staging", "web")
    ui.on_stdout = lambda line: fill(small_fs)  # kubectl is running and printing
    try:
        out = conv.handle(f"scale deployment web in staging to {before + 1}")
        assert out.status == "executed" and replicas(sandbox, "staging", "web") == before + 1
    finally:
        api(sandbox, "scale", "deployment", "web", "-n", "staging", f"--replicas={before}")
    record = list(conv.trail.spool.records())[-1]
    assert record.auditID == out.record_id and record.responseStatus.code == 0
    assert record.annotations["kubechat.io/status"] == "executed"
    assert conv.trail.spool.reservations() == [] and conv.trail.verify().ok


def test_diagnosis_reserves_before_its_first_read(conversation, small_fs, monkeypatch):
    from kubechat import execute

    conv, _ui = conversation
    conv.trail.record(command("an earlier command", exit_code=0))
    ran = []
    monkeypatch.setattr(execute, "run", lambda argv, *a, **kw: ran.append(argv))
    fill(small_fs)
    with pytest.raises(AuditError):
        conv.handle("why is payments-worker failing in prod?")
    assert ran == []
