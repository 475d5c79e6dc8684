"""Parse-only baseline: read a JSON Lines file and parse every line with orjson, nothing else."""
import sys
import time

import orjson


def main(path: str) -> None:
    start = time.perf_counter()
    events = 0
    size = 0
    with open(path, "rb") as handle:
        for line in handle:
            size += len(line)
            if line.strip():
                orjson.loads(line)
                events += 1
    elapsed = time.perf_counter() - start
    print(f"{events} {size} {elapsed:.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
