#!/usr/bin/env bash
# evpnd's hold timer against a frozen FRR 8.4: eBGP evpnd (AS 65011, hold-time 3 s, graceful
# restart off) <-> FRR (AS 65100, `timers 1 3`) on a veth, families l2vpn-evpn and ipv4-unicast.
#
#   ns $TAG-ev (evpnd)  to-frr 10.1.0.1/31 ---------- to-ev 10.1.0.0/31  ns $TAG-frr (FRR)
#                                                     br100 / vxlan100 (VNI 100) / host100
#
# Established with FRR's routes (type 2, type 3, 10.0.0.100/32) in evpnd; then `kill -STOP`
# FRR's bgpd: no more KEEPALIVEs, evpnd's hold timer expires within 3 s: last_error is a sent
# NOTIFICATION code 4 (Hold Timer Expired), the session leaves Established and FRR's routes
# are dropped at once (no graceful restart). `kill -CONT`: the session comes back (evpnd retries
# after an idle hold delay of 1 s, growing) and the routes are learned again.
source "$(dirname "$0")/../lib/netns.sh"
netns_init frr_holdtimer

EV=$TAG-ev FRRNS=$TAG-frr FRR=$WORK/frr
make_ns "$EV"
make_ns "$FRRNS"
link_ns "$EV" 10.1.0.1/31 "$FRRNS" 10.1.0.0/31
ip -n "$EV" addr add 10.0.0.11/32 dev lo
ip -n "$FRRNS" addr add 10.0.0.100/32 dev lo
make_l2vni "$FRRNS" 100 10.0.0.100 02:00:00:00:01 10.100.0.1/24
bridge -n "$FRRNS" fdb add 02:00:00:00:01:01 dev host100 master static

mkdir -p "$FRR"
echo "hostname frr" >"$FRR/zebra.conf"
cat >"$FRR/bgpd.conf" <<EOF
frr defaults traditional
hostname frr
bgp route-map delay-timer 0
router bgp 65100
 bgp router-id 10.0.0.100
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor 10.1.0.1 remote-as 65011
 neighbor 10.1.0.1 timers 1 3
 neighbor 10.1.0.1 timers connect 1
 address-family ipv4 unicast
  network 10.0.0.100/32
  neighbor 10.1.0.1 activate
 exit-address-family
 address-family l2vpn evpn
  neighbor 10.1.0.1 activate
  advertise-all-vni
 exit-address-family
exit
EOF
cat >"$WORK/ev.yaml" <<EOF
router-id: 10.0.0.11
asn: 65011
vtep-ip: 10.0.0.11
hold-time: 3
graceful-restart: {enabled: false}
neighbors:
  - address: 10.1.0.0
    remote-as: 65100
    families: [l2vpn-evpn, ipv4-unicast]
networks: [10.0.0.11/32]
evpn:
  static-routes:
    - {type: 3, vni: 100}
api: {socket: $WORK/ev.sock}
EOF

start_frr "$FRRNS" "$FRR"
start_evpnd "$EV" ev
evpnd_show_init ev

NEIGHBOR='{state: .summary.state, hold_time, keepalive, last_error, established_transitions,
  next_restart_seconds, gr: .negotiated.graceful_restart}'
FRR_ROUTES='{frr_evpn: [.routes[] | select(.paths[0].peer == "10.1.0.0") | .prefix]}'
FRR_V4='{frr_ipv4: [.routes[] | select(.paths[0].peer == "10.1.0.0") | .prefix]}'
ALL_FRR_EVPN='.frr_evpn | sort == ["[2]:[0]:[48]:[02:00:00:00:01:01]", "[3]:[0]:[32]:[10.0.0.100]"]'

expect_json 30 "evpnd: Established, hold time 3 s, no graceful restart" "$NEIGHBOR" \
  '.state == "Established" and .hold_time == 3 and .gr == false' \
  evpnd_show ev bgp neighbor 10.1.0.0
expect_json 10 "FRR: Established, hold time 3 s" \
  '.["10.1.0.1"] | {bgpState, bgpTimerHoldTimeMsecs, bgpTimerKeepAliveIntervalMsecs}' \
  '.bgpState == "Established" and .bgpTimerHoldTimeMsecs == 3000' \
  vty "$FRR" "show bgp neighbors 10.1.0.1 json"
