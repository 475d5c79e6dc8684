#!/usr/bin/env python3
"""Sends JSON Lines batch files to DistillGuard's ingest API with N connections and reports rates.

Usage: ingest_client.py URL[,URL...] INGEST_KEY CONNECTIONS BATCH_FILE...

Each connection takes the next file and POSTs it; a 429 is retried after its Retry-After (the
service's back-pressure), so the rate measured is what the service sustains. Prints one JSON line.

With several URLs (replicas behind no load balancer), connection i starts on URL i modulo their
number and moves to the next URL when its replica stops answering, sending the batch again there
(at least once, as a shipper does; the service counts the repeats as duplicates). The environment
variable BATCHES_PER_SECOND paces all connections together (default: as fast as they go).
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse


def main():
    urls, key, connections, files = sys.argv[1].split(","), sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    targets = [urllib.parse.urlparse(url) for url in urls]
    pace = float(os.environ.get("BATCHES_PER_SECOND", "0"))
    next_due = [time.perf_counter()]
    lock = threading.Lock()
    queue = list(reversed(files))
    latencies, totals = [], {"accepted": 0, "duplicates": 0, "rejected": 0, "throttled": 0, "errors": 0, "bytes": 0}
    waits = []  # every Retry-After the service asked for, in seconds

    def worker(index):
        place = index % len(targets)
        target = targets[place]
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=300)
        while True:
            with lock:
                if not queue:
                    break
                path = queue.pop()
                due = next_due[0]
                if pace > 0:
                    next_due[0] = max(due, time.perf_counter()) + 1 / pace
            if pace > 0 and due > time.perf_counter():
                time.sleep(due - time.perf_counter())
            body = open(path, "rb").read()
            while True:
                started = time.perf_counter()
                try:
                    conn.request("POST", target.path, body, {"Authorization": "Bearer " + key, "Content-Type": "application/x-ndjson"})
                    response = conn.getresponse()
                    data = response.read()
                except (http.client.HTTPException, OSError) as error:
                    conn.close()
                    if len(targets) > 1:
                        place = (place + 1) % len(targets)
                        target = targets[place]
                    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=300)
                    with lock:
                        totals["errors"] += 1
                        if totals["errors"] > 20:
                            sys.exit(f"giving up after {totals['errors']} connection errors; last: {error!r}")
                    time.sleep(0.5)
                    continue
                if response.status == 429:
                    wait = float(response.getheader("Retry-After", "1"))
                    with lock:
                        totals["throttled"] += 1
                        waits.append(wait)
                    time.sleep(wait)
                    continue
                elapsed = time.perf_counter() - started
                result = json.loads(data)
                with lock:
                    latencies.append(elapsed)
                    totals["bytes"] += len(body)
                    for name in ("accepted", "duplicates", "rejected"):
                        totals[name] += result.get(name, 0)
                break
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(index,)) for index in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p):
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 1) if latencies else 0

    print(json.dumps({
        "seconds": round(elapsed, 2), "batches": len(latencies), **totals,
        "events_per_second": round(totals["accepted"] / elapsed, 1),
        "mib_per_second": round(totals["bytes"] / elapsed / 1048576, 2),
        "batch_p50_ms": percentile(50), "batch_p99_ms": percentile(99),
        "retry_after_max_s": max(waits, default=0), "retry_after_total_s": sum(waits),
    }))


if __name__ == "__main__":
    main()
