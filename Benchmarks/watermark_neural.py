#!/usr/bin/env python3
"""A neural student in the watermark's proof loop (docs/watermark.md, docs/benchmarks.md).

For each watermarked share of the training text: a small decoder-only transformer (word-level,
PyTorch on CPU) is trained on the corpus with that share of its tokens watermarked by
`distillguard watermark apply`; it then generates samples, and `distillguard attribute` tests them
against the key. Prints a Markdown table: log10 p (z, distinct marked pairs) per share and number
of samples. Outside the product: a benchmark, run by Benchmarks/watermark.sh with NEURAL=1.

    watermark_neural.py --bin .build/release/distillguard --corpus corpus.jsonl --work DIR \
        [--fractions 0 0.01 0.02 0.05 0.1 0.5] [--samples 2000 8000] [--steps 1500]
"""

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*|\d+|\n|[^\s\w]", re.UNICODE)


def tokens(text):
    out = []
    for match in TOKEN.finditer(text):
        token = match.group(0)
        if token == "\n" and out and out[-1] == "\n":
            continue
        out.append(token)
    return out


def join(words):
    text = ""
    for word in words:
        attaches = word == "\n" or word in {",", ".", ";", ":", "!", "?", ")"}
        if text and not attaches and not text.endswith("\n") and not text.endswith("("):
            text += " "
        text += word
    return text


class Student(nn.Module):
    """A small GPT: token and position embeddings, pre-norm blocks, tied output layer."""

    def __init__(self, vocabulary, width, layers, heads, context):
        super().__init__()
        self.context = context
        self.embed = nn.Embedding(vocabulary, width)
        self.position = nn.Embedding(context, width)
        layer = nn.TransformerEncoderLayer(
            width, heads, 4 * width, dropout=0.0, activation="gelu", batch_first=True, norm_first=True
        )
        self.blocks = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)

    def forward(self, ids, last_only=False):
        length = ids.shape[1]
        x = self.embed(ids) + self.position(torch.arange(length))
        mask = nn.Transformer.generate_square_subsequent_mask(length)
        x = self.blocks(x, mask=mask, is_causal=True)
        if last_only:
            x = x[:, -1, :]
        return self.norm(x) @ self.embed.weight.T


def read_texts(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def write_texts(path, texts):
    with open(path, "w", encoding="utf-8") as handle:
        for text in texts:
            handle.write(json.dumps({"text": text}) + "\n")


def mixture(plain, marked, fraction):
    """The corpus with `fraction` of its tokens watermarked (whole texts, in order)."""
    total = sum(len(tokens(text)) for text in plain)
    budget = fraction * total
    out = []
    used = 0
    for original, watermarked in zip(plain, marked):
        length = len(tokens(original))
        if fraction > 0 and used + length <= budget + length / 2:
            used += length
            out.append(watermarked)
        else:
            out.append(original)
    return out


def train(texts, args, seed):
    torch.manual_seed(seed)
    counts = {}
    for text in texts:
        for token in tokens(text):
            counts[token] = counts.get(token, 0) + 1
    vocabulary = ["<s>", "<unk>"] + sorted(counts, key=lambda t: (-counts[t], t))[: args.vocabulary - 2]
    index = {token: i for i, token in enumerate(vocabulary)}
    stream = []
    for text in texts:
        stream.append(0)
        stream.extend(index.get(token, 1) for token in tokens(text))
    data = torch.tensor(stream, dtype=torch.long)
    model = Student(len(vocabulary), args.width, args.layers, args.heads, args.context)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=0.01)
    generator = torch.Generator().manual_seed(seed)
    started = time.time()
    for step in range(args.steps):
        rate = args.learning_rate * min(1.0, (step + 1) / 100) * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        for group in optimizer.param_groups:
            group["lr"] = rate
        starts = torch.randint(0, len(data) - args.context - 1, (args.batch,), generator=generator)
        batch = torch.stack([data[s : s + args.context + 1] for s in starts.tolist()])
        logits = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (step + 1) % 250 == 0:
            print(f"  step {step + 1}/{args.steps}: loss {loss.item():.3f} ({time.time() - started:.0f} s)", file=sys.stderr)
    return model, vocabulary, len(stream)


