"""DistillGuard in LiteLLM's proxy (docs/integrations.md).

Before each model call the callback asks DistillGuard's decision API (`POST /v1/decide` on
`distillguard gateway`) and turns the decision into LiteLLM's own errors (block, verification
required, throttle with Retry-After) or a rewritten request (degrade). After each call, streamed
or not, successful or failed, it sends the exchange to `distillguard serve`'s ingest API
(`POST /v1/events`, the events contract) in the background, in batches, so that the response is
never kept waiting.

Configured by environment variables (read when the proxy loads the callback):

    DISTILLGUARD_DECIDE_URL      the gateway's base URL, e.g. http://127.0.0.1:8080 (required)
    DISTILLGUARD_DECIDE_KEY      the gateway's decision_api_key (required)
    DISTILLGUARD_INGEST_URL      serve's base URL (without it, exchanges are not sent)
    DISTILLGUARD_INGEST_KEY      an ingest key of serve (required with DISTILLGUARD_INGEST_URL)
    DISTILLGUARD_ACCOUNT_FROM    what names the account: key (default), key_alias, team, user,
                                 end_user; a comma-separated list is tried in order
    DISTILLGUARD_FAILURE_MODE    open (default): a decision API that is down or slow lets the call
                                 through; closed: the call is refused with 503
    DISTILLGUARD_TIMEOUT_SECONDS longest wait for a decision (default 1)
    DISTILLGUARD_BATCH_SIZE      exchanges per ingest request (default 200)
    DISTILLGUARD_FLUSH_SECONDS   longest an exchange waits for its batch (default 1)

In the proxy's config.yaml:

    litellm_settings:
      callbacks: distillguard_litellm.callback
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import uuid
from typing import Any, Optional

import aiohttp

try:
    from fastapi import HTTPException
    from litellm._logging import verbose_proxy_logger
    from litellm.integrations.custom_logger import CustomLogger
except ImportError as error:  # pragma: no cover - the package is only useful inside LiteLLM's proxy
    raise ImportError("distillguard_litellm runs inside LiteLLM's proxy: pip install 'litellm[proxy]'") from error

# The proxy's own logger, so that DistillGuard's messages appear where the operator reads LiteLLM's.
logger = verbose_proxy_logger

# LiteLLM's call types, by the events contract's API name.
_APIS = {
    "completion": "openai.chat_completions",
    "acompletion": "openai.chat_completions",
    "anthropic_messages": "anthropic.messages",
    "aanthropic_messages": "anthropic.messages",
    "responses": "openai.responses",
    "aresponses": "openai.responses",
}
_ACCOUNT_SOURCES = ("key", "key_alias", "team", "user", "end_user")


class ConfigurationError(ValueError):
    """A missing or wrong setting, named."""


class DistillGuard(CustomLogger):
    """The callback; `callback` below is the instance config.yaml names."""

    def __init__(self, environment: Optional[dict] = None) -> None:
        super().__init__()
        env = os.environ if environment is None else environment
        self.decide_url = _required(env, "DISTILLGUARD_DECIDE_URL").rstrip("/")
        self.decide_key = _required(env, "DISTILLGUARD_DECIDE_KEY")
        self.ingest_url = (env.get("DISTILLGUARD_INGEST_URL") or "").rstrip("/") or None
        self.ingest_key = env.get("DISTILLGUARD_INGEST_KEY") or None
        if self.ingest_url and not self.ingest_key:
            raise ConfigurationError("DISTILLGUARD_INGEST_KEY is required with DISTILLGUARD_INGEST_URL")
        sources = [s.strip() for s in (env.get("DISTILLGUARD_ACCOUNT_FROM") or "key").split(",") if s.strip()]
        for source in sources:
            if source not in _ACCOUNT_SOURCES:
                raise ConfigurationError(
                    f"DISTILLGUARD_ACCOUNT_FROM: '{source}' is not one of {', '.join(_ACCOUNT_SOURCES)}")
        self.account_sources = sources
        self.failure_mode = env.get("DISTILLGUARD_FAILURE_MODE") or "open"
        if self.failure_mode not in ("open", "closed"):
            raise ConfigurationError(f"DISTILLGUARD_FAILURE_MODE must be open or closed (got '{self.failure_mode}')")
        self.timeout = _positive(env, "DISTILLGUARD_TIMEOUT_SECONDS", 1.0)
        self.batch_size = int(_positive(env, "DISTILLGUARD_BATCH_SIZE", 200))
        self.flush_seconds = _positive(env, "DISTILLGUARD_FLUSH_SECONDS", 1.0)
        self._client: Optional[aiohttp.ClientSession] = None
        self._queue: Optional[asyncio.Queue] = None
        self._sender: Optional[asyncio.Task] = None

    # Before the call ---------------------------------------------------------------------------

    async def async_pre_call_hook(self, user_api_key_dict: Any, cache: Any, data: dict, call_type: Any) -> Any:
        api = _APIS.get(getattr(call_type, "value", call_type))
        if api is None:
            return data  # embeddings, images, files: not what distillation harvests
        account = self._account(user_api_key_dict, data)
        # Where LiteLLM keeps its own metadata for the call: `metadata` is the client's own field in
        # the Anthropic and Responses APIs (sent upstream), so LiteLLM uses `litellm_metadata` there.
        own = "metadata" if api == "openai.chat_completions" else "litellm_metadata"
        if not isinstance(data.get(own), dict):
            data[own] = {}
        data[own]["distillguard_account"] = account
        data[own]["distillguard_api"] = api
        event = {
            "id": _call_id(data),
            "timestamp": _now(),
            "account_id": account,
            "api": api,
            "request": _request_body(data, api),
        }
        try:
            async with self._http().post(
                    self.decide_url + "/v1/decide", json=event, timeout=aiohttp.ClientTimeout(total=self.timeout),
                    headers={"authorization": "Bearer " + self.decide_key}) as response:
                status, text = response.status, await response.text()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return self._unavailable(data, f"the decision API did not answer: {error!r}")
        if status != 200:
            return self._unavailable(data, f"the decision API answered {status}: {text[:300]}")
        try:
            decision = json.loads(text)
        except ValueError:
            decision = None
        if not isinstance(decision, dict):
            return self._unavailable(data, f"the decision API answered 200 without a JSON object: {text[:300]}")
        action = decision.get("action")
        if action in ("allow", "watermark"):
            return data
        if action == "degrade":
            return _degrade(data, decision.get("degrade") or {})
        status = int(decision.get("status") or (429 if action == "throttle" else 403))
        body = decision.get("error_body") or {"error": {"message": "Request refused by usage policy", "code": decision.get("reason")}}
        headers = {}
        if decision.get("retry_after_seconds"):
            headers["Retry-After"] = str(decision["retry_after_seconds"])
        logger.info("DistillGuard refused a call: account %s, action %s, reason %s", account, action, decision.get("reason"))
        raise HTTPException(status_code=status, detail=body, headers=headers or None)

    def _unavailable(self, data: dict, why: str) -> dict:
        if self.failure_mode == "open":
            logger.warning("DistillGuard: %s; the call goes through (failure mode open)", why)
            return data
        logger.error("DistillGuard: %s; the call is refused (failure mode closed)", why)
        raise HTTPException(
            status_code=503, headers={"Retry-After": "5"},
            detail={"error": {"message": "Abuse screening is unavailable; retry shortly", "type": "service_unavailable",
                              "code": "distillguard_unavailable"}})

    def _account(self, key: Any, data: dict) -> str:
        metadata = data.get("metadata") or {}
        for source in self.account_sources:
            value = None
            if source == "key":
                value = getattr(key, "token", None) or getattr(key, "api_key", None)
                value = value and "key:" + str(value)[:24]
            elif source == "key_alias":
                value = getattr(key, "key_alias", None)
            elif source == "team":
                value = getattr(key, "team_id", None)
            elif source == "user":
                value = getattr(key, "user_id", None)
            elif source == "end_user":
                value = (getattr(key, "end_user_id", None) or data.get("user")
                         or (metadata.get("user_id") if isinstance(metadata, dict) else None))
            if value:
                return str(value)
        return "unknown"

    # After the call ----------------------------------------------------------------------------

    async def async_log_success_event(self, kwargs: dict, response_obj: Any, start_time: Any, end_time: Any) -> None:
        response = _as_dict(kwargs.get("complete_streaming_response") or response_obj)
        self._record(kwargs, response, 200, start_time, end_time)

    async def async_log_failure_event(self, kwargs: dict, response_obj: Any, start_time: Any, end_time: Any) -> None:
        error = kwargs.get("exception")
        status = int(getattr(error, "status_code", 500) or 500)
        detail = getattr(error, "detail", None)
        # A refusal of ours carries the API-shaped body; anything else is described as text.
        body = detail if isinstance(detail, dict) else {"error": {"message": str(error)[:2000], "type": type(error).__name__}}
        self._record(kwargs, body, status, start_time, end_time)

    def _record(self, kwargs: dict, response: Optional[dict], status: int, start_time: Any, end_time: Any) -> None:
        if not self.ingest_url:
            return
        params = kwargs.get("litellm_params") or {}
        account = api = None
        for metadata in (params.get("metadata"), params.get("litellm_metadata"), kwargs.get("metadata"), kwargs.get("litellm_metadata")):
            if isinstance(metadata, dict) and metadata.get("distillguard_account"):
                account, api = metadata.get("distillguard_account"), metadata.get("distillguard_api")
                break
        if not account or not api:
            return  # not a call the pre-call hook saw (another call type, or a refused call)
        request = _request_body(params, api) or _request_body(kwargs, api)
        event = {
            "id": (kwargs.get("litellm_call_id") or str(uuid.uuid4())),
            "timestamp": _timestamp(start_time),
            "account_id": account,
            "api": api,
            "request": request,
            "status": status,
        }
        if response and api == "anthropic.messages" and response.get("object") == "chat.completion":
            # LiteLLM hands its callbacks every answer in Chat Completions form; the contract
            # keeps an Anthropic exchange in Anthropic's own shape.
            response = _anthropic_message(response)
        if response:
            event["response"] = response
        try:
            event["latency_ms"] = round((end_time - start_time).total_seconds() * 1000, 3)
        except Exception:  # noqa: BLE001 - timing is optional in the contract
            pass
        self._enqueue(json.dumps(event, default=str, ensure_ascii=False))

    def _enqueue(self, line: str) -> None:
        if self._queue is None:
            self._queue = asyncio.Queue(maxsize=100_000)
            self._sender = asyncio.get_running_loop().create_task(self._send_batches())
        try:
            self._queue.put_nowait(line)
        except asyncio.QueueFull:
            logger.error("DistillGuard: the ingest queue is full (serve unreachable?); an exchange was dropped")

    async def _send_batches(self) -> None:
        assert self._queue is not None
        while True:
            batch = [await self._queue.get()]
            deadline = asyncio.get_running_loop().time() + self.flush_seconds
            while len(batch) < self.batch_size:
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(self._queue.get(), remaining))
                except asyncio.TimeoutError:
                    break
            await self._send(batch)

    async def _send(self, batch: list) -> None:
        body = "\n".join(batch) + "\n"
        for attempt in range(6):
            try:
                async with self._http().post(
                        self.ingest_url + "/v1/events", data=body.encode(), timeout=aiohttp.ClientTimeout(total=30),
                        headers={"authorization": "Bearer " + self.ingest_key, "content-type": "application/x-ndjson"}) as response:
                    status, text, retry_after = response.status, await response.text(), response.headers.get("retry-after")
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                wait, why = min(2 ** attempt, 30), repr(error)
            else:
                if status == 200:
                    try:
                        result = json.loads(text)
                    except ValueError:
                        result = {}
                    if isinstance(result, dict) and result.get("rejected"):
                        logger.error("DistillGuard: serve rejected %s exchange(s): %s", result["rejected"],
                                     [line for line in result.get("lines", []) if line.get("status") == "rejected"][:3])
                    return
                if status not in (429, 503):
                    logger.error("DistillGuard: serve answered %s: %s; %s exchange(s) not sent", status, text[:300], len(batch))
                    return
                wait, why = float(retry_after or 1), f"status {status}"
            logger.warning("DistillGuard: ingest failed (%s); retrying in %s s", why, wait)
            await asyncio.sleep(wait)
        logger.error("DistillGuard: %s exchange(s) not sent after 6 attempts", len(batch))

    def _http(self) -> aiohttp.ClientSession:
        # aiohttp rather than httpx: the decision call is on every request's path, and aiohttp's
        # client costs about half as much per call (docs/benchmarks.md, LiteLLM integration).
        if self._client is None or self._client.closed:
            self._client = aiohttp.ClientSession()
        return self._client

    async def close(self) -> None:
        """Closes the HTTP session (for scripts that use the callback outside LiteLLM's proxy)."""
        if self._client is not None:
            await self._client.close()


def _required(env: Any, name: str) -> str:
    value = env.get(name)
    if not value:
        raise ConfigurationError(f"{name} is not set (see distillguard_litellm's docstring)")
    return value


def _positive(env: Any, name: str, default: float) -> float:
    text = env.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number (got '{text}')") from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive (got {value})")
    return value


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _timestamp(moment: Any) -> str:
    if isinstance(moment, datetime.datetime):
        if moment.tzinfo is None:
            moment = moment.astimezone()
        return moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return _now()


