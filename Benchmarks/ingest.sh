#!/usr/bin/env bash
# Ingest throughput and memory (issue: Foundation).
#
# 1. On a simulated log of at least 500k events (~3.3 KB each): `distillguard inspect` (read, decode
#    all three API shapes into the normalized view, dedupe, summarize) against parse-only with
#    orjson on the same file, in one run, page cache warm for both.
# 2. Peak memory of `distillguard inspect` on a file of about 2 GB.
source "$(dirname "$0")/common.sh"
python3 -c "import orjson" 2>/dev/null || pip install -q orjson

simulate_events ingest500k 500000 101
file="$work/ingest500k/events.jsonl"
bytes=$(stat -c %s "$file")
cat "$file" >/dev/null

read -r events _ orjson_seconds < <(python3 "$root/Benchmarks/orjson_parse.py" "$file")
read -r _ dg_seconds dg_rss < <(measure inspect "$bin" inspect "$file" --json --rejects "$work/rejects.jsonl")
python3 - "$events" "$bytes" "$orjson_seconds" "$dg_seconds" "$dg_rss" <<'PY'
import sys
events, size, orj, dg, rss = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
mb = size / 1e6
print(f"file: {events} events, {mb:.0f} MB, {size / events:.0f} bytes/event")
print(f"{'':28}{'seconds':>9}{'events/s':>12}{'MB/s':>9}")
print(f"{'distillguard inspect':28}{dg:9.2f}{events / dg:12,.0f}{mb / dg:9.1f}   peak RSS {rss} MiB")
print(f"{'orjson parse only':28}{orj:9.2f}{events / orj:12,.0f}{mb / orj:9.1f}")
print(f"ratio distillguard / orjson throughput: {orj / dg:.2f}")
PY

simulate_events ingest2gb 640000 102
file2="$work/ingest2gb/events.jsonl"
read -r _ seconds rss < <(measure inspect2gb "$bin" inspect "$file2" --json --rejects "$work/rejects.jsonl")
echo "2 GB file: $(($(stat -c %s "$file2") / 1000000)) MB in ${seconds}s, peak RSS ${rss} MiB"
