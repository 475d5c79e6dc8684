#!/usr/bin/env bash
# Forensic watermark: the proof loop, the attacks on watermarked text, the null set and the chi-square
# test, on the ShareGPT prompts of ../shared/data (odd lines; the built-in table's frequencies were
# measured on the even lines), with IFBench and HumanEval prompts as further null sources.
#
# Then the neural student (Benchmarks/watermark_neural.py: a small transformer in PyTorch, installed
# with pip when absent; by far the longest part on CPU: about 25 minutes of training per mixture on
# 2 cores, 2.5 hours for the six by default); NEURAL=0 leaves it out.
#
# Writes $BENCH_DIR/watermark.md. FRACTIONS, SAMPLES, NULL_KEYS, NEURAL_FRACTIONS, NEURAL_SAMPLES and
# NEURAL_STEPS override the defaults.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${BENCH_DIR:-/tmp/distillguard-bench}"
data="$root/../shared/data"
mkdir -p "$work"
if [ ! -f "$data/sharegpt-a.jsonl.gz" ]; then
    echo "skipped: $data/sharegpt-a.jsonl.gz is not there (the benchmark needs real text)" >&2
    exit 0
fi
# The attacker's general thesaurus: WordNet from Debian's wordnet-base (the attacks that need it are
# left out, with a message, when it cannot be installed).
if [ ! -f /usr/share/wordnet/data.noun ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "installing wordnet-base (the thesaurus of the substitution attacks)…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wordnet-base >&2 \
        || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wordnet-base >&2; } \
        || echo "could not install wordnet-base: the substitution attacks are left out" >&2
fi
echo "building release binary…" >&2
(cd "$root" && swift build -c release --product distillguard-watermark-proof >&2 &&
    swift build -c release --product distillguard >&2)

# texts FILE.gz: every prompt and follow-up of five words or more, as {"text": ...} lines.
texts() {
    gunzip -c "$1" | python3 -c '
import json, sys
for line in sys.stdin:
    item = json.loads(line)
    for text in [item["text"]] + item.get("followups", []):
        if len(text.split()) >= 5:
            print(json.dumps({"text": text}))'
}
texts "$data/sharegpt-a.jsonl.gz" | awk 'NR % 2 == 1' >"$work/watermark-corpus.jsonl"
others=()
for name in ifbench humaneval; do
    if [ -f "$data/$name.jsonl.gz" ]; then
        texts "$data/$name.jsonl.gz" >"$work/$name.jsonl"
        others+=(--other "$work/$name.jsonl")
    fi
done
# shellcheck disable=SC2086
"$root/.build/release/distillguard-watermark-proof" --corpus "$work/watermark-corpus.jsonl" "${others[@]}" \
    --fractions ${FRACTIONS:-0 0.01 0.05 0.1 0.5} --sample-counts ${SAMPLES:-1000 4000 16000 64000} \
    --null-keys "${NULL_KEYS:-500}" | tee "$work/watermark.md"

if [ "${NEURAL:-1}" = 1 ]; then
    if ! python3 -c 'import torch' 2>/dev/null; then
        echo "installing PyTorch (the neural student)…" >&2
        python3 -m pip install -q torch >&2
    fi
    # shellcheck disable=SC2086
    python3 "$root/Benchmarks/watermark_neural.py" --bin "$root/.build/release/distillguard" \
        --corpus "$work/watermark-corpus.jsonl" --work "$work/neural" \
        --fractions ${NEURAL_FRACTIONS:-0 0.01 0.02 0.05 0.1 0.5} --samples ${NEURAL_SAMPLES:-2000 8000} \
        --steps "${NEURAL_STEPS:-1500}" | tee -a "$work/watermark.md"
fi