def _call_id(data: dict) -> str:
    return str(data.get("litellm_call_id") or uuid.uuid4())


# The request fields of each API shape that the events contract keeps. LiteLLM adds its own
# (metadata with the caller's key record, call ids, routing) to the same dictionary; they are not
# the client's request and never leave the proxy.
_REQUEST_FIELDS = {
    "openai.chat_completions": (
        "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "n", "stream", "stream_options",
        "stop", "tools", "tool_choice", "parallel_tool_calls", "reasoning_effort", "response_format", "seed", "logprobs",
        "top_logprobs", "presence_penalty", "frequency_penalty", "modalities", "user"),
    "anthropic.messages": (
        "model", "messages", "system", "max_tokens", "thinking", "tools", "tool_choice", "temperature", "top_p", "top_k",
        "stop_sequences", "stream"),
    "openai.responses": (
        "model", "input", "instructions", "max_output_tokens", "reasoning", "tools", "tool_choice", "temperature", "top_p",
        "stream", "previous_response_id", "text", "user"),
}


def _request_body(data: dict, api: str) -> dict:
    """The client's request in its API's shape, without what LiteLLM added to it."""
    source = (data.get("proxy_server_request") or {}).get("body")
    if not isinstance(source, dict) or not source:
        source = data
    body = {key: source[key] for key in _REQUEST_FIELDS[api] if key in source}
    metadata = source.get("metadata")
    if api == "anthropic.messages" and isinstance(metadata, dict) and isinstance(metadata.get("user_id"), str):
        body["metadata"] = {"user_id": metadata["user_id"]}
    # Whatever else LiteLLM may have turned into objects is written as text, never refused.
    return json.loads(json.dumps(body, default=str))


