"""The local sandbox cluster: real etcd, kube-apiserver (RBAC on, cert and token users),
controller-manager, scheduler and kwok (fake nodes, so pods go Running) on loopback ports, and on
request one real node (kubelet + containerd, see real_node.py) that runs real containers.

Public API: up(), down(), status(), env_lines(). State lives in one directory (state.json, pki/,
logs/, kubeconfigs) so a later `down` or a test can find everything it started.
"""

import datetime as dt
import json
import secrets
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import requests

from .. import paths
from ..errors import MissingBinaryError, SandboxError
from . import pki, processes, real_node, seed
from .kubeconfig import write_kubeconfig

FRONT_PROXY_CN = "front-proxy-client"  # the name an aggregated API accepts the forwarded user from
REQUIRED_BINARIES = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok", "kubectl")
BUILD_HINT = "build them with `make testbin` (runs tools/testbin/build.sh; about 20 minutes the first time)"
START_ORDER = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok")

Progress = Callable[[str], None]


@dataclass
class SandboxState:
    dir: str
    ports: dict[str, int]
    components: list[dict] = field(default_factory=list)
    admin_kubeconfig: str = ""
    limited_kubeconfig: str = ""
    token_kubeconfigs: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    limited_user: str = seed.LIMITED_USER
    limited_namespace: str = seed.LIMITED_NAMESPACE
    server: str = ""
    ready: bool = False
    started_at: str = ""
    real_node: str = ""  # the node's name while it runs
    real_node_note: str = ""  # why it is not running, when it was asked for and could not start

    def component_objs(self) -> list[processes.Component]:
        return [processes.Component(**c) for c in self.components]


@dataclass
class ComponentStatus:
    name: str
    pid: int
    running: bool
    log: str


def default_dir() -> Path:
    return paths.state_dir() / "sandbox"


def find_binaries(bin_dir: Path | None = None) -> dict[str, Path]:
    bin_dir = bin_dir or paths.testbin_dir()
    found, missing = {}, []
    for name in REQUIRED_BINARIES:
        candidate = bin_dir / name
        if candidate.is_file() and candidate.stat().st_mode & 0o111:
            found[name] = candidate
        elif (which := shutil.which(name)) and name == "kubectl":
            found[name] = Path(which)
        else:
            missing.append(name)
    if missing:
        raise MissingBinaryError(
            f"sandbox binaries not found in {bin_dir}: {', '.join(missing)}", hint=BUILD_HINT
        )
    return found


def _state_file(d: Path) -> Path:
    return d / "state.json"


def load_state(d: Path) -> SandboxState | None:
    try:
        data = json.loads(_state_file(d).read_text())
        return SandboxState(**data)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:
        raise SandboxError(
            f"sandbox state {_state_file(d)} is unreadable ({exc})",
            hint=f"run `kubectl chat sandbox down --dir {d}` to clean up and start again",
        ) from exc


def _save_state(state: SandboxState) -> None:
    target = _state_file(Path(state.dir))
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state), indent=2))
    tmp.replace(target)


def status(directory: Path | None = None) -> tuple[SandboxState | None, list[ComponentStatus]]:
    d = Path(directory or default_dir())
    state = load_state(d)
    if state is None:
        return None, []
    return state, [
        ComponentStatus(c.name, c.pid, processes.is_alive(c), c.log) for c in state.component_objs()
    ]


def is_running(directory: Path | None = None) -> bool:
    state, comps = status(directory)
    return bool(state and state.ready and comps and all(c.running for c in comps))


def down(directory: Path | None = None, progress: Progress = lambda _: None) -> list[str]:
    """Stop every process the sandbox started (latest first) and forget the runtime state."""
    d = Path(directory or default_dir())
    state = load_state(d)
    if state is None:
        return []
    stopped = _stop_real_node(d, state.component_objs(), progress)
    for comp in reversed(state.component_objs()):
        if processes.is_alive(comp):
            progress(f"stopping {comp.name} (pid {comp.pid})")
            processes.stop(comp)
            stopped.append(comp.name)
    busy = [f"{name}:{port}" for name, port in state.ports.items() if processes.port_in_use(port)]
    if busy:
        raise SandboxError(f"ports still bound after stopping the sandbox: {', '.join(busy)}")
    _state_file(d).unlink(missing_ok=True)
    return stopped


