# Shared shell helpers for tests that build network namespaces and run real daemons (evpnd,
# FRR, GoBGP, ExaBGP). Source it, then call netns_init NAME. Everything a test creates is
# torn down on exit, success or failure: namespaces, processes, work directory.
#
#   source "$(dirname "$0")/../lib/netns.sh"
#   netns_init frr_ebgp                   # work dir $WORK, unique prefix $TAG
#   make_ns "$TAG-a"; make_ns "$TAG-b"; link_ns "$TAG-a" 10.9.0.1/31 "$TAG-b" 10.9.0.0/31
#   start_evpnd "$TAG-a" a.yaml           # socket $WORK/a.sock; evpnctl_in a show bgp summary
#   wait_for 30 "session up" evpnd_established a 10.9.0.0
#   pass "what was shown"                 # or fail "why"

set -euo pipefail

SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${EVPND_BUILD_DIR:-$SRC_DIR/build/default}
EVPND=$BUILD_DIR/daemon/evpnd
EVPNCTL=$BUILD_DIR/cli/evpnctl
FRR_DIR=/usr/lib/frr

NAMESPACES=()
PIDS=()
FRR_TMPDIRS=()
TEST_NAME=test
WORK=
TAG=

netns_cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if ((rc != 0)) && [[ -n $WORK ]]; then
    echo "$TEST_NAME: FAILED (exit $rc); last log lines:" >&2
    local f
    for f in "$WORK"/*.log "$WORK"/*/*.log; do
      [[ -s $f ]] || continue
      echo "--- $f" >&2
      tail -n 20 "$f" >&2
    done
  fi
  local pid ns
  for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null; kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 30); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  for ns in "${NAMESPACES[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  wait 2>/dev/null
  rm -rf "${FRR_TMPDIRS[@]}"
  if [[ ${KEEP_WORK:-0} == 1 ]]; then
    echo "$TEST_NAME: work directory kept: $WORK" >&2
  elif [[ -n $WORK ]]; then
    rm -rf "$WORK"
  fi
  exit "$rc"
}

# netns_init NAME: sets TEST_NAME, a work directory $WORK and a short unique namespace prefix
# $TAG (namespace names stay under 15 characters with a suffix of up to 6).
netns_init() {
  TEST_NAME=$1
  [[ $(id -u) -eq 0 ]] || { echo "$TEST_NAME: needs root (network namespaces)" >&2; exit 1; }
  [[ -x $EVPND ]] || { echo "$TEST_NAME: $EVPND not built" >&2; exit 1; }
  WORK=$(mktemp -d "/tmp/evpnd-$TEST_NAME.XXXXXX")
  chmod 755 "$WORK"  # FRR drops privileges to user frr and must reach its files.
  TAG="ev$(printf '%05d' $(($$ % 100000)))"
  trap netns_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

log() { printf '[%s] %s\n' "$TEST_NAME" "$*" >&2; }
fail() { printf '[%s] FAIL: %s\n' "$TEST_NAME" "$*" >&2; exit 1; }
pass() { printf '[%s] ok: %s\n' "$TEST_NAME" "$*"; }

# wait_for TIMEOUT_S DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local timeout=$1 what=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "timed out after ${timeout}s waiting for: $what"
    sleep 0.2
  done
}

# make_ns NAME: a namespace with its loopback up.
make_ns() {
  ip netns add "$1"
  NAMESPACES+=("$1")
  ip -n "$1" link set lo up
}

