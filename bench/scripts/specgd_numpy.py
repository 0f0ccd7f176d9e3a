"""NumPy's SVD route for the polar factor and for full-matrix SpecGD, on the sizes of `PhaseFlow.Bench manifold-specgd`.

Usage: python3 specgd_numpy.py [STEPS] [D] [DIR]
  Times (1) U @ Vt from np.linalg.svd(G, full_matrices=False) on a Gaussian D×D matrix (median of repeated calls), and
  (2) STEPS steps of full-matrix SpecGD, d = m = D, from W_0 = eps Q_0 (kappa = 10, eta = 1e-3, population gradient by the
  same formula 4 c_L alpha [T Y + 2 alpha Y (W^T Y) - 2 (Sigma theta)(W^T Sigma theta)^T], Y = Sigma W, Sigma diagonal).
  With DIR holding phaseflow.json (written by the C# benchmark), prints the ratios PhaseFlow / NumPy.
"""
import json
import sys
import time

import numpy as np

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
d = int(sys.argv[2]) if len(sys.argv) > 2 else 256
folder = sys.argv[3] if len(sys.argv) > 3 else None
rng = np.random.default_rng(7)


def polar_svd(g):
    u, s, vt = np.linalg.svd(g, full_matrices=False)
    r = int(np.sum(s > max(1e-12, max(g.shape) * np.finfo(float).eps) * s[0]))
    return u[:, :r] @ vt[:r, :]


g = rng.standard_normal((d, d))
for _ in range(2):
    polar_svd(g)
times = []
for _ in range(7):
    start = time.perf_counter()
    polar_svd(g)
    times.append((time.perf_counter() - start) * 1e3)
times.sort()
polar_ms = times[len(times) // 2]
print(f"NumPy {np.__version__}: polar factor by SVD of a Gaussian {d}x{d} matrix: median {polar_ms:.1f} ms (min {times[0]:.1f})")

# Full-matrix SpecGD: the spiked model kappa = 10 in the blocked layout (signal row 0, spike row 1, bulk rows 2..d-1).
alpha, loss_scale, rho, kappa, eta, eps = 1.0, 1.0, 1.0, 10.0, 1e-3, 1e-3
sigma = np.ones(d)
sigma[1] = 1 + kappa
theta = np.zeros(d)
theta[0] = np.sqrt(rho)
sigma_theta = sigma * theta
tau = theta @ sigma_theta
q, r = np.linalg.qr(rng.standard_normal((d, d)))
q0 = (q * np.sign(np.diag(r))).T
w = eps * q0


def gradient(w):
    y = sigma[:, None] * w
    t = alpha * np.sum(w * y) - tau
    k = w.T @ y
    rr = w.T @ sigma_theta
    loss = loss_scale * (t * t + 2 * (alpha * alpha * np.sum(k * k) - 2 * alpha * rr @ rr + tau * tau))
    return 4 * loss_scale * alpha * (t * y + 2 * alpha * (y @ k) - 2 * np.outer(sigma_theta, rr)), loss


start = time.perf_counter()
for _ in range(steps):
    grad, loss = gradient(w)
    w = w - eta * polar_svd(grad)
seconds = time.perf_counter() - start
_, loss = gradient(w)
print(f"NumPy full-matrix SpecGD d = m = {d}, {steps} steps (SVD polar): {seconds:.2f} s ({seconds / steps * 1e3:.1f} ms/step), final loss {loss:.2e}")

if folder:
    with open(f"{folder}/phaseflow.json") as f:
        pf = json.load(f)
    print()
    print(f"| backend | polar factor, ms | × NumPy SVD | SpecGD {steps} steps, s | × NumPy |")
    print("|---|---|---|---|---|")
    print(f"| NumPy SVD (reference) | {polar_ms:.1f} | 1 | {seconds:.1f} | 1 |")
    for name, p in pf["polar"].items():
        run = pf["specgd"][name]
        print(f"| PhaseFlow {name} | {p['medianMs']:.1f} | {p['medianMs'] / polar_ms:.2f} | {run['seconds']:.1f} | {run['seconds'] / seconds:.2f} |")
