#!/usr/bin/env bash
# Regenerates the golden BGP fixtures in tests/golden/data/ from real BGP sessions between
# FRR (bgpd + zebra) and GoBGP, each speaker in its own network namespace, captured with
# dumpcap and converted by tshark_to_fixture.py. See tests/golden/README.md.
#
# Usage (as root):  bash tests/golden/capture.sh
#   KEEP_WORK=1   keep the temporary directory (pcaps, configs, daemon logs, FRR state dumps)
#
# Needs: frr 8.4 (/usr/lib/frr/{zebra,bgpd}, vtysh), gobgpd/gobgp 3.x, dumpcap/tshark 4.0,
# iproute2 (ip, bridge), util-linux (unshare), /usr/bin/python3.
#
# Everything this script creates -- namespaces, daemons, the /tmp/evpnd-golden.* work
# directory, FRR's /var/tmp/frr/<daemon>.<pid> crash-log directories -- is removed by the EXIT
# trap, also when a step fails. The fixtures in data/ are replaced only if every scenario
# succeeded and every fixture passed its checks.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA_DIR="$HERE/data"
PY=/usr/bin/python3
FRR_DIR=/usr/lib/frr

die() {
  echo "capture.sh: $*" >&2
  exit 1
}

[[ $EUID -eq 0 ]] || die "must run as root (creates network namespaces)"
for tool in ip bridge unshare dumpcap tshark gobgpd gobgp vtysh "$FRR_DIR/zebra" \
  "$FRR_DIR/bgpd" "$PY"; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done

