#!/usr/bin/env bash
# Gateway latency on the independent harness (../shared/tools/gatewaycheck, outside this
# repository): its Node mock of the APIs, its open-loop C load generator (latency from each
# request's scheduled start), and its minimal Node pass-through proxy as the floor, the cost of one
# extra hop. Benchmarks/gateway.sh runs this after its own harness, so both are quoted side by side.
#
# For each API (chat, messages) and RUNS rounds (default 3) it runs, alternating, the floor proxy,
# `distillguard gateway` (default policy, live analysis, event log and SQLite store) and the same
# gateway with a policy that watermarks every answer (`"default": "watermark"`), in front of the
# same mock, each compared with the mock called directly in the same round at RATE
# requests/s (default 1,000), non-streaming and streaming. It reports the added latency per round
# and the median over rounds (to the last byte; for streams also to the first byte), and the CPU
# time each proxy used per request (from /proc, a figure the machine's noise hardly moves).
# Results: $BENCH_DIR/gatewaycheck/*.json and a table on stdout.
#
#   Benchmarks/gatewaycheck.sh                     # 3 rounds × (chat, messages), about 30 minutes
#   RUNS=1 APIS=chat DURATION=10 TARGETS="floor gateway" Benchmarks/gatewaycheck.sh
#   GATEWAYCHECK=/path/to/gatewaycheck Benchmarks/gatewaycheck.sh
#   DISTILLGUARD_BIN=/path/to/other/distillguard RUNS=1 TARGETS=gateway Benchmarks/gatewaycheck.sh
#                                                  # another build (an A/B), not built here
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
harness="${GATEWAYCHECK:-$root/../shared/tools/gatewaycheck}"
work="${BENCH_DIR:-/tmp/distillguard-bench}/gatewaycheck"
rate=${RATE:-1000}
runs=${RUNS:-3}
duration=${DURATION:-20}
apis=${APIS:-"chat messages"}
targets=${TARGETS:-"floor gateway watermark"}
if [ ! -f "$harness/load.py" ]; then
    echo "skipped: the independent harness is not at $harness (set GATEWAYCHECK to its folder)" >&2
    exit 0
fi
for tool in node python3 gcc; do
    command -v "$tool" >/dev/null || { echo "error: the independent harness needs $tool" >&2; exit 1; }
done
if [ -n "${DISTILLGUARD_BIN:-}" ]; then
    binary="$DISTILLGUARD_BIN"
    [ -x "$binary" ] || { echo "error: DISTILLGUARD_BIN=$binary is not an executable file" >&2; exit 1; }
else
    echo "building the release binary…" >&2
    (cd "$root" && swift build -c release --product distillguard >&2)
    binary="$root/.build/release/distillguard"
