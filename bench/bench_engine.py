"""How many stacks the simulator engine evaluates per second, in one process.

Run from the repository root: ``python bench/bench_engine.py``. It simulates every preset over
and over for about two seconds, then does the same with the per-stack cache cleared before
every call (the cost of a stack the engine has never seen).
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator import engine, rules  # noqa: E402  (needs the path above)

INSTANCES = 10
SECONDS = 2.0


def rate(stacks: list[tuple[str, ...]], *, cold: bool) -> float:
    """Stacks simulated per second over about ``SECONDS``."""
    done = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < SECONDS:
        for stack in stacks:
            if cold:
                rules.check.cache_clear()
                engine._plan.cache_clear()
                engine._ledger.cache_clear()
            engine.simulate(stack, instances=INSTANCES)
        done += len(stacks)
    return done / elapsed


def main() -> None:
    stacks = [preset.layers for preset in engine.PRESETS.values()]
    print(f"engine: {rate(stacks, cold=False):,.0f} stacks/s (presets, instances={INSTANCES})")
    print(f"engine: {rate(stacks, cold=True):,.0f} stacks/s (presets, cache cleared every call)")


if __name__ == "__main__":
    main()
