#!/usr/bin/env bash
# Several `distillguard serve` replicas on one PostgreSQL: ingest scaling, and leader failover
# under SIGKILL (docs/deployment.md).
#
# 1. Ingest: the same simulated log (EVENTS events, default 60,000, about 3 KB each, in batches of
#    BATCH lines) POSTed over CONNECTIONS connections to one replica, then spread across three, each
#    on a fresh schema. Reports events stored per second and the ratio.
# 2. Failover: three replicas; the log is sent paced (BATCHES_PER_SECOND, default 2) across all
#    three, and every KILL_EVERY seconds (default 15) the analysis leader is killed with SIGKILL and
#    started again (it comes back as a standby), CYCLES times (default 3). For each cycle: seconds
#    until a standby leads, and until it has analysed as far as the dead leader had. At the end:
#    events acknowledged, stored, and analysed by the last leader (0 lost: stored = sent; 0 counted
#    twice: analysed = stored), and whether the accounts at attack are those of single-process
#    `analyze` on the same log.
# Results go to $BENCH_DIR/replicas/results.jsonl and tables on stdout.
#
#   Benchmarks/replicas.sh               # about 5 minutes
#   EVENTS=30000 CYCLES=3 KILL_EVERY=10 Benchmarks/replicas.sh
#   PARTS=failover LEASE_SECONDS=3 CHECKPOINT_SECONDS=5 Benchmarks/replicas.sh   # faster failover, more checkpoints
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
events=${EVENTS:-60000}
batch=${BATCH:-500}
connections=${CONNECTIONS:-6}
cycles=${CYCLES:-3}
kill_every=${KILL_EVERY:-15}
lease=${LEASE_SECONDS:-5}
checkpoint=${CHECKPOINT_SECONDS:-30}
out="$work/replicas"
rm -rf "$out"
mkdir -p "$out/batches"
simulate_events "replicas-$events" "$events" 13
log="$work/replicas-$events/events.jsonl"
split -l "$batch" -d -a 5 "$log" "$out/batches/b-"
total=$(wc -l <"$log")
source "$root/Benchmarks/replica_helpers.sh"

