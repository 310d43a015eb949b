#!/usr/bin/env bash
# Builds llama-cpp-python once into a wheel cache. GGML_NATIVE=OFF: the native build uses AMX
# kernels that crash on some CPUs, and a portable build is what we ship anyway.
set -euo pipefail
CACHE="${KUBECHAT_CACHE:-$HOME/.cache/kubectl-chat}"
WHEELS="$CACHE/wheels"
VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
PY="${1:-python3}"
mkdir -p "$WHEELS"
if ls "$WHEELS"/llama_cpp_python-"$VERSION"-*.whl >/dev/null 2>&1; then
  echo "ok      llama-cpp-python $VERSION (cached wheel)"; exit 0
fi
echo "build   llama-cpp-python $VERSION (GGML_NATIVE=OFF, a few minutes) ..."
CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF" \
  CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
  "$PY" -m pip wheel --no-deps --no-binary llama-cpp-python -w "$WHEELS" "llama-cpp-python==$VERSION"
