# Shared by decide.sh and litellm.sh: open-loop load from one of two generators, one JSON line
# per run. Source it after setting `root`, `work` and `release` (where distillguard-loadgen is).
#
# - independent: the independent harness's C generator (../shared/tools/gatewaycheck/loadgen.c,
#   or $GATEWAYCHECK/loadgen.c; epoll, one thread), compiled into $work;
# - ours: this repository's generator (Benchmarks/LoadGenerator, on AsyncHTTPClient). It adds its
#   own client cost (about 0.5 ms at p50 on this machine) to every latency it reports, which
#   cancels in a difference of two targets but not in an absolute figure.
#
# Both measure each request's latency from its scheduled start (no coordinated omission).

harness="${GATEWAYCHECK:-$root/../shared/tools/gatewaycheck}"

# choose_generators LIST: checks LIST (words "independent", "ours") and prints the ones that can
# run here; "independent" falls back to "ours", with a message, when the harness or gcc is missing.
choose_generators() {
    local chosen=() generator
    for generator in $1; do
        case $generator in
        independent)
            if [ -f "$harness/loadgen.c" ] && command -v gcc >/dev/null; then
                gcc -O2 -o "$work/loadgen" "$harness/loadgen.c" -lm
                chosen+=(independent)
            else
                echo "the independent harness's generator ($harness/loadgen.c, with gcc) is not here: using this repository's" >&2
                [[ " $1 " == *" ours "* ]] || chosen+=(ours)
            fi
            ;;
        ours) chosen+=(ours) ;;
        *)
            echo "error: GENERATORS takes 'independent' and 'ours' (it has '$generator')" >&2
            return 1
            ;;
        esac
    done
    echo "${chosen[*]}"
}

# open_loop GENERATOR LABEL URL BODY_FILE RATE DURATION WARMUP HEADER...: one run; prints
# {"generator", "label", "target_rate", "achieved_rate", "p50_ms", "p99_ms", "p999_ms", "statuses", "errors"}.
open_loop() {
    local generator=$1 label=$2 url=$3 body=$4 rate=$5 duration=$6 warmup=$7
    shift 7
    local headers=() header
    if [ "$generator" = independent ]; then
        for header in "$@"; do headers+=(-H "$header"); done
        "$work/loadgen" --url "$url" --body-file "$body" "${headers[@]}" --rate "$rate" --duration "$duration" \
            --warmup "$warmup" --connections 64 --label "$label" >"$work/run.json" 2>"$work/run.err" \
            || { echo "error: the independent generator failed: $(cat "$work/run.err")" >&2; return 1; }
    else
        for header in "$@"; do headers+=(--header "$header"); done
        "$release/distillguard-loadgen" --url "$url" --body-file "$body" "${headers[@]}" --rate "$rate" \
            --duration "$duration" --warmup "$warmup" --connections 64 --label "$label" >"$work/run.json"
    fi
    python3 - "$work/run.json" "$generator" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if sys.argv[2] == "independent":
    latency = r["latency_ms"]
    if not latency:
        sys.exit(f"error: no request of '{r['label']}' completed ({r['errors']['unfinished']} unfinished, "
                 f"{r['sent_total']} sent): {r['url']} is down or far over its capacity")
    row = {"target_rate": r["rate"], "achieved_rate": r["achieved_rps"], "p50_ms": latency["p50"], "p99_ms": latency["p99"],
           "p999_ms": latency["p999"], "statuses": r["status"], "errors": sum(r["errors"].values())}
else:
    if not r["completed"]:
        sys.exit(f"error: no request of '{r['label']}' completed ({r['errors']} errors): the target is down or far over its capacity")
    row = {key: r[key] for key in ("target_rate", "achieved_rate", "p50_ms", "p99_ms", "p999_ms", "statuses", "errors")}
print(json.dumps({"generator": sys.argv[2], "label": r["label"], **row}))
PY
}
