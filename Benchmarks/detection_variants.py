#!/usr/bin/env python3
"""Variants of a scenario that target one of detection's rules, and what the shipped model makes of them.

`contract-harvest`: reads a scenario (JSON, stdin) and writes it (stdout) with one more campaign,
a "contract harvest": the reasoning harvest of feb-2026 run through accounts that carry every mark
of an established customer (verified, 200-700 days old, enterprise or research tier, a mail domain
and a card of their own). The campaign an attacker who read the cap on established customers'
verdicts would run (docs/detection.md, "Established customers").

`router CHOICE`: the laundering router (`adaptive_router`) with its stream under its real
customers' end-user ids (`customers`) or under none (`none`) instead of ids it rotates
(`stream_end_users`, docs/scenarios.md); what docs/detection.md says stream end users miss.

`app-backends`: adds eight tutoring apps' backends (`app_backend`, benign): each relays its end
users' problems under a system prompt and wrapper of its own, with thinking on most requests, from
cloud hosts, for months. The real look-alike of a campaign that wraps a harvest in a private frame
per account (the paraphrasing operator); the shipped model never saw it, so every figure on it is
held out.

`throwaway-wordings N`: the throwaway sweep (`adaptive_throwaway`) with N wordings (2 to 12) of
its requests instead of three, each asking for the full working in words of its own. docs/detection.md
says a throwaway is tied to its cohort when it opens or closes with the same words as at least a
fifth of the cohort's members; with more than five wordings, no wording reaches a fifth.

`summary`: reads an analysis (verdicts.json) and its labels.jsonl and prints, by population, how
many accounts are at attack, held at review by the cap, at review, and benign; and for the contract
harvest, the verdicts of the clusters and templates its accounts are in (which the cap leaves alone
and the default policy still enforces).
"""
import argparse
import collections
import json
import sys

HELD = "held at review, not attack"


def contract_harvest(scenario):
    base = next((p for p in scenario["populations"] if p["kind"] == "reasoning_harvest"), None)
    if base is None:
        sys.exit("the scenario has no reasoning_harvest population to base the contract harvest on")
    population = dict(base)
    population.pop("creation_bursts", None)
    population.update(
        {
            "name": "contract harvest",
            "kind": "contract_harvest",
            "campaign": "contract-harvest",
            "accounts": 12,
            "accounts_per_payment": 1,
            "created_days": [-700, -200],
            "verified": 1,
            "tiers": {"enterprise": 0.5, "research": 0.5},
            "email_domains": [f"lab{n}.example-research.com" for n in range(12)],
            "share": round(base["share"] / 3, 4),
        }
    )
    return add(scenario, population, "contract-harvest")


def app_backends(scenario):
    population = {
        "name": "tutoring app backends",
        "kind": "app_backend",
        "label": "benign",
        "campaign": None,
        "behavior": "app_backend",
        "share": 0.04,
        "accounts": 8,
        "scale_accounts": False,
        "activity": "diurnal",
        "volume": "heavy_tailed",
        "tiers": {"startup": 0.6, "standard": 0.2, "enterprise": 0.2},
        "apis": {"anthropic.messages": 0.5, "openai.chat_completions": 0.3, "openai.responses": 0.2},
        "network": "cloud",
        "countries": ["US", "GB", "IN", "DE", "BR"],
        "created_days": [-500, -40],
        "verified": 1,
        "templates": ["{problem}", "{question}", "{problem}", "From my {subject} class: {problem}"],
        "end_users": 3000,
        "reasoning_rate": 0.6,
        "max_budget_rate": 0.02,
    }
    return add(scenario, population, "app-backends")


# Wordings of the throwaway sweep's requests: the base scenario's three first, then more, each
# asking for the whole working in its own words.
THROWAWAY_WORDINGS = [
    "Give a fully worked solution to this problem.\n\n{problem}",
    "{problem}\n\nI need the complete derivation, not just the result.",
    "Solve completely, with every intermediate calculation: {problem}",
    "Please work through this carefully and show each calculation:\n{problem}",
    "{problem}\nWalk through the whole solution before the answer.",
    "Homework check - full solution please: {problem}",
    "Here's one I'm stuck on. {problem} Include all the working.",
    "{problem} (explain how you get there, in full)",
    "Could you derive the answer from first principles? {problem}",
    "{problem}\n\nAnswer with the full method and the result at the end.",
    "Tutor mode: take me through every step of this one. {problem}",
    "{problem}\n\nShow the method line by line, then box the final answer.",
]


def throwaway_wordings(scenario, count):
    population = next((p for p in scenario["populations"] if p["kind"] == "adaptive_throwaway"), None)
    if population is None:
        sys.exit("the scenario has no adaptive_throwaway population to vary")
    population["templates"] = THROWAWAY_WORDINGS[:count]
    scenario["name"] += f"+throwaway-wordings-{count}"
    return scenario


