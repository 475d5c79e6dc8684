#!/usr/bin/env bash
# Latency of the decision API (POST /v1/decide) on loopback, under open-loop load.
#
# The gateway runs with a policy of three rules (block an account at attack, throttle a cluster,
# degrade a template at review), live analysis and an event log, as a proxy's check would meet
# it. The open-loop generator sends one event per request at RATE requests/s (default 1,000),
# measuring from each request's scheduled start, RUNS times (default 3): decisions only, then
# with ?record=true (the event also queued for analysis). Results: $BENCH_DIR/decide/results.jsonl
# and a table on stdout.
#
#   Benchmarks/decide.sh                 # 3 runs of 10 s each way at 1,000/s
#   RATE=5000 RUNS=1 Benchmarks/decide.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${BENCH_DIR:-/tmp/distillguard-bench}/decide"
rate=${RATE:-1000}
runs=${RUNS:-3}
duration=${DURATION:-10}
mkdir -p "$work"
rm -f "$work/results.jsonl" "$work/events.jsonl"

echo "building release binaries…" >&2
(cd "$root" && swift build -c release --product distillguard >&2 && swift build -c release --product distillguard-loadgen >&2)
release="$root/.build/release"
gateway_port=9321
key="decide-bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pid=
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT

cat >"$work/policy.json" <<'JSON'
{"rules":[
  {"name":"block-attack","when":{"verdict":"attack"},"action":"block","reason":"distillation_attack"},
  {"name":"throttle-cluster","when":{"cluster_verdict":"review"},"action":"throttle","reason":"rate_limited",
   "throttle":{"scope":"cluster","requests_per_minute":60}},
  {"name":"degrade-template","when":{"template_verdict":"review"},"action":"degrade","reason":"template_under_review"}
]}
JSON
# The upstream is never called by /v1/decide; the configuration requires one.
cat >"$work/gateway.json" <<JSON
{"listen":{"host":"127.0.0.1","port":$gateway_port},
 "upstream":{"openai":{"url":"http://127.0.0.1:9","api_key":"unused"}},
 "decision_api_key":"$key",
 "policy":"$work/policy.json",
 "analysis":{"event_log":"$work/events.jsonl","refresh_seconds":5}}
JSON
printf '%s' '{"id":"bench-1","timestamp":"2026-02-01T12:00:00Z","account_id":"acct_bench","api":"openai.chat_completions","request":{"model":"gpt-x","max_tokens":2048,"messages":[{"role":"system","content":"You are a careful tutor."},{"role":"user","content":"Solve step by step: a train leaves at 9:40 and travels 182 km at 91 km/h. When does it arrive?"}]}}' >"$work/event.json"

"$release/distillguard" gateway --config "$work/gateway.json" --log-level warning >"$work/gateway.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
    curl -s -o /dev/null "http://127.0.0.1:$gateway_port/health" && break
    sleep 0.5
done

for run in $(seq 1 "$runs"); do
    for mode in decide record; do
        query=""
        [ "$mode" = record ] && query="?record=true"
        "$release/distillguard-loadgen" --url "http://127.0.0.1:$gateway_port/v1/decide$query" --body-file "$work/event.json" \
            --header "authorization: Bearer $key" --rate "$rate" --duration "$duration" --warmup 2 --connections 64 \
            --label "$mode run $run" | tee -a "$work/results.jsonl"
    done
done

python3 - "$work/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"{'run':<18}{'rate':>7}{'achieved':>10}{'p50 ms':>9}{'p99 ms':>9}{'p99.9 ms':>10}  statuses")
for r in rows:
    print(f"{r['label']:<18}{int(r['target_rate']):>7}{r['achieved_rate']:>10}{r['p50_ms']:>9.3f}{r['p99_ms']:>9.3f}{r['p999_ms']:>10.3f}  {r['statuses']}")
for mode in ("decide", "record"):
    mine = [r for r in rows if r["label"].startswith(mode)]
    print(f"{mode}: median of {len(mine)} runs, p50 {statistics.median(r['p50_ms'] for r in mine):.3f} ms, "
          f"p99 {statistics.median(r['p99_ms'] for r in mine):.3f} ms")
PY
