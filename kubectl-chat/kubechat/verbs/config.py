"""kubectl config SUBCOMMAND: the local kubeconfig, never the cluster."""

from ._spec import Effect, Risk, Sub, VerbSpec, Words, bools, flags

CREDENTIAL_EDITS = {"set-cluster", "set-credentials", "set", "unset"}


def _read(sub):
    return Sub(Risk.READ, f"`config {sub}` only shows the kubeconfig")


def _write(sub, *own, words=None):
    return Sub(Risk.WRITE, f"`config {sub}` changes the local kubeconfig", flags=own, words=words)


def _remove(sub):
    # the entry's NAME comes first
    return Sub(Risk.DESTRUCTIVE, f"`config {sub}` removes kubeconfig entries", words=Words.NAMED)


def _effects(cmd):
    sub = cmd.subcommand
    if sub in CREDENTIAL_EDITS or (sub == "set-context" and (cmd.has("--user") or cmd.has("--cluster"))):
        yield Effect.EDITS_CREDENTIALS, f"`config {sub}` can point every later command elsewhere"
    if cmd.has("--exec-command") or cmd.has("--auth-provider"):
        yield Effect.RUNS_LOCAL_PROGRAMS, "a credential plugin runs a program on every later kubectl call"
    if sub == "view":
        # kubectl redacts tokens and certificate data, but prints OIDC id/refresh tokens, client
        # secrets and exec plugin environments as they are (and everything with --raw/--flatten).
        yield Effect.REVEALS_SECRETS, "`config view` prints credentials from your kubeconfig"


# The values these subcommands store shadow the global connection flags of the same name.
_CONTEXT_FLAGS = flags("--cluster", "--user", "--namespace")
_CREDENTIAL_FLAGS = (
    *flags("--client-certificate", "--client-key", "--token", "--username", "--password"),
    *flags("--exec-command", "--exec-api-version", "--exec-arg", "--exec-env", "--exec-interactive-mode"),
    *flags("--auth-provider", "--auth-provider-arg"),
    *bools("--exec-provide-cluster-info"),
)
_CLUSTER_FLAGS = (
    *flags("--server", "--certificate-authority", "--tls-server-name", "--proxy-url"),
    *bools("--insecure-skip-tls-verify"),
)

SPECS = [
    VerbSpec(
        "config",
        open_subcommands=True,
        subcommands={
            "view": _read("view"),
            "get-contexts": _read("get-contexts"),
            "current-context": _read("current-context"),
            "get-clusters": _read("get-clusters"),
            "get-users": _read("get-users"),
            "use-context": _write("use-context", words=Words.NAMED),
            "use": _write("use"),
            "set-context": _write("set-context", *_CONTEXT_FLAGS, *bools("--current"), words=Words.NAMED),
            "set-cluster": _write("set-cluster", *_CLUSTER_FLAGS, words=Words.NAMED),
            "set-credentials": _write("set-credentials", *_CREDENTIAL_FLAGS),
            "set": _write("set"),
            "unset": _write("unset"),
            "rename-context": _write("rename-context"),
            "delete-context": _remove("delete-context"),
            "delete-cluster": _remove("delete-cluster"),
            "delete-user": _remove("delete-user"),
        },
        flags=(
            *flags("--output", "--template"),
            *bools("--raw", "--minify", "--flatten", "--merge", "--no-headers", "--set-raw-bytes"),
            *bools("--embed-certs", "--current"),
        ),
        namespaced=False,
        objects=False,
        effects=_effects,
        subcommand_aliases={"use": "use-context"},
    )
]
