#!/usr/bin/env bash
# evpnd <-> FRR 8.4 over iBGP (both AS 65011; evpnd says `remote-as: internal`) on a veth,
# families l2vpn-evpn and ipv4-unicast.
#
#   ns $TAG-ev (evpnd, AS 65011)                 ns $TAG-frr (zebra + bgpd, AS 65011)
#   lo 10.0.0.11/32 = router-id, VTEP            lo 10.0.0.100/32 = router-id, VTEP
#   to-frr 10.1.0.1/31 ------------------------- to-ev 10.1.0.0/31
#                                                br100 (SVI 10.100.0.1/24)
#                                                  +- vxlan100 (VNI 100, local 10.0.0.100)
#                                                  +- host100 (local MACs live here)
#
# Checks: both sides Established and iBGP; evpnd's routes reach FRR with LOCAL_PREF 100, an
# empty AS path, the right RD/RT/encapsulation/VNI and next hop, and are imported into VNI 100
# (FRR resolves the iBGP next hop 10.0.0.11 through evpnd's network 10.0.0.11/32); FRR's routes
# reach evpnd with LOCAL_PREF 100 and an empty AS path; withdrawals both ways (SIGHUP reload
# on evpnd, a deleted MAC on FRR).
source "$(dirname "$0")/../lib/netns.sh"
netns_init frr_ibgp

EV=$TAG-ev FRRNS=$TAG-frr FRR=$WORK/frr
make_ns "$EV"
make_ns "$FRRNS"
link_ns "$EV" 10.1.0.1/31 "$FRRNS" 10.1.0.0/31
ip -n "$EV" addr add 10.0.0.11/32 dev lo
ip -n "$FRRNS" addr add 10.0.0.100/32 dev lo
make_l2vni "$FRRNS" 100 10.0.0.100 02:00:00:00:01 10.100.0.1/24
bridge -n "$FRRNS" fdb add 02:00:00:00:01:01 dev host100 master static
bridge -n "$FRRNS" fdb add 02:00:00:00:01:02 dev host100 master static
ip -n "$FRRNS" neigh replace 10.100.0.11 lladdr 02:00:00:00:01:01 dev br100 nud reachable

mkdir -p "$FRR"
echo "hostname frr" >"$FRR/zebra.conf"
cat >"$FRR/bgpd.conf" <<EOF
frr defaults traditional
hostname frr
bgp route-map delay-timer 0
router bgp 65011
 bgp router-id 10.0.0.100
 no bgp default ipv4-unicast
 neighbor 10.1.0.1 remote-as internal
 neighbor 10.1.0.1 timers 3 9
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

# evpnd_config WITH_TYPE2: evpnd's config file (rewritten for the reload).
evpnd_config() {
  local type2=""
  [[ $1 == yes ]] && type2='    - {type: 2, vni: 100, mac: "02:00:00:00:0b:01", ip: 10.100.0.21}'
  cat >"$WORK/ev.yaml" <<EOF
router-id: 10.0.0.11
asn: 65011
vtep-ip: 10.0.0.11
neighbors:
  - address: 10.1.0.0
    remote-as: internal
    families: [l2vpn-evpn, ipv4-unicast]
networks: [10.0.0.11/32]
evpn:
  vnis: [{vni: 100}]
  static-routes:
$type2
    - {type: 3, vni: 100}
    - {type: 5, prefix: 10.55.0.0/24, l3vni: 5000}
api: {socket: $WORK/ev.sock}
EOF
}
evpnd_config yes

start_frr "$FRRNS" "$FRR"
start_evpnd "$EV" ev
evpnd_show_init ev

# --- sessions --------------------------------------------------------------------------
expect_json 30 "evpnd: iBGP session to FRR Established" \
  '{state: .summary.state, remote_as: .summary.remote_as, ibgp}' \
  '.state == "Established" and .remote_as == 65011 and .ibgp' \
  evpnd_show ev bgp neighbor 10.1.0.0
