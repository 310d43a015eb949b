"""`kubectl chat translate`: plain-language requests → kubectl commands, without running them."""

from __future__ import annotations

import importlib
import json
import sys

import click


def _risk(argv: list[str] | None) -> str | None:
    """The risk class from kubechat.safety.risk when that module is present (never guessed here)."""
    if not argv:
        return None
    try:
        mod = importlib.import_module("kubechat.safety.risk")
    except ImportError:
        return None
    value = mod.classify(argv)
    return getattr(value, "value", value)


def translate_lines(lines, *, offline: bool, model_path: str | None, use_model: bool, err=None) -> list[dict]:
    """Translate each non-empty line. The model is loaded at most once for the whole batch, and
    only when the rules are unsure of some request; if it cannot load, the batch goes on with
    the rule parser and one warning is printed."""
    from ..translate import translate
    from ..translate.resources import BUILTIN_TABLE

    table = BUILTIN_TABLE if offline else None
    warned = False
    out = []
    for raw in lines:
        request = raw.rstrip("\n")
        if not request.strip():
            continue
        t = translate(request, offline=offline, use_model=use_model, model_path=model_path, table=table)
        problem = next((n for n in t.notes if n.startswith("model unavailable")), None)
        if problem and err is not None and not warned:
            click.echo(f"warning: {problem}; continuing with the rule parser only", err=True)
            warned = True
        out.append(
            {
                "input": request,
                "command": t.command,
                "argv": t.argv,
                "caveats": t.caveats,
                "risk": _risk(t.argv),
                "source": t.source,
                "clarification": t.clarification,
                "confidence": t.confidence,
                "latency_ms": t.latency_ms,
            }
        )
    return out


@click.command("translate")
@click.argument("request", nargs=-1)
@click.option("--offline", is_flag=True, help="Never contact a cluster; the current namespace is 'default'.")
@click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="A GGUF model file for requests the rules are unsure of (default: the embedded model).",
)
@click.option("--rules-only", is_flag=True, help="Use the deterministic parser only, never the model.")
@click.option(
    "--jsonl", is_flag=True, help="Read one request per line from stdin; write one JSON object per line."
)
def translate(
    request: tuple[str, ...], offline: bool, model_path: str | None, rules_only: bool, jsonl: bool
) -> None:
    """Translate plain-language requests into kubectl commands (nothing is run).

    \b
    Examples:
      kubectl chat translate "scale web in prod to 3"
      kubectl chat translate --offline --jsonl < requests.txt

    Each JSON line has: input, command, argv, caveats (what kubectl cannot express of the request),
    risk, source, clarification, confidence, latency_ms.
    """
    if jsonl:
        lines = sys.stdin
    elif request:
        lines = [" ".join(request)]
    else:
        raise click.UsageError("give a request, or --jsonl with requests on stdin")
    results = translate_lines(
        lines, offline=offline, model_path=model_path, use_model=not rules_only, err=True
    )
    for r in results:
        if jsonl:
            click.echo(json.dumps(r, ensure_ascii=False))
        elif r["command"]:
            for c in r["caveats"]:  # before the command, on stderr: a pipe still gets the command alone
                click.echo(f"note: {c}", err=True)
            click.echo(r["command"])
        else:
            click.echo(f"? {r['clarification']}")
