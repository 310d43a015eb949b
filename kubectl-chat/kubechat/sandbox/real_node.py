"""The sandbox's one real node: a kubelet built from the control plane's Kubernetes version, with
containerd, runc and the CNI plugins from the distribution, running real containers next to the
kwok fakes.

Everything it owns lives under `<sandbox>/real-node/`: containerd's root, state and socket, the
kubelet's root dir, pod logs, CNI config and IP allocations, and the images. The images (a pause
image and a probe workload) are built here from the Go-built `sandbox-probe` binary and imported
with `ctr`, because no registry is reachable. The node is tainted so only pods that tolerate it
land there, and its address is on a bridge of its own (the kubelet refuses a loopback node IP).

Facts this file answers to: the process may lack CAP_SYS_RESOURCE, so the OCI spec containerd
starts from has no `process.rlimits` (runc fails to set them otherwise) and no container may lower
its oom_score_adj below containerd's own; cgroups may be v1, so the
kubelet runs with cgroupfs, no per-QoS hierarchy and `failCgroupV1: false`.
"""

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import SandboxError
from . import oci_image, pki, processes
from .kubeconfig import write_kubeconfig

NODE_NAME = "sandbox-real-node"
NODE_LABEL = "kubechat.io/real-node"
# Tolerated only by pods that ask for the real node: the kwok-backed tests keep their nodes.
NODE_TAINT = {"key": NODE_LABEL, "value": "true", "effect": "NoSchedule"}
PAUSE_IMAGE = "kubechat.local/sandbox-pause:local"
PROBE_IMAGE = "kubechat.local/sandbox-probe:local"
PROBE_PORT = 8080
PROBE_COMMANDS = ("pause", "serve", "hostname", "echo", "cat", "env")
SYSTEM_BINARIES = ("containerd", "containerd-shim-runc-v2", "runc", "ctr")
TESTBIN_BINARIES = ("kubelet", "sandbox-probe")
CNI_DIRS = (Path("/usr/lib/cni"), Path("/opt/cni/bin"))
CNI_PLUGINS = ("bridge", "host-local", "loopback")
# Fixed places the kubelet and libcni write to whatever their configuration says.
CONTAINER_LOG_LINKS = Path("/var/log/containers")
CNI_RESULTS = Path("/var/lib/cni/results")
SUBNET_PREFIX = "10.234"  # one /24 of it per running real node, chosen free at start
INSTALL_HINT = (
    "install containerd, runc and the CNI plugins (scripts/install-system-deps.sh) and build the "
    "kubelet (tools/testbin/build.sh kubelet sandbox-probe)"
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Layout:
    """Where the real node keeps everything, under the sandbox's state directory."""

    base: Path

    @property
    def containerd_root(self) -> Path:
        return self.base / "containerd" / "root"

    @property
    def containerd_state(self) -> Path:
        return self.base / "containerd" / "state"

    @property
    def socket(self) -> Path:
        return self.base / "containerd" / "containerd.sock"

    @property
    def containerd_config(self) -> Path:
        return self.base / "containerd" / "config.toml"

    @property
    def base_spec(self) -> Path:
        return self.base / "containerd" / "base-runtime-spec.json"

    @property
    def cni_conf_dir(self) -> Path:
        return self.base / "cni" / "net.d"

    @property
    def cni_ipam_dir(self) -> Path:
        return self.base / "cni" / "ipam"

    @property
    def kubelet_root(self) -> Path:
        return self.base / "kubelet"

    @property
    def kubelet_config(self) -> Path:
        return self.base / "kubelet-config.yaml"

    @property
    def kubeconfig(self) -> Path:
        return self.base / "kubelet.kubeconfig"

    @property
    def pod_logs(self) -> Path:
        return self.base / "pod-logs"

    @property
    def images(self) -> Path:
        return self.base / "images"

    @property
    def netns_dir(self) -> Path:
        # netns_mounts_under_state_dir puts the pods' network namespaces here.
        return self.containerd_state / "io.containerd.grpc.v1.cri" / "netns"


def layout(sandbox_dir: Path) -> Layout:
    return Layout(Path(sandbox_dir) / "real-node")


def cni_dir() -> Path | None:
    return next((d for d in CNI_DIRS if all((d / p).is_file() for p in CNI_PLUGINS)), None)


def missing(bin_dir: Path) -> str | None:
    """Why a real node cannot run on this machine (one line), or None when it can."""
    absent = [b for b in SYSTEM_BINARIES if shutil.which(b) is None]
    if cni_dir() is None:
        absent.append("CNI plugins (" + ", ".join(CNI_PLUGINS) + ")")
    absent += [b for b in TESTBIN_BINARIES if not (bin_dir / b).is_file()]
    if absent:
        return f"not installed: {', '.join(absent)}"
    if os.geteuid() != 0:
        return "containerd and the kubelet need root"
    return None


def containerd_missing() -> bool:
    return shutil.which("containerd") is None


def pod_manifest(name: str, namespace: str, *, command: tuple[str, ...] = ("serve",)) -> dict:
    """A pod of the probe image that only the real node accepts (selector and toleration)."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {
            "nodeSelector": {NODE_LABEL: "true"},
            "tolerations": [{"key": NODE_LABEL, "operator": "Exists", "effect": "NoSchedule"}],
            "automountServiceAccountToken": False,
            "terminationGracePeriodSeconds": 1,
            "containers": [
                {
                    "name": "probe",
                    "image": PROBE_IMAGE,
                    "imagePullPolicy": "Never",
                    "command": [f"/bin/{command[0]}", *command[1:]],
                    "ports": [{"containerPort": PROBE_PORT, "name": "http"}],
                    "securityContext": {
                        "runAsNonRoot": True,
                        "runAsUser": 65532,
                        "readOnlyRootFilesystem": True,
                        "allowPrivilegeEscalation": False,
                        "capabilities": {"drop": ["ALL"]},
                    },
                }
            ],
        },
    }


def _images(probe: Path) -> list[oci_image.Image]:
    binary = oci_image.Entry("bin/sandbox-probe", source=probe)
    links = tuple(oci_image.Entry(f"bin/{c}", symlink_to="sandbox-probe") for c in PROBE_COMMANDS)
    return [
        oci_image.Image(PAUSE_IMAGE, (binary, *links), entrypoint=("/bin/pause",), user="65535:65535"),
        oci_image.Image(
            PROBE_IMAGE,
            (binary, *links),
            cmd=("/bin/serve", f":{PROBE_PORT}"),
            user="65532:65532",
            exposed_ports=(PROBE_PORT,),
        ),
    ]


def _run(argv: list[str], what: str, timeout: float = 60) -> str:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxError(f"{what} failed: {exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise SandboxError(f"{what} failed: {detail[-1] if detail else f'exit {result.returncode}'}")
    return result.stdout


def _ctr(lay: Layout, *args: str) -> list[str]:
    return ["ctr", "--address", str(lay.socket), "--namespace", "k8s.io", *args]


def _free_thirds() -> list[int]:
    """The /24s of SUBNET_PREFIX that no address or route on this machine uses yet."""
    routes = subprocess.run(
        ["ip", "-o", "-4", "route", "show", "table", "all"], capture_output=True, text=True
    )
    addrs = subprocess.run(["ip", "-o", "-4", "addr", "show"], capture_output=True, text=True)
    used = routes.stdout + addrs.stdout
    return [
        t
        for t in range(1, 255)
        if f" {SUBNET_PREFIX}.{t}." not in used and f"{SUBNET_PREFIX}.{t}.0/" not in used
    ]


def bridge_name(third: int) -> str:
    return f"kcsbx{third}"


def network_name(third: int) -> str:
    return f"kubechat-sandbox-{third}"


def _claim_subnet(lay: Layout) -> tuple[int, str]:
    """Claim a free /24 by creating its bridge, which carries the node address (made before the
    kubelet needs it). The bridge's name is the claim: two sandboxes starting at once never share
    a subnet, the second one's `ip link add` fails and it takes the next."""
    for third in _free_thirds():
        made = subprocess.run(
            ["ip", "link", "add", bridge_name(third), "type", "bridge"], capture_output=True, text=True
        )
        if made.returncode != 0:
            if "exists" in made.stderr:
                continue
            raise SandboxError(f"creating the real node's bridge failed: {made.stderr.strip()}")
        (lay.base / "subnet").write_text(str(third))  # teardown finds the bridge by it
        node_ip = f"{SUBNET_PREFIX}.{third}.1"
        _run(
            ["ip", "addr", "add", f"{node_ip}/24", "dev", bridge_name(third)],
            "addressing the real node's bridge",
        )
        _run(["ip", "link", "set", bridge_name(third), "up"], "bringing up the real node's bridge")
        return third, node_ip
    raise SandboxError(f"no free /24 left in {SUBNET_PREFIX}.0.0/16 for the real node's pods")


def _write_containerd_config(lay: Layout, cni: Path) -> None:
    spec = json.loads(_run(["ctr", "oci", "spec"], "reading containerd's default OCI spec"))
    spec["process"].pop("rlimits", None)  # setting them needs CAP_SYS_RESOURCE here
    lay.base_spec.write_text(json.dumps(spec, indent=2))
    cri = 'plugins."io.containerd.grpc.v1.cri"'
    lines = [
        "version = 2",
        f'root = "{lay.containerd_root}"',
        f'state = "{lay.containerd_state}"',
        # Snapshotters this sandbox never uses: skipping them keeps start-up quiet and quick.
        'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",'
        ' "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",'
        ' "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]',
        "[grpc]",
        f'  address = "{lay.socket}"',
        "[ttrpc]",
        f'  address = "{lay.socket}.ttrpc"',
        "[debug]",
        '  address = ""',
        "[metrics]",
        '  address = ""',
        '[plugins."io.containerd.internal.v1.opt"]',
        f'  path = "{lay.base / "containerd" / "opt"}"',
        f"[{cri}]",
        f'  sandbox_image = "{PAUSE_IMAGE}"',
        '  stream_server_address = "127.0.0.1"',
        '  stream_server_port = "0"',
        "  netns_mounts_under_state_dir = true",
        # Lowering oom_score_adj (the pause container asks for -998) needs CAP_SYS_RESOURCE too.
        "  restrict_oom_score_adj = true",
        "  enable_cdi = false",
        f"[{cri}.containerd]",
        '  snapshotter = "overlayfs"',
        '  default_runtime_name = "runc"',
        f"[{cri}.containerd.runtimes.runc]",
        '  runtime_type = "io.containerd.runc.v2"',
        f'  base_runtime_spec = "{lay.base_spec}"',
        f"[{cri}.containerd.runtimes.runc.options]",
        "  SystemdCgroup = false",
        f'  Root = "{lay.containerd_state / "runc"}"',  # runc's own state, not /run/containerd/runc
        f"[{cri}.cni]",
        f'  bin_dir = "{cni}"',
        f'  conf_dir = "{lay.cni_conf_dir}"',
    ]
    lay.containerd_config.write_text("\n".join(lines) + "\n")


def _write_cni_config(lay: Layout, third: int) -> None:
    conf = {
        "cniVersion": "0.4.0",
        "name": network_name(third),
        "plugins": [
            {
                "type": "bridge",
                "bridge": bridge_name(third),
                "isGateway": True,
                "ipMasq": False,  # pods talk to nothing off this machine: no iptables rules
                "hairpinMode": True,
                "ipam": {
                    "type": "host-local",
                    "dataDir": str(lay.cni_ipam_dir),
                    "ranges": [[{"subnet": f"{SUBNET_PREFIX}.{third}.0/24"}]],
                },
            }
        ],
    }
    lay.cni_conf_dir.mkdir(parents=True, exist_ok=True)
    (lay.cni_conf_dir / "10-kubechat-sandbox.conflist").write_text(json.dumps(conf, indent=2))


def _write_kubelet_config(lay: Layout, ca_cert: Path, node_ip: str, port: int, healthz_port: int) -> None:
    config = {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "address": node_ip,
        "port": port,
        "readOnlyPort": 0,
        "healthzBindAddress": "127.0.0.1",
        "healthzPort": healthz_port,
        "authentication": {
            "anonymous": {"enabled": False},
            "webhook": {"enabled": True},
            "x509": {"clientCAFile": str(ca_cert)},
        },
        "authorization": {"mode": "Webhook"},
        "containerRuntimeEndpoint": f"unix://{lay.socket}",
        "cgroupDriver": "cgroupfs",
        # No kubepods hierarchy: several sandboxes on one machine must not share cgroups.
        "cgroupsPerQOS": False,
        "enforceNodeAllocatable": [],
        "failCgroupV1": False,
        "failSwapOn": False,
        "makeIPTablesUtilChains": False,
        "podLogsDir": str(lay.pod_logs),
        "volumePluginDir": str(lay.kubelet_root / "volume-plugins"),
        "registerWithTaints": [NODE_TAINT],
        "maxPods": 20,
        "serializeImagePulls": False,
        "resolvConf": "/etc/resolv.conf",
        "imageGCHighThresholdPercent": 100,
        "evictionHard": {"memory.available": "1Mi", "nodefs.available": "1%", "imagefs.available": "1%"},
        "nodeStatusReportFrequency": "10s",
        "syncFrequency": "10s",
    }
    lay.kubelet_config.write_text(yaml.safe_dump(config, sort_keys=False))


def _containerd_ready(lay: Layout) -> bool:
    return subprocess.run(_ctr(lay, "version"), capture_output=True, timeout=5).returncode == 0


def _node_ready(kubectl: Path, admin_kubeconfig: str) -> bool:
    out = subprocess.run(
        [
            str(kubectl),
            "--kubeconfig",
            admin_kubeconfig,
            "get",
            "node",
            NODE_NAME,
            "-o",
            'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ],
        capture_output=True,
        text=True,
        timeout=10,
    )
    return out.returncode == 0 and out.stdout.strip() == "True"


def start(
    sandbox_dir: Path,
    *,
    bin_dir: Path,
    kubectl: Path,
    admin_kubeconfig: str,
    server: str,
    components: list[processes.Component],
    progress: Progress,
) -> None:
    """Start containerd and the kubelet and wait for the node to be Ready. Each process started is
    appended to `components` at once, so the caller can always stop what runs."""
    reason = missing(bin_dir)
    if reason:
        raise SandboxError(f"the real node cannot run here: {reason}", hint=INSTALL_HINT)
    lay = layout(sandbox_dir)
    teardown(sandbox_dir)  # what a crashed run left behind
    shutil.rmtree(lay.base, ignore_errors=True)
    for sub in (lay.containerd_root.parent, lay.kubelet_root, lay.pod_logs, lay.images, lay.cni_ipam_dir):
        sub.mkdir(parents=True, exist_ok=True)
    logs = Path(sandbox_dir) / "logs"
    pki_dir = Path(sandbox_dir) / "pki"
    ca = pki.CertPair(pki_dir / "ca.crt", pki_dir / "ca.key")
    third, node_ip = _claim_subnet(lay)
    _write_containerd_config(lay, cni_dir())
    _write_cni_config(lay, third)
    progress("starting containerd")
    containerd = processes.start(
        "containerd", [shutil.which("containerd"), "--config", str(lay.containerd_config)], logs
    )
    components.append(containerd)
    processes.wait_until("containerd", lambda: _containerd_ready(lay), 30, components)
    progress("importing the pause and probe images")
    for image in _images(bin_dir / "sandbox-probe"):
        archive = lay.images / (image.ref.rsplit("/", 1)[1].replace(":", "_") + ".tar")
        oci_image.write_archive(image, archive)
        import_image(sandbox_dir, archive)
    client = pki.issue(ca, pki_dir, "real-node", f"system:node:{NODE_NAME}", ("system:nodes",))
    write_kubeconfig(
        lay.kubeconfig, server=server, ca=ca.cert, context="real-node", user=NODE_NAME, client=client
    )
    _write_kubelet_config(lay, ca.cert, node_ip, processes.free_port(), processes.free_port())
    progress("starting the kubelet")
    kubelet = processes.start(
        "kubelet",
        [
            str(bin_dir / "kubelet"),
            f"--config={lay.kubelet_config}",
            f"--kubeconfig={lay.kubeconfig}",
            f"--root-dir={lay.kubelet_root}",
            f"--cert-dir={lay.kubelet_root / 'pki'}",
            f"--hostname-override={NODE_NAME}",
            f"--node-ip={node_ip}",
            f"--node-labels={NODE_LABEL}=true",
            "--v=1",
        ],
        logs,
    )
    components.append(kubelet)
    progress("waiting for the real node to be Ready")
    processes.wait_until(
        f"node {NODE_NAME} to be Ready", lambda: _node_ready(kubectl, admin_kubeconfig), 90, components
    )


def import_image(sandbox_dir: Path, archive: Path) -> list[str]:
    """Load an OCI or docker archive into the node's containerd, where the kubelet finds it (pods
    use imagePullPolicy Never or IfNotPresent: there is no registry). Returns the image names."""
    if not Path(archive).is_file():
        raise SandboxError(f"no image archive at {archive}")
    out = _run(
        _ctr(layout(sandbox_dir), "images", "import", str(archive)), f"importing {archive}", timeout=300
    )
    # ctr prints "unpacking NAME (sha256:…)...done" for each image it imports.
    return [ln.split()[1] for ln in out.splitlines() if ln.startswith("unpacking ")]


def _mounts_under(path: Path) -> list[str]:
    prefix = str(path.resolve())
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return []
    points = [ln.split()[4].replace("\\040", " ") for ln in lines]
    return sorted({p for p in points if p == prefix or p.startswith(prefix + "/")}, reverse=True)


def stop_containers(sandbox_dir: Path) -> None:
    """Kill every container the node's containerd runs (their shims outlive containerd)."""
    lay = layout(sandbox_dir)
    if not lay.socket.exists():
        return
    try:
        tasks = subprocess.run(_ctr(lay, "tasks", "ls", "-q"), capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return
    for task in tasks.stdout.split():
        subprocess.run(
            _ctr(lay, "tasks", "kill", "--signal", "SIGKILL", task), capture_output=True, timeout=10
        )
    for task in tasks.stdout.split():
        subprocess.run(_ctr(lay, "tasks", "delete", "--force", task), capture_output=True, timeout=20)
        (CNI_RESULTS / f"cni-loopback-{task}-lo").unlink(missing_ok=True)  # a pod's loopback, cached


def teardown(sandbox_dir: Path) -> None:
    """Undo what outlives the processes: mounts under the node's directory, its bridge, and what
    the kubelet and the CNI plugins keep in fixed system places for containers killed without
    their help (log links, cached network results)."""
    lay = layout(sandbox_dir)
    if not lay.base.exists():
        return
    for point in _mounts_under(lay.base):
        subprocess.run(["umount", "--lazy", point], capture_output=True, timeout=10)
    for link in CONTAINER_LOG_LINKS.glob("*.log"):
        if link.is_symlink() and str(link.readlink()).startswith(str(lay.pod_logs) + "/"):
            link.unlink(missing_ok=True)
    subnet = lay.base / "subnet"
    if subnet.is_file():
        third = int(subnet.read_text())
        subprocess.run(["ip", "link", "del", bridge_name(third)], capture_output=True)
        for cached in CNI_RESULTS.glob(f"{network_name(third)}-*"):
            cached.unlink(missing_ok=True)
        subnet.unlink()
