#!/usr/bin/env bash
# THE test command: everything CI checks, in the order a failure is cheapest to find.
# Works from any directory. Skip the end-to-end tests with STOCKFLOW_SKIP_E2E=1 (local use only).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

started=$SECONDS
section_start=$SECONDS
section_name=""
summary=()

section() {
  finish_section
  section_name="$1"
  section_start=$SECONDS
  printf '\n==== %s ====\n' "$section_name"
}
finish_section() {
  if [[ -n "$section_name" ]]; then
    summary+=("$(printf '%-40s %4ds' "$section_name" $((SECONDS - section_start)))")
  fi
  section_name=""
}
on_exit() {
  local status=$?
  if [[ $status -ne 0 && -n "$section_name" ]]; then
    printf '\n==== FAILED in: %s (exit %d) ====\n' "$section_name" "$status"
  fi
}
trap on_exit EXIT

section "setup"
bash scripts/setup.sh
# The alert and forecast tests compare with the shared brief's generator and reference query.
if [[ ! -f ../shared/bench/gen_dataset.py || ! -f ../shared/bench/ref_alerts.py ]]; then
  echo "test: the tests need ../shared/bench (gen_dataset.py, ref_alerts.py) beside this folder" >&2
  exit 1
fi

section "ui: svelte-check"
npm --prefix ui run check

section "ui: build"
npm --prefix ui run build

section "rust: cargo fmt --check"
cargo fmt --all -- --check

section "rust: clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

section "rust: cargo test"
bash scripts/with-postgres.sh cargo test --workspace

section "app: cargo build -p stockflow"
cargo build -p stockflow

if [[ "${STOCKFLOW_SKIP_E2E:-}" == "1" && "${CI:-}" != "true" ]]; then
  section "e2e: SKIPPED (STOCKFLOW_SKIP_E2E=1)"
else
  section "e2e: real app through WebKitWebDriver"
  # sync.test.mjs runs a real stockflow-server on a throw-away PostgreSQL.
  bash scripts/with-postgres.sh bash tests/e2e/run.sh
fi
finish_section

printf '\n==== all checks passed in %ds ====\n' $((SECONDS - started))
printf '%s\n' "${summary[@]}"
