#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, and nothing when it is already there.
set -euo pipefail

need_apt=()
[ -f /usr/include/zlib.h ] || need_apt+=(zlib1g-dev)

if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

# The OASIS STIX validator checks exported indicator bundles.
if ! python3 -c "import stix2validator" 2>/dev/null; then
    echo "installing Python packages: stix2-validator"
    python3 -m pip install -q stix2-validator
fi
