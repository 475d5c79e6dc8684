#!/usr/bin/env bash
# Many gateways, one truth (docs/deployment.md), shown on one machine: PostgreSQL, three `serve`
# replicas and two gateways. Each gateway forwards its exchanges to a standby replica
# (`analysis.forward_to`) and enforces the service's verdicts (`analysis.verdicts_from`).
#
# The simulated log (EVENTS events, default 30,000) is sent through the two gateways' decision API
# (`POST /v1/decide?record=true`, THREADS at a time), each account to one gateway by a hash of its
# id, so every campaign is split between them. KILL_AFTER seconds in (default 10) the analysis
# leader is killed with SIGKILL and started again. At the end:
# - events sent, stored by the service, analysed by the last leader (0 lost, 0 counted twice);
# - the accounts at `attack` against single-process `analyze` of the same events in the order the
#   service stored them (exact), and of the log in its own order (verdicts depend on arrival order
#   at the margin: docs/deployment.md, "Arrival order");
# - every one of them asked of both gateways (`/v1/decide`, not recorded): how many each blocks, and
#   how many of the campaigns' clusters had members behind both gateways;
# - every benign-labelled account asked of both gateways: how many each blocks (0 expected) and
#   degrades (the default policy degrades accounts under review).
# Results go to $BENCH_DIR/two-gateways/results-service.json (or -local.json), also on stdout.
#
# VERDICTS=local runs the gateways without `verdicts_from`, each enforcing its own engine's verdicts
# over the half of the traffic it sees, for comparison.
#
#   Benchmarks/two_gateways.sh                 # about 3 minutes
#   EVENTS=60000 THREADS=16 Benchmarks/two_gateways.sh
#   VERDICTS=local Benchmarks/two_gateways.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
events=${EVENTS:-30000}
threads=${THREADS:-8}
kill_after=${KILL_AFTER:-10}
lease=${LEASE_SECONDS:-3}
checkpoint=${CHECKPOINT_SECONDS:-5}
verdicts=${VERDICTS:-service}
[ "$verdicts" = service ] || [ "$verdicts" = local ] || { echo "VERDICTS must be service or local, not '$verdicts'" >&2; exit 2; }
out="$work/two-gateways"
rm -rf "$out"
mkdir -p "$out"
simulate_events "replicas-$events" "$events" 13
log="$work/replicas-$events/events.jsonl"
labels="$work/replicas-$events/labels.jsonl"
total=$(wc -l <"$log")
source "$root/Benchmarks/replica_helpers.sh"
decide="bench-decide-key-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
declare -A gateway_pids=()
stop_gateways() {
    for g in "${!gateway_pids[@]}"; do kill -TERM "${gateway_pids[$g]}" 2>/dev/null || true; done
    for g in "${!gateway_pids[@]}"; do wait "${gateway_pids[$g]}" 2>/dev/null || true; done
    gateway_pids=()
}
trap 'stop_gateways; cleanup' EXIT

schema="bench_gateways_$(date +%s)"
for replica in 1 2 3; do start "$replica" "$schema"; done
first=
while [ -z "$first" ]; do first=$(leader); [ -n "$first" ] || sleep 0.1; done
standbys=()
for replica in 1 2 3; do [ "$replica" = "$first" ] || standbys+=("$replica"); done

# Gateway G listens on 9340+G and is linked to one standby (no load balancer here: the leader,
# which is killed, serves no gateway).
for g in 1 2; do
    link="http://127.0.0.1:$((9330 + ${standbys[$((g - 1))]}))"
    enforce=", \"verdicts_from\": {\"url\": \"$link\", \"admin_token\": \"$admin\"}"
    [ "$verdicts" = service ] || enforce=""
    cat >"$out/gateway$g.json" <<JSON
{"listen": {"host": "127.0.0.1", "port": $((9340 + g))},
 "upstream": {"openai": {"url": "http://127.0.0.1:9", "api_key": "unused: this run sends decisions only"}},
 "decision_api_key": "$decide",
 "analysis": {"refresh_seconds": 1, "event_log": "$out/gateway$g-events.jsonl",
              "forward_to": {"url": "$link", "ingest_key": "$ingest"}$enforce}}
JSON
    "$bin" gateway --config "$out/gateway$g.json" --log-level notice >"$out/gateway$g.out" 2>"$out/gateway$g.err" &
    gateway_pids[$g]=$!
    for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$((9340 + g))/health" && break; sleep 0.1; done
    curl -s -o /dev/null "http://127.0.0.1:$((9340 + g))/health" || {
        echo "gateway $g did not answer within 30 s; its log: $out/gateway$g.err" >&2
        exit 1
    }
done

python3 "$root/scripts/testing/gateways_client.py" "$log" "$decide" "http://127.0.0.1:9341,http://127.0.0.1:9342" "$threads" \
    >"$out/client.json" &
client=$!
sleep "$kill_after"
killed_at=$(date +%s.%N)
kill -KILL "${pids[$first]}"
wait "${pids[$first]}" 2>/dev/null || true
unset "pids[$first]"
next=
while [ -z "$next" ]; do next=$(leader); [ -n "$next" ] || sleep 0.1; done
takeover=$(awk -v a="$(date +%s.%N)" -v b="$killed_at" 'BEGIN {printf "%.2f", a - b}')
start "$first" "$schema"
wait "$client" || { echo "the client failed; see $out/client.json" >&2; exit 1; }

