#!/usr/bin/env bash
# Gateway latency and throughput on loopback, side by side with LiteLLM's proxy as a plain pass-through.
#
# For each target (the mock upstream called directly, the DistillGuard gateway, LiteLLM) it runs
# the open-loop load generator at 1k and 5k requests/s, non-streaming and streaming (OpenAI Chat
# Completions, which both proxies speak; the Anthropic Messages API is measured for the gateway
# too), then closed-loop for maximum throughput. Added latency = target percentile − direct
# percentile at the same rate. Results: $BENCH_DIR/gateway/results.jsonl and a table on stdout.
# Then it runs Benchmarks/gatewaycheck.sh: the same gateway on the independent harness in
# ../shared/tools/gatewaycheck, against its minimal pass-through proxy as the floor.
#
#   Benchmarks/gateway.sh                # full run (about 15 minutes, then about 20 on the independent harness)
#   DURATION=5 RATES="1000" Benchmarks/gateway.sh
#   INDEPENDENT=0 Benchmarks/gateway.sh   # without the independent harness (Benchmarks/gatewaycheck.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${BENCH_DIR:-/tmp/distillguard-bench}/gateway"
duration=${DURATION:-10}
rates=${RATES:-"1000 5000"}
mkdir -p "$work"
rm -f "$work/results.jsonl" "$work/events.jsonl"

echo "building release binaries…" >&2
(cd "$root" && swift build -c release --product distillguard >&2 &&
    swift build -c release --product distillguard-mock-upstream >&2 &&
    swift build -c release --product distillguard-loadgen >&2)
release="$root/.build/release"
if ! command -v litellm >/dev/null; then
    echo "installing LiteLLM's proxy (PyPI litellm[proxy])…" >&2
    python3 -m pip install -q 'litellm[proxy]' >&2
fi

upstream_port=9310 gateway_port=9311 litellm_port=9312
litellm_key="sk-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

cat >"$work/gateway.json" <<JSON
{"listen":{"host":"127.0.0.1","port":$gateway_port},
 "upstream":{"anthropic":{"url":"http://127.0.0.1:$upstream_port","api_key":"sk-upstream-test"},
             "openai":{"url":"http://127.0.0.1:$upstream_port","api_key":"sk-upstream-test"}},
 "keys":[{"key":"sk-bench-client","account_id":"acct_bench","tier":"standard"}],
 "analysis":{"event_log":"$work/events.jsonl","refresh_seconds":5}}
JSON
cat >"$work/litellm.yaml" <<YAML
model_list:
  - model_name: gpt-x
    litellm_params:
      model: openai/gpt-x
      api_base: http://127.0.0.1:$upstream_port/v1
      api_key: sk-upstream-test
litellm_settings:
  drop_params: false
  set_verbose: false
general_settings:
  master_key: $litellm_key
YAML

"$release/distillguard-mock-upstream" --port $upstream_port >"$work/mock.log" 2>&1 &
pids+=($!)
"$release/distillguard" gateway --config "$work/gateway.json" --log-level warning >"$work/gateway.log" 2>&1 &
pids+=($!)
litellm --config "$work/litellm.yaml" --host 127.0.0.1 --port $litellm_port --num_workers 1 >"$work/litellm.log" 2>&1 &
pids+=($!)
for port in $upstream_port $gateway_port $litellm_port; do
    for _ in $(seq 1 120); do
        curl -s -o /dev/null "http://127.0.0.1:$port/health" && break
        sleep 1
    done
done
echo "servers up: mock $upstream_port, gateway $gateway_port, litellm $litellm_port" >&2

printf '%s' '{"model":"gpt-x","messages":[{"role":"user","content":"Say hi to the benchmark"}]}' >"$work/chat.json"
printf '%s' '{"model":"gpt-x","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Say hi to the benchmark"}]}' >"$work/chat-stream.json"
printf '%s' '{"model":"claude-x","max_tokens":256,"messages":[{"role":"user","content":"Say hi to the benchmark"}]}' >"$work/messages.json"
printf '%s' '{"model":"claude-x","max_tokens":256,"stream":true,"messages":[{"role":"user","content":"Say hi to the benchmark"}]}' >"$work/messages-stream.json"

