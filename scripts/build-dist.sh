#!/usr/bin/env bash
# Builds the krew release: dist/kubectl-chat_v<version>_linux_amd64.tar.gz (a PyInstaller
# one-dir build plus LICENSE) and dist/chat.yaml (the manifest with the archive's sha256).
# PyInstaller takes minutes, so it runs only when an input changed: the package sources, the
# policies, the spec, pyproject.toml and the installed dependency set (pip freeze).
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

inputs_hash() {
  {
    find kubectl-chat/kubechat policies packaging \( -type f -o -type l \) \
      ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    sha256sum pyproject.toml LICENSE scripts/build-dist.sh
    "$PY" -m pip freeze --all 2>/dev/null
  } | sha256sum | cut -d' ' -f1
}

mkdir -p "$BUILD" dist
HASH=$(inputs_hash)
if [[ -f "$BUILD/inputs.sha256" && "$(cat "$BUILD/inputs.sha256")" == "$HASH" && -x "$BUILD/dist/kubectl-chat/kubectl-chat" ]]; then
  echo "ok      frozen build is up to date ($BUILD/dist/kubectl-chat)"
else
  echo "build   PyInstaller one-dir build (a few minutes) ..."
  rm -f "$BUILD/inputs.sha256"
  "$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$BUILD/dist" --workpath "$BUILD/work" packaging/kubectl-chat.spec
  echo "$HASH" >"$BUILD/inputs.sha256"
fi

if [[ -f "$ARCHIVE" && -f "dist/.$NAME.inputs" && "$(cat "dist/.$NAME.inputs")" == "$HASH" ]]; then
  echo "ok      $ARCHIVE is up to date"
else
  echo "pack    $ARCHIVE"
  STAGE="$BUILD/stage"
  rm -rf "$STAGE" && mkdir -p "$STAGE"
  # krew's unpacker takes regular files and directories only: PyInstaller's symlinks become copies.
  cp -RL "$BUILD/dist/kubectl-chat/." "$STAGE/"
  cp LICENSE "$STAGE/LICENSE"
  # Reproducible: fixed order, owner and times, no gzip timestamp.
  tar --sort=name --mtime="@${SOURCE_DATE_EPOCH:-0}" --owner=0 --group=0 --numeric-owner \
    -C "$STAGE" -cf - kubectl-chat _internal LICENSE | gzip -n -6 >"$ARCHIVE.tmp"
  mv "$ARCHIVE.tmp" "$ARCHIVE"
  echo "$HASH" >"dist/.$NAME.inputs"
fi

SHA=$(sha256sum "$ARCHIVE" | cut -d' ' -f1)
sed -e "s|@VERSION@|$VERSION|g" -e "s|@SHA256@|$SHA|g" -e "s|@URI@|$RELEASE_URL/$NAME.tar.gz|g" \
  plugin-manifest/chat.yaml | grep -v '^#' >dist/chat.yaml
echo "ok      dist/chat.yaml (sha256 $SHA)"
