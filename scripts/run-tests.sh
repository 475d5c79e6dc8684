#!/usr/bin/env bash
# Runs the Swift test suite on an existing build (`swift build --build-tests`), in the two groups
# scripts/test.sh and scripts/stress-tests.sh share. Needs DISTILLGUARD_TEST_POSTGRES_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tests that run servers inside the test process share its few threads (as many as cores); tests
# that run the distillguard executable block a thread while they wait for it. Run the two groups
# one after the other so that the waiting never starves the servers.
swift test --skip-build --skip DistillGuardCLITests "$@"
swift test --skip-build --filter DistillGuardCLITests "$@"