RUN_TAG="evg$$"           # namespace prefix: unique per run, short enough for `ip netns list`
WORK="$(mktemp -d /tmp/evpnd-golden.XXXXXX)"
chmod 755 "$WORK"         # FRR drops privileges to user frr and must reach its directory
OUT="$WORK/out"           # fixtures are built here and moved to data/ at the very end
mkdir -p "$OUT"
NAMESPACES=()             # namespaces we created: deleted by cleanup
PIDS=()                   # daemons and dumpcap we started: killed by cleanup
FRR_TMPDIRS=()            # /var/tmp/frr/<daemon>.<pid> of our FRR daemons: removed by cleanup

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if ((rc != 0)); then
    echo "capture.sh: FAILED (exit $rc); last daemon log lines:" >&2
    local f
    for f in "$WORK"/*/*.log "$WORK"/*.log; do
      [[ -s $f ]] || continue
      echo "--- $f" >&2
      tail -n 15 "$f" >&2
    done
  fi
  local pid alive
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 50); do
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do
    kill -KILL "$pid" 2>/dev/null && echo "capture.sh: pid $pid ignored SIGTERM, killed" >&2
  done
  local ns
  for ns in "${NAMESPACES[@]}"; do
    # Anything still running inside one of our namespaces was started by this script.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  wait 2>/dev/null
  rm -rf "${FRR_TMPDIRS[@]}"
  if [[ ${KEEP_WORK:-0} == 1 ]]; then
    echo "capture.sh: work directory kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '[capture] %s\n' "$*" >&2; }

# wait_for TIMEOUT_S DESCRIPTION COMMAND...: poll COMMAND every 0.2 s until it succeeds.
wait_for() {
  local timeout=$1 what=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out after ${timeout}s waiting for: $what"
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------

# make_ns NAME: a namespace with its loopback up.
make_ns() {
  ip netns add "$1"
  NAMESPACES+=("$1")
  ip -n "$1" link set lo up
}

# link_ns NS_A MAC_A NS_B MAC_B: veth0 in NS_A <-> veth0 in NS_B, both up.
link_ns() {
  ip -n "$1" link add veth0 address "$2" type veth peer name veth0 address "$4" netns "$3"
  ip -n "$1" link set veth0 up
  ip -n "$3" link set veth0 up
}

# spawn NS HOSTNAME LOG CMD...: start CMD in the background in NS, in its own UTS namespace
# with a fixed host name (so that the hostname capabilities in the fixtures do not depend
# on this machine), output to LOG. Each wrapper execs the next one, so the PID recorded in
# PIDS is the daemon's own and cleanup's SIGTERM reaches it.
spawn() {
  local ns=$1 host=$2 logfile=$3
  shift 3
  # shellcheck disable=SC2016 # $0/$@ are expanded by the inner sh
  (exec ip netns exec "$ns" unshare --uts /bin/sh -c 'hostname "$0" && exec "$@"' \
    "$host" "$@") >"$logfile" 2>&1 &
  SPAWNED=$!
  PIDS+=("$SPAWNED")
}

# setup_l2vni NS VNI VTEP MAC_PREFIX SVI_V4/LEN SVI_V6/LEN: an L2VNI as FRR's
# advertise-all-vni expects it: bridge br<VNI> (the SVI, MAC <prefix>:00) with vxlan<VNI>
# (MAC <prefix>:fe) and host<VNI> (MAC <prefix>:fd) enslaved. host<VNI> stands for the local
# hosts' port; it is a veth (its peer hostp<VNI> stays outside the bridge) because this
# kernel has no dummy driver.
setup_l2vni() {
  local ns=$1 vni=$2 vtep=$3 mp=$4 svi4=$5 svi6=$6
  ip -n "$ns" link add "br$vni" address "$mp:00" type bridge
  ip -n "$ns" link add "vxlan$vni" address "$mp:fe" type vxlan id "$vni" local "$vtep" \
    dstport 4789 nolearning
  ip -n "$ns" link add "host$vni" address "$mp:fd" type veth peer name "hostp$vni" \
    address "$mp:fc"
  local dev
  for dev in "vxlan$vni" "host$vni" "hostp$vni"; do
    ip -n "$ns" link set "$dev" addrgenmode none
  done
  ip -n "$ns" link set "vxlan$vni" master "br$vni"
  ip -n "$ns" link set "host$vni" master "br$vni"
  ip -n "$ns" link set "vxlan$vni" type bridge_slave neigh_suppress on learning off
  ip -n "$ns" addr add "$svi4" dev "br$vni"
  ip -n "$ns" addr add "$svi6" dev "br$vni" nodad
  for dev in "hostp$vni" "host$vni" "vxlan$vni" "br$vni"; do
    ip -n "$ns" link set "$dev" up
  done
}

# start_frr NS HOSTNAME DIR: zebra + bgpd with DIR/zebra.conf and DIR/bgpd.conf. Each
# instance has its own pathspace (-N), vty socket directory and zserv socket in DIR, so
# several instances (and a system FRR) can run side by side.
start_frr() {
  local ns=$1 host=$2 dir=$3
  chown -R frr:frr "$dir"
  local common=(-N "$ns" --vty_socket "$dir" -z "$dir/zserv.api" -P 0)
  spawn "$ns" "$host" "$dir/zebra.out" "$FRR_DIR/zebra" "${common[@]}" \
    -f "$dir/zebra.conf" -i "$dir/zebra.pid" --log "file:$dir/zebra.log"
  FRR_TMPDIRS+=("/var/tmp/frr/zebra.$SPAWNED" "/var/run/frr/$ns")
  wait_for 10 "zebra in $ns" test -S "$dir/zebra.vty"
  spawn "$ns" "$host" "$dir/bgpd.out" "$FRR_DIR/bgpd" "${common[@]}" \
    -f "$dir/bgpd.conf" -i "$dir/bgpd.pid" --log "file:$dir/bgpd.log"
  FRR_TMPDIRS+=("/var/tmp/frr/bgpd.$SPAWNED")
  wait_for 10 "bgpd in $ns" test -S "$dir/bgpd.vty"
  # FRR only logs config lines it does not understand: fail loudly instead.
  if grep -E "No such command|Unknown command|Command incomplete|Ambiguous command" \
    "$dir/zebra.log" "$dir/bgpd.log"; then
    die "FRR rejected part of its configuration in $dir"
  fi
}

# vty DIR COMMAND...: run vtysh commands against the FRR instance whose sockets are in DIR.
vty() {
  local dir=$1
  shift
  local args=() c
  for c in "$@"; do args+=(-c "$c"); done
  vtysh --vty_socket "$dir" "${args[@]}"
}

# start_gobgp NS HOSTNAME CONFIG: gobgpd, its gRPC API on 127.0.0.1:50051 inside NS.
start_gobgp() {
  local ns=$1 host=$2 conf=$3
  spawn "$ns" "$host" "${conf%.*}.log" gobgpd -f "$conf" -p --api-hosts 127.0.0.1:50051 \
    --log-plain
  wait_for 10 "gobgpd in $ns" ip netns exec "$ns" gobgp global
}

# gobgp_in NS ARGS...: the gobgp CLI against the gobgpd of NS.
gobgp_in() {
  local ns=$1
  shift
  ip netns exec "$ns" gobgp "$@"
}

# start_capture NS IFACE PCAP: dumpcap on TCP port 179.
start_capture() {
  local ns=$1 ifname=$2 pcap=$3
  (exec ip netns exec "$ns" dumpcap -q -i "$ifname" -f 'tcp port 179' -w "$pcap") \
    >"$pcap.log" 2>&1 &
  CAPTURE_PID=$!
  PIDS+=("$CAPTURE_PID")
  wait_for 10 "dumpcap on $ns/$ifname" test -s "$pcap"   # the file appears once running
}

stop_capture() {
  kill -INT "$CAPTURE_PID"
  for _ in $(seq 50); do
    kill -0 "$CAPTURE_PID" 2>/dev/null || return 0
    sleep 0.1
  done
  die "dumpcap did not stop"
}

# frr_established DIR PEER: the session to PEER is Established.
frr_established() {
  vty "$1" "show bgp neighbors $2 json" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(v.get("bgpState") == "Established" for v in d.values()) else 1)'
}

# frr_shows DIR COMMAND TEXT: TEXT appears in the output of COMMAND.
frr_shows() {
  vty "$1" "$2" | grep -qi -- "$3"
}

# frr_debug_dump DIR TAG: FRR state, for debugging with KEEP_WORK=1.
frr_debug_dump() {
  vty "$1" "show running-config" "show bgp summary" "show bgp ipv4 unicast" \
    "show bgp ipv6 unicast" "show bgp l2vpn evpn" "show evpn vni detail" \
    "show evpn mac vni all" "show evpn arp-cache vni all" >"$1/state-$2.txt" 2>&1 || true
}

# fixture PCAP NAME HEADER [IP=NAME...]: convert a capture into $OUT/NAME.txt. The helper
# cross-checks the extracted messages against each direction's raw TCP payload stream.
fixture() {
  local pcap=$1 name=$2 out="$OUT/$2.txt" header=$3
  shift 3
  local peers=() p
  for p in "$@"; do peers+=(--peer "$p"); done
  local prefs=(-o tcp.desegment_tcp_streams:TRUE -o bgp.desegment:TRUE
    -o tcp.analyze_sequence_numbers:TRUE)
  tshark -r "$pcap" "${prefs[@]}" -Y bgp -T json -x >"$pcap.json" 2>>"$pcap.tshark.log"
  tshark -r "$pcap" "${prefs[@]}" -Y 'tcp.len > 0' -T fields -e tcp.stream -e ip.src \
    -e ipv6.src -e tcp.srcport -e tcp.seq_raw -e tcp.payload >"$pcap.payload.tsv" \
    2>>"$pcap.tshark.log"
  "$PY" "$HERE/tshark_to_fixture.py" convert --header "$header" "${peers[@]}" \
    --max-keepalives 2 --stream-check "$pcap.payload.tsv" "$pcap.json" >"$out"
  log "built $name.txt: $(grep -c '^msg ' "$out") messages, $(wc -c <"$out") bytes"
}

# require NAME KEY...: each KEY must be a line of `tshark_to_fixture.py stats` of NAME.
require() {
  local fx="$OUT/$1.txt"
  shift
  local stats key missing=0
  stats="$("$PY" "$HERE/tshark_to_fixture.py" stats "$fx" | cut -f1)"
  for key in "$@"; do
    if ! grep -q -F -x -- "$key" <<<"$stats"; then
      echo "capture.sh: ${fx##*/} lacks: $key" >&2
      missing=1
    fi
  done
  ((missing == 0)) || die "fixture ${fx##*/} is incomplete"
}

