#!/usr/bin/env bash
# Prepares a Debian 12 / Ubuntu machine to build, run and test StockFlow. Idempotent: a second
# run only checks (dpkg-query, file dates) and takes about a second.
#   - system packages (apt-get, only those missing), as root or through sudo;
#   - ui/node_modules (npm ci) when missing or older than ui/package-lock.json.
# Node.js (>= 20, with npm) and a Rust toolchain (cargo, rustfmt, clippy) must already be there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  libwebkit2gtk-4.1-dev # WebKitGTK + GTK headers for Tauri/wry
  build-essential
  pkg-config
  file
  xvfb            # headless X server for the e2e tests
  xauth
  webkit2gtk-driver # WebKitWebDriver: drives the app window in the e2e tests
  dbus            # dbus-daemon: a private session bus per e2e test (single-instance plugin)
  dbus-x11
  imagemagick     # `import`: whole-screen screenshot when WebDriver cannot take one
  zbar-tools      # zbarimg: the e2e test of barcode labels reads the printed bars back
  postgresql      # the sync server's tests run against a throw-away cluster (scripts/with-postgres.sh)
  python3         # the shared generator and reference query (../shared/bench) the alert tests compare with
)

missing=()
for pkg in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing system packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    echo "setup: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
else
  echo "setup: system packages present"
fi

# Toolchains: not installed here, only checked, with a clear message.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup: Node.js 20+ with npm is required (e.g. apt-get install nodejs npm, or nodejs.org)" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if (( node_major < 20 )); then
  echo "setup: Node.js 20+ is required, found $(node --version)" >&2
  exit 1
fi
if ! command -v cargo >/dev/null; then
  echo "setup: a Rust toolchain is required (https://rustup.rs; then: rustup component add rustfmt clippy)" >&2
  exit 1
fi
for component in fmt clippy; do
  if ! cargo "$component" --version >/dev/null 2>&1; then
    echo "setup: cargo $component is missing: rustup component add $( [[ $component == fmt ]] && echo rustfmt || echo clippy )" >&2
    exit 1
  fi
done

# UI dependencies. npm writes node_modules/.package-lock.json on every install: it is the
# date of the last install.
ui="$root/ui"
if [[ -f "$ui/package.json" ]]; then
  stamp="$ui/node_modules/.package-lock.json"
  if [[ ! -f "$stamp" || "$ui/package-lock.json" -nt "$stamp" || "$ui/package.json" -nt "$stamp" ]]; then
    echo "setup: installing UI dependencies (npm ci)"
    if [[ -f "$ui/package-lock.json" ]]; then
      npm --prefix "$ui" ci --no-audit --no-fund </dev/null
    else
      echo "setup: ui/package-lock.json missing; running npm install" >&2
      npm --prefix "$ui" install --no-audit --no-fund </dev/null
    fi
    touch "$stamp"
  else
    echo "setup: UI dependencies up to date"
  fi
fi
