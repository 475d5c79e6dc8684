"""Regional compliance out of sample: the worst case over test seeds, and leave-one-population-out.

The compliance assessment fits nothing itself (its base rates and thresholds are written down in
docs/compliance.md), but what it pools over does: clusters are made of the accounts the detection
model flags and links. So, as for detection (Benchmarks/detection_lopo.py, whose helpers this
uses), for every population that bears on compliance (the operators of restricted regions and
their look-alikes: every population that sets `restricted_region`, `operator_countries`,
`home_countries` or `prompt_language`), a model is fitted on traffic *without* that population
(training seeds) and the compliance assessment runs on traffic that *contains* it (test seeds never
used for training). The report gives, per held-out population, the WORST split over the test sets,
and the worst over every split as the headline; and the same figures with the shipped model.

    python3 Benchmarks/compliance_lopo.py --bin .build/release/distillguard --work /tmp/compliance \
        [--scenario restricted-2026|FILE] [--train-seeds 1 2] [--test small:21 small:22 medium:31] [--only KIND ...]

Writes WORK/compliance.json (every split) and prints the tables (Markdown) to standard output.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from detection_lopo import model_without, progress, run, slug, test_sets  # noqa: E402

RESTRICTED = ["CN", "RU", "IR", "KP"]


def bears_on_compliance(population):
    return any(key in population for key in ("restricted_region", "operator_countries", "home_countries", "prompt_language"))


def assess(binary, model, test, policy, name, work):
    """Analyzes a test set with compliance on and returns the figures of the held-out evaluation."""
    verdicts = os.path.join(work, f"verdicts-{name}-{slug(test['name'])}.json")
    report_path = verdicts.replace("verdicts-", "eval-")
    events = os.path.join(test["dir"], "events.jsonl")
    arguments = [binary, "analyze", events, "--policy", policy, "--json", verdicts]
    if model:
        arguments += ["--model", model]
    run(arguments)
    run([binary, "eval", "--verdicts", verdicts, "--labels", os.path.join(test["dir"], "labels.jsonl"), "--json", report_path])
    with open(report_path) as f:
        report = json.load(f)
    compliance = next((r for r in report if r.get("system") == "regional_compliance"), None)
    if compliance is None:
        sys.exit(f"error: {report_path} has no regional compliance figures (no `restricted_region` labels?)")
    return compliance


def split_figures(compliance, kind):
    row = {"precision": compliance["precision"], "recall": compliance["recall"],
           "look_alikes_at_high": sum(v["high"] for v in compliance["look_alikes"].values()),
           "look_alikes_at_high_by_kind": {k: v["high"] for k, v in compliance["look_alikes"].items() if v["high"]},
           "look_alikes_at_medium": sum(v["medium_or_high"] for v in compliance["look_alikes"].values())}
    if kind in compliance["operators"]:
        entry = compliance["operators"][kind]
        row["population"] = {"label": "operator", "accounts": entry["accounts"],
                             "recall": entry["medium_or_high"] / max(entry["accounts"], 1)}
    elif kind in compliance["look_alikes"]:
        entry = compliance["look_alikes"][kind]
        row["population"] = {"label": "look-alike", "accounts": entry["accounts"], "high": entry["high"],
                             "medium_or_high": entry["medium_or_high"]}
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--scenario", default="restricted-2026")
    parser.add_argument("--train-seeds", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--test", nargs="+", default=["small:21", "small:22", "medium:31"])
    parser.add_argument("--only", nargs="*", help="hold out only these kinds")
    options = parser.parse_args()
    os.makedirs(options.work, exist_ok=True)
    policy = os.path.join(options.work, "policy.json")
    with open(policy, "w") as f:
        json.dump({"compliance": {"enabled": True, "restricted_regions": RESTRICTED}}, f)

    if os.path.exists(options.scenario):
        with open(options.scenario) as f:
            scenario = json.load(f)
    else:
        scenario = json.loads(run([options.bin, "simulate", "--print-scenario", options.scenario]))
    kinds = list(dict.fromkeys(p["kind"] for p in scenario["populations"] if bears_on_compliance(p)))
    if options.only:
        unknown = set(options.only) - set(kinds)
        if unknown:
            sys.exit(f"error: --only names kinds that bear on no compliance population: {', '.join(sorted(unknown))} "
                     f"(these do: {', '.join(kinds)})")
        kinds = [k for k in kinds if k in options.only]

    tests = test_sets(options, scenario)

    shipped = []
    for test in tests:
        progress(f"shipped model on {test['name']}")
        row = split_figures(assess(options.bin, None, test, policy, "shipped", options.work), None)
        row["test"] = test["name"]
        row["operators"] = assess_operators(options.work, test)
        shipped.append(row)

    splits = []
    for number, kind in enumerate(kinds, 1):
        progress(f"[{number}/{len(kinds)}] holding out {kind}")
        model = model_without(options, scenario, kind)
        for test in tests:
            row = split_figures(assess(options.bin, model, test, policy, f"without-{slug(kind)}", options.work), kind)
            row.update({"held_out": kind, "test": test["name"]})
            splits.append(row)
    with open(os.path.join(options.work, "compliance.json"), "w") as f:
        json.dump({"shipped": shipped, "splits": splits}, f, indent=1)
    print_report(shipped, splits, tests)


def assess_operators(work, test):
    """Per operator kind, the recall of the shipped model's run on this test set."""
    with open(os.path.join(work, f"eval-shipped-{slug(test['name'])}.json")) as f:
        report = json.load(f)
    compliance = next(r for r in report if r.get("system") == "regional_compliance")
    return {k: v["medium_or_high"] / max(v["accounts"], 1) for k, v in compliance["operators"].items()}


