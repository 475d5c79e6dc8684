"""Leave-one-population-out evaluation of detection: figures the model cannot flatter.

For every population of the scenario (each benign kind and each campaign), a model is fitted on
traffic *without* that population (the scenario with it removed, other shares rescaled, on the
training seeds) and evaluated on traffic that *contains* it (the whole scenario, on test seeds never
used for training, at small and medium scale). The report gives, per held-out population, the
WORST split over the test sets, never the mean, side by side with the two baselines (which fit
nothing, so their figures are the same whatever is held out), and the worst split over all
populations as the headline.

    python3 Benchmarks/detection_lopo.py --bin .build/release/distillguard --work /tmp/lopo \
        [--scenario feb-2026|FILE] [--train-seeds 1 2] [--test small:21 small:22 medium:31] [--only KIND ...] \
        [--keep-training-sets]

Writes WORK/lopo.json (every split) and prints the tables (Markdown) to standard output. Each
held-out population's training sets (about 250 MB a seed at small scale) are deleted once its
model is fitted, unless --keep-training-sets: kept, the 23 populations of adaptive-2026 take about
12 GB, and a full disk fails whatever else the machine is running. The test sets are kept and
reused by the next run with the same WORK.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time


def run(args, **kwargs):
    result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"error: {' '.join(args[:3])}… failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return result.stdout


def progress(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def simulate(binary, scenario, seed, scale, out):
    """Simulates `scenario` (a dict) into `out` unless it is there already."""
    if os.path.exists(os.path.join(out, "labels.jsonl")):
        return
    os.makedirs(out, exist_ok=True)
    path = out + ".scenario.json"
    with open(path, "w") as f:
        json.dump(scenario, f)
    run([binary, "simulate", "--scenario", path, "--seed", str(seed), "--scale", scale, "--out", out])


def test_sets(options, scenario):
    """Simulates the test sets named by `options.test` (SCALE:SEED), refusing training seeds."""
    tests = []
    for spec in options.test:
        scale, _, seed = spec.partition(":")
        if scale not in ("small", "medium", "large") or not seed.isdigit():
            sys.exit(f"error: --test {spec!r}: expected SCALE:SEED, e.g. small:21")
        if int(seed) in options.train_seeds:
            sys.exit(f"error: --test {spec!r}: seed {seed} is a training seed; test seeds must be out of sample")
        out = os.path.join(options.work, f"test-{scale}-{seed}")
        progress(f"simulating the test set {spec}")
        simulate(options.bin, scenario, int(seed), scale, out)
        tests.append({"name": spec, "dir": out, "labels": labels_of(os.path.join(out, "labels.jsonl"))})
    return tests


def model_without(options, scenario, kind):
    """Fits a model on the training seeds of `scenario` without the populations of `kind`; its path."""
    reduced = without(scenario, kind)
    events, labels = [], []
    for seed in options.train_seeds:
        out = os.path.join(options.work, f"train-without-{slug(kind)}-{seed}")
        simulate(options.bin, reduced, seed, "small", out)
        events.append(os.path.join(out, "events.jsonl"))
        labels.append(os.path.join(out, "labels.jsonl"))
    model = os.path.join(options.work, f"model-without-{slug(kind)}.json")
    run([options.bin, "train", "--events", *events, "--labels", *labels, "--out", model])
    if not options.keep_training_sets:
        for seed in options.train_seeds:
            out = os.path.join(options.work, f"train-without-{slug(kind)}-{seed}")
            shutil.rmtree(out)
            os.remove(out + ".scenario.json")
    return model


def without(scenario, held_out):
    """The scenario without the populations of kind `held_out`; the others' shares rescaled to 1."""
    kept = [p for p in scenario["populations"] if p["kind"] != held_out]
    total = sum(p["share"] for p in kept)
    reduced = dict(scenario)
    reduced["name"] = f"{scenario['name']}-without-{held_out}"
    reduced["populations"] = [dict(p, share=p["share"] / total) for p in kept]
    return reduced


def labels_of(path):
    with open(path) as f:
        return {r["account_id"]: r for r in (json.loads(line) for line in f if line.strip())}


def exchanges_per_account(path):
    counts = {}
    pattern = re.compile(r'"account_id":"([^"]*)"')
    with open(path) as f:
        for line in f:
            match = pattern.search(line)
            if match:
                counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return counts


def held_out_figures(verdicts_path, labels, exchanges, kind):
    """How the held-out population fared: recall and exchange-weighted recall for a campaign,
    accounts put at attack for a benign population."""
    with open(verdicts_path) as f:
        verdicts = {a["account_id"]: a["verdict"] for a in json.load(f)["accounts"]}
    # Accounts that sent nothing in the test log cannot be judged (eval leaves them out too).
    members = [a for a, r in labels.items() if r.get("kind") == kind and exchanges.get(a, 0) > 0]
    attack = [a for a in members if verdicts.get(a) == "attack"]
    is_attack = bool(members) and labels[members[0]]["label"] == "attack"
    figures = {"kind": kind, "label": "attack" if is_attack else "benign", "accounts": len(members), "at_attack": len(attack)}
    if is_attack:
        total = sum(exchanges.get(a, 0) for a in members)
        figures["recall"] = len(attack) / max(len(members), 1)
        figures["exchange_weighted_recall"] = sum(exchanges.get(a, 0) for a in attack) / max(total, 1)
    return figures


