#!/usr/bin/env bash
# Drives every fuzz target in fuzz/ (a target per form decoder and per
# coach) for a fixed number of executions, then prints a table: target,
# executions, time, crashes. Fails if any target crashed (a panic aborts
# the run and libFuzzer keeps the input under fuzz/artifacts/<target>/).
#
#   bench/fuzz.sh                 every target, 1,000,000 executions each
#   RUNS=10000 bench/fuzz.sh      a quick pass
#   bench/fuzz.sh form_checkin    only the targets named
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Nothing here runs in CI. See bench/README.md.
set -uo pipefail
cd "$(dirname "$0")/../fuzz"

runs="${RUNS:-1000000}"
# No sanitizer: the code forbids `unsafe`, so what is sought is a panic;
# debug assertions on, so an overflow panics as it would in a test.
flags=(--sanitizer none --debug-assertions)
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"

cargo +nightly fuzz build "${flags[@]}" || exit 1
if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

logs="$(mktemp -d)"
failed=0
rows=()
for target in "${targets[@]}"; do
  log="$logs/$target.log"
  started=$(date +%s.%N)
  cargo +nightly fuzz run "${flags[@]}" "$target" -- \
    -runs="$runs" -max_len=4096 -seed=1 -print_final_stats=1 >"$log" 2>&1
  status=$?
  seconds=$(echo "$(date +%s.%N) - $started" | bc)
  executions=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1)
  crashes=0
  if [ "$status" -ne 0 ]; then
    crashes=1
    failed=1
    echo "$target crashed; its log: $log" >&2
  fi
  row=$(printf '| %-36s | %12s | %8.1f s | %7s |' "$target" "${executions:-?}" "$seconds" "$crashes")
  rows+=("$row")
  echo "$row"
done

echo
printf '| %-36s | %12s | %10s | %7s |\n' target executions time crashes
printf '|%s|%s|%s|%s|\n' "--------------------------------------" "--------------" "------------" "---------"
printf '%s\n' "${rows[@]}"
exit "$failed"