# link_ns NS_A ADDR_A NS_B ADDR_B [IFNAME]: a veth pair between two namespaces, addressed
# (CIDR) and up. IFNAME defaults to "to-<other ns suffix>".
link_ns() {
  local a=$1 addr_a=$2 b=$3 addr_b=$4
  local ia=${5:-to-${b##*-}} ib=${5:-to-${a##*-}}
  ip -n "$a" link add "$ia" type veth peer name "$ib" netns "$b"
  ip -n "$a" addr add "$addr_a" dev "$ia"
  ip -n "$b" addr add "$addr_b" dev "$ib"
  ip -n "$a" link set "$ia" up
  ip -n "$b" link set "$ib" up
}

# spawn NS LOG CMD...: starts CMD in the background inside NS; its PID goes to $SPAWNED.
spawn() {
  local ns=$1 logfile=$2
  shift 2
  (exec ip netns exec "$ns" "$@") >"$logfile" 2>&1 &
  SPAWNED=$!
  PIDS+=("$SPAWNED")
}

# start_evpnd NS NAME: runs evpnd in NS with $WORK/NAME.yaml (whose api.socket should be
# $WORK/NAME.sock), log $WORK/NAME.log; waits for its API. PID in EVPND_PID[NAME].
declare -A EVPND_PID=()
start_evpnd() {
  local ns=$1 name=$2
  spawn "$ns" "$WORK/$name.log" "$EVPND" -c "$WORK/$name.yaml" --log-level debug
  EVPND_PID[$name]=$SPAWNED
  wait_for 10 "evpnd $name API" test -S "$WORK/$name.sock"
}

# evpnctl_in NAME ARGS...: evpnctl against the evpnd NAME.
evpnctl_in() {
  local name=$1
  shift
  "$EVPNCTL" --socket "$WORK/$name.sock" "$@"
}

# api_get NAME PATH: the raw JSON of an API resource of evpnd NAME.
api_get() { curl -sf --unix-socket "$WORK/$1.sock" "http://evpnd$2"; }

# evpnd_established NAME PEER: evpnd NAME's session to PEER is Established.
evpnd_established() {
  api_get "$1" "/v1/bgp/neighbors/$2" | grep -q '"state":"Established"'
}

# start_frr NS DIR: zebra + bgpd with DIR/zebra.conf and DIR/bgpd.conf, each instance with
# its own pathspace (-N), vty sockets and zserv socket in DIR.
start_frr() {
  local ns=$1 dir=$2
  chown -R frr:frr "$dir"
  local common=(-N "$ns" --vty_socket "$dir" -z "$dir/zserv.api" -u frr -g frr)
  spawn "$ns" "$dir/zebra.out" "$FRR_DIR/zebra" "${common[@]}" \
    -f "$dir/zebra.conf" -i "$dir/zebra.pid" --log "file:$dir/zebra.log"
  FRR_TMPDIRS+=("/var/tmp/frr/zebra.$SPAWNED" "/var/run/frr/$ns")
  wait_for 10 "zebra in $ns" test -S "$dir/zebra.vty"
  spawn "$ns" "$dir/bgpd.out" "$FRR_DIR/bgpd" "${common[@]}" \
    -f "$dir/bgpd.conf" -i "$dir/bgpd.pid" --log "file:$dir/bgpd.log"
  FRR_BGPD_PID=$SPAWNED
  FRR_TMPDIRS+=("/var/tmp/frr/bgpd.$SPAWNED")
  wait_for 10 "bgpd in $ns" test -S "$dir/bgpd.vty"
}

# vty DIR COMMAND...: vtysh commands against the FRR instance whose sockets are in DIR.
vty() {
  local dir=$1
  shift
  local args=() c
  for c in "$@"; do args+=(-c "$c"); done
  vtysh --vty_socket "$dir" "${args[@]}"
}

# ---- GoBGP, ExaBGP and process helpers (interop tests) ----

# pid_alive PID: PID is running (a zombie, exited but not yet reaped, counts as dead).
pid_alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# stop_pid PID [TIMEOUT_S]: SIGTERM, then waits for the exit; $STOPPED_RC is its exit status
# (fails if it is still running after TIMEOUT_S, default 10). PID must be a child of this shell.
stop_pid() {
  local pid=$1 timeout=${2:-10}
  kill -TERM "$pid"
  local deadline=$((SECONDS + timeout))
  while pid_alive "$pid"; do
    ((SECONDS < deadline)) || fail "pid $pid still running ${timeout}s after SIGTERM"
    sleep 0.1
  done
  STOPPED_RC=0
  wait "$pid" || STOPPED_RC=$?
}

# write_gobgp_config NAME AS ROUTER_ID NEIGHBOR PEER_AS FAMILY...: $WORK/NAME.toml for
# start_gobgpd: one eBGP neighbor with the test timers (connect-retry 1 s, hold 9 s, keepalive
# 3 s) and the families given (GoBGP names: ipv4-unicast, l2vpn-evpn, ...).
write_gobgp_config() {
  local name=$1 as=$2 id=$3 neighbor=$4 peer_as=$5 f
  shift 5
  {
    cat <<EOF
[global.config]
  as = $as
  router-id = "$id"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$neighbor"
    peer-as = $peer_as
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 9
    keepalive-interval = 3
EOF
    for f in "$@"; do
      printf '  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n'
      printf '      afi-safi-name = "%s"\n' "$f"
    done
  } >"$WORK/$name.toml"
}

# start_gobgpd NS NAME: gobgpd in NS with $WORK/NAME.toml, log $WORK/NAME.log, its gRPC API on
# 127.0.0.1:50051 inside NS (so one gobgpd per namespace); waits for the API. PID in
# GOBGPD_PID[NAME].
declare -A GOBGPD_PID=()
start_gobgpd() {
  local ns=$1 name=$2
  spawn "$ns" "$WORK/$name.log" gobgpd -f "$WORK/$name.toml" -p --api-hosts 127.0.0.1:50051 \
    --log-plain --log-level debug
  GOBGPD_PID[$name]=$SPAWNED
  wait_for 10 "gobgpd $name API" ip netns exec "$ns" gobgp global
}

# gobgp_in NS ARGS...: the gobgp CLI against the gobgpd of NS.
gobgp_in() {
  local ns=$1
  shift
  ip netns exec "$ns" gobgp "$@"
}

# start_exabgp NS NAME: ExaBGP 4 in NS with $WORK/NAME.conf, log $WORK/NAME.log (debug), as
# root, without a listening socket (it only connects out), API acknowledgements off. PID in
# EXABGP_PID[NAME].
declare -A EXABGP_PID=()
start_exabgp() {
  local ns=$1 name=$2
  spawn "$ns" "$WORK/$name.log" env exabgp.daemon.user=root exabgp.daemon.daemonize=false \
    exabgp.daemon.pid="" exabgp.log.destination=stdout exabgp.log.level=DEBUG \
    exabgp.log.all=true exabgp.tcp.bind="" exabgp.api.ack=false \
    exabgp.api.cli=false exabgp "$WORK/$name.conf"
  EXABGP_PID[$name]=$SPAWNED
}

# ---- FRR and JSON helpers (frr_*_test.sh) ----

# make_l2vni NS VNI VTEP MAC_PREFIX SVI/LEN: an L2VNI the way FRR's advertise-all-vni (zebra)
# expects it: bridge br<VNI> (MAC <prefix>:00, the SVI, with SVI/LEN) with vxlan<VNI> (VNI,
# local VTEP, MAC <prefix>:fe) and host<VNI> (MAC <prefix>:fd) enslaved. host<VNI> is a veth
# whose peer hostp<VNI> stays outside the bridge; it stands for the local hosts' port:
#   bridge -n NS fdb add MAC dev host<VNI> master static   -> FRR advertises a type-2 route.
make_l2vni() {
  local ns=$1 vni=$2 vtep=$3 mp=$4 svi=$5 dev
  ip -n "$ns" link add "br$vni" address "$mp:00" type bridge
  ip -n "$ns" link add "vxlan$vni" address "$mp:fe" type vxlan id "$vni" local "$vtep" \
    dstport 4789 nolearning
  ip -n "$ns" link add "host$vni" address "$mp:fd" type veth peer name "hostp$vni" \
    address "$mp:fc"
  for dev in "vxlan$vni" "host$vni" "hostp$vni"; do
    ip -n "$ns" link set "$dev" addrgenmode none
  done
  ip -n "$ns" link set "vxlan$vni" master "br$vni"
  ip -n "$ns" link set "host$vni" master "br$vni"
  ip -n "$ns" link set "vxlan$vni" type bridge_slave neigh_suppress on learning off
  ip -n "$ns" addr add "$svi" dev "br$vni"
  for dev in "hostp$vni" "host$vni" "vxlan$vni" "br$vni"; do
    ip -n "$ns" link set "$dev" up
  done
}

# frr_established DIR PEER: FRR's session to PEER is Established.
frr_established() {
  vty "$1" "show bgp neighbors $2 json" | jq -e --arg p "$2" '.[$p].bgpState == "Established"'
}

# frr_kill_bgpd: SIGKILL to the bgpd of start_frr/frr_start_bgpd ($FRR_BGPD_PID), reaped.
frr_kill_bgpd() {
  kill -KILL "$FRR_BGPD_PID"
  wait "$FRR_BGPD_PID" 2>/dev/null || true
}

# frr_start_bgpd NS DIR: starts FRR's bgpd again (after frr_kill_bgpd) with DIR/bgpd.conf, next
# to the zebra start_frr left running. PID in FRR_BGPD_PID.
frr_start_bgpd() {
  local ns=$1 dir=$2
  rm -f "$dir/bgpd.vty"  # left behind by the killed bgpd
  chown -R frr:frr "$dir"
  spawn "$ns" "$dir/bgpd.$((${#PIDS[@]} + 1)).out" "$FRR_DIR/bgpd" -N "$ns" --vty_socket "$dir" \
    -z "$dir/zserv.api" -u frr -g frr -f "$dir/bgpd.conf" -i "$dir/bgpd.pid" \
    --log "file:$dir/bgpd.log"
  FRR_BGPD_PID=$SPAWNED
  FRR_TMPDIRS+=("/var/tmp/frr/bgpd.$SPAWNED")
  wait_for 10 "bgpd in $ns" test -S "$dir/bgpd.vty"
}

# evpnd_show NAME bgp summary | bgp neighbor ADDR | bgp evpn routes | bgp ipv4 routes: the
# JSON of `evpnctl show ... --json` (which is the API's JSON). With EVPND_SHOW_VIA=api in the
# environment, the same API resources through api_get instead (to tell evpnctl and evpnd bugs
# apart). evpnd_show_init NAME checks that evpnctl answers and logs which one is used.
EVPND_SHOW_VIA=${EVPND_SHOW_VIA:-evpnctl}
evpnd_show_init() {
  if [[ $EVPND_SHOW_VIA == evpnctl ]]; then
    local out
    out=$(evpnctl_in "$1" show bgp summary --json 2>&1) && jq -e '.neighbors' <<<"$out" \
      >/dev/null 2>&1 || fail "evpnctl show bgp summary --json does not work: ${out:0:300}"
  fi
  log "evpnd state is read with: $EVPND_SHOW_VIA"
}
evpnd_show() {
  local name=$1
  shift
  if [[ $EVPND_SHOW_VIA == evpnctl ]]; then
    evpnctl_in "$name" show "$@" --json
    return
  fi
  case "$*" in
    "bgp summary") api_get "$name" /v1/bgp/summary ;;
    "bgp neighbor "*) api_get "$name" "/v1/bgp/neighbors/$3" ;;
    "bgp evpn routes") api_get "$name" /v1/bgp/evpn/routes ;;
    "bgp ipv4 routes") api_get "$name" /v1/bgp/ipv4/routes ;;
    *) fail "evpnd_show: no API resource for: $*" ;;
  esac
}

