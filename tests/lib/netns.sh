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
