"""The LiteLLM integration's pre-call check alone, at a fixed rate (used by Benchmarks/litellm.sh).

Calls `DistillGuard.async_pre_call_hook` (the callback LiteLLM's proxy runs before each model call:
build the event, ask `POST /v1/decide`, read the decision) on one asyncio loop, as the proxy's
worker does, open loop: call i is due at start + i/rate whatever happened before it. Each call's
latency is measured twice: from its due time (a slow check delays the calls behind it, and that is
counted), and from the moment the hook starts, which is what a request that LiteLLM has read waits
for the check. The two differ by the loop's lateness in starting a call: asyncio wakes timers at
millisecond resolution (up to 1 ms late), and calls that overlap share the loop. What this leaves
out is LiteLLM's own work on the same loop; what it measures is what the check adds to a call once
LiteLLM is within its capacity.

    python3 litellm_precall.py --rate 100 --duration 20 --warmup 3 --label "check run 1"

Reads DISTILLGUARD_DECIDE_URL and DISTILLGUARD_DECIDE_KEY as the callback does; prints one JSON
line (generator, label, target_rate, achieved_rate, p50_ms, p99_ms, p999_ms: from the due time;
hook_p50_ms, hook_p99_ms, hook_p999_ms: from the hook's start; statuses, errors).
"""

import argparse
import asyncio
import json
import sys
import time


def percentile(sorted_values, share):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


async def run(rate: float, duration: float, warmup: float, label: str) -> dict:
    from distillguard_litellm import DistillGuard

    callback = DistillGuard()

    class Key:  # what LiteLLM passes as user_api_key_dict: the fields the callback reads
        token = "sk-litellm-precall-benchmark"
        key_alias = team_id = user_id = end_user_id = None

    latencies, hook_latencies, outcomes = [], [], {}
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    total = int((warmup + duration) * rate)

    async def one(index: int, due: float) -> None:
        data = {"model": "gpt-x", "messages": [{"role": "user", "content": f"Say hi to the benchmark ({index})"}]}
        started = loop.time()
        try:
            await callback.async_pre_call_hook(Key(), None, data, "acompletion")
            outcome = "allowed"
        except Exception as error:  # a refusal is LiteLLM's HTTPException; anything else is an error
            outcome = type(error).__name__
        if due - start >= warmup:
            now = loop.time()
            latencies.append((now - due) * 1000)
            hook_latencies.append((now - started) * 1000)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

    tasks = []
    for index in range(total):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, due)))
    measured_started = time.monotonic()
    await asyncio.gather(*tasks)
    await callback.close()
    latencies.sort()
    hook_latencies.sort()
    completed = len(latencies)
    return {
        "generator": "pre-call check", "label": label, "target_rate": rate,
        "achieved_rate": round(completed / max(duration, 1e-9), 1),
        "p50_ms": percentile(latencies, 0.50), "p99_ms": percentile(latencies, 0.99),
        "p999_ms": percentile(latencies, 0.999), "hook_p50_ms": percentile(hook_latencies, 0.50),
        "hook_p99_ms": percentile(hook_latencies, 0.99), "hook_p999_ms": percentile(hook_latencies, 0.999), "statuses": outcomes,
        "errors": sum(count for outcome, count in outcomes.items() if outcome != "allowed"),
        "drained_seconds": round(time.monotonic() - measured_started, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--label", default="pre-call check")
    args = parser.parse_args()
    if not (0 < args.rate <= 100_000) or not (0 < args.duration <= 3600) or not (0 <= args.warmup <= 600):
        parser.error("--rate must be in (0, 100000], --duration in (0, 3600] and --warmup in [0, 600]")
    print(json.dumps(asyncio.run(run(args.rate, args.duration, args.warmup, args.label))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
