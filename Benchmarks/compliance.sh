#!/usr/bin/env bash
# Regional compliance out of sample (issue: regional compliance that pools thin evidence): the
# restricted-2026 scenario (feb-2026 plus four campaigns run from CN, RU and IR through exits
# abroad with thin traces, and their look-alikes), on test seeds never used for training, with
# the shipped model and leave-one-population-out (Benchmarks/compliance_lopo.py). Figures for
# docs/compliance.md and docs/benchmarks.md: precision and recall at medium or high, and the
# look-alike accounts at high, worst split first.
#
#   Benchmarks/compliance.sh            TESTS="small:21 small:22" ONLY="emigrant" Benchmarks/compliance.sh
source "$(dirname "$0")/common.sh"
only=()
[ -z "${ONLY:-}" ] || only=(--only $ONLY)
# shellcheck disable=SC2086
python3 "$root/Benchmarks/compliance_lopo.py" --bin "$bin" --work "$work/compliance" --scenario restricted-2026 \
    --test ${TESTS:-small:21 small:22 small:23 medium:31} "${only[@]}" | tee "$work/compliance.md"
