#!/usr/bin/env bash
# Long fuzz runs: every target (Fuzz/README.md) for RUNS executions (default 10^6), from the
# committed seeds. Prints the table docs/benchmarks.md quotes: executions, seconds, coverage
# (edges) and features per target. Exits non-zero if any target crashed, hung or failed a property.
#
#   Benchmarks/fuzz.sh            RUNS=2000000 Benchmarks/fuzz.sh json event
set -euo pipefail
cd "$(dirname "$0")/.."
echo "fuzzing, ${RUNS:-1000000} executions per target ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores)"
# Optimised builds (same sanitizers and coverage): the debug build of the short run in the test
# script runs the event target about 10 times slower.
exec scripts/fuzz.sh --release --runs "${RUNS:-1000000}" --jobs-dir "${WORK:-/tmp/distillguard-fuzz-long}" "$@"