def _stop_real_node(d: Path, comps: list[processes.Component], progress: Progress) -> list[str]:
    """The kubelet first (it would restart containers), then the containers, then containerd."""
    stopped = []
    by_name = {c.name: c for c in comps}
    for name in ("kubelet", "containerd"):
        comp = by_name.get(name)
        if name == "containerd":
            real_node.stop_containers(d)
        if comp is not None and processes.is_alive(comp):
            progress(f"stopping {comp.name} (pid {comp.pid})")
            processes.stop(comp)
            stopped.append(comp.name)
    real_node.teardown(d)
    return stopped


def _kubectl(kubectl: Path, kubeconfig: str, *args: str, input_text: str | None = None, timeout: float = 60):
    return subprocess.run(
        [str(kubectl), "--kubeconfig", kubeconfig, *args],
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _apply(kubectl: Path, kubeconfig: str, objects: list[dict]) -> None:
    doc = json.dumps({"apiVersion": "v1", "kind": "List", "items": objects})
    result = _kubectl(kubectl, kubeconfig, "apply", "-f", "-", input_text=doc)
    if result.returncode != 0:
        raise SandboxError(f"seeding the sandbox failed: {result.stderr.strip()}")


def _write_pki_and_configs(d: Path, ports: dict[str, int]) -> dict:
    pki_dir = d / "pki"
    pki_dir.mkdir(parents=True, exist_ok=True)
    ca = pki.make_ca(pki_dir)
    certs = {
        "apiserver": pki.issue(ca, pki_dir, "apiserver", "kube-apiserver", server=True),
        "admin": pki.issue(ca, pki_dir, "admin", "sandbox-admin", ("system:masters",)),
        "kcm": pki.issue(ca, pki_dir, "kcm", "system:kube-controller-manager"),
        "scheduler": pki.issue(ca, pki_dir, "scheduler", "system:kube-scheduler"),
        "kwok": pki.issue(ca, pki_dir, "kwok", "kwok-controller", ("system:masters",)),
        "limited": pki.issue(ca, pki_dir, "limited", seed.LIMITED_USER, (seed.LIMITED_GROUP,)),
        # How the API server authenticates to a kubelet (logs, exec, port-forward on the real node).
        "kubelet-client": pki.issue(ca, pki_dir, "kubelet-client", "kube-apiserver", ("system:masters",)),
    }
    # Aggregated APIs: the API server forwards the user it authenticated (X-Remote-User) with this
    # client certificate, from a CA of its own so that no user certificate can pass for it.
    front_proxy_ca = pki.make_ca(pki_dir, "front-proxy-ca", "kubectl-chat-sandbox-front-proxy-ca")
    certs["front-proxy-client"] = pki.issue(front_proxy_ca, pki_dir, "front-proxy-client", FRONT_PROXY_CN)
    sa = pki.make_service_account_key(pki_dir)
    tokens = {"alice": secrets.token_hex(16), "bob": secrets.token_hex(16)}
    token_file = pki_dir / "tokens.csv"
    token_file.write_text(
        f'{tokens["alice"]},alice,1001,"kubechat:operators"\n{tokens["bob"]},bob,1002,"kubechat:viewers"\n'
    )
    token_file.chmod(0o600)
    server = f"https://127.0.0.1:{ports['apiserver']}"
    kwok_config = seed.write_kwok_logs_config(d)
    kc = {
        name: write_kubeconfig(
            d / f"{name}.kubeconfig",
            server=server,
            ca=ca.cert,
            context=f"sandbox-{name}",
            user=user,
            client=certs[name],
        )
        for name, user in [
            ("admin", "sandbox-admin"),
            ("kcm", "kcm"),
            ("scheduler", "scheduler"),
            ("kwok", "kwok"),
        ]
    }
    kc["limited"] = write_kubeconfig(
        d / "limited.kubeconfig",
        server=server,
        ca=ca.cert,
        context="sandbox-limited",
        user=seed.LIMITED_USER,
        client=certs["limited"],
        namespace=seed.LIMITED_NAMESPACE,
    )
    for user, token in tokens.items():
        kc[f"token-{user}"] = write_kubeconfig(
            d / f"{user}.kubeconfig",
            server=server,
            ca=ca.cert,
            context=f"sandbox-{user}",
            user=user,
            token=token,
            namespace="staging",
        )
    return {
        "ca": ca,
        "front_proxy_ca": front_proxy_ca,
        "certs": certs,
        "sa": sa,
        "tokens": tokens,
        "token_file": token_file,
        "kc": kc,
        "server": server,
        "kwok_config": kwok_config,
    }


def _argv(name: str, bins: dict[str, Path], d: Path, ports: dict[str, int], cfg: dict) -> list[str]:
    certs, ca, sa, kc = cfg["certs"], cfg["ca"], cfg["sa"], cfg["kc"]
    if name == "etcd":
        return [
            str(bins["etcd"]),
            "--name=sandbox",
            f"--data-dir={d / 'etcd'}",
            f"--listen-client-urls=http://127.0.0.1:{ports['etcd']}",
            f"--advertise-client-urls=http://127.0.0.1:{ports['etcd']}",
            f"--listen-peer-urls=http://127.0.0.1:{ports['etcd_peer']}",
            f"--initial-advertise-peer-urls=http://127.0.0.1:{ports['etcd_peer']}",
            f"--initial-cluster=sandbox=http://127.0.0.1:{ports['etcd_peer']}",
            "--unsafe-no-fsync",  # a throwaway cluster: speed over durability
            "--log-level=warn",
        ]
    if name == "kube-apiserver":
        return [
            str(bins["kube-apiserver"]),
            f"--etcd-servers=http://127.0.0.1:{ports['etcd']}",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            f"--secure-port={ports['apiserver']}",
            f"--cert-dir={d / 'pki'}",
            f"--tls-cert-file={certs['apiserver'].cert}",
            f"--tls-private-key-file={certs['apiserver'].key}",
            f"--client-ca-file={ca.cert}",
            "--authorization-mode=Node,RBAC",
            f"--token-auth-file={cfg['token_file']}",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={sa.cert}",
            f"--service-account-signing-key-file={sa.key}",
            "--service-cluster-ip-range=10.0.0.0/24",
            "--endpoint-reconciler-type=none",
            "--kubelet-preferred-address-types=InternalIP",
            f"--kubelet-client-certificate={certs['kubelet-client'].cert}",
            f"--kubelet-client-key={certs['kubelet-client'].key}",
            "--allow-privileged=true",
            f"--requestheader-client-ca-file={cfg['front_proxy_ca'].cert}",
            f"--requestheader-allowed-names={FRONT_PROXY_CN}",
            "--requestheader-username-headers=X-Remote-User",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            f"--proxy-client-cert-file={certs['front-proxy-client'].cert}",
            f"--proxy-client-key-file={certs['front-proxy-client'].key}",
            # No kube-proxy here: the API server dials an aggregated API's endpoint IP itself.
            "--enable-aggregator-routing=true",
            "--profiling=false",
            "--v=0",
        ]
    if name == "kube-controller-manager":
        return [
            str(bins["kube-controller-manager"]),
            f"--kubeconfig={kc['kcm']}",
            f"--authentication-kubeconfig={kc['kcm']}",
            f"--authorization-kubeconfig={kc['kcm']}",
            "--bind-address=127.0.0.1",
            f"--secure-port={ports['kcm']}",
            "--leader-elect=false",
            "--use-service-account-credentials=true",
            f"--service-account-private-key-file={sa.key}",
            f"--root-ca-file={ca.cert}",
            f"--cluster-signing-cert-file={ca.cert}",
            f"--cluster-signing-key-file={ca.key}",
            "--controllers=*,-nodeipam",
            "--profiling=false",
        ]
    if name == "kube-scheduler":
        return [
            str(bins["kube-scheduler"]),
            f"--kubeconfig={kc['scheduler']}",
            f"--authentication-kubeconfig={kc['scheduler']}",
            f"--authorization-kubeconfig={kc['scheduler']}",
            "--bind-address=127.0.0.1",
            f"--secure-port={ports['scheduler']}",
            "--leader-elect=false",
            "--profiling=false",
        ]
    if name == "kwok":
        return [
            str(bins["kwok"]),
            f"--kubeconfig={kc['kwok']}",
            "--manage-all-nodes=false",
            "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
            "--manage-nodes-with-label-selector=",
            "--disregard-status-with-annotation-selector=kwok.x-k8s.io/status=custom",
            "--disregard-status-with-label-selector=",
            # Loopback only: the API server dials the node address for logs/exec/port-forward,
            # and a throwaway cluster must never send traffic anywhere else.
            "--cidr=127.10.0.1/16",
            "--node-ip=127.0.0.1",
            f"--node-port={ports['kwok']}",
            "--node-lease-duration-seconds=40",
            f"--server-address=127.0.0.1:{ports['kwok']}",
            f"--tls-cert-file={certs['apiserver'].cert}",
            f"--tls-private-key-file={certs['apiserver'].key}",
            f"--config={cfg['kwok_config']}",
        ]
    raise ValueError(name)


def _apiserver_ready(server: str, cfg: dict) -> bool:
    admin = cfg["certs"]["admin"]
    r = requests.get(
        f"{server}/readyz", cert=(str(admin.cert), str(admin.key)), verify=str(cfg["ca"].cert), timeout=2
    )
    return r.status_code == 200


def _etcd_ready(port: int) -> bool:
    return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).json().get("health") == "true"


