"""Calls LiteLLM's proxy (with DistillGuard's callback) through the official SDKs, as the LiteLLM
integration test expects (Tests/DistillGuardServerTests/LiteLLMIntegrationTests.swift), and prints
what each call returned as one JSON object.

    python3 scripts/testing/litellm_check.py BASE_URL LITELLM_KEY UPSTREAM_URL

Accounts are named by the end-user id (`user`, Anthropic `metadata.user_id`): acct_a is allowed,
acct_b blocked, acct_c throttled to one request a minute, acct_d degraded (no reasoning, at most
512 output tokens: what the upstream received is read back from the mock's `GET /mock/last`),
acct_e asked to verify its account first. The SDKs do not retry (max_retries=0),
so that a refusal is seen as the proxy sent it.
"""
import json
import sys
import urllib.request

import anthropic
import openai

base, key, upstream = sys.argv[1], sys.argv[2], sys.argv[3]
chat_client = openai.OpenAI(base_url=base + "/v1", api_key=key, max_retries=0)
messages_client = anthropic.Anthropic(base_url=base, api_key=key, max_retries=0)
question = [{"role": "user", "content": "Prove that the square root of 2 is irrational"}]
results = {}


def refusal(error):
    return {"status": error.status_code, "retry_after": error.response.headers.get("retry-after"), "body": error.body}


results["chat"] = chat_client.chat.completions.create(model="gpt-x", user="acct_a", messages=question).choices[0].message.content
results["messages"] = messages_client.messages.create(
    model="claude-x", max_tokens=64, metadata={"user_id": "acct_a"}, messages=question).content[0].text
results["chat_stream"] = "".join(
    chunk.choices[0].delta.content or ""
    for chunk in chat_client.chat.completions.create(model="gpt-x", user="acct_a", messages=question, stream=True)
    if chunk.choices)
with messages_client.messages.stream(model="claude-x", max_tokens=64, metadata={"user_id": "acct_a"}, messages=question) as stream:
    results["messages_stream"] = stream.get_final_text()

try:
    chat_client.chat.completions.create(model="gpt-x", user="acct_b", messages=question)
    results["blocked_chat"] = "not refused"
except openai.PermissionDeniedError as error:
    results["blocked_chat"] = refusal(error)
try:
    messages_client.messages.create(model="claude-x", max_tokens=64, metadata={"user_id": "acct_b"}, messages=question)
    results["blocked_messages"] = "not refused"
except anthropic.PermissionDeniedError as error:
    results["blocked_messages"] = refusal(error)

try:
    chat_client.chat.completions.create(model="gpt-x", user="acct_e", messages=question)
    results["verify_chat"] = "not refused"
except openai.PermissionDeniedError as error:
    results["verify_chat"] = refusal(error)

results["throttle_first"] = chat_client.chat.completions.create(model="gpt-x", user="acct_c", messages=question).choices[0].message.content
try:
    chat_client.chat.completions.create(model="gpt-x", user="acct_c", messages=question)
    results["throttle_second"] = "not refused"
except openai.RateLimitError as error:
    results["throttle_second"] = refusal(error)

degraded = messages_client.messages.create(
    model="claude-x", max_tokens=16000, thinking={"type": "enabled", "budget_tokens": 8000},
    metadata={"user_id": "acct_d"}, messages=question)
sent = json.loads(json.loads(urllib.request.urlopen(upstream + "/mock/last").read())["body"])
results["degraded"] = {
    "text": next((block.text for block in degraded.content if block.type == "text"), None),
    "upstream_max_tokens": sent.get("max_tokens"), "upstream_thinking": "thinking" in sent,
}

print(json.dumps(results))
