#!/usr/bin/env bash
# FRR 8.4's bgpd dies (SIGKILL) and comes back, with and without graceful restart (RFC 4724);
# evpnd (AS 65011, graceful restart on by default: it is the helper) <-> FRR (AS 65100), eBGP on
# a veth, families l2vpn-evpn and ipv4-unicast, hold time 9 s. zebra keeps running through the
# restarts.
#
#   ns $TAG-ev (evpnd)  to-frr 10.1.0.1/31 ---------- to-ev 10.1.0.0/31  ns $TAG-frr (FRR)
#                                                     br100 / vxlan100 (VNI 100) / host100
#                                                     br200 / vxlan200 (VNI 200) / host200
#                                                     blackhole 198.51.100.0/24 (a `network`)
#
# 1. FRR without `bgp graceful-restart` (FRR's default: helper only, its GR capability lists no
#    address family): SIGKILL bgpd -> evpnd drops FRR's routes at once. bgpd is started again,
#    now with `bgp graceful-restart` and `preserve-fw-state` (F bit set) -> routes re-learned.
# 2. SIGKILL bgpd again -> evpnd keeps all of FRR's routes, marked stale. While bgpd is down
#    (10 s, longer than the hold time of 9 s), VNI 200 (its vxlan200 device) and the kernel route
#    behind FRR's `network 198.51.100.0/24` disappear. bgpd starts again with the same config and sends its routes and End-of-RIBs ->
#    the routes it still has are fresh again (stale false); the ones it no longer has (VNI 200's
#    type 2 and 3, 198.51.100.0/24) are swept at its End-of-RIB, not before.
#    (A MAC deleted from the bridge while bgpd is down would not do: FRR 8.4's zebra misses that
#    delete and the restarted bgpd advertises the MAC again.)
# 3. FRR's plain `bgp graceful-restart` (no preserve-fw-state: F bit clear, the usual FRR set-up):
#    198.51.100.0/24 comes back, bgpd is killed (routes kept stale), the route goes again while
#    bgpd is down, and bgpd restarts without the F bit -> evpnd drops the stale routes as soon as
#    the session is up (RFC 4724 4.2), not at End-of-RIB (which then sweeps nothing); the routes
#    FRR sends again are fresh, 198.51.100.0/24 is gone.
# Last, two checks that do not stop the test when they fail: the neighbor showed
# graceful_restart_stale while FRR was away, and no Hold or Keepalive timer of a session that
# had gone down fired into evpnd's FSM afterwards (RFC 4271 8.2.2: the session's resources,
# timers included, are released when it goes down).
source "$(dirname "$0")/../lib/netns.sh"
netns_init frr_restart

EV=$TAG-ev FRRNS=$TAG-frr FRR=$WORK/frr
make_ns "$EV"
make_ns "$FRRNS"
link_ns "$EV" 10.1.0.1/31 "$FRRNS" 10.1.0.0/31
ip -n "$EV" addr add 10.0.0.11/32 dev lo
ip -n "$FRRNS" addr add 10.0.0.100/32 dev lo
ip -n "$FRRNS" route add blackhole 198.51.100.0/24
make_l2vni "$FRRNS" 100 10.0.0.100 02:00:00:00:01 10.100.0.1/24
make_l2vni "$FRRNS" 200 10.0.0.100 02:00:00:00:02 10.200.0.1/24
bridge -n "$FRRNS" fdb add 02:00:00:00:01:01 dev host100 master static
bridge -n "$FRRNS" fdb add 02:00:00:00:02:01 dev host200 master static