def _seed(kubectl: Path, admin: str, comps: list[processes.Component], progress: Progress) -> None:
    progress("seeding namespaces, RBAC, nodes and a CRD")
    _apply(kubectl, admin, seed.base_objects())
    processes.wait_until(
        "the Backup CRD",
        lambda: (
            _kubectl(
                kubectl,
                admin,
                "wait",
                "--for=condition=Established",
                "crd/backups.ops.kubechat.io",
                "--timeout=5s",
            ).returncode
            == 0
        ),
        30,
        comps,
    )
    processes.wait_until(
        "default service accounts",
        lambda: all(
            _kubectl(kubectl, admin, "get", "serviceaccount", "default", "-n", ns).returncode == 0
            for ns in seed.NAMESPACES
        ),
        45,
        comps,
    )
    progress("seeding workloads")
    _apply(kubectl, admin, seed.workload_objects())
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    patch = _kubectl(
        kubectl,
        admin,
        "patch",
        "pod",
        "payments-worker",
        "-n",
        "prod",
        "--subresource=status",
        "--type=merge",
        "-p",
        json.dumps(seed.crashloop_status(now)),
    )
    if patch.returncode != 0:
        raise SandboxError(f"could not mark payments-worker as crash-looping: {patch.stderr.strip()}")
    _apply(kubectl, admin, [seed.crashloop_event(now)])
    progress("waiting for deployments to become available")
    processes.wait_until(
        "deployments to become available",
        lambda: (
            _kubectl(
                kubectl,
                admin,
                "wait",
                "--for=condition=Available",
                "deployment",
                "--all",
                "-A",
                "--timeout=5s",
            ).returncode
            == 0
        ),
        60,
        comps,
    )


