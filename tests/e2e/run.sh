#!/usr/bin/env bash
# Runs the end-to-end tests against the built app (target/debug/stockflow, or $STOCKFLOW_BIN).
#   tests/e2e/run.sh                               all e2e tests
#   tests/e2e/run.sh tests/e2e/catalog.test.mjs    one file
#   tests/e2e/run.sh --test-name-pattern=catalog   tests whose name matches
# The harness starts Xvfb (when DISPLAY is unset), a private D-Bus and WebKitWebDriver itself.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

bin="${STOCKFLOW_BIN:-$root/target/debug/stockflow}"
if [[ ! -x "$bin" ]]; then
  echo "e2e: app binary $bin not found; build it with: cargo build -p stockflow" >&2
  exit 1
fi
for tool in node WebKitWebDriver Xvfb dbus-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "e2e: '$tool' not found; run scripts/setup.sh" >&2
    exit 1
  fi
done

files=()
opts=()
for arg in "$@"; do
  if [[ "$arg" == -* ]]; then opts+=("$arg"); else files+=("$arg"); fi
done
if [[ ${#files[@]} -eq 0 ]]; then
  files=("$here"/*.test.mjs)
fi

rm -rf "$here/artifacts"
# One app at a time: the machine has 2 cores and each app is a full WebKit.
exec node --test --test-concurrency=1 "${opts[@]}" "${files[@]}"
