#!/usr/bin/env bash
# Runs StockFlow from the sources: setup, build the UI, `cargo run -p stockflow`.
#   scripts/run-app.sh                   your usual database (in the OS app-data dir)
#   scripts/run-app.sh --demo            a throw-away database in a temp dir
#   STOCKFLOW_DB=/path/x.db scripts/run-app.sh   any database file
# Other arguments go to the app.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

args=()
for arg in "$@"; do
  if [[ "$arg" == "--demo" ]]; then
    demo_dir="$(mktemp -d -t stockflow-demo-XXXXXX)"
    export STOCKFLOW_DB="$demo_dir/stockflow.db"
    export STOCKFLOW_LOG_DIR="$demo_dir/logs"
    echo "run-app: demo database at $STOCKFLOW_DB, logs in $STOCKFLOW_LOG_DIR (deleted on exit)"
    trap 'rm -rf "$demo_dir"' EXIT
  else
    args+=("$arg")
  fi
done

bash scripts/setup.sh
npm --prefix ui run build
cargo build -p stockflow
app=("${CARGO_TARGET_DIR:-target}/debug/stockflow" "${args[@]}")
# Without a session bus (a bare X server, ssh -X), GLib would autolaunch a dbus-daemon that
# outlives the app; dbus-run-session gives the app a bus of its own and ends it with the app.
if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]] && command -v dbus-run-session >/dev/null; then
  app=(dbus-run-session -- "${app[@]}")
fi
# Not exec: the demo directory is removed when the app exits.
"${app[@]}"