FRR_VERSION="$("$FRR_DIR/bgpd" --version | sed -n 's/^bgpd version //p' | head -n1)"
GOBGP_VERSION="$(gobgpd --version | awk '{print $3}')"
TSHARK_VERSION="$(tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([^ ]*\).*/\1/p')"
HEADER="Generated by tests/golden/capture.sh (FRR $FRR_VERSION <-> GoBGP $GOBGP_VERSION, tshark $TSHARK_VERSION). Do not edit."

# FRR configuration shared by both scenarios.
FRR_COMMON_CONF='frr defaults traditional
!
! Send only what this FRR originates: as an eBGP speaker FRR would otherwise echo GoBGP'"'"'s
! routes back to it (GoBGP drops them on the AS-path loop).
bgp as-path access-list LOCAL-ONLY seq 5 permit ^$
route-map LOCAL-ONLY permit 10
 match as-path LOCAL-ONLY
exit
! No deferred route-map processing: by default FRR re-applies the route-maps it loaded
! 5 s after start-up and then re-sends its whole table, which would only bloat fixtures.
bgp route-map delay-timer 0
!'

# =======================================================================================
# Scenario 1: frr_gobgp_evpn -- eBGP over IPv4; ipv4-unicast (with ADD-PATH) + l2vpn-evpn.
#
#   ns evgN-frr (FRR, AS 65001, "leaf1")          ns evgN-gobgp (GoBGP, AS 4200000002, "spine1")
#   lo 192.0.2.1/32 = VTEP                         lo 192.0.2.2/32 = VTEP of GoBGP's routes
#   veth0 10.0.0.1/24 ---------------------------- veth0 10.0.0.2/24   (GoBGP is passive)
#   br100 SVI 10.100.0.1/24, 2001:db8:100::1/64
#     +- vxlan100 (VNI 100, local 192.0.2.1)
#     +- host100 (local MACs live here)
#
# FRR originates type-2 (MAC only, MAC+IPv4, MAC+IPv6, sticky static MAC, MAC mobility
# sequence 1, SVI default-gateway) and type-3 from its kernel state (advertise-all-vni).
# FRR cannot originate type-5 here: type-5 needs an L3VNI bound to a VRF device and this
# kernel has no VRF devices (CONFIG_NET_VRF off), so type-5 comes from GoBGP only.
# GoBGP injects types 1, 2, 3, 4 and 5 (IPv4 and IPv6 prefixes) with the gobgp CLI and
# withdraws some again. The capture ends with FRR's RFC 8203 shutdown NOTIFICATION.
# =======================================================================================
scenario_frr_gobgp_evpn() {
  local name=frr_gobgp_evpn
  local nsf="$RUN_TAG-frr" nsg="$RUN_TAG-gobgp"
  local fdir="$WORK/$name-frr" gdir="$WORK/$name-gobgp" pcap="$WORK/$name.pcapng"
  mkdir -p "$fdir" "$gdir"
  log "scenario $name"

  make_ns "$nsf"
  make_ns "$nsg"
  link_ns "$nsf" 02:00:00:00:00:01 "$nsg" 02:00:00:00:00:02
  ip -n "$nsf" addr add 10.0.0.1/24 dev veth0
  ip -n "$nsg" addr add 10.0.0.2/24 dev veth0
  ip -n "$nsf" addr add 192.0.2.1/32 dev lo
  ip -n "$nsg" addr add 192.0.2.2/32 dev lo
  ip -n "$nsg" route add 192.0.2.1/32 via 10.0.0.1
  # Kernel routes backing FRR's `network` statements (import-check): deleting one later
  # makes FRR withdraw it without a configuration change.
  ip -n "$nsf" route add blackhole 198.51.100.0/24
  ip -n "$nsf" route add blackhole 198.51.100.64/26

  setup_l2vni "$nsf" 100 192.0.2.1 02:00:00:00:01 10.100.0.1/24 2001:db8:100::1/64
  # Local MACs (bridge FDB entries on the host port) and neighbours on the SVI.
  bridge -n "$nsf" fdb add 02:00:00:00:01:01 dev host100 master static
  bridge -n "$nsf" fdb add 02:00:00:00:01:02 dev host100 master dynamic
  bridge -n "$nsf" fdb add 02:00:00:00:01:03 dev host100 master static sticky
  bridge -n "$nsf" fdb add 02:00:00:00:01:04 dev host100 master static
  ip -n "$nsf" neigh replace 10.100.0.11 lladdr 02:00:00:00:01:01 dev br100 nud reachable
  ip -n "$nsf" neigh replace 2001:db8:100::11 lladdr 02:00:00:00:01:01 dev br100 \
    nud reachable

  echo "hostname leaf1" >"$fdir/zebra.conf"
  cat >"$fdir/bgpd.conf" <<EOF
$FRR_COMMON_CONF
hostname leaf1
!
route-map NET-ATTRS permit 10
 set community 65001:100 65001:200
 set large-community 65001:1:2
 set metric 50
exit
!
router bgp 65001
 bgp router-id 192.0.2.1
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 bgp graceful-restart
 neighbor 10.0.0.2 remote-as 4200000002
 neighbor 10.0.0.2 description gobgp-spine1
 neighbor 10.0.0.2 timers 3 9
 neighbor 10.0.0.2 timers connect 1
 neighbor 10.0.0.2 disable-connected-check
 !
 address-family ipv4 unicast
  network 192.0.2.1/32
  network 198.51.100.0/24 route-map NET-ATTRS
  network 198.51.100.64/26
  neighbor 10.0.0.2 activate
  neighbor 10.0.0.2 addpath-tx-all-paths
  neighbor 10.0.0.2 route-map LOCAL-ONLY out
 exit-address-family
 !
 address-family l2vpn evpn
  neighbor 10.0.0.2 activate
  neighbor 10.0.0.2 route-map LOCAL-ONLY out
  advertise-all-vni
  advertise-default-gw
 exit-address-family
exit
!
EOF
  cat >"$gdir/gobgpd.toml" <<EOF
[global.config]
  as = 4200000002
  router-id = "192.0.2.2"

[[neighbors]]
  [neighbors.config]
    neighbor-address = "10.0.0.1"
    peer-as = 65001
    description = "frr-leaf1"
  [neighbors.transport.config]
    passive-mode = true
  [neighbors.timers.config]
    hold-time = 9
    keepalive-interval = 3
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 120
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
    [neighbors.afi-safis.add-paths.config]
      receive = true
      send-max = 4
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l2vpn-evpn"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
EOF

  start_capture "$nsf" veth0 "$pcap"
  start_gobgp "$nsg" spine1 "$gdir/gobgpd.toml"
  local G=(gobgp_in "$nsg")
  # Routes in place before the session comes up: GoBGP's initial table dump + End-of-RIB.
  "${G[@]}" global rib -a ipv4 add 192.0.2.2/32 origin igp
  "${G[@]}" global rib -a ipv4 add 198.51.100.128/25 community 4200:2,no-advertise med 20
  "${G[@]}" global rib -a evpn add multicast 192.0.2.2 etag 0 rd 192.0.2.2:100 \
    rt 65001:100 encap vxlan pmsi ingress-repl 100 192.0.2.2 nexthop 192.0.2.2

  start_frr "$nsf" leaf1 "$fdir"
  wait_for 60 "FRR <-> GoBGP session" frr_established "$fdir" 10.0.0.2
  wait_for 30 "FRR type-3 route" frr_shows "$fdir" "show bgp l2vpn evpn" \
    "\[3\]:\[0\]:\[32\]:\[192.0.2.1\]"
  wait_for 30 "FRR type-2 MAC+IP route" frr_shows "$fdir" "show bgp l2vpn evpn" \
    "02:00:00:00:01:01\]:\[32\]"
  sleep 2

  log "GoBGP: EVPN routes of types 2, 5, 1, 4"
  "${G[@]}" global rib -a evpn add macadv 02:00:00:00:02:01 0.0.0.0 etag 0 label 100 \
    rd 192.0.2.2:100 rt 65001:100 encap vxlan nexthop 192.0.2.2
  "${G[@]}" global rib -a evpn add macadv 02:00:00:00:02:02 10.100.0.22 etag 0 label 100 \
    rd 192.0.2.2:100 rt 65001:100 encap vxlan nexthop 192.0.2.2
  "${G[@]}" global rib -a evpn add macadv 02:00:00:00:02:03 2001:db8:100::23 etag 0 \
    label 100,5000 rd 192.0.2.2:100 rt 65001:100 rt 65001:5000 encap vxlan \
    router-mac 02:00:00:00:02:ff nexthop 192.0.2.2
  "${G[@]}" global rib -a evpn add macadv 02:00:00:00:02:04 10.100.0.24 \
    esi LACP 02:00:00:00:aa:01 1 etag 0 label 100 rd 192.0.2.2:100 rt 65001:100 \
    encap vxlan nexthop 192.0.2.2
  "${G[@]}" global rib -a evpn add prefix 203.0.113.0/24 gw 0.0.0.0 etag 0 label 5000 \
    rd 192.0.2.2:5000 rt 65001:5000 encap vxlan router-mac 02:00:00:00:02:ff nexthop 192.0.2.2
  "${G[@]}" global rib -a evpn add prefix 203.0.113.128/25 gw 10.100.0.254 etag 0 \
    label 5000 rd 192.0.2.2:5000 rt 65001:5000 encap vxlan nexthop 192.0.2.2
  "${G[@]}" global rib -a evpn add prefix 2001:db8:5::/64 gw :: etag 0 label 5000 \
    rd 192.0.2.2:5000 rt 65001:5000 encap vxlan router-mac 02:00:00:00:02:ff nexthop 192.0.2.2
  "${G[@]}" global rib -a evpn add a-d esi ARBITRARY 00:11:22:33:44:55:66:77:88 etag 0 \
    label 100 rd 192.0.2.2:100 rt 65001:100 encap vxlan nexthop 192.0.2.2
  "${G[@]}" global rib -a evpn add esi 192.0.2.2 esi ARBITRARY 00:11:22:33:44:55:66:77:88 \
    rd 192.0.2.2:1 encap vxlan nexthop 192.0.2.2
  wait_for 20 "FRR received GoBGP's type-5 IPv6 route" frr_shows "$fdir" \
    "show bgp l2vpn evpn" "2001:db8:5::\]"

  # MAC mobility: zebra installs GoBGP's MAC 02:00:00:00:02:01 on vxlan100; when the same
  # MAC then shows up locally, FRR advertises it with MAC Mobility sequence number 1 (and
  # GoBGP withdraws its own, older route).
  wait_for 20 "zebra installed the remote MAC" \
    sh -c "bridge -n '$nsf' fdb show dev vxlan100 | grep -q 02:00:00:00:02:01"
  log "FRR: local move of 02:00:00:00:02:01 (MAC mobility)"
  bridge -n "$nsf" fdb replace 02:00:00:00:02:01 dev host100 master static
  sleep 2
  frr_debug_dump "$fdir" before-withdrawals

  log "GoBGP: withdrawals (MP_UNREACH_NLRI for EVPN, withdrawn routes for IPv4)"
  "${G[@]}" global rib -a evpn del macadv 02:00:00:00:02:02 10.100.0.22 etag 0 label 100 \
    rd 192.0.2.2:100
  "${G[@]}" global rib -a evpn del prefix 203.0.113.128/25 etag 0 rd 192.0.2.2:5000
  "${G[@]}" global rib -a ipv4 del 198.51.100.128/25
  log "FRR: withdrawals (a local MAC ages out, a network loses its route)"
  bridge -n "$nsf" fdb del 02:00:00:00:01:04 dev host100 master
  ip -n "$nsf" route del blackhole 198.51.100.64/26
  sleep 2

  # FRR sends a ROUTE-REFRESH; GoBGP answers with its IPv4 table and End-of-RIB. (The gobgp
  # CLI cannot make gobgpd send one: `softresetin` only re-filters the local Adj-RIB-In.)
  log "FRR: ROUTE-REFRESH"
  vty "$fdir" "clear bgp ipv4 unicast 10.0.0.2 soft in"
  sleep 7 # some KEEPALIVEs (3 s interval)
  frr_debug_dump "$fdir" end

  log "FRR: administrative shutdown with a message (RFC 8203)"
  vty "$fdir" "configure terminal" "router bgp 65001" \
    "neighbor 10.0.0.2 shutdown message evpnd golden capture done"
  sleep 2
  stop_capture

  fixture "$pcap" "$name" "$HEADER" 10.0.0.1=FRR 10.0.0.2=GoBGP
  require "$name" \
    "msg OPEN from FRR" "msg OPEN from GoBGP" "msg UPDATE from FRR" "msg UPDATE from GoBGP" \
    "msg KEEPALIVE from FRR" "msg KEEPALIVE from GoBGP" "msg ROUTE-REFRESH from FRR" \
    "msg NOTIFICATION from FRR" "shutdown communication from FRR" \
    "end-of-rib 1/1 from FRR" "end-of-rib 1/1 from GoBGP" \
    "end-of-rib 25/70 from FRR" "end-of-rib 25/70 from GoBGP" \
    "mp_unreach_nlri 25/70 with routes from FRR" "mp_unreach_nlri 25/70 with routes from GoBGP" \
    "withdrawn routes from GoBGP" "withdrawn routes from FRR" \
    "evpn type 2 mac-only from FRR" "evpn type 2 mac+ipv4 from FRR" \
    "evpn type 2 mac+ipv6 from FRR" "evpn type 3 from FRR" \
    "evpn type 2 mac-only from GoBGP" "evpn type 2 mac+ipv4 from GoBGP" \
    "evpn type 2 mac+ipv6 from GoBGP" "evpn type 3 from GoBGP" \
    "evpn type 5 ipv4 from GoBGP" "evpn type 5 ipv6 from GoBGP" \
    "evpn type 1 from GoBGP" "evpn type 4 from GoBGP" \
    "field bgp.ext_com_evpn.mmac.seq from FRR" "field bgp.ext_com_evpn.esi.router_mac from GoBGP" \
    "field bgp.update.path_attribute.pmsi.tunnel.type from FRR" \
    "field bgp.update.path_attribute.pmsi.tunnel.type from GoBGP" \
    "field bgp.nlri_path_id from FRR" "field bgp.nlri_path_id from GoBGP" \
    "capability 69 from FRR" "capability 69 from GoBGP" "capability 73 from FRR" \
    "capability 73 from GoBGP" "capability 64 from FRR" "capability 64 from GoBGP"
}

