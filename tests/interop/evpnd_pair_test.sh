#!/usr/bin/env bash
# Interop: two evpnd instances peering over eBGP, families l2vpn-evpn and ipv4-unicast. b
# connects, a only accepts (passive), so that a's last_error keeps b's NOTIFICATION: an active
# side replaces it with "connect: Connection refused" about a second later (see
# evpnd_reconnect_test.sh).
#
#   ns $TAG-a: evpnd "a", AS 65001, router-id/VTEP 10.0.0.1, to-b 10.9.0.1/31
#   ns $TAG-b: evpnd "b", AS 65002, router-id/VTEP 10.0.0.2, to-a 10.9.0.0/31
#
# 1. One session, Established on both sides, both families negotiated.
# 2. Each originates a network and static EVPN routes of types 2 (MAC, MAC+IP), 3 and 5; each
#    sees the other's with the right fields (RD, RT, labels, ESI, router MAC, PMSI, next hop =
#    the other's VTEP, AS path).
# 3. SIGTERM to b: b exits 0 after sending Cease/Administrative Shutdown; a's last_error says
#    received 6/2 with b's shutdown communication; b's routes are gone from a's tables.
# 4. b starts again: the session comes back and a relearns b's routes.
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/data/checks.sh"
netns_init evpnd_pair

A=$TAG-a
B=$TAG-b
make_ns "$A"
make_ns "$B"
link_ns "$A" 10.9.0.1/31 "$B" 10.9.0.0/31

# evpnd_config NAME ASN ID PEER PEER_AS OCTET PASSIVE: a host originating a network and
# EVPN routes of types 2, 3 and 5.
evpnd_config() {
  local name=$1 asn=$2 id=$3 peer=$4 peer_as=$5 n=$6 passive=$7
  cat >"$WORK/$name.yaml" <<EOF
router-id: $id
asn: $asn
vtep-ip: $id
hold-time: 9
connect-retry: 1
neighbors:
  - {address: $peer, remote-as: $peer_as, description: evpnd-peer, passive: $passive}
networks: [$id/32]
evpn:
  vrfs:
    - {name: red, l3vni: 5000, table: 10, router-mac: 02:00:00:00:0$n:ff}
  static-routes:
    - {type: 2, vni: 100, mac: 02:00:00:00:0$n:01}
    - {type: 2, vni: 100, mac: 02:00:00:00:0$n:02, ip: 10.100.0.$n}
    - {type: 3, vni: 100}
    - {type: 5, prefix: 10.20.$n.0/24, l3vni: 5000}
api: {socket: $WORK/$name.sock}
EOF
}
evpnd_config a 65001 10.0.0.1 10.9.0.0 65002 1 true
evpnd_config b 65002 10.0.0.2 10.9.0.1 65001 2 false

start_evpnd "$A" a
evpnd_json_init a
start_evpnd "$B" b
wait_for 30 "a -> b session" evpnd_established a 10.9.0.0
wait_for 30 "b -> a session" evpnd_established b 10.9.0.1

# ---- 1. the session -------------------------------------------------------------------------
expect_now "a's session" \
  "state=Established remote_as=65002 router_id=10.0.0.2 ibgp=False families=l2vpn-evpn,ipv4-unicast" \
  neighbor_fields a 10.9.0.0 summary.state summary.remote_as router_id ibgp negotiated.families
expect_now "b's session" \
  "state=Established remote_as=65001 router_id=10.0.0.1 ibgp=False families=l2vpn-evpn,ipv4-unicast" \
  neighbor_fields b 10.9.0.1 summary.state summary.remote_as router_id ibgp negotiated.families
expect_now "the connection: b -> a port 179" "a local_port=179 b remote_port=179" \
  eval 'echo a $(neighbor_fields a 10.9.0.0 local_port) b $(neighbor_fields b 10.9.0.1 remote_port)'

