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
    echo "run-app: demo database at $STOCKFLOW_DB (deleted on exit)"
    trap 'rm -rf "$demo_dir"' EXIT
  else
    args+=("$arg")
  fi
done

bash scripts/setup.sh
npm --prefix ui run build
# Not exec: the demo directory is removed when the app exits.
cargo run -p stockflow -- "${args[@]}"