# frr_config none|gr|gr-fw: FRR's bgpd.conf without graceful restart (helper only), with it,
# with it and the forwarding-state bit.
frr_config() {
  local gr=""
  [[ $1 == gr* ]] && gr=' bgp graceful-restart'
  [[ $1 == gr-fw ]] && gr+=$'\n bgp graceful-restart preserve-fw-state'
  cat >"$FRR/bgpd.conf" <<EOF
frr defaults traditional
hostname frr
bgp route-map delay-timer 0
router bgp 65100
 bgp router-id 10.0.0.100
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 bgp network import-check
$gr
 neighbor 10.1.0.1 remote-as 65011
 neighbor 10.1.0.1 timers 3 9
 neighbor 10.1.0.1 timers connect 1
 address-family ipv4 unicast
  network 10.0.0.100/32
  network 198.51.100.0/24
  neighbor 10.1.0.1 activate
 exit-address-family
 address-family l2vpn evpn
  neighbor 10.1.0.1 activate
  advertise-all-vni
 exit-address-family
exit
EOF
}
mkdir -p "$FRR"
echo "hostname frr" >"$FRR/zebra.conf"
frr_config none
cat >"$WORK/ev.yaml" <<EOF
router-id: 10.0.0.11
asn: 65011
vtep-ip: 10.0.0.11
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

NEIGHBOR='{state: .summary.state, established_transitions, graceful_restart_stale,
  peer_gr: .received.graceful_restart, peer_gr_time: .received.graceful_restart_time,
  last_error: .last_error.message}'
# FRR's routes in evpnd: {"VNI PREFIX": stale flag of FRR's path} and {"PREFIX": stale}.
FRR_EVPN='[.routes[] | "\(.vni) \(.prefix)" as $k | .paths[] | select(.peer == "10.1.0.0")
  | {key: $k, value: .stale}] | from_entries'
FRR_V4='[.routes[] | .prefix as $k | .paths[] | select(.peer == "10.1.0.0")
  | {key: $k, value: .stale}] | from_entries'
K1='100 [2]:[0]:[48]:[02:00:00:00:01:01]'
K2='100 [3]:[0]:[32]:[10.0.0.100]'
K3='200 [2]:[0]:[48]:[02:00:00:00:02:01]'
K4='200 [3]:[0]:[32]:[10.0.0.100]'
# evpn_is STALE1 STALE2 STALE3 STALE4: the jq condition "FRR's EVPN routes, with these stale
# flags" ("-" = the route must be absent).
evpn_is() {
  local keys=("$K1" "$K2" "$K3" "$K4") flags=("$@") i out=""
  for i in 0 1 2 3; do
    [[ ${flags[i]} == - ]] && continue
    out+="${out:+, }\"${keys[i]}\": ${flags[i]}"
  done
  echo ". == {$out}"
}
frr_gr_mode() {
  expect_json 10 "FRR: graceful-restart mode towards evpnd is $1" \
    '.["10.1.0.1"].gracefulRestartInfo | {localGrMode, remoteGrMode}' \
    ".localGrMode | startswith(\"$1\")" vty "$FRR" "show bgp neighbors 10.1.0.1 json"
}
learned_fresh() {  # learned_fresh WHAT: all of FRR's routes in evpnd, none stale
  expect_json 20 "evpnd: FRR's EVPN routes $1, not stale" "$FRR_EVPN" \
    "$(evpn_is false false false false)" evpnd_show ev bgp evpn routes
  expect_json 10 "evpnd: FRR's IPv4 routes $1, not stale" "$FRR_V4" \
    '. == {"10.0.0.100/32": false, "198.51.100.0/24": false}' evpnd_show ev bgp ipv4 routes
}
eor_count() { grep -c "end-of-rib peer=10.1.0.0 family=$1" "$WORK/ev.log" || true; }

# --- 1. without graceful restart ----------------------------------------------------------------
expect_json 30 "evpnd: Established" "$NEIGHBOR" '.state == "Established"' \
  evpnd_show ev bgp neighbor 10.1.0.0
frr_gr_mode Helper
learned_fresh learned
log "SIGKILL FRR's bgpd (pid $FRR_BGPD_PID), FRR not configured for graceful restart"
frr_kill_bgpd
expect_json 10 "evpnd: session down" "$NEIGHBOR" '.state != "Established"' \
  evpnd_show ev bgp neighbor 10.1.0.0
expect_json 3 "evpnd: FRR's EVPN routes dropped at once (FRR preserves no family)" \
  "$FRR_EVPN" '. == {}' evpnd_show ev bgp evpn routes
expect_json 3 "evpnd: FRR's IPv4 routes dropped at once" "$FRR_V4" '. == {}' \
  evpnd_show ev bgp ipv4 routes