# ---- 2. routes each way ---------------------------------------------------------------------
ZERO_ESI=00:00:00:00:00:00:00:00:00:00
for pair in "a b 1 2 65002 10.9.0.0" "b a 2 1 65001 10.9.0.1"; do
  read -r me other n o other_as other_addr <<<"$pair"
  expect_eq "$me sees $other's type 2 MAC only" \
    "type=2 rd=10.0.0.$o:100 prefix=[2]:[0]:[48]:[02:00:00:00:0$o:01] etag=0 mac=02:00:00:00:0$o:01 ip=- vni=100 label1=100 label2=0 esi=$ZERO_ESI rt=$other_as:100 ec=RT:$other_as:100,ET:8 rmac=- seq=0 sticky=False nh=10.0.0.$o peer=$other_addr aspath=$other_as origin=IGP lp=0 paths=1" \
    evpnd_evpn_route "$me" "10.0.0.$o:100" "[2]:[0]:[48]:[02:00:00:00:0$o:01]"
  expect_eq "$me sees $other's type 2 MAC+IP" \
    "type=2 rd=10.0.0.$o:100 prefix=[2]:[0]:[48]:[02:00:00:00:0$o:02]:[32]:[10.100.0.$o] etag=0 mac=02:00:00:00:0$o:02 ip=10.100.0.$o vni=100 label1=100 label2=0 esi=$ZERO_ESI rt=$other_as:100 ec=RT:$other_as:100,ET:8 rmac=- seq=0 sticky=False nh=10.0.0.$o peer=$other_addr aspath=$other_as origin=IGP lp=0 paths=1" \
    evpnd_evpn_route "$me" "10.0.0.$o:100" "[2]:[0]:[48]:[02:00:00:00:0$o:02]:[32]:[10.100.0.$o]"
  expect_eq "$me sees $other's type 3" \
    "type=3 rd=10.0.0.$o:100 prefix=[3]:[0]:[32]:[10.0.0.$o] etag=0 orig=10.0.0.$o vni=100 rt=$other_as:100 ec=RT:$other_as:100,ET:8 pmsi=ingress-replication 10.0.0.$o vni 100 nh=10.0.0.$o peer=$other_addr aspath=$other_as origin=IGP lp=0 paths=1" \
    evpnd_evpn_route "$me" "10.0.0.$o:100" "[3]:[0]:[32]:[10.0.0.$o]"
  expect_eq "$me sees $other's type 5" \
    "type=5 rd=10.0.0.$o:5000 prefix=[5]:[0]:[24]:[10.20.$o.0] etag=0 ip_prefix=10.20.$o.0/24 vni=5000 label1=5000 esi=$ZERO_ESI gw=0.0.0.0 rt=$other_as:5000 ec=RT:$other_as:5000,ET:8,Rmac:02:00:00:00:0$o:ff rmac=02:00:00:00:0$o:ff nh=10.0.0.$o peer=$other_addr aspath=$other_as origin=IGP lp=0 paths=1" \
    evpnd_evpn_route "$me" "10.0.0.$o:5000" "[5]:[0]:[24]:[10.20.$o.0]"
  expect_eq "$me sees $other's network" \
    "prefix=10.0.0.$o/32 nh=$other_addr peer=$other_addr aspath=$other_as origin=IGP lp=0 med=0 communities=- paths=1" \
    evpnd_unicast_route "$me" ipv4 "10.0.0.$o/32"
  expect_now "$me's tables: own + the other's routes (evpn local, evpn from peer, ipv4 from peer)" \
    "4 4 1" eval "echo \$(evpnd_count $me evpn local) \$(evpnd_count $me evpn $other_addr) \
      \$(evpnd_count $me ipv4 $other_addr)"
  expect_now "$me's counters (received/sent)" "l2vpn-evpn:4/4 ipv4-unicast:1/1" \
    family_counters "$me" "$other_addr"
done

# ---- 3. SIGTERM -----------------------------------------------------------------------------
log "SIGTERM to b"
stop_pid "${EVPND_PID[b]}" 10
((STOPPED_RC == 0)) || fail "b exited with status $STOPPED_RC after SIGTERM"
pass "b exited with status 0 after SIGTERM"
grep -q 'notification sent peer=10.9.0.1 code=6 subcode=2' "$WORK/b.log" ||
  fail "b's log has no 'notification sent ... code=6 subcode=2'"
pass "b's log: $(grep -o 'notification sent peer=10.9.0.1 code=6 subcode=2.*' "$WORK/b.log")"
expect_eq "a's last_error" \
  "direction=received code=6 subcode=2 code_name=Cease subcode_name=Administrative Shutdown message=Cease/Administrative Shutdown: evpnd stopped (SIGTERM)" \
  neighbor_fields a 10.9.0.0 last_error.direction last_error.code last_error.subcode \
  last_error.code_name last_error.subcode_name last_error.message
state=$(neighbor_field a 10.9.0.0 summary.state)
[[ $state != Established ]] || fail "a's session to b is still Established"
pass "a's session is down: state=$state"
expect_eq "b's routes gone from a (evpn, ipv4 from b)" "0 0" eval \
  'echo $(evpnd_count a evpn 10.9.0.0) $(evpnd_count a ipv4 10.9.0.0)'
expect_now "a keeps its own routes (evpn, ipv4)" "4 1" eval \
  'echo $(evpnd_count a evpn local) $(evpnd_count a ipv4 local)'
pid_alive "${EVPND_PID[a]}" || fail "a died"
pass "a (pid ${EVPND_PID[a]}) still running"

# ---- 4. b again -----------------------------------------------------------------------------
log "b starts again"
rm -f "$WORK/b.sock"
mv "$WORK/b.log" "$WORK/b.1.log.txt"
start_evpnd "$B" b
wait_for 30 "a <-> b session again" evpnd_established a 10.9.0.0
expect_eq "a relearned b's routes (evpn, ipv4 from b)" "4 1" eval \
  'echo $(evpnd_count a evpn 10.9.0.0) $(evpnd_count a ipv4 10.9.0.0)'
expect_eq "b relearned a's routes (evpn, ipv4 from a)" "4 1" eval \
  'echo $(evpnd_count b evpn 10.9.0.1) $(evpnd_count b ipv4 10.9.0.1)'
expect_now "a's session counters" "state=Established established_transitions=2" \
  neighbor_fields a 10.9.0.0 summary.state established_transitions
