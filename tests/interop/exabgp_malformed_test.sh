#!/usr/bin/env bash
# Interop: malformed UPDATEs (RFC 7606) from ExaBGP 4.2 and broken message headers (RFC 4271
# 6.1) from a raw speaker, against evpnd.
#
#   ns $TAG-e: evpnd AS 65001, to-x 10.9.0.1/31, to-r 10.9.1.1/24
#   ns $TAG-x: ExaBGP AS 65002, to-e 10.9.0.0/31, driven through its process API by
#              data/exabgp_relay.py (the test writes commands into a FIFO)
#   ns $TAG-r: data/raw_bgp.py, AS 65003, to-e 10.9.1.10-14/24 (one evpnd neighbor per case)
#
# ExaBGP's generic `attribute [ code flags value ]` replaces the attribute of that code, so
# well-formed routes are first announced, then re-announced with one broken attribute:
#  (a) treat-as-withdraw: ORIGIN value 3, ORIGIN of length 2, COMMUNITIES of 5 octets (IPv4
#      NLRI) and ORIGIN value 3 with an IPv6 MP_REACH_NLRI: the prefixes are withdrawn, the
#      session stays Established;
#  (b) attribute-discard: ATOMIC_AGGREGATE of length 1: the route is kept and updated;
#  (c) session reset: an unrecognized well-known attribute (flags 0x40, type 99): evpnd sends
#      NOTIFICATION 3/2 (last_error: sent 3/2, ExaBGP logs it); once the route is withdrawn in
#      ExaBGP the session comes back and stays;
#  (d) header errors from the raw speaker: bad marker -> 1/1, length 18 -> 1/2, UPDATE of 5000
#      octets without extended messages -> 1/2, KEEPALIVE of 20 octets -> 1/2, type 9 -> 1/3;
#      each time evpnd closes the connection.
# Throughout, evpnd keeps running and its API answers.
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/data/checks.sh"
netns_init exabgp_malformed
command -v exabgp >/dev/null || fail "exabgp not installed"

E=$TAG-e
X=$TAG-x
R=$TAG-r
make_ns "$E"
make_ns "$X"
make_ns "$R"
link_ns "$E" 10.9.0.1/31 "$X" 10.9.0.0/31
link_ns "$E" 10.9.1.1/24 "$R" 10.9.1.10/24
RAW_ADDRS=(10.9.1.10 10.9.1.11 10.9.1.12 10.9.1.13 10.9.1.14)
for a in "${RAW_ADDRS[@]:1}"; do ip -n "$R" addr add "$a/24" dev to-e; done

{
  cat <<EOF
router-id: 10.0.0.1
asn: 65001
hold-time: 9
neighbors:
  - {address: 10.9.0.0, remote-as: 65002, passive: true, families: [ipv4-unicast, ipv6-unicast]}
EOF
  for a in "${RAW_ADDRS[@]}"; do
    echo "  - {address: $a, remote-as: 65003, passive: true, families: [ipv4-unicast]}"
  done
  cat <<EOF
networks: [10.0.0.1/32]
api: {socket: $WORK/e.sock}
EOF
} >"$WORK/e.yaml"

FIFO=$WORK/x.fifo
mkfifo "$FIFO"
cat >"$WORK/x.conf" <<EOF
process driver {
  run $PY $INTEROP_DATA/exabgp_relay.py $FIFO;
  encoder text;
}
neighbor 10.9.0.1 {
  router-id 10.0.0.2;
  local-address 10.9.0.0;
  local-as 65002;
  peer-as 65001;
  hold-time 9;
  family {
    ipv4 unicast;
    ipv6 unicast;
  }
  api {
    processes [ driver ];
  }
}
EOF

# exa COMMAND...: one ExaBGP API command (through the relay's FIFO).
exa() {
  timeout 5 bash -c 'printf "%s\n" "$1" >"$2"' _ "$*" "$FIFO" || fail "ExaBGP relay stuck: $*"
}
# log_count PATTERN: lines of evpnd's log matching PATTERN (grep -E).
log_count() { grep -cE "$1" "$WORK/e.log" || true; }

start_evpnd "$E" e
evpnd_json_init e
EPID=${EVPND_PID[e]}
start_exabgp "$X" x
wait_for 30 "ExaBGP session" evpnd_established e 10.9.0.0
expect_now "ExaBGP session" "state=Established remote_as=65002 families=ipv4-unicast,ipv6-unicast" \
  neighbor_fields e 10.9.0.0 summary.state summary.remote_as negotiated.families

