#!/usr/bin/env bash
# TCP MD5 signatures (RFC 2385) on BGP sessions: evpnd <-> FRR 8.4, evpnd <-> evpnd with the
# passive side accepting through its listener's key, and a dynamic neighbor accepted through a
# listen range that has a password (one key for the whole prefix on the listener).
#
#   ns $TAG-frr (FRR, AS 65100)   to-ev 10.1.0.0/31 ---- to-frr 10.1.0.1/31
#   ns $TAG-p   (evpnd p, 65012)  to-ev 10.2.0.0/31 ---- to-p   10.2.0.1/31   ns $TAG-ev
#   ns $TAG-q   (evpnd q, 65013)  to-ev 10.3.0.5/24 ---- to-q   10.3.0.1/24   (evpnd ev, 65011)
#
# 1. FRR and ev both with password "frr-s3cret": Established; every TCP segment between them
#    (SYNs included) carries an MD5 signature option.
# 2. FRR's password changed to a wrong one: for 12 s neither side reaches Established, ev
#    receives no BGP message at all (no OPEN: its message counter and its log's OPEN events do
#    not move) and the kernels drop the segments (TcpExtTCPMD5Failure grows on both sides).
# 3. FRR's password fixed: Established again.
# 4. p connects to ev, whose neighbor p is `passive: true`; both with "pair-s3cret":
#    Established on the connection p opened to ev's port 179.
# 5. q connects from 10.3.0.5 to ev, which has no neighbor q but a listen range 10.3.0.0/24
#    with password "range-s3cret": a dynamic neighbor, Established, segments signed.
source "$(dirname "$0")/../lib/netns.sh"
netns_init md5

EV=$TAG-ev FRRNS=$TAG-frr P=$TAG-p Q=$TAG-q FRR=$WORK/frr
for ns in "$EV" "$FRRNS" "$P" "$Q"; do make_ns "$ns"; done
link_ns "$EV" 10.1.0.1/31 "$FRRNS" 10.1.0.0/31
link_ns "$EV" 10.2.0.1/31 "$P" 10.2.0.0/31
link_ns "$EV" 10.3.0.1/24 "$Q" 10.3.0.5/24
ip -n "$FRRNS" addr add 10.0.0.100/32 dev lo

mkdir -p "$FRR"
echo "hostname frr" >"$FRR/zebra.conf"
cat >"$FRR/bgpd.conf" <<EOF
frr defaults traditional
hostname frr
router bgp 65100
 bgp router-id 10.0.0.100
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor 10.1.0.1 remote-as 65011
 neighbor 10.1.0.1 password frr-s3cret
 neighbor 10.1.0.1 timers 3 9
 neighbor 10.1.0.1 timers connect 1
 address-family ipv4 unicast
  network 10.0.0.100/32
  neighbor 10.1.0.1 activate
 exit-address-family
exit
EOF
cat >"$WORK/ev.yaml" <<EOF
router-id: 10.0.0.11
asn: 65011
connect-retry: 1
neighbors:
  - {address: 10.1.0.0, remote-as: 65100, families: [ipv4-unicast], password: frr-s3cret}
  - {address: 10.2.0.0, remote-as: 65012, password: pair-s3cret, passive: true}
listen:
  ranges:
    - {prefix: 10.3.0.0/24, remote-as: external, password: range-s3cret}
networks: [10.0.0.11/32]
api: {socket: $WORK/ev.sock}
EOF
cat >"$WORK/p.yaml" <<EOF
router-id: 10.0.0.12
asn: 65012
connect-retry: 1
neighbors:
  - {address: 10.2.0.1, remote-as: 65011, password: pair-s3cret}
networks: [10.0.0.12/32]
api: {socket: $WORK/p.sock}
EOF
cat >"$WORK/q.yaml" <<EOF
router-id: 10.0.0.13
asn: 65013
connect-retry: 1
neighbors:
  - {address: 10.3.0.1, remote-as: 65011, password: range-s3cret}
networks: [10.0.0.13/32]
api: {socket: $WORK/q.sock}
EOF

NEIGHBOR='{state: .summary.state, received: .summary.messages_received, dynamic: .summary.dynamic,
  router_id, local_port, established_transitions}'
open_events() { grep -c 'event=BGPOpen' "$WORK/ev.log" || true; }
# signed_share NAME FILTER: "SIGNED/TOTAL" TCP segments of the capture matching FILTER.
signed_share() {
  echo "$(capture_count "$1" "($2) && tcp.options.md5")/$(capture_count "$1" "$2")"
}

start_capture "$EV" any ev
start_frr "$FRRNS" "$FRR"
start_evpnd "$EV" ev
evpnd_show_init ev

# --- 1. same password --------------------------------------------------------------------------
expect_json 30 "ev: FRR Established with TCP MD5" "$NEIGHBOR" '.state == "Established"' \
  evpnd_show ev bgp neighbor 10.1.0.0
wait_for 10 "FRR: Established" frr_established "$FRR" 10.1.0.1
expect_json 10 "ev: FRR's network learned" '.routes[] | select(.prefix == "10.0.0.100/32")
  | .paths[0] | {peer, as_path}' '.peer == "10.1.0.0"' evpnd_show ev bgp ipv4 routes

