"""kubectl exec, attach, cp, port-forward and debug: into a pod (or a node, for debug)."""

from ._common import pod_target
from ._spec import Effect, Flag, Need, Risk, VerbSpec, Words, bools, flags

LOOPBACK = {"localhost", "127.0.0.1", "::1"}
# `debug --profile` values that add no privileges to a pod.
UNPRIVILEGED_DEBUG_PROFILES = {"", "legacy", "general", "baseline", "restricted"}
_SUBRESOURCE = {"exec": "exec", "cp": "exec", "attach": "attach", "port-forward": "portforward"}


def _into_pod(cmd, resource, names):
    pod = names[0] if names else ""
    needs = []
    if resource != "pods":
        needs.append(Need("get", resource, name=pod))
        pod = ""
    return [*needs, Need("create", "pods", _SUBRESOURCE[cmd.verb], pod)]


def _cp_target(cmd, objs):
    # `cp ns/pod:/path local` or `cp local pod:/path`: the pod side has a colon.
    for o in objs:
        if ":" in o:
            return "pods", [o.split(":", 1)[0].split("/", 1)[-1]]
    return "pods", []


def _cp_effects(cmd):
    objs = cmd.objects
    # `cp SRC DEST`: a side is local when it has no `pod:` part.
    if len(objs) >= 2 and ":" in objs[0] and ":" not in objs[-1]:
        yield Effect.WRITES_LOCAL_FILES, "`cp` from a pod overwrites a file on this machine"
    if len(objs) >= 2 and ":" not in objs[0] and ":" in objs[-1]:
        yield Effect.UPLOADS_LOCAL_FILES, "`cp` into a pod sends a file from this machine"


def _port_forward_effects(cmd):
    # `--address` defaults to localhost; a list such as `localhost,10.0.0.1` opens the others too.
    values = cmd.flags.get("--address", [])
    if not all(a.strip().lower() in LOOPBACK for v in values for a in v.split(",")):
        yield Effect.OPENS_NETWORK_ACCESS, "`port-forward --address` lets other machines reach the pod"


def _debug_access(cmd, resource, names):
    if resource == "nodes" or cmd.has("--copy-to"):
        return [Need("create", "pods")]
    return [Need("patch", "pods", "ephemeralcontainers", names[0] if names else "")]


def _debug_effects(cmd):
    if cmd.targets()[0] == "nodes":
        yield Effect.NODE_ACCESS, "`debug node` runs a pod in the node's namespaces with its filesystem"
    profile = (cmd.value("--profile") or "").lower()
    if profile not in UNPRIVILEGED_DEBUG_PROFILES:
        yield Effect.NODE_ACCESS, f"`debug --profile={profile}` adds privileges to the debug container"
    if cmd.has("--custom"):
        yield Effect.NODE_ACCESS, "`debug --custom` takes a container spec from a file, privileges included"


STREAMS = (Flag("--container", True, "c"), Flag("--stdin", False, "i"), Flag("--tty", False, "t"))
QUIET = Flag("--quiet", False, "q")

SPECS = [
    VerbSpec(
        "exec",
        Risk.WRITE,  # runs arbitrary code in a container
        words=Words.TARGET,
        flags=(*STREAMS, Flag("--filename", True, "f"), *flags("--pod-running-timeout"), QUIET),
        shorthands=False,
        access=_into_pod,
        targets=pod_target,
    ),
    VerbSpec(
        "attach",
        Risk.WRITE,  # can write to a container's stdin
        words=Words.TARGET,
        flags=(*STREAMS, *flags("--pod-running-timeout"), QUIET),
        shorthands=False,
        access=_into_pod,
        targets=pod_target,
    ),
    VerbSpec(
        "cp",
        Risk.WRITE,  # implemented with exec; can overwrite files in a container
        flags=(Flag("--container", True, "c"), *flags("--retries"), *bools("--no-preserve")),
        shorthands=False,
        access=_into_pod,
        targets=_cp_target,
        effects=_cp_effects,
    ),
    VerbSpec(
        "port-forward",
        Risk.WRITE,  # opens a path into the pod network from this machine
        words=Words.TARGET,
        flags=flags("--address", "--pod-running-timeout"),
        shorthands=False,
        access=_into_pod,
        targets=pod_target,
        effects=_port_forward_effects,
    ),
    VerbSpec(
        "debug",
        Risk.WRITE,  # adds ephemeral containers or copies pods
        words=Words.TARGET,
        flags=(
            *STREAMS,
            Flag("--output", True, "o"),
            Flag("--filename", True, "f"),
            # debug's own --profile (a container profile), not the global profiling flag
            *flags("--image", "--image-pull-policy", "--env", "--target", "--copy-to", "--set-image"),
            *flags("--profile", "--custom"),
            *bools("--share-processes", "--replace", "--same-node", "--attach", "--quiet"),
            *bools("--keep-annotations", "--keep-labels", "--keep-liveness", "--keep-readiness"),
            *bools("--keep-startup", "--keep-init-containers"),
        ),
        shorthands=False,
        access=_debug_access,
        targets=pod_target,
        effects=_debug_effects,
    ),
]
