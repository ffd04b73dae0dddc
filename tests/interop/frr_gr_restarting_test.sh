#!/usr/bin/env bash
# evpnd as the restarting speaker of RFC 4724 graceful restart, FRR 8.4 (`bgp graceful-restart`)
# as the helper. evpnd (AS 65011) <-> FRR (AS 65100), eBGP on a veth, families l2vpn-evpn and
# ipv4-unicast, hold time 9 s.
#
#   ns $TAG-ev (evpnd)  to-frr 10.1.0.1/31 ---------- to-ev 10.1.0.0/31  ns $TAG-frr (FRR)
#
# evpnd originates three EVPN static routes (type 2 MAC+IP, type 3, type 5) and three networks.
# 1. Established; FRR has evpnd's routes, not stale; evpnd's first OPEN has R = 0 and F = 0
#    (FRR's rBit / fBit).
# 2. SIGKILL evpnd (no NOTIFICATION: the kernel closes the connection). FRR keeps evpnd's IPv4
#    routes, marked stale, and its neighbor JSON shows the restart timer running for evpnd.
# 3. evpnd starts again with --graceful-restart: FRR sees the Restart State bit (rBit) and the
#    Forwarding State bit of IPv4 unicast (fBit), receives evpnd's End-of-RIBs, and evpnd's
#    routes are no longer stale. A poller reads FRR's tables every ~0.2 s from before the kill
#    to the end: evpnd's IPv4 routes were never withdrawn (count never below 3).
# FRR 8.4 does graceful restart only for the SAFIs up to MPLS VPN (its FOREACH_AFI_SAFI_NSF):
# it drops a restarting peer's EVPN routes at once, whatever the peer announces. The test
# prints what FRR did with the EVPN routes during the restart and checks they are back, fresh,
# after it.
source "$(dirname "$0")/../lib/netns.sh"
netns_init frr_gr_restarting

EV=$TAG-ev FRRNS=$TAG-frr FRR=$WORK/frr
make_ns "$EV"
make_ns "$FRRNS"
link_ns "$EV" 10.1.0.1/31 "$FRRNS" 10.1.0.0/31
ip -n "$EV" addr add 10.0.0.11/32 dev lo
ip -n "$FRRNS" addr add 10.0.0.100/32 dev lo

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
 bgp graceful-restart
 neighbor 10.1.0.1 remote-as 65011
 neighbor 10.1.0.1 timers 3 9
 neighbor 10.1.0.1 timers connect 1
 address-family ipv4 unicast
  neighbor 10.1.0.1 activate
 exit-address-family
 address-family l2vpn evpn
  neighbor 10.1.0.1 activate
 exit-address-family
exit
EOF
cat >"$WORK/ev.yaml" <<EOF
router-id: 10.0.0.11
asn: 65011
vtep-ip: 10.0.0.11
connect-retry: 1
neighbors:
  - {address: 10.1.0.0, remote-as: 65100, families: [l2vpn-evpn, ipv4-unicast]}
networks: [10.0.0.11/32, 10.11.1.0/24, 10.11.2.0/24]
evpn:
  static-routes:
    - {type: 2, vni: 100, mac: "02:00:00:00:0b:01", ip: 10.100.0.21}
    - {type: 3, vni: 100}
    - {type: 5, prefix: 10.55.0.0/24, l3vni: 5000}
api: {socket: $WORK/ev.sock}
EOF

start_frr "$FRRNS" "$FRR"
start_evpnd "$EV" ev
evpnd_show_init ev

# evpnd's routes in FRR, from `show bgp ipv4 unicast json` and `show bgp l2vpn evpn json` (two
# JSON documents, slurped): counts and how many of them are stale.
ROUTES_VIEW='(.[0].routes | [to_entries[] | .value[] | select(.peerId == "10.1.0.1")]) as $v4
  | ([.[1] | to_entries[] | select(.key | startswith("10.0.0.11:")) | .value | to_entries[]
      | select(.value | type == "object" and has("paths")) | .value.paths[]
      | if type == "array" then .[] else . end]) as $evpn
  | {v4: ($v4 | length), v4_stale: ([$v4[] | select(.stale)] | length),
     evpn: ($evpn | length), evpn_stale: ([$evpn[] | select(.stale)] | length)}'
frr_routes() {
  vty "$FRR" "show bgp ipv4 unicast json" "show bgp l2vpn evpn json" | jq -s -c "$ROUTES_VIEW"
}
GR_VIEW='.["10.1.0.1"] | {bgpState, gr: .gracefulRestartInfo | {localGrMode, remoteGrMode, rBit,
  v4_fBit: .ipv4Unicast.fBit, eorRecv: .endOfRibRecv, restartTimerRemaining:
  .timers.restartTimerRemaining}}'

# --- 1. Established, routes at FRR -------------------------------------------------------------
expect_json 30 "evpnd: Established" '.summary | {state}' '.state == "Established"' \
  evpnd_show ev bgp neighbor 10.1.0.0
expect_json 20 "FRR: evpnd's 3 networks and 3 EVPN routes, none stale" "." \
  '.v4 == 3 and .v4_stale == 0 and .evpn == 3 and .evpn_stale == 0' frr_routes
