"""Train the kubectl specialist: a LoRA adapter on the embedded Gemma 3 270M.

Runs in the training environment (`pip install -e '.[train]'` into .venv-train), never in the
plugin's. The base GGUF is dequantized into PyTorch (transformers reads it as Gemma3ForCausalLM),
so the adapter learns against the very weights llama.cpp will apply it to.

Two cost cuts make CPU training practical:
- the loss covers the command tokens only, so the output layer runs at those positions only;
- the output layer is restricted to the token ids the corpus uses plus a fresh random sample of
  other ids each step (so tokens the corpus never uses are still pushed down), instead of all
  262,144.

    .venv-train/bin/python training/train_lora.py --base BASE.gguf --minutes 25
    .venv-train/bin/python training/train_lora.py --base BASE.gguf --measure 180   # tokens/s, both ways
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import random
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "training" / "corpus" / "data" / "kubectl-corpus-v2.jsonl.gz"
MANIFEST = CORPUS.with_name(CORPUS.name.replace(".jsonl.gz", ".manifest.json"))
ADAPTER_NAME = "kubectl-gemma3-270m"
# The prompt the adapter is trained on; the run time must build exactly this (it is also written
# into the recipe next to the adapter, which is where the run time reads it).
PROMPT = "Request: {request}\nCommand:"
STOP = "\n"
NO_COMMAND = "?"  # the answer where no single command fits: the translator asks instead
SEED = 1129
HELD_OUT_PERCENT = 3  # seeds whose variants are kept out of training, to measure generalisation


@dataclass(frozen=True)
class Hyper:
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05
    targets: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
    lr: float = 3e-4
    warmup_steps: int = 20
    batch_size: int = 16
    negatives: int = 2048  # random other vocabulary ids per step in the restricted output layer
    threads: int = 2
    top_layers: int = 0  # adapt only the last N decoder layers (0: all); the backward pass stops there
    bf16: bool = False  # matrix products in bfloat16 (CPUs with AVX512-BF16 or AMX, and GPUs)


def answer(argv: list[str] | None) -> str:
    """What the model is taught to write after the prompt (without the stop)."""
    return "kubectl " + shlex.join(argv) if argv is not None else NO_COMMAND


def command_text(argv: list[str] | None) -> str:
    return " " + answer(argv) + STOP


def held_out(seed_origin: str) -> bool:
    digest = hashlib.sha256(seed_origin.encode()).digest()
    return digest[0] * 100 // 256 < HELD_OUT_PERCENT


def read_corpus(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def encode(tok, rows: list[dict]) -> list[tuple[list[int], int]]:
    """(token ids, index of the first command token) per pair."""
    out = []
    for row in rows:
        prompt = tok(PROMPT.format(request=row["request"])).input_ids  # starts with <bos>
        command = tok(command_text(row["argv"]), add_special_tokens=False).input_ids
        out.append((prompt + command, len(prompt)))
    return out


def batches(examples, batch_size: int, rng: random.Random):
    """Endless batches of similar length (less padding), in a seeded order."""
    while True:
        order = sorted(range(len(examples)), key=lambda i: (len(examples[i][0]), rng.random()))
        chunks = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        rng.shuffle(chunks)
        yield from chunks


def dequantized_dir(base: Path, work: Path) -> Path:
    """Where the base's float32 weights are kept once dequantized (named by the GGUF's digest)."""
    return work / f"base-f32-{hashlib.sha256(base.read_bytes()).hexdigest()[:16]}"


def load_base(base: Path, work: Path, threads: int):
    """Tokenizer and float32 model from the GGUF; the dequantized weights are kept in `work`,
    so later runs load them in seconds (reading the GGUF costs a minute or more)."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoTokenizer, Gemma3ForCausalLM

    torch.set_num_threads(threads)
    tok = AutoTokenizer.from_pretrained(base.parent, gguf_file=base.name)
    cached = dequantized_dir(base, work)
    if (cached / "config.json").is_file():
        model = Gemma3ForCausalLM.from_pretrained(cached, dtype=torch.float32, attn_implementation="eager")
        return tok, model
    model = Gemma3ForCausalLM.from_pretrained(
        base.parent, gguf_file=base.name, dtype=torch.float32, attn_implementation="eager"
    )
    # save_pretrained refuses a model read from GGUF: write the weights and config directly
    # (lm_head is tied to the embeddings); config.json last, as the mark of a complete copy
    cached.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"}
    save_file(state, str(cached / "model.safetensors"), metadata={"format": "pt"})
    config = model.config.to_dict()
    config.pop("quantization_config", None)
    config["architectures"] = [type(model).__name__]  # llama.cpp's converter picks its class by it
    (cached / "config.json").write_text(json.dumps(config, indent=2, default=str) + "\n")
    return tok, model


