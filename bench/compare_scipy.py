"""Side-by-side: SciPy solve_ivp (Radau, BDF, LSODA; analytic Jacobian) on the problem PhaseFlow wrote.

Usage: python3 compare_scipy.py DIR [he3]   (DIR holds problem.csv, phaseflow.csv, reference.csv from
`PhaseFlow.Bench compare DIR [he3]`)

Phase retrieval (f = g = z^2) by default; `he3` is the polynomial model f = g = z^3 - 3z, whose P(s, u, s*) is written
out here by hand (spec single-index.md section 1; `phaseflow model --student "z^3 - 3*z" --teacher "z^3 - 3*z"` prints
the same polynomial) and checked against PhaseFlow's values at the start (model.csv).
"""
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp

folder = sys.argv[1]
model = sys.argv[2] if len(sys.argv) > 2 else "phase-retrieval"
if model not in ("phase-retrieval", "he3"):
    sys.exit(f"unknown model {model} (phase-retrieval or he3)")
data = np.loadtxt(f"{folder}/problem.csv", delimiter=",", skiprows=1)
lam, ws, w0 = data[:, 0], data[:, 1], data[:, 2]
qt = lam * ws
s_star = float(qt @ ws)
d = lam.size
t_eval = 10.0 ** np.arange(8)


def derivatives(s, u):
    """P_s, P_u and the Hessian (P_ss, P_su, P_uu) of the population loss P(s, u, s*)."""
    if model == "phase-retrieval":  # P = 3s^2 - 2ss* + 3s*^2 - 4u^2
        return 6 * s - 2 * s_star, -8 * u, 6.0, 0.0, -8.0
    # He3: P = 15s^3 - 18s^2 + 9s - 18ss*u + 18su - 12u^3 - 18u + 15s*^3 - 18s*^2 + 9s* + 18s*u
    return (45 * s * s - 36 * s + 9 - 18 * s_star * u + 18 * u,
            -18 * s * s_star + 18 * s - 36 * u * u - 18 + 18 * s_star,
            90 * s - 36, 18 - 18 * s_star, -72 * u)


def he3_value(s, u):
    return (15 * s**3 - 18 * s**2 + 9 * s - 18 * s * s_star * u + 18 * s * u - 12 * u**3 - 18 * u
            + 15 * s_star**3 - 18 * s_star**2 + 9 * s_star + 18 * s_star * u)


def rhs(_, w):
    # w' = -grad L = lam * (alpha w + beta w*), alpha = -2 P_s, beta = -P_u (spec section 2).
    s, u = float(lam @ (w * w)), float(qt @ w)
    ps, pu = derivatives(s, u)[:2]
    return lam * (-2 * ps * w - pu * ws)


def jac(_, w):
    # J = -hess L = diag(lam alpha) - [2Qw, Qw*] [[P_ss, P_su], [P_su, P_uu]] [2Qw, Qw*]^T (diagonal + rank 2).
    s, u = float(lam @ (w * w)), float(qt @ w)
    ps, _, pss, psu, puu = derivatives(s, u)
    a = 2 * lam * w
    return (np.diag(-2 * ps * lam) - pss * np.outer(a, a) - psu * (np.outer(a, qt) + np.outer(qt, a))
            - puu * np.outer(qt, qt))


def observables(ws_t):
    u = ws_t.T @ qt
    mse = ((ws_t.T - ws) ** 2).sum(axis=1) / d
    if model == "phase-retrieval":  # even link: w and -w are the same model
        mse = np.minimum(mse, ((ws_t.T + ws) ** 2).sum(axis=1) / d)
    return u, mse


if model == "he3":
    # The hand-written polynomial against PhaseFlow's (Wick, compiled) at the start ...
    check = np.loadtxt(f"{folder}/model.csv", delimiter=",", skiprows=1)
    s0, u0 = float(lam @ (w0 * w0)), float(qt @ w0)
    mine = np.array([s0, u0, s_star, he3_value(s0, u0), *derivatives(s0, u0)])
    worst = np.max(np.abs(mine - check) / np.maximum(1, np.abs(check)))
    print(f"P and its derivatives at the start vs PhaseFlow: max rel. difference {worst:.1e}")
    assert worst < 1e-12, (mine, check)