# expect_json TIMEOUT_S DESCRIPTION VIEW COND CMD...: polls CMD (every 0.2 s) until the jq
# filter `VIEW | select(COND)` yields something from its JSON output, then passes printing
# what it yielded; on timeout fails printing what VIEW last showed.
#   expect_json 10 "route" '.routes[] | select(.mac == "02:..")' '.vni == 100' evpnd_show a ...
expect_json() {
  local timeout=$1 desc=$2 view=$3 cond=$4
  shift 4
  local deadline=$((SECONDS + timeout)) out got seen
  while :; do
    out=$("$@" 2>/dev/null) || out=
    got=$(jq -c "$view | select($cond)" <<<"$out" 2>/dev/null) || got=
    if [[ -n $got ]]; then
      pass "$desc: $got"
      return 0
    fi
    if ((SECONDS >= deadline)); then
      seen=$(jq -c "$view" <<<"$out" 2>/dev/null) ||
        seen="(jq cannot apply the view to) ${out:0:300}"
      fail "$desc: not seen within ${timeout}s; last saw: ${seen:-nothing}"
    fi
    sleep 0.2
  done
}

# ---- packet captures and kernel counters (md5, gtsm, dynamic, collision tests) ----

# start_capture NS IFACE NAME [FILTER]: tshark on IFACE ("any": every interface) of NS, writing
# $WORK/NAME.pcap (capture filter FILTER, default "tcp port 179"); returns once it captures.
# stop_capture NAME ends it and flushes the file.
declare -A CAPTURE_PID=()
start_capture() {
  local ns=$1 ifc=$2 name=$3 filter=${4:-tcp port 179}
  spawn "$ns" "$WORK/$name.capture.txt" tshark -n -q -i "$ifc" -f "$filter" -w "$WORK/$name.pcap"
  CAPTURE_PID[$name]=$SPAWNED
  wait_for 10 "capture $name running" grep -q "Capturing on" "$WORK/$name.capture.txt"
}
stop_capture() {
  local pid=${CAPTURE_PID[$1]}
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# capture_fields NAME DISPLAY_FILTER FIELD...: one line per packet of $WORK/NAME.pcap that
# matches DISPLAY_FILTER, with the FIELDs separated by tabs (tshark -T fields).
capture_fields() {
  local name=$1 filter=$2 args=() f
  shift 2
  for f in "$@"; do args+=(-e "$f"); done
  tshark -n -r "$WORK/$name.pcap" -Y "$filter" -T fields "${args[@]}" 2>/dev/null
}

# capture_count NAME DISPLAY_FILTER: how many packets of $WORK/NAME.pcap match DISPLAY_FILTER.
capture_count() { capture_fields "$1" "$2" frame.number | wc -l; }

# ns_counter NS NAME: a kernel SNMP/netstat counter of namespace NS by its nstat name (e.g.
# TcpExtTCPMD5Failure, TcpExtTCPMinTTLDrop); 0 when the kernel has not counted any.
ns_counter() {
  ip netns exec "$1" nstat -saz "$2" 2>/dev/null |
    awk -v n="$2" '$1 == n {print $2; found = 1} END {if (!found) print 0}'
}
