#!/usr/bin/env bash
# Online SGD per step: PhaseFlow against a plain NumPy loop (power law a = 2, eta = 5e-3), back to back on this machine,
# with PhaseFlow's ratio to the generator-plus-memory bound (d normals + two passes).
# Usage: bash bench/compare-numpy-sgd.sh [ROUNDS] [D...]   (defaults 3; 1000 10000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy
fi
rounds=${1:-3}
shift || true
dims=("${@:-1000 10000 100000}")
read -r -a dims <<< "${dims[*]}"
out=$(mktemp)
dotnet build -c Release bench/PhaseFlow.Bench -v q -nologo > /dev/null
dll=bench/PhaseFlow.Bench/bin/Release/net10.0/PhaseFlow.Bench.dll
# Alternate the two per dimension and round, so that load from elsewhere on the machine falls on both alike.
for ((r = 1; r <= rounds; r++)); do
  for d in "${dims[@]}"; do
    dotnet "$dll" sgd-step "$d" | tee -a "$out"
    /usr/bin/python3 bench/scripts/sgd_numpy.py "$d" | tee -a "$out"
  done
done
echo
/usr/bin/python3 bench/scripts/sgd_numpy.py --summary "$out"
