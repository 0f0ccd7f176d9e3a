#!/usr/bin/env bash
# PhaseFlow's gradient flow against SciPy's stiff solvers on the same problem, back to back on this machine.
# Usage: bash bench/compare-scipy.sh [he3]   (phase retrieval by default; he3: the polynomial model f = g = z^3 - 3z)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c "import scipy" 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-scipy python3-numpy
fi
out=$(mktemp -d)
dotnet run -c Release --project bench/PhaseFlow.Bench -- compare "$out" "$@"
/usr/bin/python3 bench/compare_scipy.py "$out" "$@"