expect_json 10 "FRR: iBGP session to evpnd Established in both families" \
  '{ipv4: .ipv4Unicast.peers["10.1.0.1"] | {state, remoteAs},
    evpn: .l2VpnEvpn.peers["10.1.0.1"] | {state, remoteAs}, localAs: .l2VpnEvpn.as}' \
  '.ipv4.state == "Established" and .evpn.state == "Established" and .evpn.remoteAs == 65011' \
  vty "$FRR" "show bgp summary json"
expect_json 5 "FRR: the peer is internal" \
  '.["10.1.0.1"] | {nbrInternalLink, localAs, remoteAs}' \
  '.nbrInternalLink and .localAs == 65011 and .remoteAs == 65011' \
  vty "$FRR" "show bgp neighbors 10.1.0.1 json"

# --- evpnd's routes in FRR ---------------------------------------------------------------
T2='[2]:[0]:[48]:[02:00:00:00:0b:01]:[32]:[10.100.0.21]'
T3='[3]:[0]:[32]:[10.0.0.11]'
T5='[5]:[0]:[24]:[10.55.0.0]'
FRR_PATH='to_entries[] | select(.value | type == "object") | .key as $rd | .value
  | to_entries[] | select(.value | type == "object" and has("paths")) | .key as $p
  | .value.paths[][] | {rd: $rd, prefix: $p, ec: .extendedCommunity.string, locPrf,
    nh: .nexthops[0].ip, vni: .VNI, pmsi, aspath: .aspath.string, aslen: .aspath.length,
    from: .peer.type, valid}'
has_ec() { echo "(.ec | split(\" \") | index(\"$1\")) != null"; }
IBGP='.locPrf == 100 and .aslen == 0 and .from == "internal" and .valid'
expect_json 20 "FRR: evpnd's type-2 MAC+IP route, LOCAL_PREF 100" \
  "$FRR_PATH | select(.prefix == \"$T2\")" \
  ".rd == \"10.0.0.11:100\" and $(has_ec RT:65011:100) and $(has_ec ET:8) and
   .nh == \"10.0.0.11\" and .vni == \"100\" and $IBGP" \
  vty "$FRR" "show bgp l2vpn evpn route rd 10.0.0.11:100 json"
expect_json 5 "FRR: evpnd's type-3 route, LOCAL_PREF 100" \
  "$FRR_PATH | select(.prefix == \"$T3\")" \
  ".rd == \"10.0.0.11:100\" and $(has_ec RT:65011:100) and $(has_ec ET:8) and
   .nh == \"10.0.0.11\" and .pmsi.label == 100 and $IBGP" \
  vty "$FRR" "show bgp l2vpn evpn route rd 10.0.0.11:100 json"
expect_json 5 "FRR: evpnd's type-5 route, LOCAL_PREF 100" \
  "$FRR_PATH | select(.prefix == \"$T5\")" \
  ".rd == \"10.0.0.11:5000\" and $(has_ec RT:65011:5000) and $(has_ec ET:8) and
   .nh == \"10.0.0.11\" and .vni == \"5000\" and $IBGP" \
  vty "$FRR" "show bgp l2vpn evpn route rd 10.0.0.11:5000 json"
expect_json 10 "FRR: evpnd's network 10.0.0.11/32, LOCAL_PREF 100" \
  '.routes["10.0.0.11/32"][] | {valid, nh: .nexthops[0].ip, locPrf, path, pathFrom}' \
  '.valid and .nh == "10.1.0.1" and .locPrf == 100 and .path == "" and .pathFrom == "internal"' \
  vty "$FRR" "show bgp ipv4 unicast json"
expect_json 10 "FRR zebra: evpnd's MAC is a remote MAC in VNI 100" \
  '.macs["02:00:00:00:0b:01"]' '.type == "remote" and .remoteVtep == "10.0.0.11"' \
  vty "$FRR" "show evpn mac vni 100 json"
expect_json 10 "FRR zebra: evpnd's VTEP in VNI 100's flood list (type 3)" \
  '{vni, remoteVteps: .numRemoteVteps}' \
  '.vni == 100 and (.remoteVteps | index("10.0.0.11")) != null' \
  vty "$FRR" "show evpn vni 100 json"

