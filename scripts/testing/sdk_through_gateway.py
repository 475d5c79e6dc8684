#!/usr/bin/env python3
"""Calls the upstream directly and through the DistillGuard gateway with the official anthropic and
openai SDKs, streaming and not, and checks that the SDKs get exactly the same results.

Run by the Swift test `SDKCompatibilityTests`; usable by hand against a running gateway:
    python3 scripts/testing/sdk_through_gateway.py --gateway http://127.0.0.1:8080 \
        --upstream http://127.0.0.1:9100 --client-key sk-client --upstream-key sk-upstream-test \
        --blocked-key sk-blocked
Exit status 0 when every case matches, 1 otherwise (with the differences printed).
"""
import argparse
import json
import sys

import anthropic
import openai


def dump(value):
    """A comparable form of what an SDK returned."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [dump(v) for v in value]
    return value


def anthropic_cases(client):
    prompt = [{"role": "user", "content": "Name three prime numbers"}]
    return {
        "anthropic.messages": lambda: client.messages.create(model="claude-x", max_tokens=256, messages=prompt),
        "anthropic.messages+thinking": lambda: client.messages.create(
            model="claude-x", max_tokens=4096, thinking={"type": "enabled", "budget_tokens": 2048}, messages=prompt),
        "anthropic.messages.stream(raw events)": lambda: list(
            client.messages.create(model="claude-x", max_tokens=256, messages=prompt, stream=True)),
        "anthropic.messages.stream(helper)": lambda: stream_helper(client, prompt),
        "anthropic.messages.count_tokens": lambda: client.messages.count_tokens(model="claude-x", messages=prompt),
        "anthropic.error": lambda: expect_error(
            lambda: client.messages.create(model="mock-error", max_tokens=10, messages=prompt)),
    }


def stream_helper(client, prompt):
    with client.messages.stream(model="claude-x", max_tokens=4096, thinking={"type": "enabled", "budget_tokens": 2048},
                                messages=prompt) as stream:
        text = "".join(stream.text_stream)
        return {"text": text, "final": dump(stream.get_final_message())}


def openai_cases(client):
    messages = [{"role": "user", "content": "Say hi"}]
    return {
        "openai.chat": lambda: client.chat.completions.create(model="gpt-x", messages=messages),
        "openai.chat.stream": lambda: list(client.chat.completions.create(
            model="gpt-x", messages=messages, stream=True, stream_options={"include_usage": True})),
        "openai.responses": lambda: client.responses.create(model="gpt-x", input="Write one line about the sea"),
        "openai.responses.stream": lambda: list(client.responses.create(
            model="gpt-x", input="Write one line about the sea", stream=True)),
        "openai.responses.stream(helper)": lambda: responses_helper(client),
        "openai.error": lambda: expect_error(lambda: client.chat.completions.create(model="mock-error", messages=messages)),
    }


def responses_helper(client):
    with client.responses.stream(model="gpt-x", input="Write one line about the sea") as stream:
        for _ in stream:
            pass
        return dump(stream.get_final_response())


def expect_error(call):
    try:
        call()
    except (anthropic.APIStatusError, openai.APIStatusError) as error:
        return {"exception": type(error).__name__, "status": error.status_code, "body": error.body}
    return {"exception": None}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--client-key", required=True)
    parser.add_argument("--upstream-key", required=True)
    parser.add_argument("--blocked-key", required=True)
    args = parser.parse_args()

    def clients(base, key):
        return (anthropic.Anthropic(base_url=base, api_key=key, max_retries=0),
                openai.OpenAI(base_url=base + "/v1", api_key=key, max_retries=0))

    direct_anthropic, direct_openai = clients(args.upstream, args.upstream_key)
    proxied_anthropic, proxied_openai = clients(args.gateway, args.client_key)
    failures = 0
    cases = list(anthropic_cases(direct_anthropic).items()) + list(openai_cases(direct_openai).items())
    proxied = dict(anthropic_cases(proxied_anthropic)) | dict(openai_cases(proxied_openai))
    for name, direct_call in cases:
        expected = dump(direct_call())
        got = dump(proxied[name]())
        if expected == got:
            print(f"ok    {name}")
        else:
            failures += 1
            print(f"FAIL  {name}\n  direct:  {json.dumps(expected)[:2000]}\n  gateway: {json.dumps(got)[:2000]}")

    # A blocked account gets the SDK's usual exception, with the reason code in the API's error shape.
    blocked_anthropic, blocked_openai = clients(args.gateway, args.blocked_key)
    for name, call, exception in [
        ("anthropic blocked", lambda: blocked_anthropic.messages.create(
            model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "x"}]), anthropic.PermissionDeniedError),
        ("openai blocked", lambda: blocked_openai.chat.completions.create(
            model="gpt-x", messages=[{"role": "user", "content": "x"}]), openai.PermissionDeniedError),
        ("openai blocked stream", lambda: list(blocked_openai.chat.completions.create(
            model="gpt-x", messages=[{"role": "user", "content": "x"}], stream=True)), openai.PermissionDeniedError),
    ]:
        try:
            call()
            failures += 1
            print(f"FAIL  {name}: no exception")
        except exception as error:
            body = error.body if isinstance(error.body, dict) else {}
            code = body.get("code") or (body.get("error") or {}).get("code")
            if code == "distillation_attack":
                print(f"ok    {name}: {type(error).__name__} {error.status_code} {code}")
            else:
                failures += 1
                print(f"FAIL  {name}: body {error.body!r}")
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