@torch.no_grad()
def sample(model, vocabulary, count, length, seed, temperature=1.0):
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    texts = []
    batch = 256
    while len(texts) < count:
        n = min(batch, count - len(texts))
        ids = torch.zeros((n, 1), dtype=torch.long)
        done = torch.zeros(n, dtype=torch.bool)
        for _ in range(length):
            logits = model(ids[:, -model.context :], last_only=True)
            logits[:, 1] = -float("inf")  # never <unk>
            choice = torch.multinomial(F.softmax(logits / temperature, dim=-1), 1, generator=generator)
            choice[done] = 0
            done |= choice.squeeze(1) == 0
            ids = torch.cat([ids, choice], dim=1)
            if done.all():
                break
        for row in ids.tolist():
            words = []
            for token in row[1:]:
                if token == 0:
                    break
                words.append(vocabulary[token])
            texts.append(join(words))
    return texts


def attribute(binary, key_file, path):
    result = subprocess.run(
        [binary, "attribute", "--key-file", key_file, "--samples", path, "--json"], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the distillguard binary")
    parser.add_argument("--corpus", required=True, help="JSON Lines {\"text\": ...}: the teacher's outputs and other text")
    parser.add_argument("--work", required=True, help="a directory for the mixtures and samples")
    parser.add_argument("--fractions", type=float, nargs="+", default=[0, 0.01, 0.02, 0.05, 0.1, 0.5])
    parser.add_argument("--samples", type=int, nargs="+", default=[2000, 8000])
    parser.add_argument("--length", type=int, default=60, help="tokens per sample, at most")
    parser.add_argument("--temperature", type=float, default=1.0, help="sampling temperature of the student")
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--context", type=int, default=64)
    parser.add_argument("--width", type=int, default=192)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--vocabulary", type=int, default=16000)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.temperature <= 0:
        parser.error(f"--temperature must be above 0 (got {args.temperature:g})")
    os.makedirs(args.work, exist_ok=True)
    torch.set_num_threads(os.cpu_count() or 1)

    key_file = os.path.join(args.work, "key.txt")
    with open(key_file, "w") as handle:
        handle.write(f"distillguard-neural-proof-key-{args.seed}\n")
    plain = read_texts(args.corpus)
    random.Random(args.seed).shuffle(plain)
    plain_path = os.path.join(args.work, "plain.jsonl")
    marked_path = os.path.join(args.work, "marked.jsonl")
    write_texts(plain_path, plain)
    subprocess.run(
        [args.bin, "watermark", "apply", "--key-file", key_file, "--input", plain_path, "--output", marked_path], check=True
    )
    marked = read_texts(marked_path)

    columns = sorted(args.samples)
    print("### Neural student: log10 p-value by watermarked fraction and number of suspect samples\n")
    print(
        f"Student: decoder-only transformer, {args.layers} layers, width {args.width}, {args.heads} heads, context"
        f" {args.context} words, vocabulary {args.vocabulary} words, {args.steps} steps of {args.batch} windows"
        f" (AdamW, cosine schedule), PyTorch {torch.__version__} on {torch.get_num_threads()} CPU threads. Samples of at"
        f" most {args.length} words at temperature {args.temperature:g}. Corpus: {len(plain)} texts. Seed {args.seed}.\n"
    )
    print("| watermarked share of training tokens | " + " | ".join(f"{n} samples" for n in columns) + " | training |")
    print("|---|" + "|".join("---:" for _ in columns) + "|---:|")
    detected = []
    for fraction in args.fractions:
        started = time.time()
        print(f"fraction {fraction}: training…", file=sys.stderr)
        model, vocabulary, size = train(mixture(plain, marked, fraction), args, args.seed)
        trained = time.time() - started
        texts = sample(model, vocabulary, columns[-1], args.length, args.seed + 1, args.temperature)
        cells = []
        for n in columns:
            path = os.path.join(args.work, f"samples-{fraction}-{n}.jsonl")
            write_texts(path, texts[:n])
            result = attribute(args.bin, key_file, path)
            cells.append(f"{result['log10_p_value']:.1f} (z {result['z_score']:.1f}, {result['pairs']})")
            if fraction > 0 and result["log10_p_value"] <= -5:
                detected.append((fraction, n))
        share = f"{fraction * 100:g}%"
        print(f"| {share} | " + " | ".join(cells) + f" | {trained:.0f} s ({size} tokens) |", flush=True)
    print("\nEach cell: log10 p (z score, distinct marked pairs). The p-value is a Chernoff bound.\n")
    if detected:
        fraction, n = min(detected)
        print(f"Smallest watermarked share detected at p ≤ 1e-5: {fraction * 100:g}% (with {n} samples).\n")
    else:
        print("No watermarked share above 0% was detected at p ≤ 1e-5 with these samples.\n")


if __name__ == "__main__":
    main()
