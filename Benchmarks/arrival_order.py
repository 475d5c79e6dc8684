#!/usr/bin/env python3
"""How much the verdicts depend on the order events arrive in (docs/deployment.md, "Arrival order").

Analyses an event log in its own order, then in orders where every event moves up to W places
(each event's position plus a uniform draw in [0, W), each account's events kept in their order,
as several gateways and connections deliver them), DRAWS orders per W. Prints, per order, the
accounts whose verdict differs from the log order's, by their label, and how many labelled benign
are at `attack` (JSON, one object per order, then a summary per W).

Usage: arrival_order.py --bin DISTILLGUARD --events EVENTS.jsonl --labels LABELS.jsonl --work DIR
                        [--windows 500,5000,50000] [--draws 3]
"""
import argparse
import collections
import json
import os
import random
import subprocess
import sys


def verdicts(binary, events, out):
    result = subprocess.run([binary, "analyze", events, "--json", out], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"analyze {events} failed ({result.returncode}): {result.stderr[-2000:]}")
    with open(out) as f:
        return {a["account_id"]: a["verdict"] for a in json.load(f)["accounts"]}


def reorder(lines, accounts, window, seed):
    """Each event's key is its position plus a draw in [0, window); an account's keys never decrease."""
    rng = random.Random(seed)
    last = {}
    keys = []
    for position, account in enumerate(accounts):
        key = max(position + rng.uniform(0, window), last.get(account, -1.0) + 1e-9)
        last[account] = key
        keys.append(key)
    return [lines[i] for i in sorted(range(len(lines)), key=keys.__getitem__)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--events", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--windows", default="500,5000,50000")
    parser.add_argument("--draws", type=int, default=3)
    args = parser.parse_args()
    try:
        windows = [int(w) for w in args.windows.split(",")]
    except ValueError:
        sys.exit(f"--windows must be whole numbers separated by commas, not '{args.windows}'")
    os.makedirs(args.work, exist_ok=True)
    with open(args.labels) as f:
        labels = {}
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                    labels[row["account_id"]] = row["label"]
                except (ValueError, KeyError) as error:
                    sys.exit(f"{args.labels}:{number}: not a label row ({error})")
    with open(args.events) as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    accounts = []
    for number, line in enumerate(lines, 1):
        try:
            accounts.append(json.loads(line)["account_id"])
        except (ValueError, KeyError) as error:
            sys.exit(f"{args.events}: event {number}: no account_id ({error})")

    base = verdicts(args.bin, args.events, os.path.join(args.work, "log-order.json"))
    base_attack = {a for a, v in base.items() if v == "attack"}
    print(json.dumps({"order": "log", "events": len(lines), "accounts": len(base), "attack": len(base_attack),
                      "benign_at_attack": sum(1 for a in base_attack if labels.get(a) == "benign")}), flush=True)
    summary = collections.defaultdict(lambda: {"orders": 0, "orders_with_changes": 0, "most_changed": 0,
                                               "attack_set_changed": 0, "most_benign_at_attack": 0})
    for window in windows:
        for draw in range(args.draws):
            path = os.path.join(args.work, f"order-{window}-{draw}.jsonl")
            with open(path, "w") as f:
                f.write("\n".join(reorder(lines, accounts, window, seed=window * 1000 + draw)) + "\n")
            other = verdicts(args.bin, path, path + ".json")
            os.remove(path)
            changed = sorted(a for a in set(base) | set(other) if base.get(a) != other.get(a))
            attack = {a for a, v in other.items() if v == "attack"}
            moves = collections.Counter(f"{labels.get(a, '?')}: {base.get(a, 'absent')} -> {other.get(a, 'absent')}" for a in changed)
            benign_at_attack = sum(1 for a in attack if labels.get(a) == "benign")
            print(json.dumps({"order": f"moved up to {window}", "draw": draw, "changed": len(changed), "moves": dict(moves),
                              "attack": len(attack), "attack_gained": len(attack - base_attack),
                              "attack_lost": len(base_attack - attack), "benign_at_attack": benign_at_attack}), flush=True)
            entry = summary[window]
            entry["orders"] += 1
            entry["orders_with_changes"] += 1 if changed else 0
            entry["most_changed"] = max(entry["most_changed"], len(changed))
            entry["attack_set_changed"] += 1 if attack != base_attack else 0
            entry["most_benign_at_attack"] = max(entry["most_benign_at_attack"], benign_at_attack)
    for window, entry in summary.items():
        print(json.dumps({"summary": f"moved up to {window}", **entry}))


if __name__ == "__main__":
    main()