def add(scenario, population, suffix):
    # Shares add up to 1: the others give up the new population's share in proportion.
    for other in scenario["populations"]:
        other["share"] = round(other["share"] * (1 - population["share"]), 6)
    scenario["populations"].append(population)
    largest = max(scenario["populations"], key=lambda p: p["share"])
    largest["share"] = round(largest["share"] + 1 - sum(p["share"] for p in scenario["populations"]), 6)
    scenario["name"] += "+" + suffix
    return scenario


def router(scenario, choice):
    population = next((p for p in scenario["populations"] if p["kind"] == "adaptive_router"), None)
    if population is None:
        sys.exit("the scenario has no adaptive_router population to vary")
    population.pop("end_user_rotation_hours", None)
    population["stream_end_users"] = choice
    scenario["name"] += f"+router-{choice}"
    return scenario


def summary(verdicts_path, labels_path, show):
    labels = {}
    with open(labels_path) as f:
        for line in f:
            row = json.loads(line)
            labels[row["account_id"]] = row
    verdicts = json.load(open(verdicts_path))
    by_kind = collections.defaultdict(collections.Counter)
    for row in labels.values():
        by_kind[(row["kind"], row["label"])]["accounts"] += 1
    contract = set()
    for account in verdicts["accounts"]:
        row = labels.get(account["account_id"])
        if row is None:
            continue
        held = any(line.startswith(HELD) for line in account["evidence"])
        verdict = "held at review" if held else account["verdict"]
        by_kind[(row["kind"], row["label"])][verdict] += 1
        if row["kind"] == "contract_harvest":
            contract.add(account["account_id"])
    print("| population | label | accounts | attack | held at review (cap) | review | benign |")
    print("|---|---|---|---|---|---|---|")
    for (kind, label), counts in sorted(by_kind.items()):
        flagged = counts["attack"] + counts["held at review"] + counts["review"]
        if flagged == 0 and kind not in ("contract_harvest", "app_backend"):
            continue
        benign = counts["accounts"] - flagged
        print(
            f"| {kind} | {label} | {counts['accounts']} | {counts['attack']} | {counts['held at review']} | {counts['review']} | {benign} |"
        )
    flagged = {a["account_id"]: a for a in verdicts["accounts"]}
    for account_id, row in sorted(labels.items()):
        if row["kind"] not in show:
            continue
        account = flagged.get(account_id)
        if account is None:
            print(f"{row['kind']} {account_id}: benign")
            continue
        print(f"{row['kind']} {account_id}: {account['verdict']}, score {account['score']:.2f}")
        for line in account["evidence"][:4]:
            print(f"  - {line}")
    clusters = [c for c in verdicts["clusters"] if contract & set(c["accounts"])]
    for c in clusters:
        members = len(contract & set(c["accounts"]))
        print(
            f"contract harvest: {members} of its accounts in cluster {c['cluster_id']} ({len(c['accounts'])} accounts), verdict {c['verdict']}"
        )
    if not contract:
        return
    if not clusters:
        print("contract harvest: none of its accounts is in a cluster")
    used = collections.Counter()
    for c in clusters:
        for t in c.get("templates", []):
            used[t if isinstance(t, str) else t.get("template_id")] += 1
    templates = {t["template_id"]: t for t in verdicts["templates"]}
    at_attack = [t for t in used if t in templates and templates[t]["verdict"] == "attack"]
    print(f"contract harvest: {len(at_attack)} of the {len(used)} templates of its clusters at attack (blocked by the default policy)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("contract-harvest", help="add the contract harvest to the scenario on stdin")
    sub.add_parser("app-backends", help="add eight tutoring apps' backends (benign) to the scenario on stdin")
    r = sub.add_parser("router", help="send the laundering router's stream under other end-user ids")
    r.add_argument("choice", choices=["customers", "none"])
    w = sub.add_parser("throwaway-wordings", help="word the throwaway sweep's requests in N ways instead of three")
    w.add_argument("count", type=int)
    s = sub.add_parser("summary", help="verdicts by population, and what stays enforced on the contract harvest")
    s.add_argument("verdicts")
    s.add_argument("labels")
    s.add_argument("--show", action="append", default=[], metavar="KIND", help="print the verdict and evidence of each account of KIND")
    args = parser.parse_args()
    if args.command == "throwaway-wordings" and not 2 <= args.count <= len(THROWAWAY_WORDINGS):
        parser.error(f"throwaway-wordings: the count must be 2 to {len(THROWAWAY_WORDINGS)}, not {args.count}")
    if args.command == "contract-harvest":
        json.dump(contract_harvest(json.load(sys.stdin)), sys.stdout, indent=1)
    elif args.command == "app-backends":
        json.dump(app_backends(json.load(sys.stdin)), sys.stdout, indent=1)
    elif args.command == "throwaway-wordings":
        json.dump(throwaway_wordings(json.load(sys.stdin), args.count), sys.stdout, indent=1)
    elif args.command == "router":
        json.dump(router(json.load(sys.stdin), args.choice), sys.stdout, indent=1)
    else:
        summary(args.verdicts, args.labels, set(args.show))


if __name__ == "__main__":
    main()
