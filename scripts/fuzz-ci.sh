#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (SECONDS each, default 30) on
# stable Rust, from the corpus kept in fuzz/corpus. New inputs go to a
# temporary folder, so the corpus in the repository does not change; a
# crash or a failed check leaves its input in fuzz/artifacts and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
cargo fuzz build --sanitizer none
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in scenario_loader clause_parser merge_part set_value; do
    dict=()
    case "$target" in
        scenario_loader) dict=(-dict=fuzz/scenario.dict) ;;
        clause_parser) dict=(-dict=fuzz/clause.dict) ;;
    esac
    mkdir -p "$work/$target"
    echo "== fuzz $target (${seconds}s)"
    # -seed fixes the mutations; -timeout and -rss_limit_mb are generous so
    # that a slow machine does not fail on an input that is merely slow.
    status=0
    cargo fuzz run --sanitizer none "$target" "$work/$target" "fuzz/corpus/$target" -- \
        "${dict[@]}" -seed=1 -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 \
        -print_final_stats=1 >"$work/$target.log" 2>&1 || status=$?
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|INFO: seed)|DONE' "$work/$target.log" || true
    if [ "$status" -ne 0 ]; then
        tail -n 40 "$work/$target.log"
        echo "fuzz target $target failed (status $status)" >&2
        exit "$status"
    fi
done
