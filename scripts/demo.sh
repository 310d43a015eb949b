#!/usr/bin/env bash
# The main job: `kubectl chat` against the user's cluster, or against a local sandbox cluster
# when none answers. Interactive on a terminal; a short scripted tour otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${KUBECHAT_CACHE:-$HOME/.cache/kubectl-chat}"
export PATH="$PWD/.venv/bin:$CACHE/testbin:$PATH"
KUBECTL="$CACHE/testbin/kubectl"

if [[ -n "${KUBECONFIG:-}${KUBECHAT_USE_DEFAULT_KUBECONFIG:-}" ]] && \
   "$KUBECTL" version --request-timeout=5s >/dev/null 2>&1; then
  echo "Using your cluster: $("$KUBECTL" config current-context)"
else
  echo "No reachable cluster configured: starting the local sandbox (real etcd + kube-apiserver + kwok nodes)."
  eval "$(kubectl-chat sandbox up | grep -m1 '^export KUBECONFIG=' | sed 's/ *#.*//')"
  echo "KUBECONFIG=$KUBECONFIG   (stop it with: .venv/bin/kubectl-chat sandbox down)"
fi

if [[ -t 0 && -t 1 ]]; then
  exec "$KUBECTL" chat
fi
run() { echo; echo "\$ $*"; "$@" || true; }
run "$KUBECTL" chat "list pods in prod"
run "$KUBECTL" chat "why is payments-worker failing in prod?"
run "$KUBECTL" chat --write --dry-run "scale deployment web in staging to 3"
run "$KUBECTL" chat "delete namespace prod"
run "$KUBECTL" chat audit query -o table
echo
echo "Interactive: run \`kubectl chat\` in a terminal (KUBECONFIG=$KUBECONFIG, PATH with .venv/bin)."
