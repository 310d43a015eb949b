#!/usr/bin/env bash
# System packages the tests drive for real: tmux (terminal end-to-end tests), PostgreSQL (the
# collector's HA store), openssl (air-gap bundle verification), Chromium (the dashboard's browser
# tests drive Debian's build through Playwright), containerd, runc and the CNI plugins (the sandbox's
# real node runs containers with them). Installed only when missing.
set -euo pipefail
need=()
command -v tmux >/dev/null || need+=(tmux)
command -v openssl >/dev/null || need+=(openssl)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v unshare >/dev/null || need+=(util-linux)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
command -v npm >/dev/null || need+=(npm)  # fetches axe-core for the dashboard's accessibility test
command -v pdftoppm >/dev/null || need+=(poppler-utils)  # the evidence report's PDF, read and rendered by its test
command -v containerd >/dev/null || need+=(containerd)
command -v runc >/dev/null || need+=(runc)
[[ -x /usr/lib/cni/bridge ]] || need+=(containernetworking-plugins)
if [[ ${#need[@]} -eq 0 ]]; then echo "ok      system packages"; exit 0; fi
if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
  echo "missing system packages: ${need[*]} (install them with your package manager)" >&2; exit 1
fi
SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
echo "install ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