# ... and the analytic Jacobian against central differences of the right-hand side (at the start and a random point).
rng = np.random.default_rng(3)
for point in (w0, w0 + 0.3 * rng.standard_normal(d) / np.sqrt(d)):
    h = 1e-6
    fd = np.column_stack([(rhs(0, point + h * e) - rhs(0, point - h * e)) / (2 * h) for e in np.eye(d)[:50]])
    err = np.max(np.abs(jac(0, point)[:, :50] - fd)) / np.max(np.abs(fd))
    print(f"analytic Jacobian vs central differences (first 50 columns): max rel. difference {err:.1e}")
    assert err < 1e-6, err


def read(name):
    with open(f"{folder}/{name}") as f:
        seconds = float(f.readline().split()[2])
    table = np.loadtxt(f"{folder}/{name}", delimiter=",", skiprows=2)
    return seconds, table[:, 1], table[:, 2]


pf_seconds, pf_u, pf_mse = read("phaseflow.csv")
_, ref_u, ref_mse = read("reference.csv")

rows = [("PhaseFlow Rodas4 + Woodbury", pf_seconds, pf_u, pf_mse)]
extra = []  # PhaseFlow at tighter tolerances (he3 mode), for equal accuracy
for tol in ("1E-007", "1E-008"):
    try:
        sec, u, mse = read(f"phaseflow-{tol}.csv")
        extra.append((f"PhaseFlow at rtol {float(tol):.0e}", sec, u, mse))
    except FileNotFoundError:
        pass
for method in ("LSODA", "BDF", "Radau"):
    start = time.perf_counter()
    sol = solve_ivp(rhs, (0, 1e7), w0, method=method, jac=jac, rtol=1e-6, atol=1e-9, t_eval=t_eval)
    seconds = time.perf_counter() - start
    if not sol.success:
        print(f"{method}: failed: {sol.message}")
        continue
    u, mse = observables(sol.y)
    rows.append((f"SciPy {method}", seconds, u, mse))
if model == "he3":
    # SciPy's own tight references, to check PhaseFlow's (rtol 1e-11) independently.
    for method in ("LSODA", "BDF"):
        start = time.perf_counter()
        sol = solve_ivp(rhs, (0, 1e7), w0, method=method, jac=jac, rtol=1e-11, atol=1e-14, t_eval=t_eval)
        seconds = time.perf_counter() - start
        if sol.success:
            u, mse = observables(sol.y)
            print(f"SciPy {method} at rtol 1e-11 ({seconds:.1f} s) vs PhaseFlow at rtol 1e-11: "
                  f"max |du| {np.max(np.abs(u - ref_u)):.1e}, max |dMSE| {np.max(np.abs(mse - ref_mse)):.1e}")
        else:
            print(f"SciPy {method} at rtol 1e-11: failed: {sol.message}")

best_scipy = min(r[1] for r in rows[1:]) if len(rows) > 1 else float("nan")
name = "phase retrieval z^2/z^2" if model == "phase-retrieval" else f"He3/He3, s* = {s_star:.3g}"
print(f"{name}, power law a = 2, d = 1000, t in [0, 1e7], rtol 1e-6, atol 1e-9; errors against PhaseFlow at rtol 1e-11")
print(f"{'solver':32} {'seconds':>9} {'x PhaseFlow':>12} {'max |du|':>10} {'max |dMSE|':>11}")
for name, seconds, u, mse in rows + extra:
    du = np.max(np.abs(u - ref_u))
    # Absolute: the MSE falls to ~1e-19 by t = 1e7, far below what atol = 1e-9 on w resolves.
    dmse = np.max(np.abs(mse - ref_mse))
    print(f"{name:32} {seconds:9.3f} {seconds / pf_seconds:12.1f} {du:10.2e} {dmse:11.2e}")
print(f"speed-up over SciPy's best: {best_scipy / pf_seconds:.0f}x (PhaseFlow at rtol 1e-6)")
if extra:
    # Equal accuracy: each SciPy solver against the cheapest PhaseFlow run at least as accurate in both u and the MSE.
    runs = rows[:1] + extra
    for sname, sseconds, su, smse in rows[1:]:
        du, dmse = np.max(np.abs(su - ref_u)), np.max(np.abs(smse - ref_mse))
        match = [r for r in runs if np.max(np.abs(r[2] - ref_u)) <= du and np.max(np.abs(r[3] - ref_mse)) <= dmse]
        if match:
            best = min(match, key=lambda r: r[1])
            print(f"{sname}: {sseconds / best[1]:.0f}x slower than {best[0]}, which is at least as accurate in u and the MSE")
        else:
            print(f"{sname}: more accurate than every PhaseFlow run here")