def with_lora(model, h: Hyper):
    from peft import LoraConfig, get_peft_model

    layers = model.config.num_hidden_layers
    config = LoraConfig(
        r=h.rank,
        lora_alpha=h.alpha,
        lora_dropout=h.dropout,
        target_modules=list(h.targets),
        task_type="CAUSAL_LM",
        layers_to_transform=list(range(layers - h.top_layers, layers)) if h.top_layers else None,
    )
    return get_peft_model(model, config)


class Step:
    """One optimisation step's loss, with or without the cost cuts."""

    def __init__(self, model, vocab_ids, h: Hyper, rng: random.Random, cut: bool):
        import torch

        self.model = model
        self.cut = cut
        self.h = h
        self.rng = rng
        self.vocab = torch.tensor(sorted(vocab_ids))
        self.in_vocab = torch.zeros(model.config.vocab_size, dtype=torch.bool)
        self.in_vocab[self.vocab] = True
        self.outside = torch.nonzero(~self.in_vocab).squeeze(1)

    def loss(self, batch):
        import torch
        import torch.nn.functional as F

        width = max(len(ids) for ids, _ in batch)
        input_ids = torch.zeros((len(batch), width), dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        labels = torch.full((len(batch), width), -100, dtype=torch.long)
        for row, (ids, start) in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            mask[row, : len(ids)] = 1
            labels[row, start : len(ids)] = torch.tensor(ids[start:])
        inner = self.model.get_base_model()
        if not self.cut:  # the plain way: full output layer at every position
            out = self.model(input_ids=input_ids, attention_mask=mask, labels=labels)
            return out.loss, int(mask.sum()), int((labels != -100).sum())
        hidden = inner.model(input_ids=input_ids, attention_mask=mask).last_hidden_state
        # position t predicts token t+1: keep the positions whose next token is a command token
        targets = labels[:, 1:]
        keep = targets != -100
        h = hidden[:, :-1][keep]
        gold = targets[keep]
        pick = torch.randperm(
            len(self.outside), generator=torch.Generator().manual_seed(self.rng.randrange(2**31))
        )
        ids = torch.cat([self.vocab, self.outside[pick[: self.h.negatives]]])
        weight = inner.lm_head.weight[ids]
        logits = h @ weight.T
        softcap = getattr(inner.config, "final_logit_softcapping", None)
        if softcap:
            logits = torch.tanh(logits / softcap) * softcap
        position = torch.full((self.model.config.vocab_size,), -1, dtype=torch.long)
        position[ids] = torch.arange(len(ids))
        return F.cross_entropy(logits, position[gold]), int(mask.sum()), int(keep.sum())


def train(args) -> int:
    import torch

    h = Hyper(rank=args.rank, threads=args.threads, top_layers=args.top_layers, bf16=args.bf16)
    random.seed(SEED)
    torch.manual_seed(SEED)
    started = time.time()
    tok, model = load_base(args.base, args.work, h.threads)
    load_s = time.time() - started
    print(f"base loaded in {load_s:.0f} s", flush=True)
    rows = read_corpus(args.corpus)
    train_rows = [r for r in rows if not held_out(r["seed"])]
    dev_rows = [r for r in rows if held_out(r["seed"])]
    examples = encode(tok, train_rows)
    vocab = {i for ids, _ in examples for i in ids} | {tok.eos_token_id}
    vocab |= set(tok(STOP, add_special_tokens=False).input_ids)
    print(f"{len(train_rows)} training pairs, {len(dev_rows)} held out; output layer: {len(vocab)} corpus ids + "
          f"{h.negatives} sampled of {model.config.vocab_size}", flush=True)  # fmt: skip
    model = with_lora(model, h)
    model.train()
    rng = random.Random(SEED)
    step_fn = Step(model, vocab, h, rng, cut=not args.no_cuts)
    params = [p for p in model.parameters() if p.requires_grad]
    optim = torch.optim.AdamW(params, lr=h.lr, weight_decay=0.0)
    budget = args.measure if args.measure else args.minutes * 60
    total_steps = args.max_steps or 10**9
    # cosine decay over the steps expected in the budget, estimated after the first steps
    expected = [None]

    def lr_at(step: int) -> float:
        if step < h.warmup_steps:
            return h.lr * (step + 1) / h.warmup_steps
        if expected[0] is None:
            return h.lr
        progress = min(1.0, (step - h.warmup_steps) / max(1, expected[0] - h.warmup_steps))
        return h.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))

    log = []
    tokens = command_tokens = 0
    t0 = time.time()
    step = 0
    smooth = None
    for step, chunk in enumerate(batches(examples, h.batch_size, rng)):
        if step >= total_steps or time.time() - t0 > budget:
            break
        for group in optim.param_groups:
            group["lr"] = lr_at(step)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=h.bf16):
            loss, n_tok, n_cmd = step_fn.loss([examples[i] for i in chunk])
        optim.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optim.step()
        tokens += n_tok
        command_tokens += n_cmd
        smooth = loss.item() if smooth is None else 0.95 * smooth + 0.05 * loss.item()
        if step == 10 and not args.measure:
            per_step = (time.time() - t0) / 11
            expected[0] = int(budget / per_step)
        if step % 10 == 0:
            elapsed = time.time() - t0
            log.append({"step": step, "loss": round(smooth, 4), "seconds": round(elapsed, 1)})
            print(f"step {step} loss {smooth:.4f} tokens/s {tokens / elapsed:.1f} "
                  f"command tokens/s {command_tokens / elapsed:.1f}", flush=True)  # fmt: skip
    elapsed = time.time() - t0
    figures = {
        "cuts": not args.no_cuts,
        "steps": step,
        "seconds": round(elapsed, 1),
        "tokens_per_s": round(tokens / elapsed, 1),
        "command_tokens_per_s": round(command_tokens / elapsed, 1),
        "final_loss": round(smooth, 4) if smooth is not None else None,
        "pairs_seen": step * h.batch_size,
        "training_pairs": len(train_rows),
    }
    print(json.dumps(figures), flush=True)
    if args.measure:
        return 0
    model.save_pretrained(args.work / "adapter")  # first: the training is never lost to a later step
    model.eval()
    figures["held_out_exact"] = held_out_accuracy(model, tok, dev_rows, args.eval_count)
    print(json.dumps(figures), flush=True)
    save(h, figures, log, args)
    return 0


