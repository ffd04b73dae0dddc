#!/usr/bin/env bash
# The main job: the two-hosts EVPN lab (labs/two-hosts). Installs what is missing
# (scripts/bootstrap.sh), builds evpnd and evpnctl (build/default), then runs
# `labs/run.sh two-hosts` with this script's arguments: --keep leaves the lab running
# (`labs/run.sh down` removes it). Needs root: the lab lives in network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "demo.sh: run as root (network namespaces): sudo $0 $*" >&2; exit 1; }
scripts/bootstrap.sh
cmake --preset default >/dev/null
cmake --build --preset default --target evpnd evpnctl
EVPND_BUILD_DIR=$PWD/build/default exec labs/run.sh two-hosts "$@"