# --- FRR's routes in evpnd -----------------------------------------------------------------
FRR_RD=$(vty "$FRR" "show bgp l2vpn evpn vni 100 json" | jq -r .rd)
[[ $FRR_RD == 10.0.0.100:* ]] || fail "FRR's RD for VNI 100 is '$FRR_RD'"
log "FRR's RD for VNI 100: $FRR_RD"
EV_ROUTE='.routes[] | {route_type, rd, prefix, mac, ip, vni, originating_router,
  p: (.paths[0] | {peer, next_hop, as_path, local_pref, route_targets, extended_communities,
  label1, pmsi_tunnel, stale})}'
FROM_FRR=".rd == \"$FRR_RD\" and .vni == 100 and .p.peer == \"10.1.0.0\" and
  .p.next_hop == \"10.0.0.100\" and .p.as_path == \"\" and .p.local_pref == 100 and
  (.p.route_targets | index(\"65011:100\")) != null and
  (.p.extended_communities | index(\"ET:8\")) != null and .p.stale == false"
expect_json 20 "evpnd: FRR's type-2 MAC+IP route, LOCAL_PREF 100" \
  "$EV_ROUTE | select(.route_type == 2 and .mac == \"02:00:00:00:01:01\" and .ip != \"\")" \
  "$FROM_FRR and .ip == \"10.100.0.11\" and .p.label1 == 100" evpnd_show ev bgp evpn routes
for mac in 02:00:00:00:01:01 02:00:00:00:01:02; do
  expect_json 5 "evpnd: FRR's type-2 MAC route $mac, LOCAL_PREF 100" \
    "$EV_ROUTE | select(.route_type == 2 and .mac == \"$mac\" and .ip == \"\")" \
    "$FROM_FRR and .p.label1 == 100" evpnd_show ev bgp evpn routes
done
expect_json 5 "evpnd: FRR's type-3 route, LOCAL_PREF 100" \
  "$EV_ROUTE | select(.route_type == 3 and .originating_router == \"10.0.0.100\")" \
  "$FROM_FRR and .p.pmsi_tunnel == \"ingress-replication 10.0.0.100 vni 100\"" \
  evpnd_show ev bgp evpn routes
expect_json 5 "evpnd: FRR's network 10.0.0.100/32, LOCAL_PREF 100" \
  '.routes[] | select(.prefix == "10.0.0.100/32") | .paths[0]' \
  '.peer == "10.1.0.0" and .next_hop == "10.1.0.0" and .as_path == "" and .local_pref == 100' \
  evpnd_show ev bgp ipv4 routes

# --- withdrawals ------------------------------------------------------------------------------
log "evpnd: config without the type-2 route, SIGHUP"
evpnd_config no
kill -HUP "${EVPND_PID[ev]}"
expect_json 10 "FRR: evpnd's type-2 route withdrawn after SIGHUP" \
  "[$FRR_PATH | .prefix] | {evpnd_prefixes: .}" \
  ".evpnd_prefixes == [\"$T3\"]" vty "$FRR" "show bgp l2vpn evpn route rd 10.0.0.11:100 json"
expect_json 10 "FRR zebra: evpnd's MAC gone from VNI 100" \
  '{mac: .macs["02:00:00:00:0b:01"], numMacs}' '.mac == null' \
  vty "$FRR" "show evpn mac vni 100 json"
log "FRR: bridge fdb del 02:00:00:00:01:02"
bridge -n "$FRRNS" fdb del 02:00:00:00:01:02 dev host100 master
expect_json 10 "evpnd: FRR's MAC 02:00:00:00:01:02 withdrawn" \
  '[.routes[] | select(.route_type == 2 and .rd == "'"$FRR_RD"'") | .prefix] | {frr_type2: .}' \
  '.frr_type2 | index("[2]:[0]:[48]:[02:00:00:00:01:02]") == null and length == 2' \
  evpnd_show ev bgp evpn routes
expect_json 5 "evpnd: session still Established, never reset" \
  '{state: .summary.state, established_transitions, last_error}' \
  '.state == "Established" and .established_transitions == 1' \
  evpnd_show ev bgp neighbor 10.1.0.0