def system(report, name):
    return next(r for r in report if r.get("system") == name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--scenario", default="feb-2026")
    parser.add_argument("--train-seeds", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--test", nargs="+", default=["small:21", "small:22", "medium:31"])
    parser.add_argument("--only", nargs="*", help="hold out only these kinds")
    parser.add_argument(
        "--keep-training-sets", action="store_true",
        help="keep each held-out population's training sets (about 250 MB a seed) instead of deleting them once its model is fitted")
    options = parser.parse_args()
    os.makedirs(options.work, exist_ok=True)

    if os.path.exists(options.scenario):
        with open(options.scenario) as f:
            scenario = json.load(f)
    else:
        scenario = json.loads(run([options.bin, "simulate", "--print-scenario", options.scenario]))
    kinds = []
    for population in scenario["populations"]:
        if population["kind"] not in kinds:
            kinds.append(population["kind"])
    if options.only:
        unknown = set(options.only) - set(kinds)
        if unknown:
            sys.exit(f"error: --only names kinds the scenario does not have: {', '.join(sorted(unknown))} (it has {', '.join(kinds)})")
        kinds = [k for k in kinds if k in options.only]

    tests = test_sets(options, scenario)
    for test in tests:
        test["exchanges"] = exchanges_per_account(os.path.join(test["dir"], "events.jsonl"))

    splits = []
    for number, kind in enumerate(kinds, 1):
        progress(f"[{number}/{len(kinds)}] holding out {kind}")
        model = model_without(options, scenario, kind)
        for test in tests:
            verdicts = os.path.join(options.work, f"verdicts-without-{slug(kind)}-{slug(test['name'])}.json")
            report_path = verdicts.replace("verdicts-", "eval-")
            events_path = os.path.join(test["dir"], "events.jsonl")
            run([options.bin, "analyze", events_path, "--model", model, "--json", verdicts])
            run([options.bin, "eval", "--verdicts", verdicts, "--labels", os.path.join(test["dir"], "labels.jsonl"),
                 "--events", events_path, "--json", report_path])
            with open(report_path) as f:
                report = json.load(f)
            ours = system(report, "distillguard")
            split = {"held_out": kind, "test": test["name"],
                     "attack_precision": ours["attack"]["precision"], "attack_recall": ours["attack"]["recall"],
                     "exchange_weighted_recall": ours["exchange_weighted_recall"],
                     "benign_at_attack": sum(v["attack"] for v in ours["benign_by_kind"].values()),
                     "benign_at_attack_by_kind": {k: v["attack"] for k, v in ours["benign_by_kind"].items() if v["attack"] > 0},
                     "population": held_out_figures(verdicts, test["labels"], test["exchanges"], kind),
                     "baselines": {r["system"]: {"attack_precision": r["attack"]["precision"], "attack_recall": r["attack"]["recall"],
                                                 "exchange_weighted_recall": r["exchange_weighted_recall"]}
                                   for r in report if r.get("system") not in ("distillguard", "regional_compliance")}}
            for campaign in ours["campaigns"]:
                if campaign.get("exchanges") and campaign.get("exchanges_before_flag") is not None:
                    split.setdefault("first_flag_share", {})[campaign["campaign"]] = campaign["exchanges_before_flag"] / campaign["exchanges"]
            splits.append(split)
    with open(os.path.join(options.work, "lopo.json"), "w") as f:
        json.dump(splits, f, indent=1)
    print_report(splits, tests)


def print_report(splits, tests):
    def f(x):
        return "–" if x is None else f"{x:.3f}"

    def kinds_of(rows):
        kinds = sorted({k for r in rows for k in r.get("benign_at_attack_by_kind", {})})
        return f" ({', '.join(kinds)})" if kinds else ""

    print(f"Leave-one-population-out: test sets {', '.join(t['name'] for t in tests)}; worst split per held-out population.\n")
    print("| held out | label | worst attack precision | worst attack recall | worst exchange-weighted recall | "
          "held-out population: worst recall / at attack | benign at attack (max) |")
    print("|---|---|---|---|---|---|---|")
    for kind in dict.fromkeys(s["held_out"] for s in splits):
        rows = [s for s in splits if s["held_out"] == kind]
        population = [r["population"] for r in rows]
        if population[0]["label"] == "attack":
            held = f"recall {f(min(p['recall'] for p in population))}, exchange-weighted {f(min(p['exchange_weighted_recall'] for p in population))}"
        else:
            held = f"{max(p['at_attack'] for p in population)} of {population[0]['accounts']} at attack"
        print(f"| {kind} | {population[0]['label']} | {f(min(r['attack_precision'] for r in rows))} | {f(min(r['attack_recall'] for r in rows))} | "
              f"{f(min(r['exchange_weighted_recall'] or 0 for r in rows))} | {held} | {max(r['benign_at_attack'] for r in rows)}{kinds_of(rows)} |")
    worst = {
        "attack precision": min(s["attack_precision"] for s in splits),
        "attack recall": min(s["attack_recall"] for s in splits),
        "exchange-weighted recall": min(s["exchange_weighted_recall"] or 0 for s in splits),
    }
    print("\nWorst split over every held-out population and test set (the headline), with the baselines "
          "(they fit nothing; their worst over the test sets):\n")
    print("| system | attack precision | attack recall | exchange-weighted recall | benign at attack (max) |")
    print("|---|---|---|---|---|")
    print(f"| distillguard, held-out | {f(worst['attack precision'])} | {f(worst['attack recall'])} | {f(worst['exchange-weighted recall'])} | "
          f"{max(s['benign_at_attack'] for s in splits)}{kinds_of(splits)} |")
    for name in splits[0]["baselines"]:
        rows = [s["baselines"][name] for s in splits]
        print(f"| {name} | {f(min(r['attack_precision'] for r in rows))} | {f(min(r['attack_recall'] for r in rows))} | "
              f"{f(min(r['exchange_weighted_recall'] or 0 for r in rows))} | |")


if __name__ == "__main__":
    main()
