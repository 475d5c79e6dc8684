#!/usr/bin/env bash
# Added latency of DistillGuard's LiteLLM integration: LiteLLM's proxy in front of the mock
# upstream, once plain and once with the callback (integrations/litellm, installed with pip from
# the checkout) asking `distillguard serve` before each call and sending every exchange to its
# ingest API in the background. The open-loop generator sends Chat Completions calls at RATE
# requests/s (default 100), measuring from each request's scheduled start, alternating plain and
# with the callback, RUNS times (default 3). Added = with − plain, same run. Each proxy runs
# WORKERS LiteLLM worker processes (default 1; LiteLLM's `--num_workers`). Then the pre-call check
# alone (Benchmarks/litellm_precall.py: the callback's hook on one asyncio loop, asking serve, open
# loop, at CHECK_RATE calls/s, default RATE), which is what the check adds once LiteLLM itself keeps
# up: on this 2-core machine LiteLLM's proxy does not sustain 100 calls/s even without the callback. The load comes from the
# independent harness's C generator when ../shared/tools/gatewaycheck is there, else from this
# repository's (GENERATORS=ours chooses it; see Benchmarks/open_loop.sh).
# Results: $BENCH_DIR/litellm/results.jsonl and a table on stdout.
#
#   Benchmarks/litellm.sh                # 3 runs of 20 s each way at 100/s
#   RATE=50 RUNS=5 DURATION=30 Benchmarks/litellm.sh
#   WORKERS=2 Benchmarks/litellm.sh
#   RATE=30 CHECK_RATE=100 Benchmarks/litellm.sh    # through LiteLLM within its capacity; the check at 100/s
#   WORKERS=2 WARMUP=20 Benchmarks/litellm.sh       # a longer unmeasured warm-up of both proxies first
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${BENCH_DIR:-/tmp/distillguard-bench}/litellm"
rate=${RATE:-100}
runs=${RUNS:-3}
duration=${DURATION:-20}
workers=${WORKERS:-1}
check_rate=${CHECK_RATE:-$rate}
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || { echo "error: WORKERS must be a positive whole number (it is '$workers')" >&2; exit 1; }
mkdir -p "$work"
rm -rf "$work/results.jsonl" "$work"/serve.sqlite* "$work/site-packages" "$work/distillguard-litellm"

echo "building release binaries…" >&2
(cd "$root" && swift build -c release --product distillguard >&2 &&
    swift build -c release --product distillguard-mock-upstream >&2 &&
    swift build -c release --product distillguard-loadgen >&2)
release="$root/.build/release"
# shellcheck source=Benchmarks/open_loop.sh
source "$root/Benchmarks/open_loop.sh"
generator=$(choose_generators "${GENERATORS:-independent}")
[[ "$generator" != *" "* ]] || { echo "error: GENERATORS takes one generator here (it has '$generator')" >&2; exit 1; }
if ! command -v litellm >/dev/null; then
    echo "installing LiteLLM's proxy (PyPI litellm[proxy])…" >&2
    python3 -m pip install -q 'litellm[proxy]' >&2
fi
# As a user installs it, from a copy (pip builds in the source folder).
cp -r "$root/integrations/litellm" "$work/distillguard-litellm"
python3 -m pip install -q --no-deps --target "$work/site-packages" "$work/distillguard-litellm" >&2

upstream_port=9330 serve_port=9331 plain_port=9332 guarded_port=9333
secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
master="sk-litellm-$secret"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# config FILE [CALLBACK]: LiteLLM's configuration, as docs/integrations.md gives it.
config() {
    cat >"$1" <<YAML
model_list:
  - model_name: gpt-x
    litellm_params:
      model: openai/gpt-x
      api_base: http://127.0.0.1:$upstream_port/v1
      api_key: sk-upstream-test
litellm_settings:
  set_verbose: false
${2:+  callbacks: $2}
general_settings:
  master_key: $master
YAML
}
config "$work/plain.yaml"
config "$work/guarded.yaml" distillguard_litellm.callback

"$release/distillguard-mock-upstream" --port $upstream_port >"$work/mock.log" 2>&1 &
pids+=($!)
DISTILLGUARD_ADMIN_TOKEN="admin-$secret" DISTILLGUARD_INGEST_KEY="ingest-$secret" DISTILLGUARD_DECISION_KEY="decide-$secret" \
    "$release/distillguard" serve --database "$work/serve.sqlite" --port $serve_port --log-level warning >"$work/serve.log" 2>&1 &
pids+=($!)
export LITELLM_LOCAL_MODEL_COST_MAP=True
litellm --config "$work/plain.yaml" --host 127.0.0.1 --port $plain_port --num_workers "$workers" >"$work/plain.log" 2>&1 &
pids+=($!) proxies=($!)
PYTHONPATH="$work/site-packages" DISTILLGUARD_DECIDE_URL="http://127.0.0.1:$serve_port" DISTILLGUARD_DECIDE_KEY="decide-$secret" \
    DISTILLGUARD_INGEST_URL="http://127.0.0.1:$serve_port" DISTILLGUARD_INGEST_KEY="ingest-$secret" \
    litellm --config "$work/guarded.yaml" --host 127.0.0.1 --port $guarded_port --num_workers "$workers" >"$work/guarded.log" 2>&1 &