# run LABEL URL BODY KEY RATE [CONNECTIONS]
run() {
    local label=$1 url=$2 body=$3 key=$4 rate=$5 connections=${6:-128}
    "$release/distillguard-loadgen" --url "$url" --body-file "$work/$body" --header "authorization: Bearer $key" \
        --rate "$rate" --duration "$duration" --warmup 2 --connections "$connections" --label "$label" | tee -a "$work/results.jsonl"
}

for rate in $rates; do
    for mode in chat chat-stream; do
        run "direct $mode" "http://127.0.0.1:$upstream_port/v1/chat/completions" "$mode.json" sk-upstream-test "$rate"
        run "gateway $mode" "http://127.0.0.1:$gateway_port/v1/chat/completions" "$mode.json" sk-bench-client "$rate"
        run "litellm $mode" "http://127.0.0.1:$litellm_port/v1/chat/completions" "$mode.json" "$litellm_key" "$rate"
    done
    for mode in messages messages-stream; do
        run "direct $mode" "http://127.0.0.1:$upstream_port/v1/messages" "$mode.json" sk-upstream-test "$rate"
        run "gateway $mode" "http://127.0.0.1:$gateway_port/v1/messages" "$mode.json" sk-bench-client "$rate"
    done
done
for mode in chat chat-stream; do
    run "direct $mode" "http://127.0.0.1:$upstream_port/v1/chat/completions" "$mode.json" sk-upstream-test 0 64
    run "gateway $mode" "http://127.0.0.1:$gateway_port/v1/chat/completions" "$mode.json" sk-bench-client 0 64
    run "litellm $mode" "http://127.0.0.1:$litellm_port/v1/chat/completions" "$mode.json" "$litellm_key" 0 64
done

curl -s "http://127.0.0.1:$gateway_port/metrics" >"$work/metrics.txt"
python3 - "$work/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
direct = {(r["target_rate"], r["label"].split(" ", 1)[1]): r for r in rows if r["label"].startswith("direct")}
print("latency to the last byte; for streams also to the first event (TTFB). added = target - direct at the same rate")
print(f"{'target':<26}{'rate':>7}{'achieved':>10}{'p50 ms':>9}{'p99 ms':>9}{'added p50':>11}{'added p99':>11}{'TTFB+ p50':>11}{'TTFB+ p99':>11}{'errors':>8}")
for r in rows:
    target, mode = r["label"].split(" ", 1)
    base = direct.get((r["target_rate"], mode))
    comparable = target != "direct" and r["target_rate"] != 0 and base
    added = (f"{r['p50_ms'] - base['p50_ms']:.3f}", f"{r['p99_ms'] - base['p99_ms']:.3f}") if comparable else ("", "")
    ttfb = (f"{r['ttfb_p50_ms'] - base['ttfb_p50_ms']:.3f}", f"{r['ttfb_p99_ms'] - base['ttfb_p99_ms']:.3f}") if comparable and "stream" in mode else ("", "")
    rate = "max" if r["target_rate"] == 0 else int(r["target_rate"])
    print(f"{r['label']:<26}{rate:>7}{r['achieved_rate']:>10}{r['p50_ms']:>9.3f}{r['p99_ms']:>9.3f}{added[0]:>11}{added[1]:>11}{ttfb[0]:>11}{ttfb[1]:>11}{r['errors']:>8}")
PY
echo "event log lines written by the gateway: $(wc -l <"$work/events.jsonl")" >&2

# The same gateway on the independent harness (its own mock, load generator and floor proxy):
# the figures a user reproducing them will see. Skipped with a message when it is not beside us.
cleanup
pids=()
if [ "${INDEPENDENT:-1}" = 1 ]; then "$root/Benchmarks/gatewaycheck.sh"; fi
