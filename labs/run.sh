#!/usr/bin/env bash
# Runs a network-namespace lab of evpnd (labs/NAME/topology.sh), as root:
#
#   labs/run.sh two-hosts [--keep]   build evpnd, start the lab, show its state, ping every VM
#                                    pair, print a results table; tear down (or keep it up)
#   labs/run.sh down [PREFIX...]     tear down kept labs (all of them without arguments)
#   labs/run.sh list                 the kept labs
#
# Exit status: 0 when every pair in the same VNI pinged and no pair across VNIs did; 1 when an
# expectation failed; 2 on usage errors. Set EVPND_BUILD_DIR to use an existing build as is
# (otherwise build/default is configured and evpnd/evpnctl built incrementally).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  sed -n '2,12s/^# \{0,1\}//p' "$0" >&2
  exit 2
}

lab=${1:-}
[[ -n $lab ]] || usage
shift
case $lab in
  -h | --help) usage ;;
  down | list)
    source labs/lib.sh
    if [[ $lab == down ]]; then lab_down "$@"; else lab_list; fi
    exit
    ;;
esac
keep=0
for arg in "$@"; do
  case $arg in
    --keep) keep=1 ;;
    *) usage ;;
  esac
done
[[ -r labs/$lab/topology.sh ]] || { echo "run.sh: no lab named '$lab' in labs/" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "run.sh: run as root (network namespaces): sudo $0 $lab" >&2; exit 1; }

if [[ -z ${EVPND_BUILD_DIR:-} ]]; then
  echo "== build evpnd and evpnctl (build/default)"
  cmake --preset default >/dev/null
  cmake --build --preset default --target evpnd evpnctl
fi

source labs/lib.sh
LAB_KEEP=$keep
lab_init "$lab"
lab_load "$lab"

echo "== starting the $lab lab (namespaces $TAG-*, files in $WORK)"
lab_build
lab_wait_sessions 60
echo "   every BGP session of the ToR is Established (ipv4 unicast, l2vpn evpn)"

# Same-VNI pairs are expected to reach each other, pairs across VNIs not.
pairs=()
for ((i = 0; i < ${#VMS[@]}; i++)); do
  for ((j = i + 1; j < ${#VMS[@]}; j++)); do pairs+=("${VMS[i]} ${VMS[j]}"); done
done
same_vni() { [[ ${VM_VNI[$1]} == "${VM_VNI[$2]}" ]]; }

# Convergence: up to 30 s for the first reply of every same-VNI pair (one probe each).
echo "== waiting for the fabric to converge (first reply of every same-VNI pair, 30 s at most)"
start=$SECONDS deadline=$((SECONDS + 30))
for p in "${pairs[@]}"; do
  read -r a b <<<"$p"
  same_vni "$a" "$b" || continue
  until lab_ping "$a" "$b" 1 1 >/dev/null; do ((SECONDS < deadline)) || break 2; done
done
echo "   waited $((SECONDS - start)) s"

show() {
  echo "== h1: evpnctl $*"
  lab_evpnctl h1 "$@" 2>&1 || echo "   (evpnctl $* failed)"
}
show show bgp summary
show show evpn vni
show show evpn mac

# The ping matrix: 5 packets per pair, all pairs at once.
echo "== ping matrix (5 packets per pair, from the first VM to the second)"
mkdir -p "$WORK/ping"
pingers=()
for p in "${pairs[@]}"; do
  read -r a b <<<"$p"
  (lab_ping "$a" "$b" 5 2 >"$WORK/ping/$a-$b" || true) &
  pingers+=($!)
done
wait "${pingers[@]}"
unexpected=0
printf '%-12s %-9s %-22s %-9s %-9s %s\n' pair VNIs hosts expected received verdict
for p in "${pairs[@]}"; do
  read -r a b <<<"$p"
  got=$(<"$WORK/ping/$a-$b")
  if same_vni "$a" "$b"; then expect=reach; else expect=isolated; fi
  verdict=ok
  if [[ $expect == reach && $got == 0/* ]] || [[ $expect == isolated && $got != 0/* ]]; then
    verdict=FAIL
    unexpected=$((unexpected + 1))
  fi
  hosts="${VM_HOME[$a]}(${HOST_KIND[${VM_HOME[$a]}]})-${VM_HOME[$b]}(${HOST_KIND[${VM_HOME[$b]}]})"
  printf '%-12s %-9s %-22s %-9s %-9s %s\n' "$a-$b" "${VM_VNI[$a]}/${VM_VNI[$b]}" "$hosts" \
    "$expect" "$got" "$verdict"
done
if ((unexpected)); then
  echo "== $unexpected of ${#pairs[@]} pairs did not behave as expected"
  exit 1
fi
echo "== all ${#pairs[@]} pairs as expected: same VNI reach each other, different VNIs do not"
