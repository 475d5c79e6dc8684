#!/usr/bin/env bash
# Coverage-guided fuzzing of DistillGuard's parsers (libFuzzer, with AddressSanitizer): see Fuzz/README.md.
# Without options: every target, 3,000 runs each, fixed seed (a short run, the last step of scripts/test.sh).
#
#   scripts/fuzz.sh [--runs N | --seconds S] [--seed N] [--jobs-dir DIR] [--release] [TARGET ...]
#
# Builds Fuzz/ and runs each target (all by default) from its committed seed corpus
# (Fuzz/Corpus/TARGET, never written to) plus a working corpus in DIR/corpus/TARGET (DIR: a new
# temporary directory unless given, so that every run starts alike: a fixed libFuzzer seed, a
# fixed number of runs, the same starting inputs, Swift's hashing fixed; give DIR to keep what a
# long run found). Runs still differ a little in the inputs they try, because libFuzzer learns
# from compared values and some of those are addresses. Prints one line per target
# (executions, seconds, coverage) and exits non-zero if any target crashed, hung or failed a
# property; the input is kept in DIR, with the command that replays it. --release builds the
# targets optimised (same sanitizers and coverage; the event target runs about 10 times faster):
# what the long runs of Benchmarks/fuzz.sh use.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3000
seconds=""
seed=1
work=""
targets=()
configuration=debug
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --seconds) seconds="$2"; runs=""; shift 2 ;;
        --jobs-dir) work="$2"; shift 2 ;;
        # Another libFuzzer seed: a second campaign, to run beside the first on another core.
        --seed) seed="$2"; shift 2 ;;
        --release) configuration=release; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        -*) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
all=(json event stream watermark prose policy gateway stix networks)
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for target in "${targets[@]}"; do
    [ -d "Fuzz/Corpus/$target" ] || { echo "error: no fuzz target '$target' (targets: ${all[*]})" >&2; exit 2; }
done

# Both sanitizers in one flag. swift-driver hands the compiler only the last `-sanitize=` it is
# given, and SwiftPM writes `--sanitize fuzzer --sanitize address` in an order that changes from
# one run to the next: half of all builds compiled the Swift code without coverage counters (blind)
# and the other half without AddressSanitizer. `--sanitize fuzzer` stays for SwiftPM, which then
# links libFuzzer's main instead of the target's own; the flag after it is the one the compiler
# keeps. `-Xcc` adds AddressSanitizer to the C dependencies (SwiftPM gives them coverage).
build=(swift build --package-path Fuzz -c "$configuration" --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address)
echo "building the fuzz targets (first build: a few minutes)..." >&2
"${build[@]}" 2>&1 | grep -E "error|warning: unre|Compiling distillguard_fuzz|Build complete" >&2 || true
binary="$("${build[@]}" --show-bin-path)/distillguard-fuzz"
[ -x "$binary" ] || { echo "error: the fuzz build failed (run: ${build[*]})" >&2; exit 1; }
# Swift's crash reporter would symbolicate for a long time; libFuzzer reports the crash itself.
export SWIFT_BACKTRACE=enable=no
# Dictionaries iterate in the same order in every run, so coverage does not vary with the hash seed.
export SWIFT_DETERMINISTIC_HASHING=1
# The output is read whole before it is searched: `grep -q` stops reading at the first match, and
# the fuzzer, still writing, would die of SIGPIPE and fail the pipeline (pipefail) on a good build.
instrumented() {
    local output
    output=$(DG_FUZZ_TARGET=json "$binary" -runs=0 Fuzz/Corpus/json 2>&1 || true)
    grep -q "INITED cov:" <<<"$output"
}
# A build from before the flags above may be blind; a clean build with them is not.
if ! instrumented; then
    echo "the fuzz build is not instrumented for coverage (built with older flags?); rebuilding from scratch..." >&2
    rm -rf Fuzz/.build
    "${build[@]}" 2>&1 | grep -E "error|Build complete" >&2 || true
    instrumented || { echo "error: the fuzz build is not instrumented for coverage (${build[*]})" >&2; exit 1; }
fi

# A fresh working corpus unless one is named: the same command then runs the same inputs.
temporary=false
if [ -z "$work" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/distillguard-fuzz.XXXXXX")
    temporary=true
fi
mkdir -p "$work"
failed=0
printf '%-10s %12s %8s %8s %8s  %s\n' target executions seconds cov features result
for target in "${targets[@]}"; do
    corpus="$work/corpus/$target"
    log="$work/$target.log"
    mkdir -p "$corpus"
    limit=(-runs="$runs")
    [ -z "$seconds" ] || limit=(-max_total_time="$seconds")
    status=0
    # Event lines and JSON documents are long; streams and texts up to 4 KB exercise every state.
    case "$target" in json|event|stix) max_len=16384 ;; *) max_len=4096 ;; esac
    DG_FUZZ_TARGET="$target" "$binary" "${limit[@]}" -seed="$seed" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/$target-" "$corpus" "Fuzz/Corpus/$target" >"$log" 2>&1 || status=$?
    executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    elapsed=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo "?")
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    features=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    if grep -q "Is the code instrumented for coverage" "$log"; then
        # The seeds alone cover code in any instrumented build: this one runs blind.
        result="FAILED (no coverage: the build is not instrumented; remove Fuzz/.build and run again)"
        failed=1
    elif [ "$status" -eq 0 ]; then
        result=ok
    else
        result="FAILED (exit $status)"
        failed=1
    fi
    printf '%-10s %12s %8s %8s %8s  %s\n' "$target" "$executions" "$elapsed" "$coverage" "$features" "$result"
    if [ "$status" -ne 0 ]; then
        grep -E "property failed|ERROR: |SUMMARY|Fatal error|Test unit written" "$log" | head -8 | sed 's/^/    /' >&2
        artifact=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | sed 's/Test unit written to //')
        [ -z "$artifact" ] || echo "    replay: DG_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no $binary $artifact" >&2
        echo "    full log: $log" >&2
    fi
done
# A temporary working directory goes when every target passed; a failure's input stays in it.
if [ "$failed" -eq 0 ] && $temporary; then rm -rf "$work"; fi
exit "$failed"