def _degrade(data: dict, degrade: dict) -> dict:
    """Applies a degrade decision: no reasoning, and a cap on output tokens."""
    if degrade.get("strip_reasoning"):
        for key in ("thinking", "reasoning_effort", "reasoning"):
            data.pop(key, None)
    cap = degrade.get("max_output_tokens")
    if cap:
        for key in ("max_tokens", "max_completion_tokens", "max_output_tokens"):
            if isinstance(data.get(key), int) and data[key] > cap:
                data[key] = cap
        if not any(key in data for key in ("max_tokens", "max_completion_tokens", "max_output_tokens")):
            data["max_tokens"] = cap
    return data


_STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use", "function_call": "tool_use"}


def _anthropic_message(completion: dict) -> dict:
    """A Chat Completions response written back in the Anthropic Messages shape."""
    choice = (completion.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    content = []
    for block in message.get("thinking_blocks") or []:
        if isinstance(block, dict) and block.get("thinking"):
            content.append({"type": "thinking", "thinking": block["thinking"], "signature": block.get("signature") or ""})
    if not content and message.get("reasoning_content"):
        content.append({"type": "thinking", "thinking": message["reasoning_content"], "signature": ""})
    if message.get("content"):
        content.append({"type": "text", "text": message["content"]})
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        try:
            arguments = json.loads(function.get("arguments") or "{}")
        except ValueError:
            arguments = {"_raw": function.get("arguments")}
        content.append({"type": "tool_use", "id": call.get("id") or "", "name": function.get("name") or "", "input": arguments})
    usage = completion.get("usage") or {}
    return {
        "id": completion.get("id"), "type": "message", "role": "assistant", "model": completion.get("model"),
        "content": content, "stop_reason": _STOP_REASONS.get(choice.get("finish_reason"), choice.get("finish_reason")),
        "usage": {"input_tokens": usage.get("prompt_tokens") or 0, "output_tokens": usage.get("completion_tokens") or 0},
    }


def _as_dict(response: Any) -> Optional[dict]:
    if response is None:
        return None
    if isinstance(response, dict):
        return response
    for method in ("model_dump", "dict", "json"):
        if hasattr(response, method):
            try:
                value = getattr(response, method)()
                return json.loads(value) if isinstance(value, str) else value
            except Exception:  # noqa: BLE001 - try the next way of reading it
                continue
    return None


_callback: Optional[DistillGuard] = None


def __getattr__(name: str) -> Any:
    """`callback`, made from the environment when the proxy first asks for it, so that a missing
    setting stops the proxy at start with its name (and importing the package alone never fails)."""
    global _callback
    if name != "callback":
        raise AttributeError(name)
    if _callback is None:
        _callback = DistillGuard()
    return _callback
