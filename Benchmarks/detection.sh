#!/usr/bin/env bash
# Detection quality, speed and memory (issue: Detection).
#
# Quality: feb-2026 and adaptive-2026 (feb-2026 plus three campaigns shaped against the published
# detection) at small (seeds 21, 22) and medium (seed 31) scale — seeds never used for training
# (the shipped model was fitted on adaptive-2026 small seeds 1, 2, 3) — evaluated side by side with
# the two baselines (per-account rate thresholds, per-account CoT keywords).
# Speed: analyze against parse-only (orjson) on the medium file, in one run.
# Memory: peak RSS of analyze on about 6M events (large account counts).
# Held out (lopo): leave-one-population-out, the figures that count: for each population a model
# fitted without it, evaluated on traffic with it; the worst split per population
# (Benchmarks/detection_lopo.py).
# Variants (not in the default parts): adaptive-2026 with a campaign aimed at one rule: the contract
# harvest through accounts that carry every mark of an established customer (and what the cap on
# their verdicts leaves enforced), the laundering router's stream under its customers' ids or none,
# the throwaway sweep worded ten ways (no wording reaches the fifth of a cohort that ties); and with
# a benign look-alike the shipped model never saw: tutoring apps' backends, each framing its end
# users' problems in a private wrapper (Benchmarks/detection_variants.py).
source "$(dirname "$0")/common.sh"
python3 -c "import orjson" 2>/dev/null || pip install -q orjson
parts=${PARTS:-"quality lopo speed memory"}

evaluate() { # NAME
    local dir="$work/$1"
    measure "analyze-$1" "$bin" analyze "$dir/events.jsonl" --json "$dir/verdicts.json" --html "$dir/report.html" --rejects "$work/rejects.jsonl" >"$dir/analyze-time.txt"
    "$bin" eval --verdicts "$dir/verdicts.json" --labels "$dir/labels.jsonl" --events "$dir/events.jsonl" --json "$dir/eval.json" >"$dir/eval.txt"
    echo "### $1 ($(cat "$dir/analyze-time.txt"))"
    cat "$dir/eval.txt"
}

if [[ $parts == *quality* ]]; then
    for seed in 21 22; do simulate_events "detect-small-$seed" 50000 "$seed" small; evaluate "detect-small-$seed"; done
    simulate_events detect-medium-31 500000 31 medium
    evaluate detect-medium-31
    for seed in 21 22; do
        simulate_events "adaptive-small-$seed" 50000 "$seed" small adaptive-2026
        evaluate "adaptive-small-$seed"
    done
    simulate_events adaptive-medium-31 500000 31 medium adaptive-2026
    evaluate adaptive-medium-31
fi

if [[ $parts == *lopo* ]]; then
    # Every population of adaptive-2026 (all of feb-2026's and the three adaptive campaigns).
    python3 "$root/Benchmarks/detection_lopo.py" --bin "$bin" --work "$work/lopo" --scenario adaptive-2026 | tee "$work/lopo.md"
fi

if [[ $parts == *variants* ]]; then
    # Variants of adaptive-2026 that target a rule, with the shipped model: the contract harvest
    # (a campaign through accounts that carry every mark of an established customer) and the
    # laundering router with its stream under its customers' end-user ids, or under none.
    variants=(contract-harvest:contract-harvest router-customers:"router customers" router-none:"router none" app-backends:app-backends
        throwaway-wordings-10:"throwaway-wordings 10")
    for variant in "${variants[@]}"; do
        IFS=: read -r label change <<<"$variant"
        for run in small:21:50000 small:22:50000 medium:31:500000; do
            IFS=: read -r scale seed events <<<"$run"
            name="$label-$scale-$seed"
            # shellcheck disable=SC2086 # $change is the subcommand and its argument
            simulate_events "$name" "$events" "$seed" "$scale" adaptive-2026 python3 "$root/Benchmarks/detection_variants.py" $change
            "$bin" analyze "$work/$name/events.jsonl" --json "$work/$name/verdicts.json" --rejects "$work/rejects.jsonl" >/dev/null
            echo "### $name"
            python3 "$root/Benchmarks/detection_variants.py" summary "$work/$name/verdicts.json" "$work/$name/labels.jsonl" --show adaptive_router --show app_backend
        done
    done
fi

if [[ $parts == *speed* ]]; then
    simulate_events detect-medium-31 500000 31 medium
    file="$work/detect-medium-31/events.jsonl"
    cat "$file" >/dev/null
    read -r events size orjson_seconds < <(python3 "$root/Benchmarks/orjson_parse.py" "$file")
    read -r _ analyze_seconds analyze_rss < <(measure analyze "$bin" analyze "$file" --json "$work/speed-verdicts.json" --rejects "$work/rejects.jsonl")
    read -r _ inspect_seconds _ < <(measure inspect "$bin" inspect "$file" --json --rejects "$work/rejects.jsonl")
    python3 - "$events" "$size" "$orjson_seconds" "$inspect_seconds" "$analyze_seconds" "$analyze_rss" <<'PY'
import sys
events, size, orj, ins, ana, rss = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
print(f"file: {events} events, {size / 1e6:.0f} MB")
for name, seconds in (("orjson parse only", orj), ("distillguard inspect", ins), ("distillguard analyze", ana)):
    print(f"{name:24}{seconds:8.2f} s{events / seconds:12,.0f} events/s{size / 1e6 / seconds:8.1f} MB/s")
print(f"analyze / orjson parse-only throughput: {orj / ana:.2f}; analyze peak RSS {rss} MiB")
PY
fi

if [[ $parts == *memory* ]]; then
    simulate_events detect-6m 6000000 41 large
    read -r _ seconds rss < <(measure analyze6m "$bin" analyze "$work/detect-6m/events.jsonl" --json "$work/detect-6m/verdicts.json" --rejects "$work/rejects.jsonl")
    events=$(grep -o '"events_analyzed":[0-9]*' "$work/detect-6m/verdicts.json" | cut -d: -f2)
    echo "6M: analyzed $events events in ${seconds}s, peak RSS ${rss} MiB"
    "$bin" eval --verdicts "$work/detect-6m/verdicts.json" --labels "$work/detect-6m/labels.jsonl" | head -4
    [ -n "${KEEP_LARGE:-}" ] || rm -rf "$work/detect-6m"
fi
