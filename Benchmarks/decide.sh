#!/usr/bin/env bash
# Latency of the decision API (POST /v1/decide) on loopback, under open-loop load, as answered
# by `distillguard serve` and by `distillguard gateway`.
#
# Both run with a policy of three rules (block an account at attack, throttle a cluster, degrade
# a template at review); serve over a SQLite store holding the verdicts of a simulated day
# (`simulate --scale small`, about 50k events, ingested first: flagged accounts, clusters and
# templates for the policy to look through), the gateway with live analysis and an event log. The open-loop
# generator sends one event per request at RATE requests/s (default 1,000), measuring from each
# request's scheduled start, RUNS times (default 3): decisions only from each, then from the
# gateway with ?record=true (the event also queued for analysis; serve would store the same
# event once and answer the rest as duplicates, which measures nothing useful).
# Results: $BENCH_DIR/decide/results.jsonl and a table on stdout.
#
#   Benchmarks/decide.sh                 # 3 runs of 10 s each at 1,000/s
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
gateway_port=9321 serve_port=9322
key="decide-bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
rm -f "$work"/serve.sqlite*

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
pids+=($!)
DISTILLGUARD_ADMIN_TOKEN="admin-$key" DISTILLGUARD_INGEST_KEY="ingest-$key" DISTILLGUARD_DECISION_KEY="$key" \
    "$release/distillguard" serve --database "$work/serve.sqlite" --port $serve_port --policy "$work/policy.json" \
    --log-level warning >"$work/serve.log" 2>&1 &
pids+=($!)
for port in $gateway_port $serve_port; do
    for _ in $(seq 1 120); do
        curl -s -o /dev/null "http://127.0.0.1:$port/health" && break
        sleep 0.5
    done
done

# serve's verdicts: a simulated log, ingested in batches, analysed before the first run.
"$release/distillguard" simulate --scale small --seed 1 --out "$work/simulated" >/dev/null
split -l 1000 "$work/simulated/events.jsonl" "$work/batch."
for batch in "$work"/batch.*; do
    # 429 and 503 (analysis behind, the store busy) are waited out; anything else stops the run.
    while :; do
        status=$(curl -s -o "$work/ingest-reply.json" -w '%{http_code}' -H "authorization: Bearer ingest-$key" \
            --data-binary @"$batch" "http://127.0.0.1:$serve_port/v1/events")
        [ "$status" = 200 ] && break
        [ "$status" = 429 ] || [ "$status" = 503 ] || { echo "ingest answered $status: $(cat "$work/ingest-reply.json")" >&2; exit 1; }
        sleep 1
    done
done
rm -f "$work"/batch.*
events=$(wc -l <"$work/simulated/events.jsonl")
# Until the published verdicts cover every event (they are refreshed every 2 s while events arrive).
until curl -s "http://127.0.0.1:$serve_port/v1/verdicts" -H "authorization: Bearer admin-$key" |
    python3 -c "import json,sys; sys.exit(0 if json.load(sys.stdin)['events_analyzed']>=$events else 1)"; do
    sleep 1
done
curl -s "http://127.0.0.1:$serve_port/v1/verdicts" -H "authorization: Bearer admin-$key" | python3 -c '
import json, sys
v = json.load(sys.stdin)
flagged = sum(1 for a in v["accounts"] if a["verdict"] != "benign")
events, accounts, clusters = v["events_analyzed"], v["accounts_analyzed"], len(v["clusters"])
print(f"serve holds {events} events, {accounts} accounts, {flagged} flagged, {clusters} clusters", file=sys.stderr)'

for run in $(seq 1 "$runs"); do
    for mode in "serve decide" "gateway decide" "gateway record"; do
        port=$gateway_port query=""
        [ "${mode%% *}" = serve ] && port=$serve_port
        [ "${mode##* }" = record ] && query="?record=true"
        "$release/distillguard-loadgen" --url "http://127.0.0.1:$port/v1/decide$query" --body-file "$work/event.json" \
            --header "authorization: Bearer $key" --rate "$rate" --duration "$duration" --warmup 2 --connections 64 \
            --label "$mode run $run" | tee -a "$work/results.jsonl"
    done
done

python3 - "$work/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"{'run':<24}{'rate':>7}{'achieved':>10}{'p50 ms':>9}{'p99 ms':>9}{'p99.9 ms':>10}  statuses")
for r in rows:
    print(f"{r['label']:<24}{int(r['target_rate']):>7}{r['achieved_rate']:>10}{r['p50_ms']:>9.3f}{r['p99_ms']:>9.3f}{r['p999_ms']:>10.3f}  {r['statuses']}")
for mode in ("serve decide", "gateway decide", "gateway record"):
    mine = [r for r in rows if r["label"].startswith(mode)]
    print(f"{mode}: median of {len(mine)} runs, p50 {statistics.median(r['p50_ms'] for r in mine):.3f} ms, "
          f"p99 {statistics.median(r['p99_ms'] for r in mine):.3f} ms")
PY
