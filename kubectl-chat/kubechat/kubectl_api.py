"""API calls (reviews, the scale subresource) made through the user's own kubectl.

Not through a Python Kubernetes client: kubectl is the program that runs the command itself, so
the reviews see exactly its kubeconfig handling, exec credential plugins (which keep the
terminal, stdin, for interactive logins), proxies and impersonation; and importing the Python
client would cost every `kubectl chat` start about a quarter of a second.

Several calls start at once and are awaited together, so a pre-check of N permissions costs
about one kubectl run, not N.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import ClusterUnreachableError, KubechatError
from .kubectl_options import KubectlOptions, find_kubectl

REQUEST_TIMEOUT = "10s"  # kubectl's per-request timeout when the user set none
PROCESS_TIMEOUT_S = 30  # a backstop for a kubectl (or a credential plugin) that never returns

# kubectl's messages when the API server cannot be reached at all.
_UNREACHABLE = (
    "unable to connect to the server",
    "connection refused",
    "was refused",
    "no such host",
    "i/o timeout",
    "context deadline exceeded",
    "client.timeout",
    "tls handshake",
    "no route to host",
    "network is unreachable",
    "connection reset",
)
_KUBECTL_UNREACHABLE = ("The connection to the server", "Unable to connect to the server")
_CONFIG = (
    "no such file or directory",
    "error loading config",
    "invalid configuration",
    "context was not found",
)
_UNAUTHORIZED = ("unauthorized", "you must be logged in", "provide credentials")


@dataclass(frozen=True)
class Call:
    """One request: `body` is POSTed to `path` (kubectl create --raw), or `path` is read when None."""

    path: str
    what: str  # for messages: "who am I", "access review", ...
    body: dict | None = None


def check_kubeconfig(options: KubectlOptions) -> None:
    """A missing --kubeconfig file is a clear error before kubectl is started."""
    if options.kubeconfig and os.pathsep not in options.kubeconfig and not os.path.isfile(options.kubeconfig):
        raise KubechatError(
            f"cannot load the kubeconfig: {options.kubeconfig} does not exist",
            hint="check --kubeconfig/--context or $KUBECONFIG",
        )


# The identity review (SelfSubjectReview): the API server says who the caller is.
WHOAMI = Call(
    "/apis/authentication.k8s.io/v1/selfsubjectreviews",
    "who am I",
    {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"},
)

# Calls started ahead of their use (start_early), by what they ask and with which settings.
_early: dict[tuple, subprocess.Popen] = {}


def _base(options: KubectlOptions) -> list[str]:
    base = [find_kubectl(), *options.argv_global_args()]
    if not options.request_timeout:
        base.append(f"--request-timeout={REQUEST_TIMEOUT}")
    return base


def _key(base: list[str], c: Call, env: dict[str, str]) -> tuple:
    return (tuple(base), c.path, json.dumps(c.body, sort_keys=True), tuple(sorted(env.items())))


def start_early(options: KubectlOptions, c: Call) -> tuple | None:
    """Start a call now, so that it overlaps the rest of start-up; call() or call_all() with the
    same options and call later take its answer. Failures wait for that later call to report.
    The call's key (for ahead()), or None when it could not start."""
    try:
        check_kubeconfig(options)
        base, env = _base(options), options.env()
        key = _key(base, c, env)
        if key not in _early:
            if not _early:
                atexit.register(_stop_unused)
            _early[key] = _start(base, c, env)
        return key
    except (KubechatError, OSError):
        return None


@contextlib.contextmanager
def ahead(options: KubectlOptions, calls: list[Call]) -> Iterator[None]:
    """Start the calls now, so that they overlap what the block does; call() and call_all() in the
    block take their answers. Those the block did not take are ended when it ends: an answer
    never waits for a later question (in the interactive prompt, permissions may change)."""
    keys = [start_early(options, c) for c in calls]
    try:
        yield
    finally:
        for key in keys:
            p = _early.pop(key, None) if key is not None else None
            if p is not None:
                _end(p)


def _stop_unused() -> None:
    """A run that never needed its early call (a request that was not understood) ends it."""
    while _early:
        _end(_early.popitem()[1])


def _end(p: subprocess.Popen) -> None:
    if p.poll() is None:
        p.kill()
    p.communicate()


def call(options: KubectlOptions, c: Call) -> dict:
    return call_all(options, [c])[0]


def call_all(options: KubectlOptions, calls: list[Call]) -> list[dict]:
    """Run every call concurrently; the parsed JSON answers in order, or the first failure raised."""
    check_kubeconfig(options)
    base, env = _base(options), options.env()
    started: list[subprocess.Popen] = []
    try:
        for c in calls:
            early = _early.pop(_key(base, c, env), None)
            started.append(early or _start(base, c, env))
        outcomes = [_finish(p) for p in started]
    finally:
        for p in started:
            if p.poll() is None:
                p.kill()
                p.wait()
    answers = []
    for c, (code, out, err) in zip(calls, outcomes, strict=True):
        if code != 0:
            raise _error(options, c.what, err)
        try:
            answers.append(json.loads(out))
        except ValueError as exc:
            raise KubechatError(f"{c.what} failed: the API server's answer was not JSON") from exc
    return answers


def _start(base: list[str], c: Call, env: dict[str, str]) -> subprocess.Popen:
    if c.body is None:
        return subprocess.Popen(
            [*base, "get", "--raw", c.path],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
    # The body travels on its own pipe (-f /dev/fd/N), so stdin stays the user's terminal for a
    # credential plugin that asks for a password or an OIDC login.
    data = json.dumps(c.body).encode()
    r, w = os.pipe()
    try:
        os.write(w, data)  # a review is far below the pipe's buffer size: this never blocks
    finally:
        os.close(w)
    try:
        return subprocess.Popen(
            [*base, "create", "--raw", c.path, "-f", f"/dev/fd/{r}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            pass_fds=(r,),
        )
    finally:
        os.close(r)


def _finish(p: subprocess.Popen) -> tuple[int, bytes, str]:
    try:
        out, err = p.communicate(timeout=PROCESS_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return -1, b"", "context deadline exceeded (kubectl did not return)"
    return p.returncode, out, err.decode(errors="replace")


def _error(options: KubectlOptions, what: str, stderr: str) -> KubechatError:
    """kubectl's error as one of ours: unreachable, bad kubeconfig, rejected credentials, other."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    # kubectl logs retries first (E0101 ... lines); its verdict is the last line.
    short = (lines[-1] if lines else "kubectl failed without a message").removeprefix("error: ")[:200]
    low = stderr.lower()
    if any(s in low for s in _UNREACHABLE):
        from .kubeconfig_info import resolve

        server = resolve(options).server or "(no server in the kubeconfig)"
        # kubectl's own verdict ("The connection to the server HOST was refused - did you specify
        # the right host or port?") is what users know; anything else is said the way kubectl does.
        said = (
            short
            if short.startswith(_KUBECTL_UNREACHABLE)
            else f"Unable to connect to the server {server}: {short}"
        )
        return ClusterUnreachableError(
            said,
            hint="check the cluster is up and that --context/--kubeconfig point at it "
            "(for a local cluster: `kubectl chat sandbox up`)",
        )
    if any(s in low for s in _UNAUTHORIZED):
        return KubechatError(
            f"the API server rejected your credentials ({what})",
            hint="log in again or refresh the token in your kubeconfig",
        )
    if any(s in low for s in _CONFIG):
        return KubechatError(
            f"cannot load the kubeconfig: {short}", hint="check --kubeconfig/--context or $KUBECONFIG"
        )
    return KubechatError(f"{what} failed: {short}")