fi
mkdir -p "$work"
rm -f "$work"/*.json
[ -x "$harness/build/loadgen" ] || bash "$harness/setup.sh" --no-apt >&2

mock_port=18280 proxy_port=18281 upstream_key=sk-mock-upstream client_key=sk-gatewaycheck
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
wait_for() {
    for _ in $(seq 1 120); do
        curl -s -o /dev/null -H "authorization: Bearer $client_key" "http://127.0.0.1:$1/health" && return 0
        sleep 0.5
    done
    echo "error: nothing answers on port $1" >&2
    exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

node "$harness/mock_upstream.js" --port $mock_port --key $upstream_key --record 0 >"$work/mock.log" 2>&1 &
pids+=($!)
wait_for $mock_port

cat >"$work/gateway.json" <<JSON
{"listen":{"host":"127.0.0.1","port":$proxy_port},
 "upstream":{"anthropic":{"url":"http://127.0.0.1:$mock_port","api_key":"$upstream_key"},
             "openai":{"url":"http://127.0.0.1:$mock_port","api_key":"$upstream_key"}},
 "keys":[{"key":"$client_key","account_id":"acct_gatewaycheck","tier":"standard"}],
 "analysis":{"event_log":"$work/events.jsonl","store":"$work/gateway.sqlite","refresh_seconds":5}}
JSON

# The same gateway, every answer watermarked (the key from the environment, as in production).
python3 - "$work/gateway.json" "$work/gateway-watermark.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["policy"] = {"watermark": {"key_env": "DG_GATEWAYCHECK_WATERMARK_KEY"}, "default": "watermark"}
json.dump(config, open(sys.argv[2], "w"))
PY
export DG_GATEWAYCHECK_WATERMARK_KEY=gatewaycheck-watermark-key-0001

# One round for one target: start it, compare with the mock directly, record CPU per request.
round() {
    local target=$1 api=$2 run=$3
    rm -f "$work/events.jsonl" "$work"/gateway.sqlite*
    if [ "$target" = floor ]; then
        node "$harness/reference_proxy.js" --port $proxy_port --upstream "http://127.0.0.1:$mock_port" \
            --client-key $client_key --upstream-key $upstream_key >"$work/floor.log" 2>&1 &
    elif [ "$target" = watermark ]; then
        "$binary" gateway --config "$work/gateway-watermark.json" --log-level warning >"$work/watermark.log" 2>&1 &
    else
        "$binary" gateway --config "$work/gateway.json" --log-level warning >"$work/gateway.log" 2>&1 &
    fi
    local pid=$!
    pids+=($pid)
    wait_for $proxy_port
    local before after ticks
    before=$(cpu_ticks $pid)
    python3 "$harness/load.py" compare --direct "http://127.0.0.1:$mock_port" --via "http://127.0.0.1:$proxy_port" \
        --direct-key $upstream_key --via-key $client_key --api "$api" --rates "$rate" --duration "$duration" \
        --json-out "$work/$target-$api-$run.json" >"$work/$target-$api-$run.txt" 2>&1
    after=$(cpu_ticks $pid)
    ticks=$(getconf CLK_TCK)
    kill $pid
    wait $pid 2>/dev/null || true
    echo "{\"cpu_seconds\": $(python3 -c "print(($after - $before) / $ticks)")}" >"$work/$target-$api-$run.cpu.json"
    echo "  $target $api round $run done" >&2
}

for api in $apis; do
    for run in $(seq 1 "$runs"); do
        for target in $targets; do round "$target" "$api" "$run"; done
    done
done

python3 - "$work" "$runs" "$apis" "$rate" "$targets" <<'PY'
import json, statistics, sys
work, runs, apis, rate, targets = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4], sys.argv[5].split()
def added(result, stream, field):
    pair = next(p for p in result["pairs"] if bool(p["stream"]) == stream)
    via, direct = pair["via"][field], pair["direct"][field]
    return via["p50"] - direct["p50"], via["p99"] - direct["p99"], pair
print(f"independent harness (gatewaycheck), {rate} requests/s, {runs} rounds; added = via - direct in the same round, ms")
print(f"{'target':<10}{'api':<10}{'case':<22}" + "".join(f"{'round ' + str(r) + ' p50/p99':>20}" for r in range(1, runs + 1)) + f"{'median p50':>12}{'median p99':>12}")
for api in apis:
    for target in targets:
        results = [json.load(open(f"{work}/{target}-{api}-{r}.json")) for r in range(1, runs + 1)]
        for case, stream, field in (("non-streaming", False, "latency_ms"), ("stream, first byte", True, "ttfb_ms"), ("stream, last byte", True, "latency_ms")):
            values = [added(res, stream, field)[:2] for res in results]
            cells = "".join(f"{p50:>9.3f} /{p99:>8.3f}  " for p50, p99 in values)
            print(f"{target:<10}{api:<10}{case:<22}{cells}{statistics.median(v[0] for v in values):>12.3f}{statistics.median(v[1] for v in values):>12.3f}")
        requests = [sum(p["via"]["completed_total"] for p in res["pairs"]) for res in results]
        cpu = [json.load(open(f"{work}/{target}-{api}-{r}.cpu.json"))["cpu_seconds"] for r in range(1, runs + 1)]
        per = [1000 * c / max(n, 1) for c, n in zip(cpu, requests)]
        print(f"{target:<10}{api:<10}{'CPU ms per request':<22}" + "".join(f"{x:>18.3f}  " for x in per) + f"{statistics.median(per):>12.3f}")
PY
