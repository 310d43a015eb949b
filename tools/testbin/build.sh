#!/usr/bin/env bash
# Builds the real binaries the sandbox and the tests run (Kubernetes control plane, the kubelet
# of the sandbox's real node and the probe its images run, etcd, kwok, OPA, krew, helm, kubectl) from
# their Go modules into a fixed cache, version-stamped.
# Idempotent: a binary whose stamp matches its pinned version is not rebuilt.
# Usage: tools/testbin/build.sh [NAME...]   (default: all)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${KUBECHAT_CACHE:-$HOME/.cache/kubectl-chat}"
BIN="${KUBECHAT_TESTBIN:-$CACHE/testbin}"
export GOMODCACHE="${GOMODCACHE_OVERRIDE:-$CACHE/go/mod}"
export GOCACHE="${GOCACHE_OVERRIDE:-$CACHE/go/build}"
export GOFLAGS="-mod=mod" CGO_ENABLED=0 GOTOOLCHAIN=local
mkdir -p "$BIN/.stamps" "$BIN/.logs"

K8S_VERSION=v1.34.4
ETCD_VERSION=$(grep -oE 'go.etcd.io/etcd/server/v3 v[0-9.]+' "$HERE/etcd/go.mod" | head -1 | cut -d' ' -f2)
KWOK_VERSION=v0.7.0
OPA_VERSION=v1.22.3
KREW_VERSION=v0.4.3
HELM_VERSION=v3.19.5
PROBE_VERSION=src-$(sha256sum "$HERE/sandbox-probe/main.go" | cut -c1-12)  # rebuilt when its source changes

ALL=(etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl kwok opa krew validate-krew-manifest helm sandbox-probe)

k8s_ldflags() {
  local minor; minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  local f="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    f="$f -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    f="$f -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$f"
}

version_of() {
  case "$1" in
    etcd) echo "$ETCD_VERSION" ;;
    kube-*|kubelet|kubectl) echo "$K8S_VERSION" ;;
    kwok) echo "$KWOK_VERSION" ;;
    opa) echo "$OPA_VERSION" ;;
    krew|validate-krew-manifest) echo "$KREW_VERSION" ;;
    helm) echo "$HELM_VERSION" ;;
    sandbox-probe) echo "$PROBE_VERSION" ;;
    *) echo "unknown binary '$1' (known: ${ALL[*]})" >&2; return 2 ;;
  esac
}

build_one() {
  local name="$1" ver out log
  ver=$(version_of "$name")
  out="$BIN/$name"; log="$BIN/.logs/$name.log"
  if [[ -x "$out" && "$(cat "$BIN/.stamps/$name" 2>/dev/null)" == "$ver" ]]; then
    echo "ok      $name $ver (cached)"; return 0
  fi
  echo "build   $name $ver ..."
  local start=$SECONDS
  if ! (
    case "$name" in
      etcd) cd "$HERE/etcd" && go build -p 2 -trimpath -ldflags "-s -w" -o "$out.tmp" . ;;
      kube-*|kubelet|kubectl) cd "$HERE/kube" && go build -p 2 -trimpath -ldflags "$(k8s_ldflags)" -o "$out.tmp" "k8s.io/kubernetes/cmd/$name" ;;
      kwok) GOBIN="$BIN/.gobin" go install -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$ver" "sigs.k8s.io/kwok/cmd/kwok@$ver" && mv "$BIN/.gobin/kwok" "$out.tmp" ;;
      opa) GOBIN="$BIN/.gobin" go install -trimpath -ldflags "-s -w -X github.com/open-policy-agent/opa/v1/version.Version=${ver#v}" "github.com/open-policy-agent/opa@$ver" && mv "$BIN/.gobin/opa" "$out.tmp" ;;
      krew) GOBIN="$BIN/.gobin" go install -trimpath -ldflags "-s -w -X sigs.k8s.io/krew/internal/version.gitTag=$ver" "sigs.k8s.io/krew/cmd/krew@$ver" && mv "$BIN/.gobin/krew" "$out.tmp" ;;
      validate-krew-manifest) GOBIN="$BIN/.gobin" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/krew/cmd/validate-krew-manifest@$ver" && mv "$BIN/.gobin/validate-krew-manifest" "$out.tmp" ;;
      sandbox-probe) cd "$HERE/sandbox-probe" && go build -trimpath -ldflags "-s -w" -o "$out.tmp" . ;;
      helm) GOBIN="$BIN/.gobin" go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$ver" "helm.sh/helm/v3/cmd/helm@$ver" && mv "$BIN/.gobin/helm" "$out.tmp" ;;
    esac
  ) >"$log" 2>&1; then
    echo "FAILED  $name $ver: go build failed; last lines of $log:" >&2
    tail -n 15 "$log" >&2
    return 1
  fi
  mv "$out.tmp" "$out"
  echo "$ver" > "$BIN/.stamps/$name"
  echo "built   $name $ver in $((SECONDS - start))s"
}

names=("$@"); [[ ${#names[@]} -eq 0 ]] && names=("${ALL[@]}")
failed=()
for n in "${names[@]}"; do build_one "$n" || failed+=("$n"); done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "testbin: failed to build: ${failed[*]} (logs in $BIN/.logs)" >&2; exit 1
fi
echo "testbin: all binaries in $BIN"
