#!/usr/bin/env bash
# Builds this platform's installers: on Linux a .deb and an .rpm, each with the desktop app
# (/usr/bin/stockflow, its desktop entry and icons) and stockflow-cli (/usr/bin/stockflow-cli).
#
#   bash scripts/package.sh                  build from this checkout; packages land in dist/
#   bash scripts/package.sh --from-clone     git clone this checkout's HEAD into a temp dir and
#                                            build there (what a release from a clean clone does)
#   bash scripts/package.sh --install-check  also install the .deb with dpkg -i, check that both
#                                            binaries run (the app under Xvfb until it has opened
#                                            its database), then dpkg -r it again. Needs root.
#
# AppImage is left to CI (.github/workflows/release.yml): its bundler downloads tools at bundle
# time. Windows and macOS installers are built by that workflow too; they cannot be built here.
# A release build takes several minutes on 2 cores; CARGO_TARGET_DIR is honoured.
#
# How the .deb was checked (issue #15): `--install-check` on Debian 12 with the packages of
# scripts/setup.sh installed (the .deb depends on libwebkit2gtk-4.1-0 and libgtk-3-0, which a
# desktop Debian has). It runs `dpkg-deb -c` (both binaries must be listed), `dpkg -i`,
# `stockflow-cli --version`, `stockflow-cli backup` on a fresh database, starts the installed
# /usr/bin/stockflow under Xvfb on a throw-away database and waits for its log line
# "database open", then removes the package with `dpkg -r`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

from_clone=0
install_check=0
for arg in "$@"; do
  case "$arg" in
    --from-clone) from_clone=1 ;;
    --install-check) install_check=1 ;;
    *) echo "package.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

if [[ $from_clone == 1 ]]; then
  clone="$(mktemp -d -t stockflow-package-XXXXXX)"
  trap 'rm -rf "$clone"' EXIT
  git clone --quiet --no-hardlinks "$root" "$clone/stockflow"
  # The target dir stays where it was (a shared one is reused), the packages come back here.
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
  args=()
  [[ $install_check == 1 ]] && args+=(--install-check)
  STOCKFLOW_PACKAGE_OUT="$root/dist" bash "$clone/stockflow/scripts/package.sh" "${args[@]}"
  exit 0
fi

cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
out="${STOCKFLOW_PACKAGE_OUT:-$root/dist}"
for tool in cargo npm npx dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "package.sh: $tool is needed" >&2; exit 1; }
done

echo "==== UI dependencies ===="
[[ -d ui/node_modules ]] || npm --prefix ui ci

echo "==== stockflow-cli (release) ===="
cargo build --release --locked -p stockflow-cli
cli="$target/release/stockflow-cli"

echo "==== app and bundles (release) ===="
# The CLI goes into both packages; its path is only known here, so it is passed as an extra
# configuration merged over tauri.conf.json.
extra="$(mktemp -t stockflow-bundle-XXXXXX.json)"
trap 'rm -f "$extra"' EXIT
# The package name is productName in kebab case ("stock-flow"): packages are named
# "stockflow", and the desktop entry keeps the name people see, "StockFlow".
desktop="$root/src-tauri/linux/stockflow.desktop"
cat >"$extra" <<JSON
{"productName": "stockflow",
 "bundle": {"linux": {
  "deb": {"files": {"/usr/bin/stockflow-cli": "$cli"}, "desktopTemplate": "$desktop"},
  "rpm": {"files": {"/usr/bin/stockflow-cli": "$cli"}, "desktopTemplate": "$desktop"}
}}}
JSON
# The Tauri CLI is not a dependency of the UI (npm ci stays platform independent): fetched here.
npx --yes @tauri-apps/cli@2 build --ci --bundles deb,rpm --config "$extra" -- --locked

mkdir -p "$out"
deb="$(ls -t "$target"/release/bundle/deb/*.deb | head -1)"
rpm="$(ls -t "$target"/release/bundle/rpm/*.rpm | head -1)"
cp "$deb" "$rpm" "$out/"
deb="$out/$(basename "$deb")"
rpm="$out/$(basename "$rpm")"

echo "==== contents ===="
dpkg-deb -I "$deb" | sed -n '/Package:/,$p'
listing="$(dpkg-deb -c "$deb")"
for bin in ./usr/bin/stockflow ./usr/bin/stockflow-cli; do
  grep -qE " (\./)?${bin#./}\$" <<<"$listing" || { echo "package.sh: $bin is missing from $deb" >&2; exit 1; }
done
grep -E " (\./)?usr/(bin|share/applications)/" <<<"$listing"
size() { stat -c %s "$1"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }
echo "deb: $deb ($(mib "$(size "$deb")"))"
echo "rpm: $rpm ($(mib "$(size "$rpm")"))"

if [[ $install_check == 1 ]]; then
  echo "==== install check ===="
  [[ $(id -u) == 0 ]] || { echo "package.sh: --install-check needs root (dpkg -i)" >&2; exit 1; }
  package="$(dpkg-deb -f "$deb" Package)"
  check="$(mktemp -d -t stockflow-install-XXXXXX)"
  app_pid=""
  xvfb_pid=""
  cleanup() {
    [[ -n $app_pid ]] && kill "$app_pid" 2>/dev/null || true
    [[ -n $xvfb_pid ]] && kill "$xvfb_pid" 2>/dev/null || true
    dpkg -r "$package" >/dev/null 2>&1 || true
    rm -rf "$check" "$extra"
  }
  trap cleanup EXIT
  dpkg -i "$deb"
  /usr/bin/stockflow-cli --version
  /usr/bin/stockflow-cli --db "$check/shop.db" company add "Install Check" >/dev/null
  /usr/bin/stockflow-cli --db "$check/shop.db" backup "$check/shop-backup.db" 2>/dev/null
  test -x /usr/bin/stockflow
  grep -q "^Exec=stockflow$" /usr/share/applications/stockflow.desktop
  display=":$(( 90 + RANDOM % 9 ))"
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  mkdir -p "$check/home"
  HOME="$check/home" XDG_DATA_HOME="$check/home/data" DISPLAY="$display" \
    STOCKFLOW_DB="$check/app.db" RUST_LOG=info \
    /usr/bin/stockflow >"$check/app.log" 2>&1 &
  app_pid=$!
  started=0
  for _ in $(seq 1 300); do
    if grep -q "database open" "$check/app.log"; then started=1; break; fi
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ $started != 1 ]]; then
    echo "package.sh: the installed app did not start:" >&2
    cat "$check/app.log" >&2
    exit 1
  fi
  kill -0 "$app_pid" || { echo "package.sh: the installed app exited" >&2; cat "$check/app.log" >&2; exit 1; }
  echo "installed app started (pid $app_pid), database opened; removing the package again"
fi