# --- 2. wrong password on FRR's side ------------------------------------------------------------
md5_fail_ev=$(ns_counter "$EV" TcpExtTCPMD5Failure)
md5_fail_frr=$(ns_counter "$FRRNS" TcpExtTCPMD5Failure)
log "FRR: neighbor 10.1.0.1 password wrong-s3cret (TcpExtTCPMD5Failure now: ev $md5_fail_ev," \
  "FRR $md5_fail_frr)"
vty "$FRR" "configure terminal" "router bgp 65100" "neighbor 10.1.0.1 password wrong-s3cret"
expect_json 15 "ev: session to FRR down" "$NEIGHBOR" '.state != "Established"' \
  evpnd_show ev bgp neighbor 10.1.0.0
sleep 1  # let the last messages of the old session (FRR's NOTIFICATION, if any) arrive
received_before=$(evpnd_show ev bgp neighbor 10.1.0.0 | jq -r '.summary.messages_received // 0')
opens_before=$(open_events)
deadline=$((SECONDS + 12))
states=()
while ((SECONDS < deadline)); do
  n=$(evpnd_show ev bgp neighbor 10.1.0.0 | jq -c "$NEIGHBOR")
  f=$(vty "$FRR" "show bgp neighbors 10.1.0.1 json" | jq -r '.["10.1.0.1"].bgpState')
  jq -e '.state != "Established" and .state != "OpenConfirm"' <<<"$n" >/dev/null ||
    fail "ev reached $(jq -r .state <<<"$n") with a wrong password on FRR: $n"
  [[ $f != Established && $f != OpenConfirm ]] || fail "FRR reached $f with a wrong password"
  states+=("$(jq -r .state <<<"$n")/$f")
  sleep 0.5
done
received_after=$(evpnd_show ev bgp neighbor 10.1.0.0 | jq -r '.summary.messages_received // 0')
((received_after == received_before)) ||
  fail "ev received $((received_after - received_before)) BGP message(s) from FRR with a wrong password"
(($(open_events) == opens_before)) || fail "ev's log shows an OPEN received with a wrong password"
expect_json 1 "ev: no OPEN from FRR (no router id, no received capabilities)" \
  '{state: .summary.state, router_id, received}' '(.router_id // "") == "" and .received == null' \
  evpnd_show ev bgp neighbor 10.1.0.0
md5_fail_ev2=$(ns_counter "$EV" TcpExtTCPMD5Failure)
md5_fail_frr2=$(ns_counter "$FRRNS" TcpExtTCPMD5Failure)
((md5_fail_ev2 > md5_fail_ev && md5_fail_frr2 > md5_fail_frr)) ||
  fail "kernel MD5 failures did not grow: ev $md5_fail_ev -> $md5_fail_ev2, FRR $md5_fail_frr -> $md5_fail_frr2"
pass "wrong password for 12 s: ${#states[@]} polls, never Established (ev/FRR states seen:" \
  "$(printf '%s\n' "${states[@]}" | sort -u | tr '\n' ' ')); ev received 0 messages" \
  "($received_before before and after) and logged 0 OPENs; TcpExtTCPMD5Failure ev" \
  "$md5_fail_ev -> $md5_fail_ev2, FRR $md5_fail_frr -> $md5_fail_frr2"

# --- 3. password fixed --------------------------------------------------------------------------
log "FRR: neighbor 10.1.0.1 password frr-s3cret"
vty "$FRR" "configure terminal" "router bgp 65100" "neighbor 10.1.0.1 password frr-s3cret"
expect_json 30 "ev: FRR Established again" "$NEIGHBOR" \
  '.state == "Established" and .established_transitions == 2' evpnd_show ev bgp neighbor 10.1.0.0

# --- 4. evpnd <-> evpnd, ev passive -------------------------------------------------------------
start_evpnd "$P" p
expect_json 30 "ev (passive): p Established through the listener's key" "$NEIGHBOR" \
  '.state == "Established" and .local_port == 179 and .router_id == "10.0.0.12"' \
  evpnd_show ev bgp neighbor 10.2.0.0
expect_json 10 "p: ev Established" "$NEIGHBOR" '.state == "Established"' \
  evpnd_show p bgp neighbor 10.2.0.1
expect_json 10 "p: ev's network learned" '.routes[] | select(.prefix == "10.0.0.11/32")
  | .paths[0] | {peer}' '.peer == "10.2.0.1"' evpnd_show p bgp ipv4 routes

# --- 5. dynamic neighbor through a listen range with a password -----------------------------------
start_evpnd "$Q" q
expect_json 30 "ev: q accepted through listen range 10.3.0.0/24 with its key, Established" \
  '.neighbors[] | select(.address == "10.3.0.5") | {address, state, dynamic, remote_as}' \
  '.state == "Established" and .dynamic == true and .remote_as == 65013' \
  evpnd_show ev bgp summary
expect_json 10 "q: ev Established" "$NEIGHBOR" '.state == "Established"' \
  evpnd_show q bgp neighbor 10.3.0.1

# --- what went over the wire ------------------------------------------------------------------------
sleep 1
stop_capture ev
for peer in 10.1.0.0 10.2.0.0 10.3.0.5; do
  share=$(signed_share ev "tcp.port == 179 && ip.addr == $peer")
  syns=$(signed_share ev "tcp.port == 179 && ip.addr == $peer && tcp.flags.syn == 1")
  [[ ${share%/*} == "${share#*/}" && ${share#*/} -gt 0 ]] ||
    fail "segments to/from $peer with an MD5 option: $share"
  pass "every TCP segment to/from $peer carried an MD5 signature: $share (SYN/SYN-ACK $syns)"
done
