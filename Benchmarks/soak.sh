#!/usr/bin/env bash
# Gateway soak: a steady open-loop load for a long time, with the gateway's memory (RSS) sampled
# every few seconds and the latency it adds measured minute by minute. What it shows: memory that
# stays flat once warm (nothing grows per request: queues, captures, retry buffers, connection
# pools) and a tail latency that does not drift.
#
# Load: half non-streaming Chat Completions, half streaming Anthropic Messages, from two accounts,
# through a gateway that logs every exchange, stores it in SQLite and analyses it live. Minute by
# minute (open loop, so queueing shows as latency): p50/p99 to the last byte, and the added p99
# against the mock upstream called directly at the same rate (measured before and after the soak).
#
#   Benchmarks/soak.sh                       # 1,000 requests/s for 10 minutes
#   RATE=500 MINUTES=2 Benchmarks/soak.sh    # a shorter run
#
# Results: $BENCH_DIR/soak/{minutes.jsonl,rss.tsv} and a table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${BENCH_DIR:-/tmp/distillguard-bench}/soak"
rate=${RATE:-1000}
minutes=${MINUTES:-10}
sample_seconds=${SAMPLE_SECONDS:-5}
half=$(python3 -c "print($rate / 2)")
mkdir -p "$work"
rm -f "$work"/minutes.jsonl "$work"/rss.tsv "$work"/events.jsonl "$work"/gateway.sqlite*

echo "building release binaries…" >&2
(cd "$root" && swift build -c release --product distillguard >&2 &&
    swift build -c release --product distillguard-mock-upstream >&2 &&
    swift build -c release --product distillguard-loadgen >&2)
release="$root/.build/release"

upstream_port=${UPSTREAM_PORT:-9320} gateway_port=${GATEWAY_PORT:-9321}
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

cat >"$work/gateway.json" <<JSON
{"listen":{"host":"127.0.0.1","port":$gateway_port},
 "upstream":{"anthropic":{"url":"http://127.0.0.1:$upstream_port","api_key":"sk-upstream-test"},
             "openai":{"url":"http://127.0.0.1:$upstream_port","api_key":"sk-upstream-test"},
             "timeout_seconds":30,"idle_timeout_seconds":30},
 "keys":[{"key":"sk-soak-chat","account_id":"acct_soak_chat","tier":"standard"},
         {"key":"sk-soak-stream","account_id":"acct_soak_stream","tier":"standard"}],
 "analysis":{"event_log":"$work/events.jsonl","store":"$work/gateway.sqlite","refresh_seconds":5}}
JSON
printf '%s' '{"model":"gpt-x","messages":[{"role":"user","content":"Summarise the soak test plan in one line"}]}' >"$work/chat.json"
printf '%s' '{"model":"claude-x","max_tokens":256,"stream":true,"messages":[{"role":"user","content":"Describe a long-running service in a sentence"}]}' >"$work/messages-stream.json"

"$release/distillguard-mock-upstream" --port "$upstream_port" >"$work/mock.log" 2>&1 &
pids+=($!)
"$release/distillguard" gateway --config "$work/gateway.json" --log-level warning >"$work/gateway.log" 2>&1 &
gateway_pid=$!
pids+=($gateway_pid)
for port in $upstream_port $gateway_port; do
    for _ in $(seq 1 120); do
        curl -s -o /dev/null "http://127.0.0.1:$port/health" && break
        sleep 1
    done
done

