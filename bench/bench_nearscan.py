"""Near-repeat (Knox) and scan statistic timings on synthetic data (issue 15).

* Knox: ``--points`` events uniform over a 10 km x 10 km city (plus a share of near
  repeats: a second event within 150 m and 10 days of an earlier one), dates over a year,
  bands 100,200,300,400 m x 7,14,21,28 days, Manhattan, ``--permutations`` shuffles;
* scan: ``--areas`` areas on a jittered grid with populations 500-5,000 and Poisson cases,
  circles up to 50 % of the population, ``--replicates`` Monte Carlo replicates (and the
  same with ``--time`` over 12 months).

Prints one JSON object with the wall-clock seconds of each, the close pairs held and the
circles scanned. ``python bench/bench_nearscan.py --points 50000 --areas 500``.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np

from crimestats.spatial.bands import space_bands, time_bands
from crimestats.spatial.knox import Distance, close_pairs, knox_test
from crimestats.spatial.scan import ScanInput, spatial_scan
from crimestats.spatial.scan_spacetime import SpaceTimeInput, spacetime_scan
from crimestats.spatial.scan_windows import CoordinateKind


def _events(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    first = int(n * 0.9)
    x, y = rng.random(first) * 10_000, rng.random(first) * 10_000
    days = rng.integers(0, 365, first)
    source = rng.integers(0, first, n - first)
    x = np.concatenate([x, x[source] + rng.uniform(-75, 75, n - first)])
    y = np.concatenate([y, y[source] + rng.uniform(-75, 75, n - first)])
    days = np.concatenate([days, days[source] + rng.integers(0, 10, n - first)])
    return x, y, days


def bench_knox(points: int, permutations: int, seed: int) -> dict[str, float]:
    x, y, days = _events(points, np.random.default_rng(seed))
    space, time_ = space_bands([100, 200, 300, 400]), time_bands([7, 14, 21, 28])
    start = time.perf_counter()
    result = knox_test(x, y, days, space, time_, permutations=permutations, seed=seed)
    seconds = time.perf_counter() - start
    held = close_pairs(x, y, 400.0, Distance.MANHATTAN)[0].size
    return {
        "points": points, "permutations": permutations, "seconds": round(seconds, 2),
        "close_pairs": held, "ratio_top_left_near": round(float(result.knox_ratio[1, 0]), 3),
    }  # fmt: skip


def bench_scan(areas: int, replicates: int, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(areas)))
    grid = np.array([(i % side, i // side) for i in range(areas)], dtype=float)
    a, b = grid[:, 0] + rng.uniform(-0.3, 0.3, areas), grid[:, 1] + rng.uniform(-0.3, 0.3, areas)
    pop = rng.integers(500, 5000, areas).astype(float)
    ids = tuple(str(i) for i in range(areas))
    data = ScanInput(ids, rng.poisson(pop / 1000), pop, a, b, CoordinateKind.CARTESIAN)
    start = time.perf_counter()
    result = spatial_scan(data, permutations=replicates, seed=seed)
    spatial_seconds = time.perf_counter() - start
    months = 12
    cases = rng.poisson(np.repeat(pop[:, None], months, axis=1) / 12_000)
    st = SpaceTimeInput(ids, tuple(f"m{m:02d}" for m in range(months)), cases,
                        np.repeat(pop[:, None], months, axis=1), a, b)  # fmt: skip
    start = time.perf_counter()
    spacetime_scan(st, permutations=replicates, seed=seed)
    return {
        "areas": areas, "replicates": replicates, "circles": result.windows,
        "spatial_seconds": round(spatial_seconds, 2),
        "spacetime_12_months_seconds": round(time.perf_counter() - start, 2),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=50_000)
    parser.add_argument("--permutations", type=int, default=99)
    parser.add_argument("--areas", type=int, default=500)
    parser.add_argument("--replicates", type=int, default=999)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    out = {
        "knox": bench_knox(args.points, args.permutations, args.seed),
        "scan": bench_scan(args.areas, args.replicates, args.seed),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