expect_json 10 "FRR: first session, evpnd sent R = 0, F = 0, and its End-of-RIBs" "$GR_VIEW" \
  '.bgpState == "Established" and .gr.remoteGrMode == "Restart" and .gr.rBit == false and
   .gr.v4_fBit == false and .gr.eorRecv.ipv4Unicast and .gr.eorRecv.l2VpnEvpn' \
  vty "$FRR" "show bgp neighbors 10.1.0.1 json"

# The poller: one line per read of FRR's tables (about 3 a second), "SECONDS.NANOS {v4,...}".
POLL=$WORK/poll.txt
(
  while :; do
    r=$(frr_routes 2>/dev/null) || r='{"error":true}'
    echo "$(date +%s.%N) $r"
  done
) >"$POLL" &
POLLER=$!
PIDS+=("$POLLER")
wait_for 5 "the poller's first read" test -s "$POLL"

# --- 2. SIGKILL evpnd ---------------------------------------------------------------------------
log "SIGKILL evpnd (pid ${EVPND_PID[ev]})"
kill_at=$(date +%s.%N)
kill -KILL "${EVPND_PID[ev]}"
wait "${EVPND_PID[ev]}" 2>/dev/null || true
expect_json 10 "FRR: session to evpnd down, restart timer running for it" "$GR_VIEW" \
  '.bgpState != "Established" and .gr.restartTimerRemaining > 0' \
  vty "$FRR" "show bgp neighbors 10.1.0.1 json"
expect_json 5 "FRR: evpnd's IPv4 routes kept, all stale" "." '.v4 == 3 and .v4_stale == 3' \
  frr_routes
during=$(frr_routes)
log "FRR's view of evpnd's routes while evpnd is down: $during"
sleep 4

# --- 3. evpnd again, with --graceful-restart -------------------------------------------------------
rm -f "$WORK/ev.sock"
mv "$WORK/ev.log" "$WORK/ev.1.log.txt"
spawn "$EV" "$WORK/ev.log" "$EVPND" -c "$WORK/ev.yaml" --log-level debug --graceful-restart
EVPND_PID[ev]=$SPAWNED
start_at=$(date +%s.%N)
wait_for 10 "evpnd API" test -S "$WORK/ev.sock"
expect_json 30 "FRR: Established again; evpnd's OPEN has the R bit and IPv4's F bit" "$GR_VIEW" \
  '.bgpState == "Established" and .gr.remoteGrMode == "Restart" and .gr.rBit == true and
   .gr.v4_fBit == true' vty "$FRR" "show bgp neighbors 10.1.0.1 json"
expect_json 10 "FRR: evpnd's End-of-RIBs received after the restart" "$GR_VIEW" \
  '.gr.eorRecv.ipv4Unicast and .gr.eorRecv.l2VpnEvpn' vty "$FRR" "show bgp neighbors 10.1.0.1 json"
expect_json 10 "FRR: evpnd's routes all there, none stale" "." \
  '.v4 == 3 and .v4_stale == 0 and .evpn == 3 and .evpn_stale == 0' frr_routes
expect_json 5 "evpnd: Established, FRR's GR capability received" \
  '{state: .summary.state, advertised_gr: .advertised.graceful_restart,
    received_gr: .received.graceful_restart, negotiated_gr: .negotiated.graceful_restart}' \
  '.state == "Established" and .advertised_gr and .received_gr and .negotiated_gr' \
  evpnd_show ev bgp neighbor 10.1.0.0
sleep 1
kill "$POLLER" 2>/dev/null
wait "$POLLER" 2>/dev/null || true

# --- the poller's record --------------------------------------------------------------------------
summary=$(grep -v '"error"' "$POLL" | awk '{print $2}' | jq -s -c --argjson kill "$kill_at" '
  {reads: length, v4_min: (map(.v4) | min), v4_max: (map(.v4) | max),
   v4_stale_max: (map(.v4_stale) | max), evpn_min: (map(.evpn) | min),
   evpn_max: (map(.evpn) | max), last: .[-1]}')
errors=$(grep -c '"error"' "$POLL" || true)
log "poller: $summary, failed reads: $errors"
reads_around=$(awk -v k="$kill_at" -v s="$start_at" '$1 >= k && $1 <= s' "$POLL" | wc -l)
((reads_around >= 10)) || fail "poller: only $reads_around reads between the kill and the restart"
jq -e '.v4_min == 3 and .v4_max == 3' <<<"$summary" >/dev/null ||
  fail "FRR withdrew some of evpnd's IPv4 routes during the restart: $summary"
jq -e '.v4_stale_max == 3' <<<"$summary" >/dev/null ||
  fail "the poller never saw evpnd's IPv4 routes stale: $summary"
pass "FRR never withdrew evpnd's IPv4 routes: $(jq -r .reads <<<"$summary") reads from before" \
  "the kill to after End-of-RIB ($reads_around while evpnd was down), IPv4 count min 3 max 3," \
  "3 of 3 stale while evpnd was down"
if jq -e '.evpn_min == 3' <<<"$summary" >/dev/null; then
  pass "FRR kept evpnd's EVPN routes through the restart too: $summary"
else
  pass "FRR 8.4 dropped evpnd's EVPN routes during the restart (its graceful restart stops at" \
    "SAFI MPLS VPN; evpnd announced l2vpn-evpn with F): EVPN count min" \
    "$(jq -r .evpn_min <<<"$summary"), back to 3 and fresh after End-of-RIB"
fi
