"""Side-by-side: SciPy solve_ivp (Radau, BDF, LSODA; analytic Jacobian) on the problem PhaseFlow wrote.

Usage: python3 compare_scipy.py DIR   (DIR holds problem.csv, phaseflow.csv, reference.csv from `PhaseFlow.Bench compare DIR`)
"""
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

folder = sys.argv[1]
data = np.loadtxt(f"{folder}/problem.csv", delimiter=",", skiprows=1)
lam, ws, w0 = data[:, 0], data[:, 1], data[:, 2]
qt = lam * ws
s_star = float(qt @ ws)
d = lam.size
t_eval = 10.0 ** np.arange(8)


def rhs(_, w):
    s, u = float(lam @ (w * w)), float(qt @ w)
    return 4 * (s_star - 3 * s) * lam * w + 8 * u * qt


def jac(_, w):
    s = float(lam @ (w * w))
    qw = lam * w
    return np.diag(4 * (s_star - 3 * s) * lam) - 24 * np.outer(qw, qw) + 8 * np.outer(qt, qt)


def observables(ws_t):
    u = ws_t.T @ qt
    mse = np.minimum(((ws_t.T - ws) ** 2).sum(axis=1), ((ws_t.T + ws) ** 2).sum(axis=1)) / d
    return u, mse


def read(name):
    with open(f"{folder}/{name}") as f:
        seconds = float(f.readline().split()[2])
    table = np.loadtxt(f"{folder}/{name}", delimiter=",", skiprows=2)
    return seconds, table[:, 1], table[:, 2]


pf_seconds, pf_u, pf_mse = read("phaseflow.csv")
_, ref_u, ref_mse = read("reference.csv")

rows = [("PhaseFlow Rodas4 + Woodbury", pf_seconds, pf_u, pf_mse)]
for method in ("LSODA", "BDF", "Radau"):
    start = time.perf_counter()
    sol = solve_ivp(rhs, (0, 1e7), w0, method=method, jac=jac, rtol=1e-6, atol=1e-9, t_eval=t_eval)
    seconds = time.perf_counter() - start
    if not sol.success:
        print(f"{method}: failed: {sol.message}")
        continue
    u, mse = observables(sol.y)
    rows.append((f"SciPy {method}", seconds, u, mse))

best_scipy = min(r[1] for r in rows[1:]) if len(rows) > 1 else float("nan")
print("power law a = 2, d = 1000, t in [0, 1e7], rtol 1e-6, atol 1e-9; errors against PhaseFlow at rtol 1e-11")
print(f"{'solver':32} {'seconds':>9} {'x PhaseFlow':>12} {'max |du|':>10} {'max |dMSE|':>11}")
for name, seconds, u, mse in rows:
    du = np.max(np.abs(u - ref_u))
    # Absolute: the MSE falls to ~1e-19 by t = 1e7, far below what atol = 1e-9 on w resolves.
    dmse = np.max(np.abs(mse - ref_mse))
    print(f"{name:32} {seconds:9.3f} {seconds / pf_seconds:12.1f} {du:10.2e} {dmse:11.2e}")
print(f"speed-up over SciPy's best: {best_scipy / pf_seconds:.0f}x")
