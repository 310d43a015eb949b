"""The model path: a local GGUF model (llama.cpp) chooses among candidate commands.

The default model is a 270M *base* model: it cannot be trusted to write commands freely (it
loops and invents flags). So the rules' slot readers propose candidates built only from what
the request contains (verbs, resource types, names, numbers, namespace), and the model picks one
by completing a few-shot prompt under a per-request GBNF grammar whose only sentences are those
candidates. The choice is parsed back into an Intent and validated like any other.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from pathlib import Path

from ..errors import ModelError
from ..intent import Intent
from . import rules
from .examples import nearest
from .resources import ResourceTable
from .text import mask_quotes, repair

N_CTX = 512
N_THREADS = 2
MAX_CANDIDATES = 48
GGUF_MAGIC = b"GGUF"

_lock = threading.Lock()
_cached: dict[str, ModelTranslator | ModelError] = {}


def default_model_path() -> Path:
    """The verified default model (assembled once from the embedded package, never downloaded)."""
    from ..models import store

    return store.local_model()


def _check_gguf(path: Path) -> None:
    if not path.is_file():
        raise ModelError(
            f"model file {path} does not exist", hint="pass --model PATH to a .gguf file, or omit it"
        )
    with path.open("rb") as fh:
        if fh.read(4) != GGUF_MAGIC:
            raise ModelError(
                f"model file {path} is not a GGUF file (corrupt or wrong format)",
                hint="re-install it: kubectl chat model install",
            )


def get_model(model_path: str | None = None) -> ModelTranslator:
    """A loaded model, shared per path and loaded on first use only. A failure is remembered
    too, so a batch with a broken model does not retry the load for every request."""
    key = str(model_path or "")
    with _lock:
        if key not in _cached:
            try:
                _cached[key] = ModelTranslator.load(model_path)
            except ModelError as exc:
                _cached[key] = exc
        found = _cached[key]
    if isinstance(found, ModelError):
        raise found
    return found


def warm_up(model_path: str | None = None) -> threading.Thread:
    """Start loading the model in the background (an interactive session can call this at
    start-up so the first unsure request does not wait for the load); errors surface later,
    from get_model(), as ModelError."""
    thread = threading.Thread(target=lambda: _quiet_load(model_path), name="kubechat-model-load", daemon=True)
    thread.start()
    return thread


def _quiet_load(model_path: str | None) -> None:
    try:
        get_model(model_path)
    except ModelError:
        pass  # remembered by get_model and raised to the caller that needs the model


_log_sink = None  # the no-op log callback; kept referenced so ctypes never frees it


def _silence_llama_log() -> None:
    """llama.cpp logs through a C callback (llama-cpp-python's own prints warnings to stderr even
    with verbose=False, e.g. about the KV cache on the first evaluation): replace it with one that
    drops everything. A failed load still reaches the user, as ModelError."""
    global _log_sink
    if _log_sink is not None:
        return
    import ctypes

    import llama_cpp

    _log_sink = llama_cpp.llama_log_callback(lambda level, text, user_data: None)
    llama_cpp.llama_log_set(_log_sink, ctypes.c_void_p(0))


@contextlib.contextmanager
def _c_stderr_silenced():
    """File descriptor 2 points at /dev/null while the C library loads: backends and the model
    loader may write to it directly, past any callback."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable stderr: nothing to protect
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class ModelTranslator:
    def __init__(self, llm, path: Path):
        self.llm = llm
        self.path = path

    @classmethod
    def load(cls, model_path: str | Path | None = None) -> ModelTranslator:
        path = Path(model_path).expanduser() if model_path else default_model_path()
        _check_gguf(path)
        if model_path:
            from ..models import store

            store.check_file(path)  # a registry model's file must match its sha256
        # With 2 threads on a shared machine, spinning OpenMP workers cost more than they save.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        with _c_stderr_silenced():
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ModelError(
                    "llama-cpp-python is not installed, so the model path is off",
                    hint="pip install llama-cpp-python (rule-based translation still works)",
                ) from exc
            _silence_llama_log()
            try:
                llm = Llama(
                    model_path=str(path),
                    n_ctx=N_CTX,
                    n_threads=N_THREADS,
                    n_threads_batch=N_THREADS,
                    n_batch=N_CTX,
                    verbose=False,
                    use_mmap=True,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelError(
                    f"could not load model {path}: {exc}", hint="check that it is a valid GGUF model"
                ) from exc
        return cls(llm, path)

    # ------------------------------------------------------------------------------------------
    def translate(
        self, request: str, table: ResourceTable, hint: rules.RuleResult | None = None
    ) -> Intent | None:
        cands = candidates(request, table, hint)
        if not cands:
            return None
        if len(cands) == 1:
            return Intent.from_argv(cands[0])
        options = [" ".join(_quote(a) for a in c) for c in cands]
        if os.environ.get("KUBECHAT_MODEL_DECODER") == "gbnf":
            choice = self.choose_with_grammar(request, options)
        else:
            choice = self.choose(request, options)
            if getattr(self, "margin", 0.0) < MIN_MARGIN:
                return None  # a near tie between readings is a question, not a coin toss
        if choice is None:
            return None
        for c in cands:
            if " ".join(_quote(a) for a in c) == choice:
                return Intent.from_argv(c)
        return None

    def _eval_prompt(self, tokens: list[int]) -> None:
        """Evaluate the prompt, reusing the KV cache for the prefix shared with the last one
        (the fixed header of the prompt is evaluated once per process)."""
        llm = self.llm
        done = list(llm.input_ids[: llm.n_tokens]) if llm.n_tokens else []
        common = 0
        for a, b in zip(done, tokens[:-1], strict=False):
            if a != b:
                break
            common += 1
        llm.n_tokens = common
        llm.eval(tokens[common:])

    def choose_with_grammar(self, request: str, options: list[str]) -> str | None:
        """The same choice made by llama.cpp's GBNF sampler (`candidate_grammar(options)`).
        Equivalent to `choose`, but it masks the whole vocabulary at each step: seconds per
        request with this model, so `choose` is the default (KUBECHAT_MODEL_DECODER=gbnf
        selects this one)."""
        from llama_cpp import LlamaGrammar

        grammar = LlamaGrammar.from_string(candidate_grammar(options), verbose=False)
        longest = max(len(self.llm.tokenize((" " + o).encode(), add_bos=False)) for o in options)
        out = self.llm.create_completion(
            build_prompt(request) + " ", grammar=grammar, max_tokens=longest + 8, temperature=0.0, top_k=1
        )
        text = out["choices"][0]["text"].strip()
        return text if text in options else None

    def choose(self, request: str, options: list[str]) -> str | None:
        """The option the model prefers after the few-shot prompt.

        Constrained greedy decoding over the token trie of the options: the language is exactly
        `candidate_grammar(options)`, but instead of masking the whole vocabulary at every step
        (what a GBNF sampler does, seconds per request on a 262k-token vocabulary) only the
        options' next tokens are compared, and the model runs only where the options branch."""
        import numpy as np

        llm = self.llm
        seqs = [llm.tokenize((" " + o).encode(), add_bos=False) for o in options]
        end = llm.tokenize(b"\n", add_bos=False)[-1]
        self._eval_prompt(llm.tokenize(build_prompt(request).encode(), add_bos=True))
        n_vocab = llm.n_vocab()
        alive = list(range(len(options)))
        pending: list[int] = []
        self.margin = float("inf")  # the narrowest lead of a chosen branch over the next one
        depth = 0
        while len(alive) > 1:
            branches: dict[int, list[int]] = {}
            for i in alive:
                branches.setdefault(seqs[i][depth] if depth < len(seqs[i]) else end, []).append(i)
            if len(branches) == 1:
                ((tok, alive),) = branches.items()
                if tok == end:
                    break
                pending.append(tok)
                depth += 1
                continue
            if pending:
                llm.eval(pending)
                pending = []
            logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(n_vocab,))
            ranked = sorted((float(logits[t]) for t in branches), reverse=True)
            self.margin = min(self.margin, ranked[0] - ranked[1])
            tok = max(branches, key=lambda t: float(logits[t]))
            alive = branches[tok]
            if tok == end:
                break
            pending.append(tok)
            depth += 1
        return options[alive[0]]


