"""Record a trained adapter in models/registry.yaml: its file, size and sha256, checked against the
file itself, and the recipe written next to it. The `adapters:` block is rewritten as a whole; the
rest of the registry (and its comments) stays as it is.

    .venv/bin/python training/register_adapter.py [models/NAME-lora.json]
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "models" / "registry.yaml"
DEFAULT_RECIPE = ROOT / "models" / "kubectl-gemma3-270m-lora.json"
HEADER = """\
# LoRA adapters for a base model above, kept in this directory (a few MB, committed). llama.cpp
# applies one with lora_path; its sha256 is checked before use. The recipe file beside it holds
# the prompt it was trained on, the corpus version, the hyperparameters and the figures.
adapters:
"""


def adapter_block(recipe: dict, recipe_name: str, base_model: str) -> str:
    name = recipe["adapter"].removesuffix("-lora.gguf")
    return HEADER + (
        f"  - name: {name}\n"
        f"    base: {base_model}\n"
        f"    file: {recipe['adapter']}\n"
        f"    sha256: {recipe['sha256']}\n"
        f"    size: {recipe['size']}\n"
        f"    recipe: {recipe_name}\n"
        f'    corpus_version: "{recipe["corpus"]["data_version"]}"\n'
    )


def updated(registry_text: str, block: str) -> str:
    head = registry_text.split(HEADER.splitlines()[0] + "\n", 1)[0].rstrip("\n")
    return head + "\n" + block


def main(argv: list[str]) -> int:
    import yaml

    recipe_path = Path(argv[0]) if argv else DEFAULT_RECIPE
    recipe = json.loads(recipe_path.read_text())
    adapter = recipe_path.parent / recipe["adapter"]
    digest = hashlib.sha256(adapter.read_bytes()).hexdigest()
    if digest != recipe["sha256"]:
        print(f"error: {adapter} has sha256 {digest}, the recipe says {recipe['sha256']}", file=sys.stderr)
        return 1
    text = REGISTRY.read_text()
    base_model = yaml.safe_load(text)["default"]
    new = updated(text, adapter_block(recipe, recipe_path.name, base_model))
    yaml.safe_load(new)  # still a valid registry document
    REGISTRY.write_text(new)
    print(f"{REGISTRY}: adapter {recipe['adapter']} sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