frr_config gr-fw
log "bgpd started again, now with bgp graceful-restart + preserve-fw-state"
frr_start_bgpd "$FRRNS" "$FRR"
expect_json 30 "evpnd: Established again" "$NEIGHBOR" \
  '.state == "Established" and .established_transitions == 2' evpnd_show ev bgp neighbor 10.1.0.0
frr_gr_mode Restart
learned_fresh "learned again"

# --- 2. with graceful restart ---------------------------------------------------------------
log "SIGKILL FRR's bgpd (pid $FRR_BGPD_PID), FRR configured for graceful restart"
frr_kill_bgpd
expect_json 10 "evpnd: session down" "$NEIGHBOR" '.state != "Established"' \
  evpnd_show ev bgp neighbor 10.1.0.0
expect_json 3 "evpnd: FRR's EVPN routes kept, all stale" "$FRR_EVPN" \
  "$(evpn_is true true true true)" evpnd_show ev bgp evpn routes
expect_json 3 "evpnd: FRR's IPv4 routes kept, stale" "$FRR_V4" \
  '. == {"10.0.0.100/32": true, "198.51.100.0/24": true}' evpnd_show ev bgp ipv4 routes
log "FRR, while bgpd is down: ip link del vxlan200; ip route del blackhole 198.51.100.0/24"
ip -n "$FRRNS" link del vxlan200
ip -n "$FRRNS" route del blackhole 198.51.100.0/24
sleep 10  # longer than the hold time (9 s)
# The neighbor's graceful_restart_stale flag (api.proto NeighborDetail field 19) is checked at
# the very end, so that a failure there does not hide the route checks.
neighbor_while_down=$(evpnd_show ev bgp neighbor 10.1.0.0 | jq -c "$NEIGHBOR")
expect_json 1 "evpnd: 10 s later, still down" "$NEIGHBOR" '.state != "Established"' \
  evpnd_show ev bgp neighbor 10.1.0.0
expect_json 1 "evpnd: 10 s later, FRR's EVPN routes still all there, stale" "$FRR_EVPN" \
  "$(evpn_is true true true true)" evpnd_show ev bgp evpn routes
log "bgpd started again with the same config"
evpn_eor_before=$(eor_count l2vpn-evpn) v4_eor_before=$(eor_count ipv4-unicast)
frr_start_bgpd "$FRRNS" "$FRR"
expect_json 30 "evpnd: Established again" "$NEIGHBOR" \
  '.state == "Established" and .established_transitions == 3' evpnd_show ev bgp neighbor 10.1.0.0
wait_for 20 "evpnd: FRR's End-of-RIBs after the restart" eval \
  '(($(eor_count l2vpn-evpn) > evpn_eor_before && $(eor_count ipv4-unicast) > v4_eor_before))'
