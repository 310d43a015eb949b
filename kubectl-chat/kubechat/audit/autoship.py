"""Records reach the collector by themselves: after each run, a short-lived shipper.

`kick(options)` is what a run calls when it ends. It costs a lock attempt and, when no shipper is
running, starting one: a detached process (its own session, stdio on /dev/null) that inherits the
lock, ships what the spool holds, retries with exponential backoff and jitter while the collector
cannot be reached, and exits when the spool is drained or when it gives up. Nothing waits for it.
Offline, the spool keeps everything and the next run's shipper catches up; the collector's ingest
is idempotent, so a record sent twice is stored once.

The lock (flock on a file next to the spool) means at most one shipper per spool. A run that finds
the lock taken leaves its record to the running shipper, which looks at the spool once more after
letting the lock go, so a record committed while it was finishing is not left behind.

What the last shipper saw (collector, last successful ship, last error) is kept in a small state
file for `kubectl chat audit status`; the backlog itself is always read from the spool.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from .. import paths

WARN_AFTER_S = 24 * 3600  # default `audit.warn_pending_after`
WARN_EVERY_S = 8 * 3600  # default `audit.warn_every`
GIVE_UP_S = 600.0  # default `audit.ship_give_up_s`: a shipper stops retrying after this long
BACKOFF_BASE_S, BACKOFF_CAP_S = 1.0, 60.0
LOCK_FD_ENV = "KUBECHAT_SHIP_LOCK_FD"  # the locked fd a shipper inherits
AUTOSHIP_ENV = "KUBECHAT_AUTOSHIP"
# The collector's keys and records endpoints as an aggregated API of the cluster (…/v1/keys, …/v1/records).
AGGREGATED_API = "/apis/audit.kubechat.io"  # "off": runs start no shipper (`audit ship` still works)


def spool_path(given: Path | None = None) -> Path:
    from .spool import default_path

    return Path(given) if given else default_path()


def lock_path(spool: Path) -> Path:
    return spool.with_name(spool.name + ".ship.lock")


def state_path(spool: Path) -> Path:
    return spool.with_name(spool.name + ".ship-state.json")


# -- backlog (read-only: callers on the policy path must not write) -------------------------------


def backlog(spool: Path | None = None) -> tuple[int, str | None]:
    """(pending count, requestReceivedTimestamp of the oldest pending record). (0, None) when
    there is no spool yet. Raises sqlite3.Error when the spool cannot be read."""
    path = spool_path(spool)
    if not path.exists():
        return 0, None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        count, oldest = db.execute(
            "SELECT count(*), min(ts) FROM records WHERE shipped_at IS NULL"
        ).fetchone()
    finally:
        db.close()
    return count, oldest


def age_seconds(ts: str | None, now: float | None = None) -> int:
    if not ts:
        return 0
    when = datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()
    return max(0, int((now if now is not None else time.time()) - when))


def backlog_age_s(spool: Path | None = None) -> int | None:
    """Seconds the oldest unshipped record has waited (0: none); None when that cannot be told,
    which a policy that requires a collector treats as too old."""
    try:
        return age_seconds(backlog(spool)[1])
    except (sqlite3.Error, ValueError):
        return None


# -- state ----------------------------------------------------------------------------------------


def read_state(spool: Path | None = None) -> dict:
    try:
        data = json.loads(state_path(spool_path(spool)).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_state(spool: Path, **changes) -> None:
    state = {**read_state(spool), **changes}
    path = state_path(spool)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, sort_keys=True))
    os.replace(tmp, path)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- backoff --------------------------------------------------------------------------------------


def backoff_delays(
    give_up_s: float,
    base: float = BACKOFF_BASE_S,
    cap: float = BACKOFF_CAP_S,
    rand: Callable[[], float] | None = None,
) -> Iterator[float]:
    """Waits between attempts: exponential from `base`, capped at `cap`, each with full jitter in
    [d/2, d) so that many clients do not retry in step; stops once they add up to `give_up_s`."""
    if rand is None:
        import random

        rand = random.random
    delay, spent = base, 0.0
    while True:
        wait = delay * (0.5 + rand() / 2)  # noqa: S311 - jitter, not security
        if spent + wait > give_up_s:
            return
        spent += wait
        yield wait
        delay = min(delay * 2, cap)


# -- the lock -------------------------------------------------------------------------------------


def try_lock(spool: Path) -> int | None:
    """An fd holding the shipper lock of this spool, or None when a shipper holds it."""
    path = lock_path(spool)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except FileNotFoundError:
        paths.ensure_private_dir(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


# -- the run's side -------------------------------------------------------------------------------


def _shipper_argv(spool: Path, options) -> list[str]:
    if getattr(sys, "frozen", False):  # the packaged binary: its own hidden subcommand
        argv = [sys.executable, "audit", "autoship"]
    else:
        argv = [sys.executable, "-m", "kubechat.audit.autoship"]
    argv += ["--spool", str(spool)]
    if getattr(options, "kubeconfig", None):
        argv += ["--kubeconfig", options.kubeconfig]
    if getattr(options, "context", None):
        argv += ["--context", options.context]
    return argv


def kick(
    options=None,
    offline: bool = False,
    spool: Path | None = None,
    warn: Callable[[str], None] | None = None,
) -> bool:
    """After a run: start a detached shipper unless one runs already (or the run was --offline,
    which contacts nothing), and warn (at most once per `audit.warn_every`) when records have
    waited longer than `audit.warn_pending_after`. Never raises and never waits. Returns whether
    a shipper was started."""
    try:
        path = spool_path(spool)
        _maybe_warn(path, warn or _stderr)
        if offline or os.environ.get(AUTOSHIP_ENV) == "off":
            return False
        fd = try_lock(path)
        if fd is None:
            return False  # the running shipper looks at the spool again before it exits
        try:
            _spawn(_shipper_argv(path, options), fd)
        finally:
            os.close(fd)
        return True
    except Exception:  # noqa: BLE001 - shipping must never break or slow the user's command
        return False


def _spawn(argv: list[str], lock_fd: int) -> None:
    """Start the shipper detached: its own session, stdio on /dev/null, holding the lock (the
    locked file is inherited; the lock is its until it exits). posix_spawn (vfork and exec), not
    a fork of this whole process: starting it costs the run about a millisecond."""
    for pid in list(_children):  # a long REPL session: reap the shippers that have finished
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                continue
        _children.remove(pid)
    os.set_inheritable(lock_fd, True)
    null = os.devnull
    pid = os.posix_spawn(
        argv[0],
        argv,
        {**os.environ, LOCK_FD_ENV: str(lock_fd)},
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, null, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, null, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, null, os.O_WRONLY, 0),
        ],
        setsid=True,
    )
    _children.append(pid)


_children: list[int] = []  # shippers this process started and has not reaped yet


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def _duration_setting(section: dict, key: str, default: float) -> float:
    value = section.get(key)
    if value is None:
        return default
    from .query import parse_time  # "24h", "7d" → that long ago

    if isinstance(value, int | float):
        return float(value)
    ref = datetime(2000, 1, 1, tzinfo=UTC)
    ago = datetime.fromisoformat(parse_time(str(value), now=ref).replace("Z", "+00:00"))
    return (ref - ago).total_seconds()


def warn_limits() -> tuple[float, float]:
    """(warn when the oldest pending record is older than this, warn at most this often), seconds."""
    from .locate import audit_config

    section = audit_config()
    return (
        _duration_setting(section, "warn_pending_after", WARN_AFTER_S),
        _duration_setting(section, "warn_every", WARN_EVERY_S),
    )


def _maybe_warn(spool: Path, warn: Callable[[str], None], now: float | None = None) -> bool:
    now = time.time() if now is None else now
    state = read_state(spool)
    if not state.get("collector"):
        return False  # no collector was ever found: nothing to nag about
    # The shipper wrote the limits from config.yaml: reading YAML here would cost every run.
    after = float(state.get("warn_after_s", WARN_AFTER_S))
    every = float(state.get("warn_every_s", WARN_EVERY_S))
    if now - float(state.get("warned_at", 0)) < every:
        return False
    count, oldest = backlog(spool)
    age = age_seconds(oldest, now)
    if not count or age < after:
        return False
    hours = age / 3600
    from .terminal import printable  # the error may quote a collector: nothing it sent acts on the terminal

    why = f" (last error: {printable(state['last_error'])})" if state.get("last_error") else ""
    warn(
        f"warning: {count} audit records have not reached the collector for {hours:.0f}h{why}; "
        "see `kubectl chat audit status`"
    )
    _write_state(spool, warned_at=now)
    return True


# -- the shipper's side ---------------------------------------------------------------------------


def ship_once(spool: Path, options) -> tuple[bool, bool]:
    """One shipping pass. Returns (done, retry): done when everything it saw was shipped, retry when a
    later attempt may succeed (the collector or the cluster could not be reached)."""
    from . import locate
    from .kube import NoCredentials, WrongCluster, aggregated_route, bearer_token
    from .trail import AuditTrail

    target = _target(options)
    collector = locate.candidate(options, target)
    after, every = warn_limits()
    _write_state(spool, last_attempt=_now(), warn_after_s=after, warn_every_s=every)
    if collector is None:
        _write_state(spool, collector=None, last_error="no collector configured or discovered")
        return False, False
    if why := locate.untrusted_reason(collector):
        _write_state(spool, collector=None, last_error=why)  # nothing, not even a token, goes to it
        return False, False
    _write_state(
        spool, collector={"url": collector.url, "source": collector.source, "server": collector.server}
    )
    client = through = None
    try:
        token = bearer_token(options.kubeconfig, options.context)
        if token is None:
            # No token to show the collector (a client certificate, say): ship through the API
            # server, which authenticates the user and forwards to the collector's aggregated API.
            client, through = aggregated_route(collector, options.kubeconfig, options.context)
    except WrongCluster as exc:  # the records stay pending until run against the collector's cluster
        _write_state(spool, last_error=exc.message)
        return False, False
    except Exception as exc:  # noqa: BLE001 - any kubeconfig problem: say it, retry later
        _write_state(spool, last_error=f"cannot read your credentials: {exc}")
        return False, not isinstance(exc, NoCredentials)  # no credential does not fix itself
    trail = AuditTrail(spool_path=spool)
    try:
        result = trail.ship_pending(
            collector.url,
            token=token,
            ca_file=collector.ca_file,
            collector_key=collector.checkpoint_key,
            attempts=2,
            client=client,
            through=through,
        )
    finally:
        trail.close()
        if client is not None:
            client.close()
    if result.ok:
        _write_state(spool, last_success=_now(), last_error=None, pending=result.pending)
        return True, False
    _write_state(spool, last_error=result.describe(), pending=result.pending)
    # Refused records and a missing token do not fix themselves; transport trouble may.
    return False, bool(result.error) and not result.rejected


def _target(options) -> str | None:
    from ..kubeconfig_info import resolve

    try:
        return resolve(options).server
    except Exception:  # noqa: BLE001 - no kubeconfig: only a configured collector can be used
        return None


def run_shipper(
    spool: Path, options, give_up_s: float | None = None, sleep: Callable[[float], None] = time.sleep
) -> None:
    """The detached shipper's whole life. Holds the lock it was given (or takes it), ships until
    drained, backs off while the collector is unreachable, and looks at the spool once more after
    letting the lock go."""
    from .locate import audit_config

    if give_up_s is None:
        give_up_s = float(audit_config().get("ship_give_up_s", GIVE_UP_S))
    inherited = os.environ.pop(LOCK_FD_ENV, None)
    fd = int(inherited) if inherited else try_lock(spool)
    while fd is not None:
        done = False
        try:
            for wait in [0.0, *backoff_delays(give_up_s)]:
                sleep(wait)
                done, retry = ship_once(spool, options)
                if done or not retry:
                    break
        finally:
            unlock(fd)
        # A run that found the lock taken relied on this look; ship again only if it is still ours.
        fd = try_lock(spool) if done and backlog(spool)[0] else None


def main(argv: list[str] | None = None) -> int:
    import argparse

    from ..kubectl_options import KubectlOptions

    parser = argparse.ArgumentParser(prog="kubectl-chat audit autoship")
    parser.add_argument("--spool", required=True)
    parser.add_argument("--kubeconfig")
    parser.add_argument("--context")
    args = parser.parse_args(argv)
    with contextlib.suppress(Exception):  # detached, nobody to tell: the state file says it
        run_shipper(Path(args.spool), KubectlOptions(kubeconfig=args.kubeconfig, context=args.context))
    return 0


if __name__ == "__main__":
    sys.exit(main())
