#!/usr/bin/env bash
# Builds the krew release: dist/kubectl-chat_v<version>_linux_amd64.tar.gz (a PyInstaller
# one-dir build plus LICENSE) and dist/chat.yaml (the manifest with the archive's sha256).
# Two layers, each rebuilt only when its inputs change:
#   runtime  PyInstaller (minutes): Python, the modules kubechat imports, llama.cpp's libraries.
#            Inputs: the import list (packaging/imports.py), the spec, the installed packages.
#   archive  (seconds): the runtime + kubechat compiled into _internal/ + policies + LICENSE.
#   env: PY (python of the venv), KUBECHAT_RELEASE_URL (where the archive will be published)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' kubectl-chat/kubechat/__init__.py)
NAME="kubectl-chat_v${VERSION}_linux_amd64"
BUILD=build/pyinstaller
ARCHIVE="dist/$NAME.tar.gz"
RELEASE_URL="${KUBECHAT_RELEASE_URL:-https://github.com/kubectl-chat/kubectl-chat/releases/download/v$VERSION}"

"$PY" -c 'import llama_cpp' 2>/dev/null || {
  echo "error: llama-cpp-python is not installed in the venv (run: make venv)" >&2; exit 1; }
"$PY" -c 'import PyInstaller' 2>/dev/null || {
  echo "error: PyInstaller is missing (run: .venv/bin/pip install -e '.[dev]')" >&2; exit 1; }

files_hash() {
  find "$@" \( -type f -o -type l \) ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum
}
mkdir -p "$BUILD" dist
RUNTIME_HASH=$({ "$PY" packaging/imports.py; files_hash packaging; "$PY" -m pip freeze --all 2>/dev/null; } \
  | sha256sum | cut -d' ' -f1)
ARCHIVE_HASH=$({ echo "$RUNTIME_HASH"; files_hash kubectl-chat/kubechat policies LICENSE scripts/build-dist.sh; } \
  | sha256sum | cut -d' ' -f1)

if [[ -f "$BUILD/runtime.sha256" && "$(cat "$BUILD/runtime.sha256")" == "$RUNTIME_HASH" && -x "$BUILD/dist/kubectl-chat/kubectl-chat" ]]; then
  echo "ok      frozen runtime is up to date ($BUILD/dist/kubectl-chat)"
else
  echo "build   PyInstaller one-dir runtime (a few minutes) ..."
  rm -f "$BUILD/runtime.sha256"
  "$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$BUILD/dist" --workpath "$BUILD/work" packaging/kubectl-chat.spec
  echo "$RUNTIME_HASH" >"$BUILD/runtime.sha256"
fi

if [[ -f "$ARCHIVE" && -f "dist/.$NAME.inputs" && "$(cat "dist/.$NAME.inputs")" == "$ARCHIVE_HASH" ]]; then
  echo "ok      $ARCHIVE is up to date"
else
  echo "pack    $ARCHIVE"
  STAGE="$BUILD/stage"
  rm -rf "$STAGE" && mkdir -p "$STAGE"
  # krew's unpacker takes regular files and directories only: PyInstaller's symlinks become copies.
  cp -RL "$BUILD/dist/kubectl-chat/." "$STAGE/"
  PKG="$STAGE/_internal/kubechat"
  cp -RL kubectl-chat/kubechat "$PKG"
  find "$PKG" -name __pycache__ -prune -exec rm -rf {} +
  # The policy sidecar looks for a packaged copy at kubechat/data/policies.
  [[ -e "$PKG/data/policies" ]] || cp -RL policies "$PKG/data/policies"
  # Compiled with the runtime's own Python; unchecked-hash: valid whatever the files' mtimes.
  "$PY" -m compileall -q -j 0 --invalidation-mode unchecked-hash -d kubechat "$PKG" >/dev/null
  cp LICENSE "$STAGE/LICENSE"
  # Reproducible: fixed order, owner and times, no gzip timestamp.
  tar --sort=name --mtime="@${SOURCE_DATE_EPOCH:-0}" --owner=0 --group=0 --numeric-owner \
    -C "$STAGE" -cf - kubectl-chat _internal LICENSE | gzip -n -6 >"$ARCHIVE.tmp"
  mv "$ARCHIVE.tmp" "$ARCHIVE"
  echo "$ARCHIVE_HASH" >"dist/.$NAME.inputs"
fi

SHA=$(sha256sum "$ARCHIVE" | cut -d' ' -f1)
sed -e "s|@VERSION@|$VERSION|g" -e "s|@SHA256@|$SHA|g" -e "s|@URI@|$RELEASE_URL/$NAME.tar.gz|g" \
  plugin-manifest/chat.yaml | grep -v '^#' >dist/chat.yaml
echo "ok      dist/chat.yaml (sha256 $SHA)"
