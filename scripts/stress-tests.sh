#!/usr/bin/env bash
# Runs the whole test suite N times on one build and reports every failure by test name, to show
# that the suite is deterministic (a flaky test blocks everyone: CI decides what lands).
#
#   scripts/stress-tests.sh 10            # ten runs on a quiet machine
#   scripts/stress-tests.sh 10 --load     # the same with a CPU hog on one core throughout
#
# Each run's full output is kept in $STRESS_LOG_DIR (default /tmp/distillguard-stress); the
# summary lists, per run, its time, the tests that failed and anything new the run left in the
# temporary folder (test directories, Chromium's files). Exits non-zero if any run failed.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-10}
load=false
[ "${2:-}" = "--load" ] && load=true
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]] || { [ $# -ge 2 ] && [ "$2" != "--load" ]; }; then
    echo "usage: scripts/stress-tests.sh N [--load]   (N runs of the whole suite, optionally with a CPU hog on one core)" >&2
    exit 2
fi
logs=${STRESS_LOG_DIR:-/tmp/distillguard-stress}
mkdir -p "$logs"

scripts/install-test-dependencies.sh
DISTILLGUARD_TEST_POSTGRES_URL=$(scripts/start-test-postgres.sh)
export DISTILLGUARD_TEST_POSTGRES_URL
swift build --build-tests

hog=
stop_hog() {
    # The hog ends by SIGTERM: its status (143) is expected, not a failure of the runs.
    if [ -n "$hog" ]; then kill "$hog" 2>/dev/null || true; wait "$hog" 2>/dev/null || true; fi
    hog=
}
trap stop_hog EXIT
if $load; then
    nice -n 0 sh -c 'while :; do :; done' &
    hog=$!
    echo "CPU hog running on one core (pid $hog)"
fi

# What tests leave in the temporary folder: their directories, Chromium profiles and Chromium's
# own files. A run should leave none of them; the summary names any that appear during a run.
leftovers() {
    find "${TMPDIR:-/tmp}" -maxdepth 1 \( -name 'distillguard-test-*-*' -o -name 'dg-chromium-*' -o -name '.org.chromium.*' \
        -o -name 'org.chromium.*' \) -print 2>/dev/null | sort
}

failed_runs=0
summary=()
for run in $(seq 1 "$runs"); do
    log="$logs/run-$run.log"
    before=$(leftovers)
    started=$(date +%s)
    if scripts/run-tests.sh >"$log" 2>&1; then status=0; else status=$?; fi
    seconds=$(( $(date +%s) - started ))
    left=$(comm -13 <(echo "$before") <(leftovers) | grep -c . || true)
    # Swift Testing marks a failed test with "✘ Test NAME(...) failed"; XCTest with "Test Case '...' failed".
    names=$(grep -aoE "✘ Test [^ ]+\) (with [0-9]+ test cases? )?failed|Test Case '[^']+' failed" "$log" \
        | sed -E "s/^✘ Test //; s/ (with [0-9]+ test cases? )?failed$//; s/^Test Case '([^']+)' failed$/\1/" | sort -u | paste -sd ' ' - || true)
    # A crash ends the run without a verdict per test: name the crash and the tests that were running.
    if [ -z "$names" ] && grep -aq "Program crashed" "$log"; then
        names=$(python3 - "$log" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
started = dict.fromkeys(re.findall(r"◇ Test (\S+\)) started", text))
ended = set(re.findall(r"[✔✘] Test (\S+\)) ", text))
crash = re.search(r"\*\*\* Program crashed: (.*?) \*\*\*", text)
running = [name for name in started if name not in ended]
print(f"CRASH ({crash.group(1) if crash else 'unknown'}) while running: {' '.join(running) or 'none'}")
PY
)
    fi
    passed=$(grep -aoE "Test run with [0-9]+ tests? (in [0-9]+ suites? )?passed" "$log" | grep -aoE "[0-9]+ tests?" | paste -sd '+' - || true)
    if [ "$status" -eq 0 ]; then
        line="run $run: passed ($passed) in ${seconds} s"
    else
        failed_runs=$((failed_runs + 1))
        line="run $run: FAILED in ${seconds} s (exit $status): ${names:-no failing test named; see $log (crash or build error?)}"
    fi
    [ "$left" -gt 0 ] && line="$line; $left new test directories or Chromium files left in ${TMPDIR:-/tmp}"
    echo "$line"
    summary+=("$line")
done
stop_hog

echo
echo "$((runs - failed_runs)) of $runs runs passed$($load && echo ' (with a CPU hog on one core)'); logs in $logs"
[ "$failed_runs" -eq 0 ]
