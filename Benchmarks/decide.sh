#!/usr/bin/env bash
# Latency of the decision API (POST /v1/decide) on loopback, under open-loop load, as answered
# by `distillguard serve` and by `distillguard gateway`.
#
# Both run with a policy of three rules (block an account at attack, throttle a cluster, degrade
# a template at review); serve over a SQLite store holding the verdicts of a simulated day
# (`simulate --scale small`, about 50k events, ingested first: flagged accounts, clusters and
# templates for the policy to look through), the gateway with live analysis and an event log.
#
# The load comes from the independent harness's open-loop C generator
# (../shared/tools/gatewaycheck/loadgen.c, compiled here; latency from each request's scheduled
# start), and, to compare, from this repository's own generator (Benchmarks/LoadGenerator, built on
# AsyncHTTPClient), which adds its own client cost to every figure. The floor is the same C
# generator against the harness's Node mock answering a small POST (count_tokens): what any HTTP
# server on this machine gets in that minute, so a noisy minute shows as a noisy floor. One event per
# request at RATE requests/s (default 1,000), RUNS times (default 3), alternating: the floor, serve
# deciding, the gateway deciding, then the gateway with ?record=true (the event also queued for
# analysis; serve would store the same event once and answer the rest as duplicates, which measures
# nothing useful). Without the harness, only this repository's generator runs (with a message).
# Results: $BENCH_DIR/decide/results.jsonl and a table on stdout.
#
#   Benchmarks/decide.sh                 # 3 runs of 10 s each at 1,000/s, both generators
#   RATE=5000 RUNS=1 Benchmarks/decide.sh
#   GENERATORS=independent Benchmarks/decide.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${BENCH_DIR:-/tmp/distillguard-bench}/decide"
rate=${RATE:-1000}
runs=${RUNS:-3}
duration=${DURATION:-10}
generators=${GENERATORS:-"independent ours"}
mkdir -p "$work"
rm -f "$work/results.jsonl" "$work/events.jsonl"

echo "building release binaries…" >&2
(cd "$root" && swift build -c release --product distillguard >&2 && swift build -c release --product distillguard-loadgen >&2)
release="$root/.build/release"
# shellcheck source=Benchmarks/open_loop.sh
source "$root/Benchmarks/open_loop.sh"
generators=$(choose_generators "$generators")
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

# The floor: the harness's Node mock answering a small POST, measured by the independent generator.
floor=false
if [[ " $generators " == *" independent "* ]] && command -v node >/dev/null; then
    floor=true mock_port=9323
    node "$harness/mock_upstream.js" --port $mock_port --key "mock-$key" --record 0 >"$work/mock.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$mock_port/health" && break; sleep 0.5; done
    printf '%s' '{"model":"claude-opus-4-5","max_tokens":256,"messages":[{"role":"user","content":"Solve step by step: a train leaves at 9:40 and travels 182 km at 91 km/h. When does it arrive?"}]}' >"$work/floor.json"
fi

for run in $(seq 1 "$runs"); do
    for generator in $generators; do
        if [ "$generator" = independent ] && $floor; then
            open_loop "$generator" "floor run $run" "http://127.0.0.1:$mock_port/v1/messages/count_tokens" "$work/floor.json" \
                "$rate" "$duration" 2 "x-api-key: mock-$key" "content-type: application/json" | tee -a "$work/results.jsonl"
        fi
        for mode in "serve decide" "gateway decide" "gateway record"; do
            port=$gateway_port query=""
            [ "${mode%% *}" = serve ] && port=$serve_port
            [ "${mode##* }" = record ] && query="?record=true"
            open_loop "$generator" "$mode run $run" "http://127.0.0.1:$port/v1/decide$query" "$work/event.json" \
                "$rate" "$duration" 2 "authorization: Bearer $key" "content-type: application/json" | tee -a "$work/results.jsonl"
        done
    done
done

python3 - "$work/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
for r in rows:
    r["target"], r["run"] = r["label"].rsplit(" run ", 1)
print(f"{'generator':<13}{'target':<16}{'run':>4}{'achieved':>10}{'p50 ms':>9}{'p99 ms':>9}{'p99.9 ms':>10}  statuses")
for r in rows:
    print(f"{r['generator']:<13}{r['target']:<16}{r['run']:>4}{r['achieved_rate']:>10}{r['p50_ms']:>9.3f}{r['p99_ms']:>9.3f}"
          f"{r['p999_ms']:>10.3f}  {r['statuses']}{', errors ' + str(r['errors']) if r['errors'] else ''}")
print()
print(f"{'generator':<13}{'target':<16}{'runs':>5}{'median p50':>12}{'median p99':>12}{'p99 range':>16}")
for generator in dict.fromkeys(r["generator"] for r in rows):
    for target in dict.fromkeys(r["target"] for r in rows if r["generator"] == generator):
        mine = [r for r in rows if r["generator"] == generator and r["target"] == target]
        p99 = [r["p99_ms"] for r in mine]
        print(f"{generator:<13}{target:<16}{len(mine):>5}{statistics.median(r['p50_ms'] for r in mine):>12.3f}"
              f"{statistics.median(p99):>12.3f}{min(p99):>8.3f} – {max(p99):.3f}")
PY