# The least lead (in logits) the chosen branch must have over the next at every fork.
MIN_MARGIN = float(os.environ.get("KUBECHAT_MODEL_MIN_MARGIN", "3.0"))

# A fixed opening, the same for every request, so its KV cache is computed once and reused.
HEADER = (
    ("show pods in the web namespace", "get pods -n web"),
    ("restart deployment api", "rollout restart deployment/api"),
)


def build_prompt(request: str, k: int = 2) -> str:
    shots = [s for s in nearest(request, k + len(HEADER)) if s not in HEADER][:k]
    lines = [f"Request: {nl}\nCommand: kubectl {cmd}\n" for nl, cmd in (*HEADER, *reversed(shots))]
    return "\n".join(lines) + f"\nRequest: {request.strip()}\nCommand: kubectl"


def _gbnf_literal(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def candidate_grammar(options: list[str]) -> str:
    """A GBNF grammar whose sentences are exactly `options` (commands after `kubectl`)."""
    return "root ::= " + " | ".join(_gbnf_literal(o) for o in options) + "\n"


def _quote(a: str) -> str:
    return a if re.fullmatch(r"[\w./:=@,*%+-]+", a) else "'" + a.replace("'", "") + "'"


# ----------------------------------------------------------------------------------------------
# candidates: only verbs, types, names and numbers that the request itself supports


def candidates(request: str, table: ResourceTable, hint: rules.RuleResult | None = None) -> list[list[str]]:
    text = repair(" ".join(request.split()))
    req = rules.Req(request, text, mask_quotes(text).lower(), table)
    out: list[list[str]] = []

    def add(it: Intent) -> None:
        argv = it.to_argv()
        if argv not in out:
            out.append(argv)

    if hint is not None and hint.intent is not None:
        add(hint.intent.model_copy(deep=True))
    rms = rules.resources(req)
    types = list(dict.fromkeys(r.type.plural for r in rms)) or ["pods", "deployments", "services"]
    names = [
        w
        for w in re.findall(r"[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]", text)
        if rules.is_name(w) and not table.get(w) and not rules.is_keyword(w) and _namey(w)
    ]
    names = list(dict.fromkeys(names))[:3]
    numbers = re.findall(r"\b(\d{1,4})\b", text)
    ns = rules.namespace(req)
    allns = rules.all_namespaces(req)

    def scoped(it: Intent) -> Intent:
        if ns and ns != "default":
            it.namespace = ns
        elif allns and it.verb in ("get", "events", "top pod"):
            it.all_namespaces = True
        return it

    for t in types[:2]:
        add(scoped(Intent(verb="get", resource=t)))
        for n in names:
            add(scoped(Intent(verb="get", resource=t, names=[n])))
            add(scoped(Intent(verb="describe", resource=t, names=[n])))
            add(scoped(Intent(verb="delete", resource=t, names=[n])))
    for n in names:
        pod_like = "pods" in types or not rms
        if pod_like:
            add(scoped(Intent(verb="logs", names=[n])))
            add(scoped(Intent(verb="logs", names=[n], flags=[{"name": "previous"}])))
        work = next((t for t in types if t in ("deployments", "statefulsets", "daemonsets")), "deployments")
        kind = table.get(work).singular if table.get(work) else "deployment"
        for sub in ("restart", "status", "undo"):
            add(scoped(Intent(verb=f"rollout {sub}", resource=kind, names=[n], slash=True)))
        for num in numbers:
            add(
                scoped(
                    Intent(verb="scale", resource=kind, names=[n], flags=[{"name": "replicas", "value": num}])
                )
            )
        if "nodes" in types:
            for v in ("cordon", "uncordon"):
                add(Intent(verb=v, names=[n]))
    add(scoped(Intent(verb="events")))
    add(Intent(verb="top node" if "nodes" in types else "top pod"))
    return out[:MAX_CANDIDATES]


def _namey(w: str) -> bool:
    """Object names usually carry a dash or digit, or are short lowercase words the user typed."""
    return bool(re.search(r"[-0-9]", w)) or (w.islower() and len(w) <= 12 and w not in _COMMON)


_COMMON = {
    "gimme",
    "give",
    "show",
    "tell",
    "want",
    "need",
    "know",
    "look",
    "looks",
    "thing",
    "things",
    "stuff",
    "going",
    "happening",
    "happened",
    "whats",
    "what",
    "please",
    "kindly",
    "quick",
    "quickly",
    "real",
    "again",
    "back",
    "copies",
    "copy",
    "instances",
    "up",
    "down",
    "bring",
    "kick",
    "bounce",
    "poke",
    "nuke",
    "peek",
    "check",
    "status",
    "state",
    "health",
    "output",
    "print",
    "printed",
    "yesterday",
    "today",
    "lately",
    "recently",
    "ok",
    "okay",
    "hey",
    "hi",
    "hello",
    "thanks",
    "pls",
    "plz",
    "u",
    "ur",
    "yo",
    "wanna",
    "gonna",
    "let",
}
