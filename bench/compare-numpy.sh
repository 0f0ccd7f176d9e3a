#!/usr/bin/env bash
# Full-matrix SpecGD and its polar factor: PhaseFlow's four backends against NumPy's SVD route, back to back on this machine.
# Usage: bash bench/compare-numpy.sh [STEPS] [D]   (defaults 1000, 256)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy
fi
steps=${1:-1000}
d=${2:-256}
out=$(mktemp -d)
dotnet run -c Release --project bench/PhaseFlow.Bench -- manifold-specgd "$steps" "$d" "$out"
/usr/bin/python3 bench/scripts/specgd_numpy.py "$steps" "$d" "$out"