def held_out_accuracy(model, tok, rows: list[dict], count: int) -> dict:
    """Greedy decoding of held-out pairs (seeds never trained on), exact command match."""
    import torch

    sample = random.Random(SEED).sample(rows, min(count, len(rows)))
    ends = [tok.eos_token_id, *tok(STOP, add_special_tokens=False).input_ids]  # stop at the line's end
    right = 0
    for row in sample:
        ids = tok(PROMPT.format(request=row["request"]), return_tensors="pt").input_ids
        with torch.no_grad():
            out = model.generate(input_ids=ids, max_new_tokens=48, do_sample=False, eos_token_id=ends)
        text = tok.decode(out[0, ids.shape[1] :], skip_special_tokens=True).split(STOP)[0]
        right += text.strip() == answer(row["argv"])
    return {"pairs": len(sample), "exact": right}


def save(h: Hyper, figures: dict, log: list, args) -> None:
    """Convert the saved adapter to GGUF and write its recipe beside it."""
    import subprocess

    work = args.work
    adapter_dir = work / "adapter"
    base_config = dequantized_dir(args.base, work)  # config.json is all the converter reads
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"{ADAPTER_NAME}-lora.gguf"
    convert = args.llama_cpp / "convert_lora_to_gguf.py"
    env_path = str(args.llama_cpp / "gguf-py")
    subprocess.run(  # argv, no shell
        [sys.executable, str(convert), "--base", str(base_config), "--outtype", "f16", "--outfile", str(out),
         str(adapter_dir)],
        check=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    manifest = json.loads(MANIFEST.read_text()) if MANIFEST.is_file() else {}
    recipe = {
        "adapter": out.name,
        "sha256": digest,
        "size": out.stat().st_size,
        "base": args.base.name,
        "base_sha256": hashlib.sha256(args.base.read_bytes()).hexdigest(),
        "prompt": PROMPT,
        "stop": STOP,
        "no_command": NO_COMMAND,
        "corpus": {"file": args.corpus.name, "data_version": manifest.get("data_version"),
                   "sha256": hashlib.sha256(args.corpus.read_bytes()).hexdigest()},
        "held_out_percent_of_seeds": HELD_OUT_PERCENT,
        "seed": SEED,
        "hyper": {**h.__dict__, "targets": list(h.targets)},
        "cost_cuts": "loss on command tokens only; output layer = corpus token ids + sampled negatives",
        "figures": figures,
        "loss_log": log,
    }  # fmt: skip
    recipe_path = args.out / f"{ADAPTER_NAME}-lora.json"
    recipe_path.write_text(json.dumps(recipe, indent=2) + "\n")
    print(f"wrote {out} ({out.stat().st_size} bytes, sha256 {digest}) and {recipe_path}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="the base model GGUF")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=ROOT / "models")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "train")
    ap.add_argument(
        "--llama-cpp", type=Path, help="llama.cpp source (vendor/llama.cpp of the llama-cpp-python sdist)"
    )
    ap.add_argument("--minutes", type=float, default=25.0, help="training time budget")
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--rank", type=int, default=Hyper.rank)
    ap.add_argument("--threads", type=int, default=Hyper.threads)
    ap.add_argument("--top-layers", type=int, default=Hyper.top_layers)
    ap.add_argument("--bf16", action="store_true", help="bfloat16 matrix products")
    ap.add_argument("--eval-count", type=int, default=30)
    ap.add_argument("--measure", type=float, default=0, help="only measure tokens/s for this many seconds")
    ap.add_argument(
        "--no-cuts", action="store_true", help="full output layer at every position (for comparison)"
    )
    args = ap.parse_args(argv)
    if not args.measure and args.llama_cpp is None:
        ap.error("--llama-cpp is needed to convert the adapter")
    return train(args)


if __name__ == "__main__":
    sys.exit(main())
