""" "Why is X failing?": the read-only checks a person would run — get the object, its pods,
recent events, the previous container's logs — and a short summary of what they show.
Only `get`/`logs` reads are asked for, one at a time (each depends on what the last one showed),
through the caller's `read`: it checks the read like any command (policy, RBAC), runs it,
records it, and answers with kubectl's result or with why it was not run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .execute import ExecResult

# A read: kubectl's result when it ran, else one line saying why it did not.
Read = Callable[[list[str]], "ExecResult | str"]

_WHY = re.compile(
    r"^\s*(?:why\s+(?:is|are|does|do)|what(?:'s| is)\s+wrong\s+with|diagnose|troubleshoot|debug)\s+"
    r"(?:the\s+|my\s+)?(?:(?P<kind>pod|deployment|deploy)\s+)?['\"]?(?P<name>[a-z0-9]([-a-z0-9.]*[a-z0-9])?)['\"]?"
    r"(?:\s+(?:pod|deployment))?"
    r"(?:\s+(?:failing|crashing|broken|down|not\s+ready|not\s+running|pending|restarting|unhealthy|keep\s+crashing|fail))?"
    r"(?:\s+(?:in|on)\s+(?:the\s+)?(?:namespace\s+)?(?P<ns>[a-z0-9]([-a-z0-9]*[a-z0-9])?)(?:\s+namespace)?)?\s*\??\s*$",
    re.I,
)


@dataclass
class Finding:
    steps: list[list[str]] = field(default_factory=list)  # argv of every read that ran
    facts: list[str] = field(default_factory=list)
    summary: str = ""


def parse_request(text: str) -> tuple[str, str, str | None] | None:
    """(kind, name, namespace) when the request asks why something fails; else None."""
    m = _WHY.match(text)
    if not m:
        return None
    kind = (m.group("kind") or "").lower()
    return ("deployment" if kind.startswith("deploy") else kind or "auto", m.group("name"), m.group("ns"))


def _run(argv: list[str], read: Read, finding: Finding):
    """kubectl's result of one read, or None when it was not run (the reason becomes a fact)."""
    res = read(argv)
    if isinstance(res, str):
        finding.facts.append(res)
        return None
    finding.steps.append(argv)
    return res


def _get_json(argv: list[str], read: Read, finding: Finding) -> dict | None:
    res = _run(argv, read, finding)
    if res is None or res.exit_code != 0:
        return None
    try:
        return json.loads(res.stdout)
    except ValueError:
        return None


def _pod_facts(pod: dict) -> list[str]:
    facts = []
    name = pod["metadata"]["name"]
    status = pod.get("status", {})
    phase = status.get("phase", "Unknown")
    for cond in status.get("conditions", []):
        if cond.get("type") == "PodScheduled" and cond.get("status") == "False":
            facts.append(
                f"pod {name} is not scheduled: {cond.get('reason')}: {cond.get('message', '').strip()}"
            )
    for cs in status.get("containerStatuses", []) or []:
        waiting = (cs.get("state") or {}).get("waiting")
        last = (cs.get("lastState") or {}).get("terminated")
        restarts = cs.get("restartCount", 0)
        if waiting:
            facts.append(
                f"container {cs['name']} in pod {name} is waiting: {waiting.get('reason')}"
                + (f" ({waiting.get('message')})" if waiting.get("message") else "")
            )
        if last:
            facts.append(
                f"its last run ended with exit code {last.get('exitCode')} ({last.get('reason')})"
                + (f": {last.get('message')}" if last.get("message") else "")
            )
        if restarts:
            facts.append(f"container {cs['name']} has restarted {restarts} times")
    if not facts and phase not in ("Running", "Succeeded"):
        facts.append(f"pod {name} is {phase}")
    return facts


def diagnose(kind: str, name: str, namespace: str | None, read: Read) -> Finding:
    """Ask for the reads one at a time (each depends on what the last one showed) and summarise."""
    finding = Finding()
    ns = ["-n", namespace] if namespace else []

    def get(argv):
        return _get_json(argv, read, finding)

    pods: list[dict] = []
    if kind in ("pod", "auto"):
        pod = get(["get", "pod", name, *ns, "-o", "json"])
        if pod:
            pods = [pod]
    if not pods and kind in ("deployment", "auto"):
        dep = get(["get", "deployment", name, *ns, "-o", "json"])
        if dep:
            want, ready = dep["spec"].get("replicas", 1), dep.get("status", {}).get("readyReplicas", 0) or 0
            finding.facts.append(f"deployment {name} has {ready}/{want} replicas ready")
            labels = dep["spec"]["selector"].get("matchLabels", {})
            selector = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
            listed = get(["get", "pods", *ns, "-l", selector, "-o", "json"]) if selector else None
            pods = (listed or {}).get("items", [])
    if not pods and not finding.facts:
        finding.summary = f"found no pod or deployment named {name}" + (
            f" in {namespace}" if namespace else ""
        )
        return finding
    for pod in pods:
        finding.facts += _pod_facts(pod)
        pod_name = pod["metadata"]["name"]
        events = get(
            ["get", "events", *ns, "--field-selector", f"involvedObject.name={pod_name}", "-o", "json"]
        )
        for ev in (events or {}).get("items", [])[-5:]:
            if ev.get("type") == "Warning":
                finding.facts.append(f"event {ev.get('reason')}: {ev.get('message', '').strip()}")
        restarted = any(
            cs.get("restartCount", 0) for cs in pod.get("status", {}).get("containerStatuses", []) or []
        )
        if restarted:
            res = _run(["logs", pod_name, *ns, "--previous", "--tail=20"], read, finding)
            if res is not None and res.exit_code == 0 and res.stdout.strip():
                finding.facts.append("previous logs end with: " + res.stdout.strip().splitlines()[-1])
            elif res is not None:
                finding.facts.append("previous container logs are not available")
    problems = [f for f in finding.facts if "ready" not in f or "0/" in f]
    finding.summary = (
        "; ".join(problems[:3])
        if problems
        else f"{name} looks healthy: no waiting containers, restarts or warnings"
    )
    return finding
