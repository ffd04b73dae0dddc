# Checks shared by the GoBGP, ExaBGP and evpnd-to-evpnd interop tests. Source it after
# tests/lib/netns.sh and netns_init. Every check prints what it saw: `pass "what: seen"`, or
# fails with what it saw and what it expected.

INTEROP_DATA=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3
ROUTES=("$PY" "$INTEROP_DATA/routes.py")

# evpnd_json NAME RESOURCE: the JSON of an API resource of evpnd NAME (/v1/bgp/summary,
# /v1/bgp/neighbors/ADDR, /v1/bgp/evpn/routes, /v1/bgp/ipv4/routes, /v1/bgp/ipv6/routes):
# through `evpnctl show ... --json` (whose output is the API's JSON) when EVPNCTL_SHOW=1, else
# straight from the API socket. evpnd_json_init NAME (once evpnd NAME runs) sets EVPNCTL_SHOW
# to 1 if evpnctl has `show`, unless the environment already set it to 0 or 1.
EVPNCTL_SHOW=${EVPNCTL_SHOW:-auto}
evpnd_json_init() {
  if [[ $EVPNCTL_SHOW == auto ]]; then
    EVPNCTL_SHOW=0
    if evpnctl_in "$1" show bgp summary --json 2>/dev/null |
      "$PY" -c 'import json,sys; sys.exit(0 if "neighbors" in json.load(sys.stdin) else 1)' \
        2>/dev/null; then
      EVPNCTL_SHOW=1
    fi
  fi
  if [[ $EVPNCTL_SHOW == 1 ]]; then
    log "evpnd state is read with evpnctl show ... --json"
  else
    log "evpnd state is read from the API socket (api_get)"
  fi
}
evpnd_json() {
  local name=$1 res=$2
  if [[ $EVPNCTL_SHOW == 1 ]]; then
    case $res in
      /v1/bgp/summary) evpnctl_in "$name" show bgp summary --json ;;
      /v1/bgp/neighbors/*) evpnctl_in "$name" show bgp neighbor "${res##*/}" --json ;;
      /v1/bgp/evpn/routes) evpnctl_in "$name" show bgp evpn routes --json ;;
      /v1/bgp/ipv4/routes) evpnctl_in "$name" show bgp ipv4 routes --json ;;
      /v1/bgp/ipv6/routes) evpnctl_in "$name" show bgp ipv6 routes --json ;;
      *) api_get "$name" "$res" ;;
    esac
  else
    api_get "$name" "$res"
  fi
}

# evpnd_evpn_route NAME RD PREFIX: one EVPN route of evpnd NAME as a key=value line.
evpnd_evpn_route() { evpnd_json "$1" /v1/bgp/evpn/routes | "${ROUTES[@]}" evpnd-evpn "$2" "$3"; }

# evpnd_unicast_route NAME ipv4|ipv6 PREFIX: one unicast route of evpnd NAME.
evpnd_unicast_route() {
  evpnd_json "$1" "/v1/bgp/$2/routes" | "${ROUTES[@]}" evpnd-unicast "$3"
}

# gobgp_route NS FAMILY KEY: one route of the gobgpd in NS (gobgp global rib -a FAMILY -j).
gobgp_route() { gobgp_in "$1" global rib -a "$2" -j | "${ROUTES[@]}" gobgp "$3"; }

# neighbor_field NAME PEER FIELD.PATH: one field of evpnd NAME's neighbor detail, e.g.
# summary.state or last_error.code ("-" when absent).
neighbor_field() {
  evpnd_json "$1" "/v1/bgp/neighbors/$2" | "$PY" -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("-" if v is None or v == "" else (",".join(map(str, v)) if isinstance(v, list) else v))' "$3"
}

# neighbor_fields NAME PEER FIELD.PATH...: several fields as "field=value ..." on one line.
neighbor_fields() {
  local name=$1 peer=$2
  shift 2
  evpnd_json "$name" "/v1/bgp/neighbors/$peer" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
out = []
for path in sys.argv[1:]:
    v = d
    for k in path.split("."):
        v = v.get(k) if isinstance(v, dict) else None
    v = "-" if v is None or v == "" else (",".join(map(str, v)) if isinstance(v, list) else v)
    out.append("%s=%s" % (path.split(".")[-1], v))
print(" ".join(out))' "$@"
}

# expect_eq DESCRIPTION WANT COMMAND...: waits up to $EXPECT_TIMEOUT seconds (default 10) for
# the output of COMMAND to be exactly WANT; passes with what it saw, or fails with the last
# output and WANT.
expect_eq() {
  local what=$1 want=$2
  shift 2
  local got deadline=$((SECONDS + ${EXPECT_TIMEOUT:-10}))
  while :; do
    got=$("$@" 2>&1) || true
    [[ $got == "$want" ]] && break
    if ((SECONDS >= deadline)); then
      printf '[%s] FAIL: %s\n  got:  %s\n  want: %s\n' "$TEST_NAME" "$what" "$got" "$want" >&2
      exit 1
    fi
    sleep 0.2
  done
  pass "$what: $got"
}

# expect_now DESCRIPTION WANT COMMAND...: like expect_eq, without waiting (a state that must
# already hold, or still hold).
expect_now() { EXPECT_TIMEOUT=0 expect_eq "$@"; }

# evpnd_count NAME evpn|ipv4|ipv6 [PEER]: number of routes in evpnd NAME's table (with a path
# from PEER: a neighbor address or "local").
evpnd_count() {
  evpnd_json "$1" "/v1/bgp/$2/routes" | "${ROUTES[@]}" evpnd-count ${3:+"$3"}
}

# gobgp_count NS FAMILY NEIGHBOR: number of routes in the gobgpd of NS learned from NEIGHBOR.
gobgp_count() { gobgp_in "$1" global rib -a "$2" -j | "${ROUTES[@]}" gobgp-count "$3"; }

# family_counters NAME PEER: "family:received/sent ..." of evpnd NAME's neighbor PEER.
family_counters() {
  evpnd_json "$1" "/v1/bgp/neighbors/$2" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s:%s/%s" % (f["family"], f.get("received", 0), f.get("sent", 0))
               for f in d["summary"].get("families", [])))'
}

# start_capture NS IFACE PCAP: dumpcap on TCP port 179 in NS (stop it with stop_capture).
start_capture() {
  local ns=$1 ifname=$2 pcap=$3
  spawn "$ns" "$pcap.log" dumpcap -q -i "$ifname" -f 'tcp port 179' -w "$pcap"
  CAPTURE_PIDS+=("$SPAWNED")
  wait_for 10 "dumpcap on $ns/$ifname" test -s "$pcap"
}
CAPTURE_PIDS=()

# stop_captures: stops every capture started with start_capture (SIGINT: dumpcap flushes).
stop_captures() {
  local pid
  for pid in "${CAPTURE_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null; done
  for pid in "${CAPTURE_PIDS[@]}"; do
    for _ in $(seq 50); do pid_alive "$pid" || break; sleep 0.1; done
    pid_alive "$pid" && fail "dumpcap $pid did not stop"
  done
  CAPTURE_PIDS=()
}
