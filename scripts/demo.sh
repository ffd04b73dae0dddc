#!/usr/bin/env bash
# The main job until the EVPN lab lands: builds evpnctl and decodes a real FRR <-> GoBGP EVPN
# session capture (tests/golden/data) into JSON, one message per line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
cmake --preset default >/dev/null
cmake --build --preset default --target evpnctl
capture=${1:-tests/golden/data/frr_gobgp_evpn.txt}
echo "== evpnctl decode: $capture"
grep '^msg ' "$capture" | cut -d' ' -f2 | build/default/cli/evpnctl decode --hex