expect_json 20 "evpnd: FRR's EVPN routes learned" "$FRR_ROUTES" "$ALL_FRR_EVPN" \
  evpnd_show ev bgp evpn routes
expect_json 10 "evpnd: FRR's IPv4 route learned" "$FRR_V4" '.frr_ipv4 == ["10.0.0.100/32"]' \
  evpnd_show ev bgp ipv4 routes
# Keepalives keep the session up beyond several hold times before the freeze.
sleep 4
expect_json 1 "evpnd: still Established after 4 s (> hold time): KEEPALIVEs flow" "$NEIGHBOR" \
  '.state == "Established" and .established_transitions == 1' \
  evpnd_show ev bgp neighbor 10.1.0.0

# --- freeze FRR's bgpd ---------------------------------------------------------------------
log "kill -STOP FRR's bgpd (pid $FRR_BGPD_PID)"
kill -STOP "$FRR_BGPD_PID"
stopped_at=$SECONDS
# No vtysh from here until SIGCONT: it would hang on the frozen bgpd.
expect_json 8 "evpnd: hold timer expired, NOTIFICATION 4 sent, session down" "$NEIGHBOR" \
  '.state != "Established" and .last_error.direction == "sent" and .last_error.code == 4' \
  evpnd_show ev bgp neighbor 10.1.0.0
elapsed=$((SECONDS - stopped_at))
((elapsed <= 5)) || fail "hold timer expiry noticed ${elapsed}s after the freeze (hold time 3 s)"
pass "hold timer expiry noticed within ${elapsed}s of the freeze (hold time 3 s)"
grep -q 'notification sent peer=10.1.0.0 code=4' "$WORK/ev.log" ||
  fail "evpnd's log has no 'notification sent peer=10.1.0.0 code=4'"
pass "evpnd log: $(grep -m1 'notification sent peer=10.1.0.0 code=4' "$WORK/ev.log" | cut -c27-)"
expect_json 3 "evpnd: FRR's EVPN routes dropped (no graceful restart)" "$FRR_ROUTES" \
  '.frr_evpn == []' evpnd_show ev bgp evpn routes
expect_json 3 "evpnd: FRR's IPv4 route dropped" "$FRR_V4" '.frr_ipv4 == []' \
  evpnd_show ev bgp ipv4 routes
expect_json 3 "evpnd: its own routes stay" \
  '{local: [.routes[] | select(.paths[0].peer == "local") | .prefix]}' \
  '.local == ["[3]:[0]:[32]:[10.0.0.11]"]' evpnd_show ev bgp evpn routes
expect_json 3 "evpnd: next attempt after an idle hold delay >= 1 s" "$NEIGHBOR" \
  '.state != "Established" and .next_restart_seconds >= 1' evpnd_show ev bgp neighbor 10.1.0.0
sleep 2
expect_json 1 "evpnd: still not Established while FRR is frozen" "$NEIGHBOR" \
  '.state != "Established"' evpnd_show ev bgp neighbor 10.1.0.0

# --- thaw ----------------------------------------------------------------------------------
log "kill -CONT FRR's bgpd"
kill -CONT "$FRR_BGPD_PID"
expect_json 30 "evpnd: session back to Established" "$NEIGHBOR" \
  '.state == "Established" and .established_transitions >= 2' \
  evpnd_show ev bgp neighbor 10.1.0.0
expect_json 20 "evpnd: FRR's EVPN routes learned again" "$FRR_ROUTES" "$ALL_FRR_EVPN" \
  evpnd_show ev bgp evpn routes
expect_json 10 "evpnd: FRR's IPv4 route learned again" "$FRR_V4" \
  '.frr_ipv4 == ["10.0.0.100/32"]' evpnd_show ev bgp ipv4 routes
expect_json 10 "FRR: Established again" \
  '{state: .["10.1.0.1"].bgpState}' '.state == "Established"' \
  vty "$FRR" "show bgp neighbors 10.1.0.1 json"
expect_json 10 "FRR: evpnd's type-3 route received again" \
  '.["10.0.0.11:100"] | objects | keys | map(select(startswith("[")))' \
  '. == ["[3]:[0]:[32]:[10.0.0.11]"]' vty "$FRR" "show bgp l2vpn evpn json"
