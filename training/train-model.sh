#!/usr/bin/env bash
# The maintainer's training run (`make train-model`), never part of CI:
#   1. the training environment .venv-train with the `train` extra's packages (never the plugin's venv);
#   2. llama.cpp's converter from the llama-cpp-python sdist of the version the plugin uses;
#   3. the corpus regenerated from the seeds (it must match the committed one);
#   4. LoRA training on the embedded base model, conversion to GGUF, and the registry entry.
# TRAIN_MINUTES (default 25) bounds the training time; NICE (default 15) its CPU priority;
# TRAIN_ARGS adds options of training/train_lora.py (e.g. "--bf16 --top-layers 8").
set -euo pipefail
cd "$(dirname "$0")/.."
PLUGIN_PY=.venv/bin/python
TRAIN_VENV=.venv-train
WORK=build/train
MINUTES="${TRAIN_MINUTES:-25}"
NICE="${NICE:-15}"

if [ ! -x "$TRAIN_VENV/bin/python" ]; then
  python3 -m venv "$TRAIN_VENV"
fi
# The extra's requirements, read from pyproject.toml (installing the project itself would pull
# in the plugin's dependencies). A CPU-only torch when its index is reachable, else PyPI's.
mapfile -t REQS < <("$TRAIN_VENV/bin/python" -c \
  'import tomllib; print(*tomllib.load(open("pyproject.toml","rb"))["project"]["optional-dependencies"]["train"], sep="\n")')
if ! "$TRAIN_VENV/bin/python" -c 'import torch' 2>/dev/null; then
  "$TRAIN_VENV/bin/pip" install -q torch --index-url https://download.pytorch.org/whl/cpu || true
fi
"$TRAIN_VENV/bin/pip" install -q "${REQS[@]}"

LLAMA_VERSION="$("$PLUGIN_PY" -c 'import importlib.metadata as m; print(m.version("llama-cpp-python"))')"
LLAMA_SRC="$WORK/llama.cpp-$LLAMA_VERSION"
if [ ! -f "$LLAMA_SRC/convert_lora_to_gguf.py" ]; then
  mkdir -p "$WORK/sdist" "$LLAMA_SRC"
  SDIST="$WORK/sdist/llama_cpp_python-$LLAMA_VERSION.tar.gz"
  [ -f "$SDIST" ] || "$PLUGIN_PY" -m pip download -q --no-deps --no-binary :all: -d "$WORK/sdist" \
    "llama-cpp-python==$LLAMA_VERSION"
  tar xzf "$SDIST" -C "$LLAMA_SRC" --strip-components=3 --wildcards \
    "*/vendor/llama.cpp/convert_lora_to_gguf.py" "*/vendor/llama.cpp/convert_hf_to_gguf.py" \
    "*/vendor/llama.cpp/conversion/*" "*/vendor/llama.cpp/gguf-py/*"
fi

"$PLUGIN_PY" training/corpus/generate.py --check
BASE="$("$PLUGIN_PY" -c 'from kubechat.models import store; print(store.local_model())')"
nice -n "$NICE" "$TRAIN_VENV/bin/python" training/train_lora.py --base "$BASE" --minutes "$MINUTES" \
  --llama-cpp "$LLAMA_SRC" --work "$WORK" ${TRAIN_ARGS:-}
"$PLUGIN_PY" training/register_adapter.py