# The gateways forward in batches: wait (at most 5 minutes) for the service to have everything.
stored=0
for _ in $(seq 600); do
    stored=$(psql "$postgres_url" -tAc "SELECT COUNT(*) FROM $schema.event")
    [ "$stored" -ge "$total" ] && break
    sleep 0.5
done
final=$(leader)
for _ in $(seq 600); do
    final=$(leader)
    analyzed=$(field "${final:-1}" /v1/verdicts events_analyzed)
    [ "${analyzed:-0}" -ge "$stored" ] && break
    sleep 0.5
done
# The gateways read standbys, which show the leader's last checkpoint: wait for both to have it all.
for replica in "${standbys[@]}"; do
    for _ in $(seq 600); do
        [ "$(field "$replica" /v1/verdicts events_analyzed)" = "$stored" ] && break
        sleep 0.5
    done
done
curl -s -H "Authorization: Bearer $admin" "http://127.0.0.1:$((9330 + final))/v1/verdicts" >"$out/service-verdicts.json"
"$bin" analyze "$log" --json "$out/single-verdicts.json" >/dev/null
# The log in the order the service numbered its events.
psql "$postgres_url" -tAc "SELECT id FROM $schema.event ORDER BY seq" >"$out/stored-ids.txt"
python3 - "$log" "$out/stored-ids.txt" >"$out/stored-order.jsonl" <<'PY'
import json, sys
lines = {json.loads(line)["id"]: line for line in open(sys.argv[1]) if line.strip()}
for event_id in open(sys.argv[2]):
    sys.stdout.write(lines[event_id.strip()])
PY
"$bin" analyze "$out/stored-order.jsonl" --json "$out/stored-order-verdicts.json" >/dev/null

python3 - "$total" "$stored" "$analyzed" "$takeover" "$decide" "$out" "$labels" "$verdicts" <<'PY' | tee "$out/results-$verdicts.json"
import hashlib, http.client, json, sys, time
total, stored, analyzed = (int(x) for x in sys.argv[1:4])
takeover, key, out, labels_path, verdicts = float(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8]
client = json.load(open(f"{out}/client.json"))
service = json.load(open(f"{out}/service-verdicts.json"))
single = json.load(open(f"{out}/single-verdicts.json"))
stored_order = json.load(open(f"{out}/stored-order-verdicts.json"))
attack = sorted(a["account_id"] for a in service["accounts"] if a["verdict"] == "attack")
single_attack = sorted(a["account_id"] for a in single["accounts"] if a["verdict"] == "attack")
stored_attack = sorted(a["account_id"] for a in stored_order["accounts"] if a["verdict"] == "attack")
labels = [json.loads(line) for line in open(labels_path)]
benign = sorted(l["account_id"] for l in labels if l["label"] == "benign")

def gateway_of(account):  # as gateways_client.py routes
    return int(hashlib.sha256(account.encode()).hexdigest()[:8], 16) % 2

split = 0
clusters = {}
for a in service["accounts"]:
    if a["verdict"] == "attack" and a.get("cluster_id"):
        clusters.setdefault(a["cluster_id"], set()).add(gateway_of(a["account_id"]))
split = sum(1 for sides in clusters.values() if len(sides) == 2)

def ask(port, account):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    event = {"id": f"probe-{account}", "timestamp": "2026-02-01T00:00:00Z", "account_id": account,
             "api": "openai.chat_completions", "request": {"model": "m", "messages": [{"role": "user", "content": "hello"}]}}
    connection.request("POST", "/v1/decide", body=json.dumps(event),
                       headers={"authorization": f"Bearer {key}", "content-type": "application/json"})
    return json.loads(connection.getresponse().read()).get("action")

# Each gateway refreshes its verdicts every second: wait up to 30 s for both to block all of them.
deadline = time.time() + 30
while True:
    blocked = [sum(1 for a in attack if ask(port, a) == "block") for port in (9341, 9342)]
    if blocked == [len(attack)] * 2 or time.time() > deadline:
        break
    time.sleep(1)
benign_actions = [[ask(port, a) for a in benign] for port in (9341, 9342)]
print(json.dumps({
    "gateway_verdicts": verdicts, "events": total, "sent": client["sent"], "recorded": client["recorded"], "refused_by_gateways": len(client["refused"]),
    "resent_after_errors": client["errors_retried"], "per_gateway": client["per_gateway"],
    "stored": stored, "lost": total - stored, "analyzed": analyzed, "counted_twice": analyzed - stored,
    "takeover_s": takeover, "attack_accounts": len(attack), "same_attack_accounts_as_analyze_in_stored_order": attack == stored_attack,
    "attack_accounts_unlike_analyze_in_log_order": len(set(attack) ^ set(single_attack)),
    "attack_clusters": len(clusters), "attack_clusters_split_between_gateways": split,
    "blocked_by_gateway_1": blocked[0], "blocked_by_gateway_2": blocked[1],
    "benign_accounts": len(benign),
    "benign_blocked_by_gateway": [actions.count("block") for actions in benign_actions],
    "benign_degraded_by_gateway": [actions.count("degrade") for actions in benign_actions],
}, indent=1))
PY
stop_gateways
stop_all
