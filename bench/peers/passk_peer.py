#!/usr/bin/env python3
"""The peer of `passk curve --json`: pass@k the way people compute it today.

Written for passk's benchmark from the documented behaviour of two tools
(no code of theirs is copied):

- human-eval's evaluate_functional_correctness reads a *_results.jsonl one
  line at a time with the standard library's json.loads, counts per task_id
  the samples and those with "passed" true, and averages over tasks the
  unbiased estimator of Chen et al. (2021), computed as
  1 - prod(1 - k / arange(n - c + 1, n + 1)), and 1 when n - c < k.
- limit-of-RLVR's pass@k script reads Qwen2.5-Math per-problem JSONL the
  same way (one json.loads per line; "score" holds a bool per sample, "idx"
  the problem), and evaluates that estimator for every k up to n.

This script does both: for each line it takes either a per-sample record
(task_id, passed) or a per-problem one (idx, score), groups by problem, and
prints one JSON object with the mean pass@k for every k from 1 to the
smallest n. numpy does the products, as in both tools. The object also
gives the seconds spent reading the file (read_seconds), for the benchmark's
reading figures.

    python3 passk_peer.py FILE
"""

import json
import sys
import time
from collections import defaultdict

import numpy as np


def estimate(n, c, k):
    """pass@k of one problem with n samples of which c are correct."""
    if n - c < k:
        return 1.0
    return 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1))


def read(path):
    """Tallies per problem: {id: [n, c]}, in order of first appearance."""
    tallies = defaultdict(lambda: [0, 0])
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            if "score" in record:  # Qwen2.5-Math / limit-of-RLVR: one line per problem
                t = tallies[record["idx"]]
                t[0] += len(record["score"])
                t[1] += sum(1 for s in record["score"] if s)
            else:  # human-eval: one line per sample
                t = tallies[record["task_id"]]
                t[0] += 1
                t[1] += 1 if record["passed"] else 0
    return tallies


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: passk_peer.py FILE")
    t0 = time.perf_counter()
    tallies = read(sys.argv[1])
    read_seconds = time.perf_counter() - t0
    ns = [t[0] for t in tallies.values()]
    cs = [t[1] for t in tallies.values()]
    kmax = min(ns)
    curve = []
    for k in range(1, kmax + 1):
        curve.append(float(np.mean([estimate(n, c, k) for n, c in zip(ns, cs)])))
    json.dump({"problems": len(ns), "n_min": kmax, "pass_at_k": curve, "read_seconds": read_seconds}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
