#!/usr/bin/env bash
# Simulator speed and memory (issue: Traffic simulator): events written per second and peak
# memory at each scale. The large output (~16 GB) is deleted afterwards.
source "$(dirname "$0")/common.sh"
scales=${SCALES:-"small medium large"}
printf '%-8s%12s%10s%12s%10s%12s\n' scale events seconds events/s GB "peak RSS"
for scale in $scales; do
    out="$work/sim-$scale"
    rm -rf "$out"
    read -r _ seconds rss < <(measure "$scale" "$bin" simulate --scale "$scale" --seed 7 --out "$out")
    events=$(grep -o '^wrote [0-9]*' "$work/out.txt" | cut -d' ' -f2)
    gb=$(python3 -c "print(f'{$(stat -c %s "$out/events.jsonl") / 1e9:.2f}')")
    printf '%-8s%12s%10s%12s%10s%9s MiB\n' "$scale" "$events" "$seconds" "$(python3 -c "print(int($events / $seconds))")" "$gb" "$rss"
    [ "$scale" = large ] && rm -rf "$out"
done