# =======================================================================================
# Scenario 2: frr_gobgp_ibgp_v6 -- iBGP over IPv6 transport; ipv6-unicast, ipv4-unicast
# with IPv6 next hops (RFC 8950 extended next hop) and l2vpn-evpn.
#
#   ns evgN-frr6 (FRR, AS 65001, "leaf2")          ns evgN-gobgp6 (GoBGP, AS 65001, "rr1")
#   lo 192.0.2.11/32 = VTEP                         lo 192.0.2.12/32
#   veth0 2001:db8:ffff::1/64 -------------------- veth0 2001:db8:ffff::2/64 (GoBGP passive)
#   br200 SVI 10.200.0.1/24, 2001:db8:200::1/64
#     +- vxlan200 (VNI 200, local 192.0.2.11)
#     +- host200
#
# Adds what scenario 1 lacks: an IPv6 session, LOCAL_PREF (iBGP), MP_REACH_NLRI for IPv6
# unicast with a global + link-local next hop, IPv4 NLRI with an IPv6 next hop, EVPN
# routes with an IPv6 next hop (GoBGP), and a NOTIFICATION from GoBGP (RFC 8203 message).
# =======================================================================================
scenario_frr_gobgp_ibgp_v6() {
  local name=frr_gobgp_ibgp_v6
  local nsf="$RUN_TAG-frr6" nsg="$RUN_TAG-gobgp6"
  local fdir="$WORK/$name-frr" gdir="$WORK/$name-gobgp" pcap="$WORK/$name.pcapng"
  mkdir -p "$fdir" "$gdir"
  log "scenario $name"

  make_ns "$nsf"
  make_ns "$nsg"
  link_ns "$nsf" 02:00:00:00:00:11 "$nsg" 02:00:00:00:00:12
  ip -n "$nsf" addr add 2001:db8:ffff::1/64 dev veth0 nodad
  ip -n "$nsg" addr add 2001:db8:ffff::2/64 dev veth0 nodad
  ip -n "$nsf" addr add 192.0.2.11/32 dev lo
  ip -n "$nsg" addr add 192.0.2.12/32 dev lo
  ip -n "$nsf" route add blackhole 2001:db8:11::/48
  ip -n "$nsf" route add blackhole 2001:db8:11:1::/64
  ip -n "$nsf" route add blackhole 2001:db8:11:2::/64
  # FRR puts its link-local address into IPv6 next hops: wait until DAD is done.
  wait_for 10 "IPv6 link-local address in $nsf" \
    sh -c "ip -n '$nsf' -6 addr show dev veth0 scope link -tentative | grep -q fe80::"

  setup_l2vni "$nsf" 200 192.0.2.11 02:00:00:00:03 10.200.0.1/24 2001:db8:200::1/64
  bridge -n "$nsf" fdb add 02:00:00:00:03:01 dev host200 master static
  bridge -n "$nsf" fdb add 02:00:00:00:03:02 dev host200 master static
  ip -n "$nsf" neigh replace 10.200.0.11 lladdr 02:00:00:00:03:01 dev br200 nud reachable
  ip -n "$nsf" neigh replace 2001:db8:200::12 lladdr 02:00:00:00:03:02 dev br200 \
    nud reachable

  echo "hostname leaf2" >"$fdir/zebra.conf"
  cat >"$fdir/bgpd.conf" <<EOF
$FRR_COMMON_CONF
hostname leaf2
!
route-map V6-ATTRS permit 10
 set local-preference 200
 set origin incomplete
 set community 65001:600 no-export
exit
!
router bgp 65001
 bgp router-id 192.0.2.11
 no bgp default ipv4-unicast
 bgp graceful-restart
 neighbor 2001:db8:ffff::2 remote-as internal
 neighbor 2001:db8:ffff::2 description gobgp-rr1
 neighbor 2001:db8:ffff::2 timers 3 9
 neighbor 2001:db8:ffff::2 timers connect 1
 neighbor 2001:db8:ffff::2 capability extended-nexthop
 !
 address-family ipv4 unicast
  network 192.0.2.11/32
  neighbor 2001:db8:ffff::2 activate
 exit-address-family
 !
 address-family ipv6 unicast
  network 2001:db8:11::/48
  network 2001:db8:11:1::/64 route-map V6-ATTRS
  network 2001:db8:11:2::/64
  neighbor 2001:db8:ffff::2 activate
 exit-address-family
 !
 address-family l2vpn evpn
  neighbor 2001:db8:ffff::2 activate
  advertise-all-vni
 exit-address-family
exit
!
EOF
  cat >"$gdir/gobgpd.toml" <<EOF
[global.config]
  as = 65001
  router-id = "192.0.2.12"

[[neighbors]]
  [neighbors.config]
    neighbor-address = "2001:db8:ffff::1"
    peer-as = 65001
    description = "frr-leaf2"
  [neighbors.transport.config]
    passive-mode = true
  [neighbors.timers.config]
    hold-time = 9
    keepalive-interval = 3
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 90
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l2vpn-evpn"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
EOF

  start_capture "$nsf" veth0 "$pcap"
  start_gobgp "$nsg" rr1 "$gdir/gobgpd.toml"
  local G=(gobgp_in "$nsg")
  "${G[@]}" global rib -a ipv6 add 2001:db8:12::/48 local-pref 300 med 5 \
    large-community 65001:2:3 nexthop 2001:db8:ffff::2
  "${G[@]}" global rib -a ipv6 add 2001:db8:12:1::/64 origin egp nexthop 2001:db8:ffff::2
  "${G[@]}" global rib -a ipv4 add 192.0.2.12/32 nexthop 2001:db8:ffff::2

  start_frr "$nsf" leaf2 "$fdir"
  wait_for 60 "FRR <-> GoBGP session" frr_established "$fdir" 2001:db8:ffff::2
  wait_for 30 "FRR type-2 MAC+IP route" frr_shows "$fdir" "show bgp l2vpn evpn" \
    "02:00:00:00:03:01\]:\[32\]"
  wait_for 30 "GoBGP received FRR's IPv6 routes" \
    sh -c "ip netns exec '$nsg' gobgp global rib -a ipv6 | grep -q 2001:db8:11:1::/64"
  sleep 1

  log "GoBGP: EVPN routes with an IPv6 next hop"
  "${G[@]}" global rib -a evpn add macadv 02:00:00:00:04:01 10.200.0.41 etag 0 label 200 \
    rd 192.0.2.12:200 rt 65001:200 encap vxlan nexthop 2001:db8:ffff::2
  "${G[@]}" global rib -a evpn add prefix 2001:db8:6::/64 gw :: etag 0 label 6000 \
    rd 192.0.2.12:6000 rt 65001:6000 encap vxlan router-mac 02:00:00:00:04:ff \
    nexthop 2001:db8:ffff::2
  sleep 1

  log "withdrawals (MP_UNREACH_NLRI for IPv6 unicast from both sides)"
  "${G[@]}" global rib -a ipv6 del 2001:db8:12:1::/64
  ip -n "$nsf" route del blackhole 2001:db8:11:2::/64
  sleep 4 # some KEEPALIVEs
  frr_debug_dump "$fdir" end

  log "GoBGP: administrative shutdown with a message (RFC 8203)"
  # (`shutdown`, deprecated in favour of `disable`, is the one that sends the message.)
  "${G[@]}" neighbor 2001:db8:ffff::1 shutdown --reason "maintenance by evpnd golden test"
  sleep 2
  stop_capture

  fixture "$pcap" "$name" "$HEADER" 2001:db8:ffff::1=FRR 2001:db8:ffff::2=GoBGP
  require "$name" \
    "msg OPEN from FRR" "msg OPEN from GoBGP" "msg UPDATE from FRR" "msg UPDATE from GoBGP" \
    "msg KEEPALIVE from FRR" "msg KEEPALIVE from GoBGP" \
    "msg NOTIFICATION from GoBGP" "shutdown communication from GoBGP" \
    "mp_reach_nlri 2/1 from FRR" "mp_reach_nlri 2/1 from GoBGP" \
    "mp_unreach_nlri 2/1 with routes from FRR" "mp_unreach_nlri 2/1 with routes from GoBGP" \
    "end-of-rib 2/1 from FRR" "end-of-rib 2/1 from GoBGP" \
    "evpn type 2 mac+ipv4 from FRR" "evpn type 3 from FRR" "evpn type 5 ipv6 from GoBGP" \
    "field bgp.update.path_attribute.local_pref from FRR" \
    "field bgp.update.path_attribute.local_pref from GoBGP" \
    "capability 5 from FRR"
}

scenario_frr_gobgp_evpn
scenario_frr_gobgp_ibgp_v6

mkdir -p "$DATA_DIR"
for f in "$OUT"/*.txt; do
  mv "$f" "$DATA_DIR/"
  log "wrote ${DATA_DIR#"$HERE/"}/${f##*/}"
done
log "done"