# ---- (a) treat-as-withdraw ------------------------------------------------------------------
NH="next-hop 10.9.0.0"
exa announce route 10.10.1.0/24 $NH
exa announce route 10.10.2.0/24 $NH community 65002:2
exa announce route 10.10.3.0/24 $NH
exa announce route 2001:db8:10::/48 next-hop 2001:db8:ffff::2
exa announce route 10.10.4.0/24 $NH community 65002:4
for p in 10.10.1.0/24 10.10.3.0/24; do
  expect_eq "well-formed $p in evpnd" \
    "prefix=$p nh=10.9.0.0 peer=10.9.0.0 aspath=65002 origin=IGP lp=0 med=0 communities=- paths=1" \
    evpnd_unicast_route e ipv4 "$p"
done
expect_eq "well-formed 10.10.2.0/24 in evpnd" \
  "prefix=10.10.2.0/24 nh=10.9.0.0 peer=10.9.0.0 aspath=65002 origin=IGP lp=0 med=0 communities=65002:2 paths=1" \
  evpnd_unicast_route e ipv4 10.10.2.0/24
expect_eq "well-formed 2001:db8:10::/48 (MP_REACH_NLRI) in evpnd" \
  "prefix=2001:db8:10::/48 nh=2001:db8:ffff::2 peer=10.9.0.0 aspath=65002 origin=IGP lp=0 med=0 communities=- paths=1" \
  evpnd_unicast_route e ipv6 2001:db8:10::/48
expect_eq "well-formed 10.10.4.0/24 in evpnd" \
  "prefix=10.10.4.0/24 nh=10.9.0.0 peer=10.9.0.0 aspath=65002 origin=IGP lp=0 med=0 communities=65002:4 paths=1" \
  evpnd_unicast_route e ipv4 10.10.4.0/24

log "(a) the same prefixes again, each with one attribute that calls for treat-as-withdraw"
taw_before=$(log_count "handling=treat-as-withdraw")
exa announce route 10.10.1.0/24 $NH attribute [ 0x01 0x40 0x03 ]       # ORIGIN value 3
exa announce route 10.10.2.0/24 $NH attribute [ 0x08 0xc0 0xfde80002ff ] # COMMUNITIES, 5 octets
exa announce route 10.10.3.0/24 $NH attribute [ 0x01 0x40 0x0000 ]     # ORIGIN, length 2
exa announce route 2001:db8:10::/48 next-hop 2001:db8:ffff::2 attribute [ 0x01 0x40 0x03 ]
for p in 10.10.1.0/24 10.10.2.0/24 10.10.3.0/24; do
  expect_eq "(a) $p treated as withdrawn" "absent" evpnd_unicast_route e ipv4 "$p"
done
expect_eq "(a) 2001:db8:10::/48 (MP_REACH_NLRI) treated as withdrawn" "absent" \
  evpnd_unicast_route e ipv6 2001:db8:10::/48
taw=$(($(log_count "handling=treat-as-withdraw") - taw_before))
((taw >= 4)) || fail "(a) evpnd logged $taw treat-as-withdraw errors, expected at least 4"
pass "(a) evpnd logged $taw treat-as-withdraw errors: $(grep -oE 'error="[^"]*"' "$WORK/e.log" |
  sort -u | tr '\n' ' ')"
expect_now "(a) session stayed up" "state=Established established_transitions=1 last_error=-" \
  neighbor_fields e 10.9.0.0 summary.state established_transitions last_error

# ---- (b) attribute-discard ------------------------------------------------------------------
log "(b) 10.10.4.0/24 again with a new community and ATOMIC_AGGREGATE of length 1"
exa announce route 10.10.4.0/24 $NH community 65002:44 attribute [ 0x06 0x40 0x00 ]
expect_eq "(b) 10.10.4.0/24 kept, updated (attribute discarded)" \
  "prefix=10.10.4.0/24 nh=10.9.0.0 peer=10.9.0.0 aspath=65002 origin=IGP lp=0 med=0 communities=65002:44 paths=1" \
  evpnd_unicast_route e ipv4 10.10.4.0/24
exa announce route 10.10.5.0/24 $NH attribute [ 0x06 0x40 0x00 ]
expect_eq "(b) new prefix 10.10.5.0/24 with the bad ATOMIC_AGGREGATE accepted" \
  "prefix=10.10.5.0/24 nh=10.9.0.0 peer=10.9.0.0 aspath=65002 origin=IGP lp=0 med=0 communities=- paths=1" \
  evpnd_unicast_route e ipv4 10.10.5.0/24
