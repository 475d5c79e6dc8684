# Shared by the benchmark scripts: build in release, find tools, measure a command.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${BENCH_DIR:-/tmp/distillguard-bench}"
mkdir -p "$work"
echo "building release binary…" >&2
(cd "$root" && swift build -c release --product distillguard >&2)
bin="$root/.build/release/distillguard"
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2; }

# measure LABEL COMMAND...: runs COMMAND, prints "LABEL seconds peak_rss_mib".
measure() {
    local label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt"
    read -r seconds kib <"$work/time.txt"
    echo "$label $seconds $((kib / 1024))"
}

# simulate_events NAME EVENTS SEED [SCALE] [SCENARIO] [CHANGE...]: a simulated log of about EVENTS events in
# $work/NAME, with the account counts of SCALE (default small), of the built-in SCENARIO (default
# feb-2026), its scenario piped through the command CHANGE when one is given.
simulate_events() {
    local name=$1 events=$2 seed=$3 scale=${4:-small} scenario=${5:-feb-2026}
    local change=("${@:6}")
    [ ${#change[@]} -gt 0 ] || change=(cat)
    if [ ! -s "$work/$name/events.jsonl" ]; then
        "$bin" simulate --print-scenario "$scenario" | python3 -c '
import json, sys
scenario = json.load(sys.stdin)
scenario["events"][sys.argv[1]] = int(sys.argv[2])
json.dump(scenario, sys.stdout, indent=1)' "$scale" "$events" | "${change[@]}" >"$work/$name.scenario.json"
        "$bin" simulate --scenario "$work/$name.scenario.json" --seed "$seed" --scale "$scale" --out "$work/$name" >&2
    fi
}