for fam in l2vpn-evpn:2 ipv4-unicast:1; do
  eor=$(grep "end-of-rib peer=10.1.0.0 family=${fam%:*}" "$WORK/ev.log" | tail -n1 | cut -c27-)
  [[ $eor == *stale-removed=${fam#*:} ]] ||
    fail "evpnd: FRR's ${fam%:*} End-of-RIB should sweep ${fam#*:} stale route(s): $eor"
  pass "evpnd: FRR's End-of-RIB swept the routes FRR no longer has: $eor"
done
expect_json 10 "evpnd: FRR's VNI 100 routes fresh again, VNI 200's gone" "$FRR_EVPN" \
  "$(evpn_is false false - -)" evpnd_show ev bgp evpn routes
expect_json 10 "evpnd: FRR's 10.0.0.100/32 fresh again, 198.51.100.0/24 gone" "$FRR_V4" \
  '. == {"10.0.0.100/32": false}' evpnd_show ev bgp ipv4 routes
expect_json 5 "evpnd: neighbor not stale" "$NEIGHBOR" \
  '.state == "Established" and .graceful_restart_stale == false' \
  evpnd_show ev bgp neighbor 10.1.0.0

# --- 3. graceful restart without the forwarding-state bit -------------------------------------
log "FRR: ip route add blackhole 198.51.100.0/24 (FRR advertises it again)"
ip -n "$FRRNS" route add blackhole 198.51.100.0/24
expect_json 10 "evpnd: 198.51.100.0/24 back" "$FRR_V4" \
  '. == {"10.0.0.100/32": false, "198.51.100.0/24": false}' evpnd_show ev bgp ipv4 routes
frr_config gr
log "SIGKILL FRR's bgpd (pid $FRR_BGPD_PID); its next config has no preserve-fw-state"
frr_kill_bgpd
expect_json 10 "evpnd: FRR's IPv4 routes kept, stale" "$FRR_V4" \
  '. == {"10.0.0.100/32": true, "198.51.100.0/24": true}' evpnd_show ev bgp ipv4 routes
ip -n "$FRRNS" route del blackhole 198.51.100.0/24
evpn_eor_before=$(eor_count l2vpn-evpn) v4_eor_before=$(eor_count ipv4-unicast)
log "bgpd started again, bgp graceful-restart without preserve-fw-state (F bit clear)"
frr_start_bgpd "$FRRNS" "$FRR"
expect_json 30 "evpnd: Established again" "$NEIGHBOR" \
  '.state == "Established" and .established_transitions == 4' evpnd_show ev bgp neighbor 10.1.0.0
wait_for 20 "evpnd: FRR's End-of-RIBs after the restart" eval \
  '(($(eor_count l2vpn-evpn) > evpn_eor_before && $(eor_count ipv4-unicast) > v4_eor_before))'
for fam in l2vpn-evpn ipv4-unicast; do
  eor=$(grep "end-of-rib peer=10.1.0.0 family=$fam" "$WORK/ev.log" | tail -n1 | cut -c27-)
  [[ $eor == *stale-removed=0 ]] ||
    fail "evpnd: without the F bit, stale $fam routes should be gone before End-of-RIB: $eor"
  pass "evpnd: F bit clear: nothing stale left for FRR's End-of-RIB: $eor"
done
expect_json 10 "evpnd: FRR's EVPN routes fresh" "$FRR_EVPN" "$(evpn_is false false - -)" \
  evpnd_show ev bgp evpn routes
expect_json 10 "evpnd: FRR's 10.0.0.100/32 fresh, 198.51.100.0/24 gone" "$FRR_V4" \
  '. == {"10.0.0.100/32": false}' evpnd_show ev bgp ipv4 routes

# --- last: checks that do not hide the others --------------------------------------------------
failed=0
if jq -e '.graceful_restart_stale' <<<"$neighbor_while_down" >/dev/null; then
  pass "evpnd: while FRR was down, the neighbor showed its routes kept as stale: $neighbor_while_down"
else
  log "FAIL: evpnd: while FRR was down (step 2) with its routes kept as stale, the neighbor did" \
    "not say so (graceful_restart_stale, api.proto NeighborDetail field 19): $neighbor_while_down"
  failed=1
fi
# evpnd logs every FSM transition; a Hold or Keepalive timer expiry is an event only in
# OpenSent, OpenConfirm and Established, so one seen in Idle, Connect or Active comes from a
# session that is gone and whose timers were left running.
late=$(grep -E 'event=(HoldTimer|KeepaliveTimer)_Expires (Idle|Connect|Active) ->' \
  "$WORK/ev.log" | cut -c12- || true)
if [[ -z $late ]]; then
  pass "evpnd: no Hold/Keepalive timer of a session that went down fired afterwards"
else
  log "FAIL: evpnd: timers of a session that went down fired afterwards into the FSM" \
    "(kReleaseResources does not stop the Hold and Keepalive timers):"
  # Each late expiry with the FSM transitions since its session went down.
  awk '/session down/ {buf = ""} /fsm peer|session down/ {buf = buf substr($0, 12) "\n"}
    /event=(HoldTimer|KeepaliveTimer)_Expires (Idle|Connect|Active) ->/ {printf "%s", buf}' \
    "$WORK/ev.log" >&2
  failed=1
fi
((failed == 0)) || fail "see the FAIL lines above"
