"""Expand hand-written (request, kubectl argv) seed pairs into the training corpus.

Each seed yields variants: the names, namespaces, numbers, durations, images and label values
that the request and the command share are swapped for others, consistently in both (one pass,
so a new value is never swapped again); then the request alone gets surface noise (casing, typos
in words that carry no value, prefixes and suffixes, the namespace phrase moved, punctuation
dropped). A pair is kept only when its command passes the product's own checks (the kubectl
grammar gate and translation's validator) and its request shares no five-word run with an
evaluation request.

    .venv/bin/python training/corpus/generate.py            # writes training/corpus/data/
    .venv/bin/python training/corpus/generate.py --check    # regenerates and compares
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import re
import shlex
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `training` and `kubechat` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kubechat.intent import Intent
from kubechat.safety import grammar
from kubechat.safety.command import ParseError, parse
from kubechat.translate.resources import BUILTIN_TABLE
from kubechat.translate.validate import ValidationIssue, validate
from training.corpus import eval_overlap

HERE = Path(__file__).resolve().parent
SEED_DIR = HERE / "seeds"
DATA_DIR = HERE / "data"
# Bump when the seeds or the generator change what is emitted.
DATA_VERSION = "2"
CORPUS_NAME = f"kubectl-corpus-v{DATA_VERSION}.jsonl.gz"
MANIFEST_NAME = f"kubectl-corpus-v{DATA_VERSION}.manifest.json"
DEFAULT_SEED = 20261129
DEFAULT_VARIANTS = 40
# The evaluation sets the product is measured on, plus held-out sets kept outside the repository
# for later rounds (KUBECHAT_HELDOUT_GLOBS: glob patterns separated by the path separator).
EVAL_PATTERNS = (
    *eval_overlap.EVAL_GLOBS,
    *filter(None, os.environ.get("KUBECHAT_HELDOUT_GLOBS", "").split(os.pathsep)),
)

# ---- value pools ---------------------------------------------------------------------------
# Object names, many of them ordinary English words: requests name things "status" or "river".
NAMES = (
    "web", "api", "frontend", "backend", "payments", "checkout", "orders-api", "auth-svc", "worker",
    "billing", "cart", "search", "inventory", "ledger", "mailer", "notifier", "gateway", "redis-cache",
    "postgres", "kafka-broker", "image-resizer", "user-profile", "metrics-agent", "shop-ui", "geo-lookup",
    "apple", "river", "garden", "status", "summary", "marble", "harbor", "lantern", "maple", "pepper",
    "falcon", "copper", "meadow", "signal", "ticket", "report", "backup", "queue", "reader", "bridge",
    "compass", "sparrow", "thunder", "velvet", "window", "journal", "anchor", "pilot", "orbit", "tango",
)  # fmt: skip
NAMESPACES = (
    "prod", "production", "staging", "dev", "qa", "team-a", "team-b", "payments", "monitoring",
    "default", "ops", "data", "ml", "edge", "platform", "shop", "internal", "sandbox", "demo",
    "garden", "ocean", "forest", "blue", "orange", "north", "alpha", "lemon", "violet", "canyon",
)  # fmt: skip
IMAGES = (
    "nginx:1.27", "nginx:1.25-alpine", "redis:7.2", "busybox:1.36", "postgres:16", "httpd:2.4",
    "python:3.12-slim", "alpine:3.20", "ghcr.io/acme/api:v2.3.1", "quay.io/team/worker:1.8.0",
    "registry.example.com/shop/web:2026.11", "mysql:8.4", "node:22-alpine", "traefik:v3.1",
)  # fmt: skip
NODES = (
    "node-1", "node-2", "node-3", "node-7", "node-12", "worker-1", "worker-4", "pool-a-3", "gpu-node-2",
    "ip-10-0-1-23", "ip-10-0-3-117", "kind-worker", "edge-node-5", "infra-2", "spot-6",
)  # fmt: skip
DURATIONS = ("30s", "45s", "90s", "2m", "5m", "10m", "15m", "30m", "1h", "2h", "6h", "12h", "24h")
NUMBER_POOLS = (
    (0, 9, tuple(range(0, 10))),
    (10, 99, (10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 80, 90)),
    (100, 999, (100, 120, 150, 200, 250, 300, 400, 443, 500, 800)),
    (1000, 65535, (1000, 2000, 3000, 3306, 5000, 5432, 6379, 8000, 8080, 8443, 9000, 9090)),
)

# ---- request noise -------------------------------------------------------------------------
PREFIXES = (
    "hey ", "pls ", "please ", "can you ", "could you ", "quick one: ", "urgent - ", "i need to ",
    "help me ", "yo ", "kindly ", "ok so ", "hi, ", "asap: ", "hmm, ", "right, ", "go ahead and ",
)  # fmt: skip
SUFFIXES = (" please", " thanks", " pls", " asap", " ty", "?", ".", "!!", " thx", " now", " for me")
_NS_PHRASE = re.compile(
    r"\s*,?\s*\b(?:in|on|from|inside)\s+(?:the\s+)?(?:namespace\s+|ns\s+)?(\S+)(?:\s+(?:namespace|ns))?\b"
)
_PLAIN_WORD = re.compile(r"^[a-z]{4,}$")


@dataclass
class Seed:
    request: str
    argv: list[str] | None  # None: no single command answers it (the translator must ask)
    origin: str  # "file:line"


@dataclass
class Pair:
    request: str
    argv: list[str] | None
    origin: str
    swapped: dict[str, str] = field(default_factory=dict)  # old value → new value

    def record(self) -> dict:
        return {"request": self.request, "argv": self.argv, "seed": self.origin}


# ---- seeds ---------------------------------------------------------------------------------
def normalise_argv(argv: list[str] | str | None) -> list[str] | None:
    if argv is None:
        return None
    words = shlex.split(argv) if isinstance(argv, str) else [str(w) for w in argv]
    return words[1:] if words and words[0] == "kubectl" else words


def read_seeds(paths: list[Path]) -> list[Seed]:
    seeds: list[Seed] = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            seeds.append(Seed(row["request"].strip(), normalise_argv(row["argv"]), f"{path.name}:{n}"))
    return seeds


# ---- the label check -----------------------------------------------------------------------
def label_problems(argv: list[str]) -> list[str]:
    """Why the product would not accept argv as a translation; [] when it would."""
    problems = grammar.violations(argv)
    if problems:
        return problems
    try:
        validate(Intent.from_argv(argv), BUILTIN_TABLE)
    except (ValidationIssue, ValueError) as exc:
        return [str(exc)]
    return []


# ---- slots: values the request and the command share ----------------------------------------
def _boundary(value: str) -> str:
    # not inside a longer word or dashed name; a sentence's full stop may follow
    return rf"(?<![\w\-]){re.escape(value)}(?![\w\-]|\.\w)"


def occurs(value: str, text: str, *, ignore_case: bool = True) -> bool:
    return re.search(_boundary(value), text, re.IGNORECASE if ignore_case else 0) is not None


_NUMBER = re.compile(r"(?<![\w.\-])\d+(?![\w.\-])")
_DURATION = re.compile(r"^\d+[smh]$")


def slots(argv: list[str]) -> dict[str, str]:
    """value → kind (name, node, namespace, label, image, number, duration) for the values of argv that
    may be swapped; what is not listed (verbs, types, flag words, formats) is never touched."""
    found: dict[str, str] = {}

    try:
        cmd = parse(argv)
    except ParseError:
        return found
    command_words = {cmd.verb, cmd.subcommand}  # `events -n events`: the verb stays

    def add(value: str | None, kind: str) -> None:
        if value and value not in found and value != "-" and value not in command_words:
            found[value] = kind

    add(cmd.value("--image"), "image")
    if cmd.verb == "set" and cmd.subcommand == "image":
        for arg in cmd.objects:
            if "=" in arg:
                container, image = arg.split("=", 1)
                add(image, "image")
                add(container, "name")
    add(cmd.value("--namespace"), "namespace")
    add(cmd.value("--container"), "name")
    for value in (cmd.value(f) for f in ("--since", "--timeout", "--grace-period", "--duration")):
        if value and _DURATION.match(value):
            add(value, "duration")
    selector = cmd.value("--selector") or ""
    for term in re.split(r"[,\s]+", selector):
        key, eq, value = term.partition("=")
        if eq and re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", value):
            add(value, "label")
    for term in (cmd.value("--field-selector") or "").split(","):
        key, eq, value = term.partition("=")
        if eq and key in ("spec.nodeName", "metadata.name"):
            add(value, "node" if key == "spec.nodeName" else "name")
    if cmd.verb in ("label", "annotate"):
        for arg in cmd.objects:
            key, eq, value = arg.partition("=")
            if eq and re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", value):
                add(value, "label")
    spec = cmd.spec
    if spec is not None and spec.objects:
        resource, names = cmd.targets()
        kind = "node" if BUILTIN_TABLE.canonical(resource) == "nodes" else "name"
        for name in names:
            if grammar.NAME.match(name) and BUILTIN_TABLE.get(name) is None:
                add(name, kind)
    for word in argv:
        for m in _NUMBER.finditer(word):
            add(m.group(), "number")
    return found


def _new_value(kind: str, old: str, rng: random.Random, taken: set[str], olds: list[str]) -> str | None:
    if kind == "number":
        n = int(old)
        pool = next((p for lo, hi, p in NUMBER_POOLS if lo <= n <= hi), ())
        choices = [str(v) for v in pool]
    else:
        choices = list(
            {
                "name": NAMES,
                "label": NAMES,
                "node": NODES,
                "namespace": NAMESPACES,
                "image": IMAGES,
                "duration": DURATIONS,
            }[kind]
        )
    # a new value never contains a value being swapped ("web" inside ".../web:1.0"): the request
    # would still carry the old value as a word of its own
    choices = [c for c in choices if c.lower() not in taken and not any(occurs(o, c) for o in olds)]
    return rng.choice(choices) if choices else None


def substitute(seed: Seed, rng: random.Random) -> Pair:
    """One variant of seed with every shared value swapped, in request and argv alike."""
    if seed.argv is None:  # no command to keep consistent with: the request is reworded only
        return Pair(seed.request, None, seed.origin)
    found = slots(seed.argv)
    shared = {v: k for v, k in found.items() if occurs(v, seed.request)}
    # an image the request does not spell out stays whole: `run netshoot` keeps nicolaka/netshoot
    kept_images = [v for v, k in found.items() if k == "image" and v not in shared]
    shared = {
        v: k for v, k in shared.items() if not any(occurs(v, i, ignore_case=False) for i in kept_images)
    }
    if not shared:
        return Pair(seed.request, list(seed.argv), seed.origin)
    taken = {w.lower() for w in re.findall(r"[\w.:/\-]+", seed.request)} | {a.lower() for a in seed.argv}
    mapping: dict[str, str] = {}
    for old, kind in shared.items():
        if rng.random() < 0.15:  # keep some values as they were
            continue
        new = _new_value(kind, old, rng, taken, list(shared))
        if new is not None:
            mapping[old] = new
            taken.add(new.lower())
    if not mapping:
        return Pair(seed.request, list(seed.argv), seed.origin)
    olds = sorted(mapping, key=len, reverse=True)
    pattern = "|".join(_boundary(o) for o in olds)
    by_lower = {o.lower(): mapping[o] for o in olds}
    request = re.sub(pattern, lambda m: by_lower[m.group().lower()], seed.request, flags=re.IGNORECASE)
    argv = [re.sub(pattern, lambda m: mapping[m.group()], word) for word in seed.argv]
    # a value found only inside a longer one ("16" in "postgres:16") went with it
    swapped = {old: new for old, new in mapping.items() if occurs(new, request)}
    return Pair(request, argv, seed.origin, swapped)


# ---- surface noise on the request ----------------------------------------------------------
def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _add_typos(request: str, protected: set[str], rng: random.Random) -> str:
    tokens = request.split(" ")
    candidates = [i for i, t in enumerate(tokens) if _PLAIN_WORD.match(t) and t.lower() not in protected]
    for i in rng.sample(candidates, k=min(len(candidates), rng.choice((1, 1, 2)))):
        tokens[i] = _typo(tokens[i], rng)
    return " ".join(tokens)


def _move_namespace(request: str, namespace: str, rng: random.Random) -> str:
    m = next(
        (m for m in _NS_PHRASE.finditer(request) if m.group(1).strip(".,?!").lower() == namespace.lower()),
        None,
    )
    if m is None:
        return request
    phrase = m.group().strip(" ,")
    rest = (request[: m.start()] + request[m.end() :]).strip(" ,")
    if not rest:
        return request
    if rng.random() < 0.5:
        return f"{phrase}, {rest}"
    return f"{rest.rstrip('.?!')} {phrase}"


def noisy(pair: Pair, rng: random.Random) -> Pair:
    """The same pair with the request said differently; the values it carries stay intact."""
    request = pair.request
    protected = {w.lower() for w in pair.argv or ()} | {v.lower() for v in pair.swapped.values()}
    try:
        namespace = parse(pair.argv).value("--namespace") if pair.argv else None
    except ParseError:
        namespace = None
    if namespace and rng.random() < 0.3:
        request = _move_namespace(request, namespace, rng)
    if rng.random() < 0.25:
        request = _add_typos(request, protected, rng)
    if rng.random() < 0.25:
        request = rng.choice(PREFIXES) + request[:1].lower() + request[1:]
    if rng.random() < 0.2:
        request = request.rstrip(".?! ") + rng.choice(SUFFIXES)
    roll = rng.random()
    if roll < 0.15:
        request = request.lower()
    elif roll < 0.25:
        request = request[:1].upper() + request[1:]
    if rng.random() < 0.1:
        request = re.sub(r"[,.?!]+(?=\s|$)", "", request)  # sentence marks, never a value's dots
    return Pair(request, pair.argv, pair.origin, pair.swapped)


# ---- the corpus ----------------------------------------------------------------------------
@dataclass
class Tally:
    seeds: int = 0
    seeds_invalid: int = 0
    seeds_eval_overlap: int = 0
    variants: int = 0
    variants_invalid: int = 0
    variants_eval_overlap: int = 0
    duplicates: int = 0
    reasons: Counter = field(default_factory=Counter)

    def drop(self, stage: str, why: str) -> None:
        """Count a pair left out: stage "seeds" or "variants", why "invalid" or "eval_overlap"."""
        name = f"{stage}_{why}"
        setattr(self, name, getattr(self, name) + 1)


def _rejection(request: str, argv: list[str], grams: set[tuple[str, ...]], tally: Tally) -> str | None:
    """Why a pair stays out of the corpus ("invalid" label, "eval_overlap" wording), or None."""
    problems = label_problems(argv) if argv is not None else []
    if problems:
        tally.reasons[problems[0][:60]] += 1
        return "invalid"
    if eval_overlap.shares_ngram(request, grams):
        return "eval_overlap"
    return None


def expand(
    seeds: list[Seed], *, seed: int, variants: int, grams: set[tuple[str, ...]], tally: Tally | None = None
) -> list[Pair]:
    """The corpus: per seed, the seed itself and up to `variants` distinct variants, every one
    checked. Each seed has its own random stream, so adding seeds leaves the others' variants as
    they were."""
    tally = tally if tally is not None else Tally()
    out: list[Pair] = []
    seen: set[str] = set()
    for s in seeds:
        tally.seeds += 1
        why = _rejection(s.request, s.argv, grams, tally)
        if why:
            tally.drop("seeds", why)
            continue
        rng = random.Random(f"{seed}:{s.origin}")
        candidates = [Pair(s.request, s.argv and list(s.argv), s.origin)]
        for _ in range(variants * 2):
            candidates.append(noisy(substitute(s, rng), rng))
        kept = 0
        for pair in candidates:
            if kept > variants:
                break
            key = " ".join(pair.request.lower().split()) + "\x00" + " ".join(pair.argv or ["?"])
            if key in seen:
                tally.duplicates += 1
                continue
            seen.add(key)
            tally.variants += 1
            why = _rejection(pair.request, pair.argv, grams, tally)
            if why:
                tally.drop("variants", why)
                continue
            out.append(pair)
            kept += 1
    return out


def encode(pairs: list[Pair]) -> bytes:
    """jsonl.gz with no timestamp or file name inside: the same pairs give the same bytes."""
    raw = "".join(json.dumps(p.record(), ensure_ascii=False, sort_keys=True) + "\n" for p in pairs)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(raw.encode("utf-8"))
    return buf.getvalue()


def seed_files() -> list[Path]:
    return sorted(SEED_DIR.glob("*.jsonl"))


def build(seed: int = DEFAULT_SEED, variants: int = DEFAULT_VARIANTS) -> tuple[bytes, dict]:
    files = seed_files()
    grams = eval_overlap.eval_ngrams(EVAL_PATTERNS)
    tally = Tally()
    pairs = expand(read_seeds(files), seed=seed, variants=variants, grams=grams, tally=tally)
    blob = encode(pairs)
    checked = tally.variants
    manifest = {
        "data_version": DATA_VERSION,
        "file": CORPUS_NAME,
        "sha256": hashlib.sha256(blob).hexdigest(),
        "pairs": len(pairs),
        "pairs_without_command": sum(p.argv is None for p in pairs),
        "generator_seed": seed,
        "variants_per_seed": variants,
        "seed_files": {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files},
        "seeds": tally.seeds,
        "seeds_dropped_invalid_label": tally.seeds_invalid,
        "seeds_dropped_eval_overlap": tally.seeds_eval_overlap,
        "variants_checked": checked,
        "variants_dropped_invalid_label": tally.variants_invalid,
        "variants_dropped_eval_overlap": tally.variants_eval_overlap,
        "duplicates_skipped": tally.duplicates,
        "validator_drop_rate": round(tally.variants_invalid / checked, 4) if checked else 0.0,
        "eval_files_checked": len(eval_overlap.eval_files(EVAL_PATTERNS)),
        "drop_reasons": dict(tally.reasons.most_common(20)),
    }
    return blob, manifest


def read_corpus(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--variants", type=int, default=DEFAULT_VARIANTS, help="variants per seed pair")
    ap.add_argument("--out", type=Path, default=DATA_DIR)
    ap.add_argument("--check", action="store_true", help="regenerate and compare with the committed corpus")
    args = ap.parse_args(argv)
    if not seed_files():
        print(f"error: no seed files in {SEED_DIR}", file=sys.stderr)
        return 1
    blob, manifest = build(args.seed, args.variants)
    target = args.out / CORPUS_NAME
    if args.check:
        same = target.is_file() and target.read_bytes() == blob
        print(f"{target}: {'up to date' if same else 'differs from a fresh build'}")
        return 0 if same else 1
    args.out.mkdir(parents=True, exist_ok=True)
    target.write_bytes(blob)
    (args.out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(
        f"{target}: {manifest['pairs']} pairs from {manifest['seeds']} seeds; "
        f"labels dropped {manifest['variants_dropped_invalid_label']}/{manifest['variants_checked']} "
        f"variants, {manifest['seeds_dropped_invalid_label']} seeds; eval overlap dropped "
        f"{manifest['variants_dropped_eval_overlap'] + manifest['seeds_dropped_eval_overlap']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
