"""kubectl's global flags and environment, carried through to the kubectl we run so that every
command executes with the user's own credentials, context and namespace."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import MissingBinaryError


# A plain dataclass, not a pydantic model: every run builds one, and importing pydantic for it
# alone would cost each `kubectl chat` start a noticeable share of its budget.
@dataclass
class KubectlOptions:
    kubeconfig: str | None = None  # a path, or a KUBECONFIG-style path list
    context: str | None = None
    namespace: str | None = None
    all_namespaces: bool = False
    as_user: str | None = None
    as_groups: list[str] = field(default_factory=list)
    request_timeout: str | None = None

    def global_args(self) -> list[str]:
        """Flags that go before the verb; namespace scoping is left to the Intent."""
        args: list[str] = []
        if self.kubeconfig:
            args += ["--kubeconfig", self.kubeconfig]
        if self.context:
            args += ["--context", self.context]
        if self.as_user:
            args += ["--as", self.as_user]
        for group in self.as_groups:
            args += ["--as-group", group]
        if self.request_timeout:
            args += ["--request-timeout", self.request_timeout]
        return args

    def env(self) -> dict[str, str]:
        """Environment for the kubectl child: the user's, with KUBECONFIG when given as a list."""
        env = dict(os.environ)
        # A kuberc (kubectl ≥ 1.33) can add default flags and aliases the safety checks never see;
        # the command that runs must be exactly the one that was assessed.
        env["KUBERC"] = "off"
        if self.kubeconfig and os.pathsep in self.kubeconfig:
            env["KUBECONFIG"] = self.kubeconfig
        return env

    def kubeconfig_paths(self) -> list[str]:
        """The kubeconfig file(s) in effect, in kubectl's order of precedence."""
        raw = self.kubeconfig or os.environ.get("KUBECONFIG") or str(Path.home() / ".kube" / "config")
        return [p for p in raw.split(os.pathsep) if p]

    def argv_global_args(self) -> list[str]:
        # A path list cannot go through --kubeconfig; it travels in KUBECONFIG instead (env()).
        args = self.global_args()
        if self.kubeconfig and os.pathsep in self.kubeconfig:
            i = args.index("--kubeconfig")
            del args[i : i + 2]
        return args


def kubectl_path() -> str | None:
    """kubectl from KUBECHAT_KUBECTL, PATH, or the project's built binaries; None when none is."""
    return paths.find_binary("kubectl", "KUBECHAT_KUBECTL")


def find_kubectl() -> str:
    """kubectl_path(), or a clear error when there is no kubectl."""
    found = kubectl_path()
    if found:
        return found
    raise MissingBinaryError(
        "kubectl was not found on PATH", hint="install kubectl, or set KUBECHAT_KUBECTL=/path/to/kubectl"
    )