def up(
    directory: Path | None = None,
    progress: Progress = lambda _: None,
    bin_dir: Path | None = None,
    with_real_node: bool = False,
) -> SandboxState:
    """Start the sandbox (or return the one already running there). Ctrl-C stops what was started.
    `with_real_node` adds the real node once the control plane is up (see add_real_node)."""
    d = Path(directory or default_dir())
    bins = find_binaries(bin_dir)
    existing = load_state(d)
    if existing is not None:
        if is_running(d):
            progress(f"sandbox already running in {d}")
            return add_real_node(d, progress, bin_dir) if with_real_node else existing
        progress(f"recovering stale sandbox state in {d}")
        down(d, progress)
    for sub in ("etcd", "pki", "logs"):
        shutil.rmtree(d / sub, ignore_errors=True)
    d.mkdir(parents=True, exist_ok=True)
    (d / "logs").mkdir()
    ports = {k: processes.free_port() for k in ("etcd", "etcd_peer", "apiserver", "kcm", "scheduler", "kwok")}
    cfg = _write_pki_and_configs(d, ports)
    state = SandboxState(
        dir=str(d),
        ports=ports,
        admin_kubeconfig=str(cfg["kc"]["admin"]),
        limited_kubeconfig=str(cfg["kc"]["limited"]),
        token_kubeconfigs={u: str(cfg["kc"][f"token-{u}"]) for u in cfg["tokens"]},
        tokens=cfg["tokens"],
        server=cfg["server"],
        started_at=dt.datetime.now(dt.UTC).isoformat(),
    )
    comps: list[processes.Component] = []
    try:
        for name in START_ORDER:
            progress(f"starting {name}")
            comp = processes.start(name, _argv(name, bins, d, ports, cfg), d / "logs")
            comps.append(comp)
            state.components = [asdict(c) for c in comps]
            _save_state(state)  # saved after each start so `down` can always find what runs
            if name == "etcd":
                processes.wait_until("etcd", lambda: _etcd_ready(ports["etcd"]), 30, comps)
            elif name == "kube-apiserver":
                processes.wait_until(
                    "kube-apiserver /readyz", lambda: _apiserver_ready(cfg["server"], cfg), 60, comps
                )
        _seed(bins["kubectl"], state.admin_kubeconfig, comps, progress)
        state.ready = True
        _save_state(state)
    except BaseException:
        # Ctrl-C or a failed start: stop everything we started, keep the logs for the user.
        for comp in reversed(comps):
            processes.stop(comp)
        _state_file(d).unlink(missing_ok=True)
        raise
    return add_real_node(d, progress, bin_dir) if with_real_node else state


