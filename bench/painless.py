"""Benchmark: the Painless interpreter on the embedding post-process idiom.

A post-process script turns a 1,536-float embedding response into the
``sentence_embedding`` tensor JSON by concatenating the list into a string (what the
embedding blueprints do). The figure of merit is the median time of
``script.execute(params)`` against the floor ``json.dumps`` of the same list. Prints
figures only; it never asserts a timing.

    python bench/painless.py               # 300 rounds
    python bench/painless.py --rounds 2000
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time

from emulator.connectors.painless import compile_script

SCRIPT = """
  def vector = params.embedding;
  if (vector == null || vector.length == 0) {
    return null;
  }
  String tensor = '{"name":"sentence_embedding","data_type":"FLOAT32",';
  tensor = tensor + '"shape":' + [vector.length] + ',';
  return tensor + '"data":' + vector + '}';
"""


def _median_us(function, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter_ns()
        function()
        samples.append(time.perf_counter_ns() - started)
    return statistics.median(samples) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--size", type=int, default=1536)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    # Embedding-like values: mostly |x| in [1e-3, 0.2), a few smaller ones that Java prints with E notation.
    embedding = [rng.gauss(0.0, 0.05) for _ in range(args.size)]
    params = {"embedding": embedding}
    script = compile_script(SCRIPT)

    result = script.execute(params)
    tensor = json.loads(result)  # the output must be the tensor JSON the blueprint produces
    assert tensor["shape"] == [args.size] and len(tensor["data"]) == args.size

    gc.disable()
    try:
        for _ in range(20):
            script.execute(params)
            json.dumps(embedding)
        execute_us = _median_us(lambda: script.execute(params), args.rounds)
        floor_us = _median_us(lambda: json.dumps(embedding), args.rounds)
    finally:
        gc.enable()

    small = sum(1 for value in embedding if abs(value) < 1e-3)
    print(f"painless post-process: {args.size} floats ({small} below 1e-3), {args.rounds} rounds")
    print(f"  script.execute(params)  median {execute_us:9.1f} us")
    print(f"  json.dumps(embedding)   median {floor_us:9.1f} us  (floor)")
    print(f"  ratio                   {execute_us / floor_us:9.2f}x  (target <= 3)")


if __name__ == "__main__":
    main()