# segment LABEL BASE_URL CHAT_KEY STREAM_KEY SECONDS: both halves of the load at once for SECONDS.
segment() {
    local label=$1 url=$2 chat_key=$3 stream_key=$4 seconds=$5
    "$release/distillguard-loadgen" --url "$url/v1/chat/completions" --body-file "$work/chat.json" \
        --header "authorization: Bearer $chat_key" --rate "$half" --duration "$seconds" --warmup 0 --connections 256 \
        --label "$label chat" >>"$work/minutes.jsonl" &
    local chat=$!
    "$release/distillguard-loadgen" --url "$url/v1/messages" --body-file "$work/messages-stream.json" \
        --header "x-api-key: $stream_key" --header "anthropic-version: 2023-06-01" --rate "$half" --duration "$seconds" \
        --warmup 0 --connections 256 --label "$label stream" >>"$work/minutes.jsonl"
    wait "$chat"
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$gateway_pid/status"; }

echo "direct baseline (60 s at $rate/s)…" >&2
segment "direct-before" "http://127.0.0.1:$upstream_port" sk-upstream-test sk-upstream-test 60

echo "soak: $minutes minutes at $rate/s through the gateway, RSS every $sample_seconds s…" >&2
started=$(date +%s)
(
    while kill -0 "$gateway_pid" 2>/dev/null; do
        printf '%s\t%s\n' "$(($(date +%s) - started))" "$(rss_kib)" >>"$work/rss.tsv"
        sleep "$sample_seconds"
    done
) &
sampler=$!
pids+=($sampler)
for minute in $(seq 1 "$minutes"); do
    segment "gateway-$minute" "http://127.0.0.1:$gateway_port" sk-soak-chat sk-soak-stream 60
    echo "  minute $minute done, RSS $(($(rss_kib) / 1024)) MiB" >&2
done
kill "$sampler" 2>/dev/null || true

echo "direct baseline again (60 s)…" >&2
segment "direct-after" "http://127.0.0.1:$upstream_port" sk-upstream-test sk-upstream-test 60
curl -s "http://127.0.0.1:$gateway_port/health" >"$work/health.json"
curl -s "http://127.0.0.1:$gateway_port/metrics" >"$work/metrics.txt"

python3 - "$work" "$minutes" <<'PY'
import json, sys
work, minutes = sys.argv[1], int(sys.argv[2])
rows = [json.loads(line) for line in open(f"{work}/minutes.jsonl")]
by = {r["label"]: r for r in rows}
base = {kind: (by[f"direct-before {kind}"]["p99_ms"] + by[f"direct-after {kind}"]["p99_ms"]) / 2 for kind in ("chat", "stream")}
rss = [tuple(map(int, line.split())) for line in open(f"{work}/rss.tsv") if line.strip()]
def rss_at(second):
    inside = [kib for t, kib in rss if t <= second]
    return inside[-1] / 1024 if inside else float("nan")
print(f"direct p99 (mean of before/after): chat {base['chat']:.2f} ms, stream {base['stream']:.2f} ms")
print(f"{'minute':>6} {'achieved/s':>10} {'errors':>7} {'chat p50':>9} {'chat p99':>9} {'+p99':>7} {'stream p50':>11} {'stream p99':>11} {'+p99':>7} {'RSS MiB':>8}")
added = []
for m in range(1, minutes + 1):
    c, s = by[f"gateway-{m} chat"], by[f"gateway-{m} stream"]
    ac, as_ = c["p99_ms"] - base["chat"], s["p99_ms"] - base["stream"]
    added.append((ac, as_))
    print(f"{m:>6} {c['achieved_rate'] + s['achieved_rate']:>10.1f} {c['errors'] + s['errors']:>7} {c['p50_ms']:>9.2f} {c['p99_ms']:>9.2f} {ac:>7.2f} {s['p50_ms']:>11.2f} {s['p99_ms']:>11.2f} {as_:>7.2f} {rss_at(m * 60):>8.1f}")
warm = [kib / 1024 for t, kib in rss if t >= 60]
if warm:
    lo, hi = min(warm), max(warm)
    print(f"RSS after the first minute: {warm[0]:.1f} MiB at 60 s, {warm[-1]:.1f} MiB at the end, range {lo:.1f}-{hi:.1f} MiB "
          f"({(hi - lo) / lo * 100:.1f}% of the lowest); {len(rss)} samples")
later = added[1:] or added
print("added p99 after the first minute: chat {:.2f}-{:.2f} ms, stream {:.2f}-{:.2f} ms".format(
    min(a for a, _ in later), max(a for a, _ in later), min(b for _, b in later), max(b for _, b in later)))
health = json.load(open(f"{work}/health.json"))
print("gateway health at the end:", json.dumps(health["analysis"]))
PY
echo "event log lines: $(wc -l <"$work/events.jsonl")" >&2
