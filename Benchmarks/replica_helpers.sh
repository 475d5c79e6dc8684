# Helpers for benchmarks that run several `distillguard serve` replicas on one PostgreSQL (sourced
# after common.sh by replicas.sh and two_gateways.sh). Expects $out, $lease and $checkpoint; sets
# $postgres_url, $admin and $ingest; replica N listens on port 9330+N.
postgres_url=$("$root/scripts/start-test-postgres.sh")
admin="bench-admin-token-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ingest="bench-ingest-key-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
declare -A pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# start REPLICA SCHEMA: serve on port 9330+REPLICA, named r<REPLICA>.
start() {
    local replica=$1 schema=$2 port=$((9330 + $1))
    DISTILLGUARD_ADMIN_TOKEN=$admin DISTILLGUARD_INGEST_KEY=$ingest "$bin" serve --port "$port" --database "$postgres_url" \
        --postgres-schema "$schema" --replica-id "r$replica" --lease-seconds "$lease" --checkpoint-seconds "$checkpoint" \
        --log-level notice \
        >>"$out/r$replica.out" 2>>"$out/r$replica.err" &
    pids[$replica]=$!
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.1; done
    echo "replica r$replica did not answer on port $port within 30 s; its log: $out/r$replica.err" >&2
    exit 1
}

stop_all() {
    for replica in "${!pids[@]}"; do kill -TERM "${pids[$replica]}" 2>/dev/null || true; done
    for replica in "${!pids[@]}"; do wait "${pids[$replica]}" 2>/dev/null || true; done
    pids=()
}

# field REPLICA PATH FIELD: a field of an admin JSON answer ("" when the replica does not answer).
field() {
    curl -s -m 2 -H "Authorization: Bearer $admin" "http://127.0.0.1:$((9330 + $1))$2" 2>/dev/null |
        python3 -c 'import json,sys
try: print(json.load(sys.stdin).get(sys.argv[1]) or "")
except Exception: print("")' "$3"
}

# leader: the replica number of the analysis leader, or nothing.
leader() {
    for replica in "${!pids[@]}"; do
        if [ "$(field "$replica" /v1/status analysis_role)" = leader ]; then
            echo "$replica"
            return 0
        fi
    done
    return 0
}

# cpu PID...: user + system CPU seconds the processes have used so far (0 for those gone).
cpu() {
    local ticks=0 pid fields
    for pid in "$@"; do
        fields=$(cut -d')' -f2 "/proc/$pid/stat" 2>/dev/null) || continue
        ticks=$((ticks + $(echo "$fields" | awk '{print $12 + $13}')))
    done
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f\n", t / hz}'
}

# minus A B: A - B, for CPU seconds.
minus() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f\n", a - b}'; }

urls() {
    local list=()
    for replica in "$@"; do list+=("http://127.0.0.1:$((9330 + replica))/v1/events"); done
    (IFS=,; echo "${list[*]}")
}

