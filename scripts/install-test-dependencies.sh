#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, and nothing when it is already there.
set -euo pipefail

need_apt=()
[ -f /usr/include/zlib.h ] || need_apt+=(zlib1g-dev)
# Debian's Chromium renders the investigation console in the browser tests.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# Debian's nginx runs the documented integration (integrations/nginx) in front of a mock API.
[ -x /usr/sbin/nginx ] || need_apt+=(nginx)

if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

# The OASIS STIX validator checks exported indicator bundles; the official anthropic and openai
# SDKs are the clients of the gateway's compatibility test; websocket-client drives Chromium over
# the DevTools protocol in the console's browser test.
need_pip=()
python3 -c "import stix2validator" 2>/dev/null || need_pip+=(stix2-validator)
python3 -c "import anthropic" 2>/dev/null || need_pip+=(anthropic)
python3 -c "import openai" 2>/dev/null || need_pip+=(openai)
python3 -c "import websocket" 2>/dev/null || need_pip+=(websocket-client)
# schemathesis checks the running service and gateway against the OpenAPI documents they serve.
python3 -c "import schemathesis" 2>/dev/null || need_pip+=(schemathesis)
# LiteLLM's proxy runs the LiteLLM integration (integrations/litellm) in front of the mock API.
python3 -c "import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in ('litellm', 'fastapi', 'uvicorn')) else 1)" || need_pip+=("litellm[proxy]")
if [ ${#need_pip[@]} -gt 0 ]; then
    echo "installing Python packages: ${need_pip[*]}"
    python3 -m pip install -q "${need_pip[@]}"
fi