def real_node_running(state: SandboxState) -> bool:
    names = {c.name for c in state.component_objs() if processes.is_alive(c)}
    return bool(state.real_node) and {"kubelet", "containerd"} <= names


def real_node_line(state: SandboxState) -> str:
    """One line for `sandbox status`: the real node, why it is missing, or that none was asked for."""
    if state.real_node:
        health = "running" if real_node_running(state) else "STOPPED"
        return f"real node {state.real_node} ({real_node.NODE_LABEL}=true): {health}"
    return state.real_node_note or "real node: not started (use `kubectl chat sandbox up --real-node`)"


def add_real_node(
    directory: Path | None = None, progress: Progress = lambda _: None, bin_dir: Path | None = None
) -> SandboxState:
    """Add the real node to a running sandbox. When it cannot start here the sandbox stays up with
    its kwok nodes and the reason is kept in `real_node_note` (one line); Ctrl-C stops it too."""
    d = Path(directory or default_dir())
    state = load_state(d)
    if state is None or not state.ready:
        raise SandboxError(f"no sandbox running in {d}", hint="start one with `kubectl chat sandbox up`")
    if real_node_running(state):
        return state
    bins = find_binaries(bin_dir)
    comps = state.component_objs()
    _stop_real_node(d, comps, progress)  # a half-dead node from before
    comps = [c for c in comps if c.name not in ("kubelet", "containerd")]
    started: list[processes.Component] = []
    try:
        real_node.start(
            d,
            bin_dir=Path(bin_dir or paths.testbin_dir()),
            kubectl=bins["kubectl"],
            admin_kubeconfig=state.admin_kubeconfig,
            server=state.server,
            components=started,
            progress=progress,
        )
        state.real_node, state.real_node_note = real_node.NODE_NAME, ""
    except (SandboxError, OSError) as exc:
        _stop_real_node(d, started, progress)
        if any(c.name == "kubelet" for c in started):  # it may have registered a node that is gone now
            _kubectl(
                bins["kubectl"],
                state.admin_kubeconfig,
                "delete",
                "node",
                real_node.NODE_NAME,
                "--ignore-not-found",
            )
        started = []
        lines = str(getattr(exc, "message", exc)).strip().splitlines() or [type(exc).__name__]
        last = f" ({lines[-1].strip()})" if len(lines) > 1 else ""  # a log's last line says why
        state.real_node, state.real_node_note = "", f"real node not started: {lines[0].rstrip(':')}{last}"
    except BaseException:
        _stop_real_node(d, started, progress)
        raise
    finally:
        state.components = [asdict(c) for c in comps + started]
        _save_state(state)
    return state


def load_image(directory: Path | None, archive: Path) -> list[str]:
    """Import an image archive into the running real node; returns the image names."""
    d = Path(directory or default_dir())
    state = load_state(d)
    if state is None or not real_node_running(state):
        raise SandboxError(
            f"no real node is running in {d}", hint="start it with `kubectl chat sandbox up --real-node`"
        )
    return real_node.import_image(d, archive)


def env_lines(state: SandboxState) -> list[str]:
    return [
        f"export KUBECONFIG={state.admin_kubeconfig}   # admin (system:masters)",
        f"export KUBECONFIG={state.limited_kubeconfig}   # {state.limited_user}: read-only in {state.limited_namespace}",
    ]