expect_eq "(b) evpnd logged attribute-discard" "2" log_count "handling=attribute-discard"
expect_now "(b) session stayed up" "state=Established established_transitions=1 last_error=-" \
  neighbor_fields e 10.9.0.0 summary.state established_transitions last_error

# ---- (c) session reset ----------------------------------------------------------------------
log "(c) 10.10.6.0/24 with an unrecognized well-known attribute (flags 0x40, type 99)"
exa announce route 10.10.6.0/24 $NH attribute [ 0x63 0x40 0x00 ]
expect_eq "(c) evpnd's last_error" \
  "direction=sent code=3 subcode=2 subcode_name=Unrecognized Well-known Attribute" \
  neighbor_fields e 10.9.0.0 last_error.direction last_error.code last_error.subcode \
  last_error.subcode_name
notif=$(log_count "notification sent peer=10\.9\.0\.0 code=3 subcode=2")
down=$(log_count "session down peer=10\.9\.0\.0 ")
((notif >= 1 && down >= 1)) || fail "(c) evpnd's log: $notif NOTIFICATION 3/2 sent, $down session down"
pass "(c) evpnd's log: NOTIFICATION 3/2 sent ($notif), session down ($down)"
EXPECT_TIMEOUT=5 expect_eq "(c) ExaBGP received the NOTIFICATION" \
  "notification received (3,2)" \
  sh -c "grep -aoE 'notification received \(3,2\)' '$WORK/x.log' | head -1"
expect_now "(c) route of the bad UPDATE not installed" "absent" \
  evpnd_unicast_route e ipv4 10.10.6.0/24
log "(c) ExaBGP withdraws 10.10.6.0/24: the session must come back and stay"
exa withdraw route 10.10.6.0/24 $NH
EXPECT_TIMEOUT=30 expect_eq "(c) session re-established" "Established" \
  neighbor_field e 10.9.0.0 summary.state
transitions=$(neighbor_field e 10.9.0.0 established_transitions)
sleep 4
expect_now "(c) session stays up (no new reset in 4 s)" \
  "state=Established established_transitions=$transitions" \
  neighbor_fields e 10.9.0.0 summary.state established_transitions
expect_eq "(c) routes after the new session (10.10.4/24 and .5/24 only)" \
  "10.10.4.0/24 10.10.5.0/24" eval \
  "evpnd_json e /v1/bgp/ipv4/routes | $PY -c 'import json,sys
print(\" \".join(sorted(r[\"prefix\"] for r in json.load(sys.stdin)[\"routes\"]
  if any(p[\"peer\"] == \"10.9.0.0\" for p in r[\"paths\"]))))'"

# ---- (d) message header errors from a raw speaker -------------------------------------------
# Expected NOTIFICATION code/subcode and data (RFC 4271 6.1: the bad length, the bad type).
i=0
for c in bad-marker:1/1: short-length:1/2:0012 long-length:1/2:1388 keepalive-20:1/2:0014 \
  bad-type:1/3:09; do
  IFS=: read -r case want data <<<"$c"
  addr=${RAW_ADDRS[i]}
  i=$((i + 1))
  wait_for 10 "evpnd waiting for $addr (Active)" \
    eval '[[ $(neighbor_field e "$addr" summary.state) == Active ]]'
  out=$(ip netns exec "$R" "$PY" "$INTEROP_DATA/raw_bgp.py" --local "$addr" --peer 10.9.1.1 \
    --as 65003 --id "$addr" "$case") || fail "(d) $case: $out"
  [[ $out == "established; sent $case; NOTIFICATION $want data=$data; closed" ]] ||
    fail "(d) $case: got '$out', expected NOTIFICATION $want data=$data, then close"
  pass "(d) $case: $out"
  expect_eq "(d) $case: evpnd's last_error" \
    "direction=sent code=${want%/*} subcode=${want#*/}" \
    neighbor_fields e "$addr" last_error.direction last_error.code last_error.subcode
done

# ---- evpnd survived all of it ---------------------------------------------------------------
pid_alive "$EPID" || fail "evpnd (pid $EPID) is gone"
expect_now "evpnd (pid $EPID) alive, API answers: neighbors in the summary" "6" eval \
  "evpnd_json e /v1/bgp/summary | $PY -c 'import json,sys; print(len(json.load(sys.stdin)[\"neighbors\"]))'"
expect_now "ExaBGP session still up at the end" "Established" \
  neighbor_field e 10.9.0.0 summary.state
