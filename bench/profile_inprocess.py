"""cProfile of the in-process lifecycle: where each operation spends its time in the emulator's own code.

Run ``python bench/profile_inprocess.py [--rounds N] [--top N] [--step SUBSTRING]``. Each lifecycle step of
``bench/lifecycle.py`` gets its own profiler (enabled only around that step's client call); for every step it prints
the hottest functions by cumulative time per call, first those in ``emulator/`` and then the rest (opensearch-py,
the standard library, werkzeug...). Profiling inflates absolute figures (roughly 2-3×): compare rows, not runs.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lifecycle import STEPS, Ids, mocked_vendor  # noqa: E402

from emulator import Emulator  # noqa: E402

Key = tuple[str, int, str]


def _label(key: Key) -> str:
    filename, line, function = key
    marker = f"{os.sep}emulator{os.sep}"
    if marker in filename:
        filename = "emulator/" + filename.rsplit(marker, 1)[1]
    elif "site-packages" in filename:
        filename = filename.rsplit("site-packages" + os.sep, 1)[1]
    elif filename == "~":
        return function
    else:
        filename = os.path.basename(filename)
    return f"{filename}:{line}:{function}"


def profile_steps(rounds: int, warmup: int) -> dict[str, cProfile.Profile]:
    emu = Emulator()
    mock = mocked_vendor(emu)
    client = emu.client()
    profiles = {step.name: cProfile.Profile() for step in STEPS}
    for number in range(warmup + rounds):
        ids = Ids(round=number)
        for step in STEPS:
            if number < warmup:
                step.call(client, ids)
                continue
            profile = profiles[step.name]
            profile.enable()
            step.call(client, ids)
            profile.disable()
        mock.calls.reset()
    return profiles


def report(name: str, profile: cProfile.Profile, rounds: int, top: int) -> None:
    stats: Any = pstats.Stats(profile).stats  # type: ignore[attr-defined]  # {key: (cc, nc, tt, ct, callers)}
    total = max((ct for (_, _, _, ct, _) in stats.values()), default=0.0)
    print(f"\n== {name}: {total / rounds * 1e6:,.1f} µs per call under the profiler")
    own = [(ct, tt, nc, key) for key, (_, nc, tt, ct, _) in stats.items() if f"{os.sep}emulator{os.sep}" in key[0]]
    other = [(ct, tt, nc, key) for key, (_, nc, tt, ct, _) in stats.items()
             if f"{os.sep}emulator{os.sep}" not in key[0] and not key[0].endswith("profile_inprocess.py")
             and not key[0].endswith("lifecycle.py")]
    for title, rows in (("emulator", own), ("elsewhere", other)):
        print(f"   {title:<9} {'cum µs':>9} {'own µs':>8} {'calls':>6}")
        for ct, tt, nc, key in sorted(rows, reverse=True)[:top]:
            print(f"   {'':<9} {ct / rounds * 1e6:9.1f} {tt / rounds * 1e6:8.1f} {nc / rounds:6.1f}  {_label(key)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--top", type=int, default=12, help="functions listed per step and group (default 12)")
    parser.add_argument("--step", default="", help="only steps whose name contains this text")
    args = parser.parse_args(argv)
    rounds = max(1, args.rounds)
    profiles = profile_steps(rounds, max(0, args.warmup))
    for step in STEPS:
        if args.step.lower() in step.name.lower():
            report(step.name, profiles[step.name], rounds, args.top)


if __name__ == "__main__":
    main()