pids+=($!) proxies+=($!)
for url in "http://127.0.0.1:$upstream_port/health" "http://127.0.0.1:$serve_port/health" \
    "http://127.0.0.1:$plain_port/health/liveliness" "http://127.0.0.1:$guarded_port/health/liveliness"; do
    for _ in $(seq 1 180); do
        curl -s -o /dev/null "$url" && break
        sleep 1
    done
done
echo "servers up: mock $upstream_port, serve $serve_port, LiteLLM plain $plain_port, with DistillGuard $guarded_port" >&2

printf '%s' '{"model":"gpt-x","messages":[{"role":"user","content":"Say hi to the benchmark"}]}' >"$work/chat.json"
# Each proxy answers its health check as soon as one worker is up; with WORKERS > 1 the others are
# still importing LiteLLM, and the first measured run would queue behind them (a p99 near 1 s on
# 2026-12-04). So both proxies first take WARMUP seconds (default 10) of the same load, not measured.
for port in $plain_port $guarded_port; do
    open_loop "$generator" "warm-up" "http://127.0.0.1:$port/v1/chat/completions" "$work/chat.json" \
        "$rate" "${WARMUP:-10}" 0 "authorization: Bearer $master" "content-type: application/json" >/dev/null
done
for run in $(seq 1 "$runs"); do
    for target in plain guarded; do
        port=$plain_port
        [ "$target" = guarded ] && port=$guarded_port
        open_loop "$generator" "$target run $run" "http://127.0.0.1:$port/v1/chat/completions" "$work/chat.json" \
            "$rate" "$duration" 3 "authorization: Bearer $master" "content-type: application/json" | tee -a "$work/results.jsonl"
    done
done
# The check alone, with the proxies stopped (they would only share the cores) and serve done with
# what they sent; failure mode closed, so that a decision API that did not answer counts as an error.
# (The callback sends its last batch within DISTILLGUARD_FLUSH_SECONDS: wait for every decided call's exchange.)
for _ in $(seq 1 60); do
    curl -s "http://127.0.0.1:$serve_port/metrics" >"$work/serve-metrics.txt"
    decided=$(awk '/^dg_decisions_total/ {sum += $2} END {print sum + 0}' "$work/serve-metrics.txt")
    accepted=$(awk '/^dg_ingest_lines_total\{result="accepted"\}/ {print $2 + 0}' "$work/serve-metrics.txt")
    [ "${accepted:-0}" -ge "$decided" ] && break
    sleep 1
done
kill "${proxies[@]}" 2>/dev/null || true
wait "${proxies[@]}" 2>/dev/null || true
until curl -s "http://127.0.0.1:$serve_port/v1/verdicts" -H "authorization: Bearer admin-$secret" |
    python3 -c "import json,sys; sys.exit(0 if json.load(sys.stdin)['events_analyzed'] >= ${accepted:-0} else 1)"; do
    sleep 1
done
for run in $(seq 1 "$runs"); do
    PYTHONPATH="$work/site-packages" DISTILLGUARD_DECIDE_URL="http://127.0.0.1:$serve_port" \
        DISTILLGUARD_DECIDE_KEY="decide-$secret" DISTILLGUARD_FAILURE_MODE=closed \
        python3 "$root/Benchmarks/litellm_precall.py" --rate "$check_rate" --duration "$duration" --warmup 3 \
        --label "check run $run" | tee -a "$work/results.jsonl"
done

python3 - "$work/results.jsonl" "$work/serve-metrics.txt" "$workers" <<'PY'
import json, re, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
by = {r["label"]: r for r in rows if not r["label"].startswith("check run ")}
print(f"generator: {rows[0]['generator'] if rows else '-'}; {sys.argv[3]} LiteLLM worker(s) per proxy")
print(f"{'run':<16}{'rate':>6}{'achieved':>10}{'p50 ms':>9}{'p99 ms':>9}  statuses")
for r in rows:
    print(f"{r['label']:<16}{int(r['target_rate']):>6}{r['achieved_rate']:>10}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}  {r['statuses']}")
added = []
for run in sorted({l.split()[-1] for l in by}):
    plain, guarded = by.get(f"plain run {run}"), by.get(f"guarded run {run}")
    if plain and guarded:
        added.append((guarded["p50_ms"] - plain["p50_ms"], guarded["p99_ms"] - plain["p99_ms"]))
        print(f"run {run}: added p50 {added[-1][0]:+.2f} ms, added p99 {added[-1][1]:+.2f} ms")
if added:
    print(f"median of {len(added)} runs: added p50 {statistics.median(a[0] for a in added):+.2f} ms, "
          f"added p99 {statistics.median(a[1] for a in added):+.2f} ms")
checks = [r for r in rows if r["label"].startswith("check run ")]
if checks:
    for prefix, what in (("", "from each call's due time"), ("hook_", "from the hook's start")):
        print(f"pre-call check alone, {what}, median of {len(checks)} runs: "
              f"p50 {statistics.median(r[prefix + 'p50_ms'] for r in checks):.2f} ms, "
              f"p99 {statistics.median(r[prefix + 'p99_ms'] for r in checks):.2f} ms (runs, p50 / p99: "
              + ", ".join(f"{r[prefix + 'p50_ms']:.2f} / {r[prefix + 'p99_ms']:.2f}" for r in checks) + ")")
    print(f"pre-call check alone: {sum(r['errors'] for r in checks)} errors")
metrics = open(sys.argv[2]).read()
for name in ("dg_decisions_total", "dg_ingest_lines_total"):
    for line in metrics.splitlines():
        if line.startswith(name):
            print("serve:", line)
PY
