#!/bin/sh
# kubectl chat offline installer. It verifies the whole bundle first (Ed25519 signature over
# SHA256SUMS, then every file's sha256, and that no unlisted file is present) and installs
# nothing unless all of that passes. Needs only sh, openssl >= 3, sha256sum and coreutils.
#
#   sh install.sh                      install for the current user (~/.krew, ~/.local/bin)
#   sh install.sh --system             install for everyone (root; /usr/local by default)
#   sh install.sh --fingerprint SHA256:<hex>   also require this signing key (recommended)
#   sh install.sh --verify-only        check the bundle and stop
# Running it again is safe: what is already installed and identical is left alone.
set -eu

MODE=user
PREFIX=/usr/local
VERIFY_ONLY=0
FINGERPRINT="${KUBECHAT_BUNDLE_FINGERPRINT:-}"

die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '%s\n' "$*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --system) MODE=system ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; PREFIX=$2; shift ;;
    --fingerprint) [ $# -ge 2 ] || die "--fingerprint needs a value"; FINGERPRINT=$2; shift ;;
    --verify-only) VERIFY_ONLY=1 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done

for tool in openssl sha256sum find sort cmp install; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required and was not found"
done

BUNDLE=$(cd "$(dirname "$0")" && pwd)
cd "$BUNDLE"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

# ---- 1. verify: nothing is installed before every check has passed ---------------------------
REFUSE="the bundle is damaged or was tampered with; nothing was installed"
for f in SHA256SUMS SHA256SUMS.sig signing-key.pub.pem; do
  [ -f "$f" ] || die "$f is missing: $REFUSE"
done
openssl pkey -pubin -in signing-key.pub.pem -outform DER >"$WORK/pub.der" 2>/dev/null \
  || die "signing-key.pub.pem is not a valid public key: $REFUSE"
FP="SHA256:$(sha256sum "$WORK/pub.der" | cut -d' ' -f1)"
say "signing key fingerprint: $FP"
if [ -n "$FINGERPRINT" ]; then
  want=${FINGERPRINT#SHA256:}
  want=$(printf '%s' "${want#sha256:}" | tr 'A-F' 'a-f')
  [ "SHA256:$want" = "$FP" ] || die "the bundle is signed by $FP, not by the expected $FINGERPRINT; nothing was installed"
  say "fingerprint matches the expected key"
else
  say "  (compare it with the fingerprint published with this release, or pass --fingerprint)"
fi
openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin -in SHA256SUMS \
  -sigfile SHA256SUMS.sig >/dev/null 2>&1 || die "signature check FAILED: $REFUSE"
say "signature OK"
sha256sum --check --strict --quiet SHA256SUMS >"$WORK/check.log" 2>&1 || {
  cat "$WORK/check.log" >&2
  die "checksum check FAILED: $REFUSE"
}
# A file that SHA256SUMS does not list was not signed; refuse it rather than ignore it.
cut -c67- SHA256SUMS | LC_ALL=C sort >"$WORK/listed"
find . -type f ! -name SHA256SUMS ! -name SHA256SUMS.sig | sed 's|^\./||' | LC_ALL=C sort >"$WORK/present"
cmp -s "$WORK/listed" "$WORK/present" || {
  diff "$WORK/listed" "$WORK/present" >&2 || true
  die "the bundle holds files that SHA256SUMS does not list (shown above; a copy tool may have added them, e.g. ._* files): $REFUSE"
}
say "all $(wc -l <SHA256SUMS | tr -d ' ') files match SHA256SUMS"
if [ "$VERIFY_ONLY" = 1 ]; then
  say "bundle verified; --verify-only: nothing installed"
  exit 0
fi

# ---- 2. install -------------------------------------------------------------------------------
ARCHIVE=$(cd plugin && ls kubectl-chat_v*_linux_*.tar.gz)
MODEL=$(cd models && ls *.gguf)
if [ "$MODE" = system ]; then
  [ "$(id -u)" = 0 ] || die "--system needs root"
  BIN_DIR=$PREFIX/bin
  KREW_ROOT=$PREFIX/lib/krew
  DATA_DIR=$PREFIX/share/kubectl-chat
  MODEL_DIR=$DATA_DIR/models
else
  [ -n "${HOME:-}" ] || die "HOME is not set"
  BIN_DIR=$HOME/.local/bin
  KREW_ROOT=${KREW_ROOT:-$HOME/.krew}
  DATA_DIR=${XDG_DATA_HOME:-$HOME/.local/share}/kubectl-chat
  MODEL_DIR=""
fi
export KREW_ROOT
mkdir -p "$BIN_DIR" "$DATA_DIR"

# place SRC DST MODE: copy unless an identical file is already there.
place() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then
    say "unchanged  $2"
  else
    install -m "$3" "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
    say "installed  $2"
  fi
}

