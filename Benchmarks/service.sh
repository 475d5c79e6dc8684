#!/usr/bin/env bash
# Sustained ingest over HTTP into `distillguard serve`, on SQLite and on PostgreSQL.
#
# A simulated log (EVENTS events, default 100,000, about 3 KB each) is cut into batches of BATCH
# lines and POSTed to /v1/events over CONNECTIONS connections (default 4); 429s are retried after
# their Retry-After. For each store it reports the ingest rate (events durably stored per second),
# batch latency, 429s, the time until analysis has caught up with everything stored (the end-to-end
# sustained rate), the server's peak memory, and the database size. Results go to
# $BENCH_DIR/service/results.jsonl and a table on stdout.
#
#   Benchmarks/service.sh                 # about 5 minutes
#   EVENTS=20000 Benchmarks/service.sh
#   EVENTS=15000 BATCH=2500 CONNECTIONS=1 MAX_BACKLOG=2000 Benchmarks/service.sh   # back-pressure: 429s and Retry-After
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
events=${EVENTS:-100000}
batch=${BATCH:-500}
connections=${CONNECTIONS:-4}
backlog=()
[ -z "${MAX_BACKLOG:-}" ] || backlog=(--max-backlog "$MAX_BACKLOG")
out="$work/service"
rm -rf "$out"
mkdir -p "$out/batches"
simulate_events "service-$events" "$events" 11
split -l "$batch" -d -a 5 "$work/service-$events/events.jsonl" "$out/batches/b-"
total=$(wc -l <"$work/service-$events/events.jsonl")
postgres_url=$("$root/scripts/start-test-postgres.sh")
admin="bench-admin-token-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ingest="bench-ingest-key-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
schema="bench_$(date +%s)"
port=9320
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT

for store in sqlite postgres; do
    case $store in
    sqlite) database=(--database "$out/service.sqlite") ;;
    postgres) database=(--database "$postgres_url" --postgres-schema "$schema") ;;
    esac
    DISTILLGUARD_ADMIN_TOKEN=$admin DISTILLGUARD_INGEST_KEY=$ingest "$bin" serve --port $port "${database[@]}" "${backlog[@]}" \
        --log-level warning >"$out/$store.out" 2>"$out/$store.err" &
    pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
    started=$(date +%s.%N)
    result=$(python3 "$root/Benchmarks/ingest_client.py" "http://127.0.0.1:$port/v1/events" "$ingest" "$connections" "$out"/batches/b-*)
    # Analysis has caught up when the published verdicts cover every event.
    while true; do
        kill -0 "$pid" 2>/dev/null || { echo "serve ($store) exited; its log: $out/$store.err" >&2; exit 1; }
        analyzed=$(curl -s -H "Authorization: Bearer $admin" "http://127.0.0.1:$port/v1/verdicts" |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["events_analyzed"])')
        [ "$analyzed" -ge "$total" ] && break
        sleep 0.2
    done
    finished=$(date +%s.%N)
    rss=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$pid/status")
    kill -TERM "$pid"
    wait "$pid" || true
    pid=
    case $store in
    sqlite) size=$(du -sm "$out"/service.sqlite* | awk '{s+=$1} END {print s}') ;;
    postgres) size=$(psql "$postgres_url" -tAc "SELECT (SUM(pg_total_relation_size(quote_ident('$schema') || '.' || quote_ident(tablename))) / 1048576)::int FROM pg_tables WHERE schemaname = '$schema'") ;;
    esac
    python3 - "$store" "$result" "$started" "$finished" "$total" "$rss" "$size" <<'PY' | tee -a "$out/results.jsonl"
import json, sys
store, result, started, finished, total, rss, size = sys.argv[1:]
r = json.loads(result)
seconds = float(finished) - float(started)
r.update(store=store, events=int(total), end_to_end_seconds=round(seconds, 2),
         end_to_end_events_per_second=round(int(total) / seconds, 1), peak_rss_mib=int(rss), database_mib=int(size))
print(json.dumps(r))
PY
done

echo
printf '%-9s %10s %9s %11s %11s %6s %15s %12s %10s %9s %8s\n' store events "ingest/s" "batch p50" "batch p99" "429s" "Retry-After max" "analyzed/s" "MiB/s in" "peak MiB" "db MiB"
python3 - "$out/results.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(f"{r['store']:<9} {r['events']:>10} {r['events_per_second']:>9} {r['batch_p50_ms']:>9}ms {r['batch_p99_ms']:>9}ms "
          f"{r['throttled']:>6} {r['retry_after_max_s']:>14}s {r['end_to_end_events_per_second']:>12} {r['mib_per_second']:>10} {r['peak_rss_mib']:>9} {r['database_mib']:>8}")
PY
