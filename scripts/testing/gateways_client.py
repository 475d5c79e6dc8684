"""Sends an event log through two (or more) gateways' decision API, as proxies in front of them would.

Usage: gateways_client.py LOG DECIDE_KEY GATEWAY_URL[,GATEWAY_URL...] THREADS

Each account's events go to one gateway, chosen by a hash of its id, so every campaign's accounts
are split between the gateways and no gateway sees a whole campaign. Each event is sent once, as
`POST /v1/decide?record=true` (decide, then queue the exchange for analysis and forwarding). A
connection error is retried on the same gateway (an exchange is recorded by the gateway that served
it). Prints JSON: events sent, recorded, decisions by action, errors retried, answers other than 200
(`refused`, with the gateway's message), per gateway counts.
"""
import hashlib
import http.client
import json
import queue
import sys
import threading
import urllib.parse


def gateway_of(account, count):
    return int(hashlib.sha256(account.encode()).hexdigest()[:8], 16) % count


def main():
    log, key, urls, threads = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4])
    targets = [urllib.parse.urlparse(url) for url in urls]
    work = [queue.Queue(maxsize=10_000) for _ in range(threads)]
    lock = threading.Lock()
    totals = {"sent": 0, "recorded": 0, "errors_retried": 0, "refused": [], "actions": {}, "per_gateway": [0] * len(urls)}

    def worker(index):
        connections = {}
        while True:
            item = work[index].get()
            if item is None:
                return
            target, line = item
            while True:
                try:
                    if target not in connections:
                        parsed = targets[target]
                        connections[target] = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
                    connection = connections[target]
                    connection.request("POST", "/v1/decide?record=true", body=line.encode(),
                                       headers={"authorization": f"Bearer {key}", "content-type": "application/json"})
                    response = connection.getresponse()
                    text = response.read()
                    body = json.loads(text) if response.status == 200 else {"action": f"http {response.status}"}
                    if response.status != 200:
                        with lock:
                            totals["refused"].append(f"{urls[target]} answered {response.status}: {text[:200]!r}")
                    break
                except (OSError, http.client.HTTPException):
                    connections.pop(target, None)
                    with lock:
                        totals["errors_retried"] += 1
            with lock:
                totals["sent"] += 1
                totals["recorded"] += 1 if body.get("recorded") else 0
                action = body.get("action", "?")
                totals["actions"][action] = totals["actions"].get(action, 0) + 1
                totals["per_gateway"][target] += 1

    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in workers:
        thread.start()
    with open(log) as events:
        for line in events:
            line = line.rstrip("\n")
            if not line:
                continue
            account = json.loads(line)["account_id"]
            target = gateway_of(account, len(urls))
            # One worker per account keeps each account's events in order.
            work[gateway_of(account + "/worker", threads)].put((target, line))
    for q in work:
        q.put(None)
    for thread in workers:
        thread.join()
    print(json.dumps(totals))


if __name__ == "__main__":
    main()
