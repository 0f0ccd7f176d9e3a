"""Online SGD in a plain NumPy loop, on the problem of `PhaseFlow.Bench sgd-step` (issue 17).

Usage: python3 sgd_numpy.py D [SECONDS]       one tab-separated line: numpy, d, us per step, steps per repeat
       python3 sgd_numpy.py --summary FILE    the table of a compare-numpy-sgd.sh run (medians over its rounds)

Power law a = 2 (lambda_i = i^-a / H), Gaussian teacher with w*^T Q w* = 1, unit-sphere start, eta = 5e-3, label noise
sigma = sqrt(0.05); each step is what a user writes: x = sqrt(lambda) * z, two dot products, the coefficient
4((x.w)^2 - y)(x.w), one axpy. Median of 3 repeats of about SECONDS each, after a warm-up.
"""
import sys
import time
from statistics import median

import numpy as np


def run(d, seconds):
    a, eta, sigma = 2.0, 5e-3, np.sqrt(0.05)
    lam = np.arange(1, d + 1, dtype=float) ** -a
    lam /= lam[::-1].sum()
    sq = np.sqrt(lam)
    rng = np.random.default_rng(1)
    t = rng.standard_normal(d)
    t /= np.sqrt((lam * t * t).sum())
    w0 = rng.standard_normal(d)
    w0 /= np.linalg.norm(w0)

    def steps(n):
        w = w0.copy()
        start = time.perf_counter()
        for _ in range(n):
            x = sq * rng.standard_normal(d)
            xw = x @ w
            xt = x @ t
            y = xt * xt + sigma * rng.standard_normal()
            w -= eta * 4 * (xw * xw - y) * xw * x
        return (time.perf_counter() - start) / n * 1e6

    n = max(20, int(seconds * 1e6 / steps(max(20, 10**7 // d // 10))))
    steps(n)
    us = median(steps(n) for _ in range(3))
    print(f"numpy\t{d}\t{us:.3f}\t{n}", flush=True)


def summary(path):
    rows = {}
    for line in open(path):
        kind, d, *values = line.split("\t")
        rows.setdefault(int(d), {}).setdefault(kind, []).append([float(v) for v in values])
    print(f"NumPy {np.__version__}; medians over rounds (each round: PhaseFlow then NumPy, back to back)")
    print()
    print("| d | PhaseFlow, us/step | NumPy, us/step | NumPy / PhaseFlow | bound (d normals + 2 passes), us | PhaseFlow / bound |")
    print("|---|---|---|---|---|---|")
    for d in sorted(rows):
        pf = rows[d]["phaseflow"]
        npy = rows[d]["numpy"]
        step = median(r[0] for r in pf)
        bound = median(r[1] for r in pf)
        ref = median(r[0] for r in npy)
        print(f"| {d} | {step:.2f} | {ref:.1f} | {ref / step:.1f} | {bound:.2f} | {step / bound:.2f} |")


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary(sys.argv[2])
    else:
        run(int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
