#!/usr/bin/env bash
# Runs every test of the project: dependencies, formatting, the Swift test suite, then a short
# fuzz run of every parser that reads untrusted bytes.
# This is the command the README names and .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-dependencies.sh
# A real PostgreSQL server on loopback for the store tests (SQLite and PostgreSQL run the same suite).
DISTILLGUARD_TEST_POSTGRES_URL=$(scripts/start-test-postgres.sh)
export DISTILLGUARD_TEST_POSTGRES_URL
scripts/check-format.sh
swift build --build-tests
scripts/run-tests.sh
# Every fuzz target for 3,000 executions from the committed seeds, fixed seed: the same inputs on
# every run, so it fails only when a target's property or a parser changes (Fuzz/README.md).
scripts/fuzz.sh
