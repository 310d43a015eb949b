"""`kubectl_complete-chat`: shell completion through kubectl (≥ 1.26). kubectl runs this program
with the words typed after `kubectl chat`, the last one being the word to complete, and reads
Cobra's protocol back: one candidate per line, then `:<directive>` (4 = no file completion)."""

from __future__ import annotations

import subprocess
import sys

from .kubeconfig_info import _load
from .kubectl_options import KubectlOptions, find_kubectl

NO_FILE_COMP = 4
SUBCOMMANDS = ["ask", "audit", "collector", "model", "policy", "sandbox", "translate"]
FLAGS = [
    "--kubeconfig",
    "--context",
    "--namespace",
    "--all-namespaces",
    "--as",
    "--as-group",
    "--request-timeout",
    "--write",
    "--yes",
    "--dry-run",
    "--plain",
    "--output",
    "--output-format",
    "--offline",
    "--model",
    "--no-model",
    "--session",
    "--new",
    "--help",
    "--version",
]
# kubectl's -o values (passed to the kubectl that runs) and kubectl chat's own result formats.
KUBECTL_OUTPUTS = ["wide", "yaml", "json", "name", "jsonpath=", "custom-columns=", "go-template="]
RESULT_FORMATS = ["text", "chat-json"]
EXAMPLES = [
    '"list pods"',
    '"show failing pods"',
    '"describe deployment "',
    '"scale deployment "',
    '"logs of "',
]


def _namespaces(words: list[str]) -> list[str]:
    opts = KubectlOptions()
    for i, w in enumerate(words[:-1]):
        if w == "--kubeconfig":
            opts.kubeconfig = words[i + 1]
        if w == "--context":
            opts.context = words[i + 1]
    try:
        out = subprocess.run(
            [
                find_kubectl(),
                *opts.argv_global_args(),
                "get",
                "namespaces",
                "-o",
                "name",
                "--request-timeout=3s",
            ],
            capture_output=True,
            text=True,
            timeout=5,
            env=opts.env(),
        )
    except Exception:  # completion must never break the user's shell
        return []
    return [n.split("/", 1)[-1] for n in out.stdout.split()] if out.returncode == 0 else []


def candidates(words: list[str]) -> list[str]:
    """Completions for the last word of `words` (the words after `kubectl chat`)."""
    if not words:
        words = [""]
    current, previous = words[-1], words[-2] if len(words) > 1 else ""
    if previous in ("-n", "--namespace"):
        return [n for n in _namespaces(words) if n.startswith(current)]
    if previous in ("-o", "--output"):
        return [f for f in KUBECTL_OUTPUTS if f.startswith(current)]
    if previous == "--output-format":
        return [f for f in RESULT_FORMATS if f.startswith(current)]
    if previous == "--context":
        names = [c.get("name", "") for c in _load(KubectlOptions().kubeconfig_paths())["contexts"]]
        return [n for n in names if n.startswith(current)]
    if current.startswith("-"):
        return [f for f in FLAGS if f.startswith(current)]
    if len(words) == 1:
        return [c for c in SUBCOMMANDS + EXAMPLES if c.startswith(current)]
    return []


def main(argv: list[str] | None = None) -> None:
    words = sys.argv[1:] if argv is None else argv
    for c in candidates(words):
        print(c)
    print(f":{NO_FILE_COMP}")
