"""DistillGuard's LiteLLM callback on its own, where the decision API fails (LiteLLMIntegrationTests).

Imports `distillguard_litellm` from the checkout (LiteLLM, FastAPI and aiohttp must be installed)
and calls its pre-call hook against decision APIs that fail in each way a proxy meets: nothing
listening, an error status, a 200 that is not a decision, and one that accepts the connection and
never answers (the timeout). With DISTILLGUARD_FAILURE_MODE=open the call goes through unchanged;
with closed it is refused with 503, Retry-After and the code `distillguard_unavailable`. Settings
that are wrong are refused by name. Prints one line per check and "all checks passed"; exits 1 on
the first failure.
"""

import asyncio
import os
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # importing litellm must not reach the internet
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "integrations", "litellm"))

from distillguard_litellm import ConfigurationError, DistillGuard  # noqa: E402
from fastapi import HTTPException  # noqa: E402


class Key:
    """The fields of LiteLLM's key record that the callback reads."""
    token = "sk-litellm-callback-check"
    key_alias = team_id = user_id = end_user_id = None


class Failing(BaseHTTPRequestHandler):
    """/status500 answers 500, /notjson answers 200 with text; anything else is never answered."""

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path.startswith("/status500"):
            self._reply(500, b'{"error":"boom"}')
        elif self.path.startswith("/notjson"):
            self._reply(200, b"<html>a login page</html>")
        else:
            hung.wait()  # until the checks are over: the client's timeout has to end the call

    def _reply(self, status, body):
        self.send_response(status)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


hung = threading.Event()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fail(message: str) -> None:
    print("FAILED: " + message)
    sys.exit(1)


async def hook(environment: dict, base: str) -> object:
    callback = DistillGuard(dict(environment, DISTILLGUARD_DECIDE_URL=base, DISTILLGUARD_DECIDE_KEY="decide-check"))
    data = {"model": "gpt-x", "messages": [{"role": "user", "content": "Say hi"}]}
    try:
        return await callback.async_pre_call_hook(Key(), None, data, "acompletion")
    except HTTPException as refusal:
        return refusal
    finally:
        await callback.close()


async def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    served = f"http://127.0.0.1:{server.server_address[1]}"
    nobody = f"http://127.0.0.1:{free_port()}"
    # The timeout is short because the hanging server never answers: no race with a slow machine.
    cases = [
        ("nothing listening", nobody, {}),
        ("500 from the decision API", served + "/status500", {}),
        ("200 that is not a decision", served + "/notjson", {}),
        ("no answer within the timeout", served + "/hang", {"DISTILLGUARD_TIMEOUT_SECONDS": "0.3"}),
    ]
    for name, base, extra in cases:
        allowed = await hook(dict(extra, DISTILLGUARD_FAILURE_MODE="open"), base)
        if not isinstance(allowed, dict) or allowed.get("messages", [{}])[0].get("content") != "Say hi":
            fail(f"{name}, failure mode open: the call should go through unchanged, got {allowed!r}")
        refused = await hook(dict(extra, DISTILLGUARD_FAILURE_MODE="closed"), base)
        if not isinstance(refused, HTTPException) or refused.status_code != 503:
            fail(f"{name}, failure mode closed: expected a 503 refusal, got {refused!r}")
        if (refused.headers or {}).get("Retry-After") != "5" or refused.detail["error"]["code"] != "distillguard_unavailable":
            fail(f"{name}, failure mode closed: the refusal lacks Retry-After or its code: {refused.headers!r} {refused.detail!r}")
        print(f"ok: {name}: open lets the call through, closed refuses it with 503")
    hung.set()
    server.shutdown()

    base = {"DISTILLGUARD_DECIDE_URL": served, "DISTILLGUARD_DECIDE_KEY": "decide-check"}
    settings = [
        ({}, "DISTILLGUARD_DECIDE_URL"),
        ({"DISTILLGUARD_DECIDE_URL": served}, "DISTILLGUARD_DECIDE_KEY"),
        (dict(base, DISTILLGUARD_FAILURE_MODE="sometimes"), "DISTILLGUARD_FAILURE_MODE"),
        (dict(base, DISTILLGUARD_TIMEOUT_SECONDS="soon"), "DISTILLGUARD_TIMEOUT_SECONDS"),
        (dict(base, DISTILLGUARD_TIMEOUT_SECONDS="0"), "DISTILLGUARD_TIMEOUT_SECONDS"),
        (dict(base, DISTILLGUARD_ACCOUNT_FROM="key,cookie"), "DISTILLGUARD_ACCOUNT_FROM"),
        (dict(base, DISTILLGUARD_INGEST_URL=served), "DISTILLGUARD_INGEST_KEY"),
    ]
    for environment, named in settings:
        try:
            DistillGuard(environment)
        except ConfigurationError as error:
            if named not in str(error):
                fail(f"settings {environment}: the error should name {named}: {error}")
            print(f"ok: refused without a valid {named}: {error}")
            continue
        fail(f"settings {environment}: accepted, should be refused naming {named}")
    print("all checks passed")


asyncio.run(main())
