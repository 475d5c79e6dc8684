#!/usr/bin/env bash
# Checks that every Swift file follows .swift-format. Fix with:
#   swift format --in-place --recursive Sources Tests Benchmarks Package.swift Fuzz/Package.swift Fuzz/Sources
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests Package.swift)
[ -d Benchmarks ] && paths+=(Benchmarks)
paths+=(Fuzz/Package.swift Fuzz/Sources)
if ! swift format lint --strict --recursive "${paths[@]}"; then
    echo "error: formatting differs from .swift-format; run: swift format --in-place --recursive ${paths[*]}" >&2
    exit 1
fi
echo "format: ok"