place bin/krew "$BIN_DIR/kubectl-krew" 0755
place bin/opa "$BIN_DIR/opa" 0755

SHA=$(sha256sum "plugin/$ARCHIVE" | cut -d' ' -f1)
RECEIPT=$KREW_ROOT/receipts/chat.yaml
if [ -f "$RECEIPT" ] && grep -q "$SHA" "$RECEIPT"; then
  say "unchanged  kubectl chat plugin ($KREW_ROOT/store/chat)"
else
  if [ -f "$RECEIPT" ]; then
    # Another release is installed. `krew uninstall` insists on a plugin index, which an
    # offline machine cannot fetch, so remove what krew itself would: link, files, receipt.
    rm -f "$KREW_ROOT/bin/kubectl-chat"
    rm -rf "$KREW_ROOT/store/chat"
    rm -f "$RECEIPT"
    say "removed    the previously installed kubectl chat plugin"
  fi
  "$BIN_DIR/kubectl-krew" install --manifest=plugin/chat.yaml --archive="plugin/$ARCHIVE" \
    >"$WORK/krew.log" 2>&1 || { cat "$WORK/krew.log" >&2; die "krew install failed"; }
  say "installed  kubectl chat plugin with krew ($KREW_ROOT/bin/kubectl-chat)"
fi
if [ "$MODE" = system ]; then
  # krew makes the plugin's directory 0700 (its owner only); everyone must be able to run it.
  chmod -R a+rX "$KREW_ROOT/store" "$KREW_ROOT/receipts" "$KREW_ROOT/bin"
  ln -sf "$KREW_ROOT/bin/kubectl-chat" "$BIN_DIR/kubectl-chat"
  mkdir -p "$MODEL_DIR"
  place "models/$MODEL" "$MODEL_DIR/$MODEL" 0644
else
  # The plugin checks the model's sha256 again and puts it where it looks for it.
  have=$("$KREW_ROOT/bin/kubectl-chat" model path 2>/dev/null || true)
  if [ -n "$have" ] && cmp -s "models/$MODEL" "$have"; then
    say "unchanged  $have"
  else
    out=$("$KREW_ROOT/bin/kubectl-chat" model install --quiet --from "$BUNDLE/models/$MODEL") \
      || die "the model could not be installed"
    say "installed  $out"
  fi
fi
place policies/policies.tar.gz "$DATA_DIR/policies.tar.gz" 0644
say "           (the plugin carries the same policies; KUBECHAT_POLICIES=$DATA_DIR/policies.tar.gz selects this copy)"
for chart in helm/*.tgz; do
  if [ -f "$chart" ]; then
    say "chart      $BUNDLE/$chart  (for the cluster: helm install collector $BUNDLE/$chart)"
  fi
done
for image in images/*.oci.tar; do
  if [ -f "$image" ]; then
    say "image      $BUNDLE/$image  (the chart's image: skopeo copy oci-archive:$BUNDLE/$image docker://REGISTRY/kubectl-chat:TAG, or ctr -n k8s.io images import on each node; see README.md)"
  fi
done

say ""
say "kubectl chat is installed ($MODE)."
case ":$PATH:" in
  *":$KREW_ROOT/bin:"*) ;;
  *) if [ "$MODE" = user ]; then say "add to your shell profile:  export PATH=\"$KREW_ROOT/bin:$BIN_DIR:\$PATH\""; fi ;;
esac
if ! command -v kubectl >/dev/null 2>&1; then
  say "note: kubectl is not on PATH; kubectl chat runs your kubectl, so install it too"
fi
say "try:  kubectl chat --version"