def print_report(shipped, splits, tests):
    def f(x):
        return f"{x:.3f}"

    print(f"Regional compliance at medium or high, restricted {', '.join(RESTRICTED)}; test sets {', '.join(t['name'] for t in tests)}.\n")
    print("Shipped model, per test set:\n")
    print("| test | precision | recall | look-alikes at high | look-alikes at medium+ | recall by operator kind |")
    print("|---|---|---|---|---|---|")
    for row in shipped:
        kinds = ", ".join(f"{k} {f(v)}" for k, v in sorted(row["operators"].items()))
        print(f"| {row['test']} | {f(row['precision'])} | {f(row['recall'])} | {row['look_alikes_at_high']} | {row['look_alikes_at_medium']} | {kinds} |")
    if not splits:
        return
    print("\nLeave-one-population-out (model fitted without the population), worst split per held-out population:\n")
    print("| held out | kind | worst precision | worst recall | held-out population | look-alikes at high (max) |")
    print("|---|---|---|---|---|---|")
    for kind in dict.fromkeys(s["held_out"] for s in splits):
        rows = [s for s in splits if s["held_out"] == kind]
        population = [r.get("population") for r in rows if r.get("population")]
        if not population:
            held = "(not in the test sets)"
            label = "–"
        elif population[0]["label"] == "operator":
            held = f"worst recall {f(min(p['recall'] for p in population))} of {population[0]['accounts']}"
            label = "operator"
        else:
            held = f"at most {max(p['high'] for p in population)} at high, {max(p['medium_or_high'] for p in population)} at medium+ of {population[0]['accounts']}"
            label = "look-alike"
        print(f"| {kind} | {label} | {f(min(r['precision'] for r in rows))} | {f(min(r['recall'] for r in rows))} | {held} | "
              f"{max(r['look_alikes_at_high'] for r in rows)} |")
    print("\nWorst split over every held-out population and test set (the headline):\n")
    print("| | precision | recall | look-alikes at high | look-alikes at medium+ |")
    print("|---|---|---|---|---|")
    print(f"| held out | {f(min(s['precision'] for s in splits))} | {f(min(s['recall'] for s in splits))} | "
          f"{max(s['look_alikes_at_high'] for s in splits)} | {max(s['look_alikes_at_medium'] for s in splits)} |")
    print(f"| shipped model | {f(min(s['precision'] for s in shipped))} | {f(min(s['recall'] for s in shipped))} | "
          f"{max(s['look_alikes_at_high'] for s in shipped)} | {max(s['look_alikes_at_medium'] for s in shipped)} |")


if __name__ == "__main__":
    main()
