#!/usr/bin/env bash
# Dynamic neighbors: evpnd has no configured neighbor, only a listen range 10.9.0.0/24 with
# remote-as external. Two FRR 8.4 peers connect from two addresses of the range; a third FRR
# connects from 10.8.0.1, outside the range.
#
#   ns $TAG-d1 (FRR, AS 65101)  to-ev 10.9.0.3/31 ---- to-d1 10.9.0.2/31
#   ns $TAG-d2 (FRR, AS 65102)  to-ev 10.9.0.5/31 ---- to-d2 10.9.0.4/31   ns $TAG-ev (evpnd,
#   ns $TAG-x  (FRR, AS 65103)  to-ev 10.8.0.1/31 ---- to-x  10.8.0.0/31   AS 65011)
#
# 1. d1 and d2 are accepted: `evpnctl show bgp summary --json` lists 10.9.0.3 and 10.9.0.5 with
#    "dynamic": true, Established, with the AS each announced; evpnd learns each one's network
#    and each learns evpnd's.
# 2. x (outside the range): for 10 s never Established, absent from evpnd's summary; evpnd
#    closes each of its TCP connections as soon as it is accepted, without sending any BGP
#    message (capture: 0 BGP messages from evpnd to x, every connection ended by evpnd's FIN or
#    RST; evpnd's log: "connection refused from unconfigured address 10.8.0.1"; x's FRR: 0
#    OPENs received).
source "$(dirname "$0")/../lib/netns.sh"
netns_init dynamic

EV=$TAG-ev D1NS=$TAG-d1 D2NS=$TAG-d2 XNS=$TAG-x
for ns in "$EV" "$D1NS" "$D2NS" "$XNS"; do make_ns "$ns"; done
link_ns "$EV" 10.9.0.2/31 "$D1NS" 10.9.0.3/31
link_ns "$EV" 10.9.0.4/31 "$D2NS" 10.9.0.5/31
link_ns "$EV" 10.8.0.0/31 "$XNS" 10.8.0.1/31
ip -n "$EV" addr add 10.0.0.11/32 dev lo

# frr_conf NAME ASN ID EVPND_ADDRESS
frr_conf() {
  local dir=$WORK/$1
  mkdir -p "$dir"
  echo "hostname $1" >"$dir/zebra.conf"
  cat >"$dir/bgpd.conf" <<EOF
frr defaults traditional
hostname $1
router bgp $2
 bgp router-id $3
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 neighbor $4 remote-as 65011
 neighbor $4 timers 3 9
 neighbor $4 timers connect 1
 address-family ipv4 unicast
  network $3/32
  neighbor $4 activate
 exit-address-family
exit
EOF
}
frr_conf d1 65101 10.0.0.101 10.9.0.2
frr_conf d2 65102 10.0.0.102 10.9.0.4
frr_conf x 65103 10.0.0.103 10.8.0.0
cat >"$WORK/ev.yaml" <<EOF
router-id: 10.0.0.11
asn: 65011
listen:
  ranges:
    - {prefix: 10.9.0.0/24, remote-as: external, families: [ipv4-unicast]}
networks: [10.0.0.11/32]
api: {socket: $WORK/ev.sock}
EOF

refused() { grep -c 'connection refused from unconfigured address 10.8.0.1' "$WORK/ev.log" || true; }

start_capture "$EV" any ev
start_evpnd "$EV" ev
evpnd_show_init ev
start_frr "$D1NS" "$WORK/d1"
start_frr "$D2NS" "$WORK/d2"
start_frr "$XNS" "$WORK/x"

# --- 1. d1 and d2 from the range -----------------------------------------------------------------
SUMMARY='[.neighbors[] | {address, state, dynamic, remote_as}] | sort_by(.address)'
expect_json 30 "evpnd: d1 and d2 accepted from the range, dynamic, Established" "$SUMMARY" \
  '. == [{address: "10.9.0.3", state: "Established", dynamic: true, remote_as: 65101},
         {address: "10.9.0.5", state: "Established", dynamic: true, remote_as: 65102}]' \
  evpnd_show ev bgp summary
expect_json 10 "evpnd: learned d1's and d2's networks" \
  '[.routes[] | select(.prefix | startswith("10.0.0.10")) | {prefix, peer: .paths[0].peer}]
   | sort_by(.prefix)' \
  '. == [{prefix: "10.0.0.101/32", peer: "10.9.0.3"}, {prefix: "10.0.0.102/32", peer: "10.9.0.5"}]' \
  evpnd_show ev bgp ipv4 routes
for d in d1:10.9.0.2 d2:10.9.0.4; do
  expect_json 10 "${d%:*}: learned evpnd's network from ${d#*:}" \
    '.routes["10.0.0.11/32"][] | {valid, nh: .nexthops[0].ip, path}' \
    ".valid and .nh == \"${d#*:}\" and .path == \"65011\"" \
    vty "$WORK/${d%:*}" "show bgp ipv4 unicast json"
done

# --- 2. x, outside the range ---------------------------------------------------------------------
wait_for 15 "x connects and evpnd refuses" eval '(($(refused) > 0))'
deadline=$((SECONDS + 10))
polls=0
while ((SECONDS < deadline)); do
  s=$(evpnd_show ev bgp summary | jq -c '[.neighbors[].address]')
  [[ $s != *10.8.0.1* ]] || fail "evpnd lists x (outside the range): $s"
  f=$(vty "$WORK/x" "show bgp neighbors 10.8.0.0 json" | jq -r '.["10.8.0.0"].bgpState')
  [[ $f != Established && $f != OpenConfirm ]] || fail "x reached $f"
  polls=$((polls + 1))
  sleep 0.5
done
x_opens=$(vty "$WORK/x" "show bgp neighbors 10.8.0.0 json" |
  jq -c '.["10.8.0.0"].messageStats | {opensRecv, totalRecv}')
jq -e '.opensRecv == 0 and .totalRecv == 0' <<<"$x_opens" >/dev/null ||
  fail "x received BGP messages from evpnd: $x_opens"
sleep 1
stop_capture ev
to_x=$(capture_count ev "bgp && ip.src == 10.8.0.0")
from_x=$(capture_count ev "bgp && ip.src == 10.8.0.1")
handshakes=$(capture_count ev "ip.src == 10.8.0.0 && tcp.flags.syn == 1 && tcp.flags.ack == 1")
closes=$(capture_count ev "ip.src == 10.8.0.0 && (tcp.flags.fin == 1 || tcp.flags.reset == 1)")
fins=$(capture_count ev "ip.src == 10.8.0.0 && tcp.flags.fin == 1")
((to_x == 0)) || fail "evpnd sent $to_x BGP message(s) to x"
((handshakes > 0 && closes >= handshakes)) ||
  fail "evpnd answered $handshakes SYN(s) from x but closed with FIN/RST only $closes time(s)"
pass "x outside the range: $polls polls over 10 s, never Established nor listed; evpnd accepted" \
  "$handshakes TCP connection(s) from x and closed each one (FIN/RST segments from evpnd:" \
  "$closes, of which FIN $fins) having sent 0 BGP messages (x sent $from_x, e.g. its OPENs);" \
  "x's FRR: $x_opens; evpnd's log: $(refused) x \"connection refused from unconfigured" \
  "address 10.8.0.1\""
expect_json 5 "evpnd: d1 and d2 still Established, nothing else listed" "$SUMMARY" \
  '[.[] | .address] == ["10.9.0.3", "10.9.0.5"] and all(.[]; .state == "Established")' \
  evpnd_show ev bgp summary