# --- 1. ingest: one replica, then three (PARTS=failover skips it) ---
parts=${PARTS:-ingest failover}
for count in 1 3; do
    [[ " $parts " == *" ingest "* ]] || break
    schema="bench_ingest_${count}_$(date +%s)"
    replicas=()
    for replica in $(seq 1 "$count"); do start "$replica" "$schema"; replicas+=("$replica"); done
    # CPU by stage: the replicas (HTTP, parsing, the insert), PostgreSQL, the client.
    declare -A replica_before=()
    for replica in "${replicas[@]}"; do replica_before[$replica]=$(cpu "${pids[$replica]}"); done
    serve_before=$(cpu "${pids[@]}")
    postgres_before=$(cpu $(pgrep -x postgres))
    result=$(/usr/bin/time -f "%U %S" -o "$out/client-time.txt" \
        python3 "$root/Benchmarks/ingest_client.py" "$(urls "${replicas[@]}")" "$ingest" "$connections" "$out"/batches/b-*)
    # The leader's CPU counts only once it has analysed everything stored (its share of the split).
    accepted=$(echo "$result" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accepted"])')
    caught_up_after=$(date +%s.%N)
    for _ in $(seq 6000); do
        lead=$(leader)
        reached=$(field "${lead:-1}" /v1/status processed_sequence)
        [ "${reached:-0}" -ge "$accepted" ] && break
        sleep 0.1
    done
    [ "${reached:-0}" -ge "$accepted" ] || {
        echo "analysis reached sequence ${reached:-0} of $accepted within 10 minutes; the replicas' logs: $out/r*.err" >&2
        exit 1
    }
    echo "analysis caught up $(python3 -c "print(round($(date +%s.%N) - $caught_up_after, 2))") s after the client finished" >&2
    serve_cpu=$(minus "$(cpu "${pids[@]}")" "$serve_before")
    postgres_cpu=$(minus "$(cpu $(pgrep -x postgres))" "$postgres_before")
    # Each replica's share, leader first: the leader also analyses everything, the others only ingest.
    by_replica=()
    lead=$(leader)
    for replica in "${replicas[@]}"; do
        used=$(minus "$(cpu "${pids[$replica]}")" "${replica_before[$replica]}")
        if [ "$replica" = "$lead" ]; then by_replica=("$used" "${by_replica[@]}"); else by_replica+=("$used"); fi
    done
    client_cpu=$(awk '{print $1 + $2}' "$out/client-time.txt")
    stop_all
    python3 - "$count" "$result" "$serve_cpu" "$postgres_cpu" "$client_cpu" "${by_replica[*]}" <<'PY' | tee -a "$out/results.jsonl"
import json, sys
r = json.loads(sys.argv[2])
serve, postgres, client = (float(x) for x in sys.argv[3:6])
r["replica_cpu_s_leader_first"] = [float(x) for x in sys.argv[6].split()]
per = lambda seconds: round(seconds / r["accepted"] * 1e6, 1)  # CPU microseconds per event
print(json.dumps({"part": "ingest", "replicas": int(sys.argv[1]), **r, "serve_cpu_s": serve, "postgres_cpu_s": postgres,
                  "client_cpu_s": client, "serve_us_per_event": per(serve), "postgres_us_per_event": per(postgres),
                  "client_us_per_event": per(client),
                  "cores_busy": round((serve + postgres + client) / r["seconds"], 2)}))
PY
done

# --- 2. failover ---
[[ " $parts " == *" failover "* ]] || exit 0
schema="bench_failover_$(date +%s)"
for replica in 1 2 3; do start "$replica" "$schema"; done
BATCHES_PER_SECOND=${BATCHES_PER_SECOND:-2} python3 "$root/Benchmarks/ingest_client.py" "$(urls 1 2 3)" "$ingest" 3 \
    "$out"/batches/b-* >"$out/failover-ingest.json" &
client=$!
for cycle in $(seq 1 "$cycles"); do
    sleep "$kill_every"
    dead=$(leader)
    [ -n "$dead" ] || { echo "no replica leads analysis before cycle $cycle; logs in $out" >&2; exit 1; }
    reached=$(field "$dead" /v1/status processed_sequence)
    killed=$(date +%s.%N)
    kill -KILL "${pids[$dead]}"
    wait "${pids[$dead]}" 2>/dev/null || true
    unset "pids[$dead]"
    next=
    while [ -z "$next" ]; do next=$(leader); [ -n "$next" ] || sleep 0.1; done
    took_over=$(date +%s.%N)
    while processed=$(field "$next" /v1/status processed_sequence) && [ "${processed:-0}" -lt "$reached" ]; do sleep 0.1; done
    caught_up=$(date +%s.%N)
    start "$dead" "$schema"
    python3 - "$cycle" "$dead" "$next" "$killed" "$took_over" "$caught_up" "$reached" <<'PY' | tee -a "$out/results.jsonl"
import json, sys
cycle, dead, nxt, killed, took, caught, reached = sys.argv[1:]
print(json.dumps({"part": "failover", "cycle": int(cycle), "killed": f"r{dead}", "new_leader": f"r{nxt}",
                  "takeover_s": round(float(took) - float(killed), 2), "caught_up_s": round(float(caught) - float(killed), 2),
                  "dead_leader_sequence": int(reached)}))
PY
done
wait "$client" || { echo "the ingest client failed: $(cat "$out/failover-ingest.json")" >&2; exit 1; }
final=$(leader)
while analyzed=$(field "${final:-1}" /v1/verdicts events_analyzed) && [ "${analyzed:-0}" -lt "$total" ]; do
    final=$(leader)
    sleep 0.5
done
stored=$(psql "$postgres_url" -tAc "SELECT COUNT(*) FROM $schema.event")
analyzed=$(field "$final" /v1/verdicts events_analyzed)
curl -s -H "Authorization: Bearer $admin" "http://127.0.0.1:$((9330 + final))/v1/verdicts" >"$out/replicated-verdicts.json"
"$bin" analyze "$log" --json "$out/single-verdicts.json" >/dev/null
stop_all
python3 - "$total" "$stored" "$analyzed" "$out/failover-ingest.json" "$out/replicated-verdicts.json" "$out/single-verdicts.json" <<'PY' | tee -a "$out/results.jsonl"
import json, sys
total, stored, analyzed = (int(x) for x in sys.argv[1:4])
client = json.load(open(sys.argv[4]))
def attack(path):
    return {a["account_id"] for a in json.load(open(path))["accounts"] if a["verdict"] == "attack"}
replicated, single = attack(sys.argv[5]), attack(sys.argv[6])
print(json.dumps({"part": "failover-total", "events": total, "acknowledged": client["accepted"] + client["duplicates"],
                  "resent_after_errors": client["errors"], "stored": stored, "lost": total - stored,
                  "analyzed": analyzed, "counted_twice": analyzed - stored,
                  "attack_accounts": len(replicated), "same_attack_accounts_as_analyze": replicated == single}))
PY

echo
python3 - "$out/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
ingest = [r for r in rows if r["part"] == "ingest"]
print(f"{'replicas':>8} {'events':>8} {'stored/s':>10} {'batch p50':>10} {'batch p99':>10} {'serve us/ev':>12} "
      f"{'postgres us/ev':>15} {'client us/ev':>13} {'cores busy':>11}")
for r in ingest:
    print(f"{r['replicas']:>8} {r['accepted']:>8} {r['events_per_second']:>10} {r['batch_p50_ms']:>8}ms {r['batch_p99_ms']:>8}ms "
          f"{r['serve_us_per_event']:>12} {r['postgres_us_per_event']:>15} {r['client_us_per_event']:>13} {r['cores_busy']:>11}")
if len(ingest) == 2:
    print(f"three replicas / one: {ingest[1]['events_per_second'] / ingest[0]['events_per_second']:.2f}x")
print()
print(f"{'cycle':>5} {'killed':>6} {'new leader':>10} {'takeover':>9} {'caught up':>10}")
for r in rows:
    if r["part"] == "failover":
        print(f"{r['cycle']:>5} {r['killed']:>6} {r['new_leader']:>10} {r['takeover_s']:>8}s {r['caught_up_s']:>9}s")
for r in rows:
    if r["part"] == "failover-total":
        print(f"events {r['events']}, stored {r['stored']} (lost {r['lost']}), analysed {r['analyzed']} (counted twice "
              f"{r['counted_twice']}), resent after connection errors {r['resent_after_errors']}, "
              f"attack accounts {r['attack_accounts']}, same as analyze: {r['same_attack_accounts_as_analyze']}")
PY
