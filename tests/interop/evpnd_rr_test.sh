#!/usr/bin/env bash
# Interop: three evpnd instances in one AS, one of them a route reflector (RFC 4456).
#
#   ns $TAG-a: client a, router-id/VTEP 10.0.0.1, to-r 10.9.0.1/31
#   ns $TAG-r: reflector r, router-id 10.0.0.254, cluster-id 10.255.255.1,
#              to-a 10.9.0.0/31, to-b 10.9.0.2/31 (both neighbors route-reflector-client)
#   ns $TAG-b: client b, router-id/VTEP 10.0.0.2, to-r 10.9.0.3/31
#   AS 65000 everywhere (iBGP); every side connects actively (r starts first).
#
# 1. Both sessions Established once, iBGP, r marks its neighbors as route-reflector clients.
# 2. a's routes (network, types 2, 3, 5) reach b through r unchanged: next hop = a's VTEP
#    (EVPN) or a's address (IPv4), LOCAL_PREF 100, empty AS path; r's own view has them from
#    a. Same for b's routes at a.
# 3. On the wire (dumpcap + tshark): every UPDATE r sends to b carries ORIGINATOR_ID 10.0.0.1
#    and CLUSTER_LIST [10.255.255.1]; to a, ORIGINATOR_ID 10.0.0.2 and the same CLUSTER_LIST.
#    r does not send a client its own routes back; no client holds a copy of its own routes
#    learned from r.
# 4. a drops a route from its config (SIGHUP): r and b withdraw it.
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/data/checks.sh"
netns_init evpnd_rr
command -v tshark >/dev/null || fail "tshark not installed (used to read ORIGINATOR_ID/CLUSTER_LIST)"
command -v dumpcap >/dev/null || fail "dumpcap not installed"

NA=$TAG-a
NR=$TAG-r
NB=$TAG-b
make_ns "$NA"
make_ns "$NR"
make_ns "$NB"
link_ns "$NA" 10.9.0.1/31 "$NR" 10.9.0.0/31
link_ns "$NB" 10.9.0.3/31 "$NR" 10.9.0.2/31

# client_config NAME ID OCTET WITH_EXTRA: a client originating a network and EVPN routes.
client_config() {
  local name=$1 id=$2 n=$3 extra=""
  [[ $4 == yes ]] && extra="
    - {type: 2, vni: 100, mac: 02:00:00:00:0$n:09}"
  cat >"$WORK/$name.yaml" <<EOF
router-id: $id
asn: 65000
vtep-ip: $id
hold-time: 9
connect-retry: 1
neighbors:
  - {address: 10.9.0.$((2 * n - 2)), remote-as: internal, description: rr}
networks: [$id/32]
evpn:
  vrfs:
    - {name: red, l3vni: 5000, table: 10, router-mac: 02:00:00:00:0$n:ff}
  static-routes:
    - {type: 2, vni: 100, mac: 02:00:00:00:0$n:01, ip: 10.100.0.$n}
    - {type: 3, vni: 100}
    - {type: 5, prefix: 10.20.$n.0/24, l3vni: 5000}$extra
api: {socket: $WORK/$name.sock}
EOF
}
client_config a 10.0.0.1 1 yes
client_config b 10.0.0.2 2 no
cat >"$WORK/r.yaml" <<EOF
router-id: 10.0.0.254
asn: 65000
hold-time: 9
connect-retry: 1
route-reflector: {cluster-id: 10.255.255.1}
neighbors:
  - {address: 10.9.0.1, remote-as: 65000, route-reflector-client: true, description: client-a}
  - {address: 10.9.0.3, remote-as: internal, route-reflector-client: true, description: client-b}
api: {socket: $WORK/r.sock}
EOF

start_capture "$NA" to-r "$WORK/a.pcapng"
start_capture "$NB" to-r "$WORK/b.pcapng"
start_evpnd "$NR" r
evpnd_json_init r
start_evpnd "$NA" a
start_evpnd "$NB" b
wait_for 30 "r <-> a" evpnd_established r 10.9.0.1
wait_for 30 "r <-> b" evpnd_established r 10.9.0.3
wait_for 30 "a <-> r" evpnd_established a 10.9.0.0
wait_for 30 "b <-> r" evpnd_established b 10.9.0.2

# ---- 1. sessions ----------------------------------------------------------------------------
for p in "a 10.9.0.1 10.0.0.1" "b 10.9.0.3 10.0.0.2"; do
  read -r c addr id <<<"$p"
  expect_now "r's session to $c" \
    "state=Established remote_as=65000 router_id=$id ibgp=True route_reflector_client=True established_transitions=1" \
    neighbor_fields r "$addr" summary.state summary.remote_as router_id ibgp \
    route_reflector_client established_transitions
done
expect_now "a's session to r" "state=Established router_id=10.0.0.254 ibgp=True established_transitions=1" \
  neighbor_fields a 10.9.0.0 summary.state router_id ibgp established_transitions
expect_now "b's session to r" "state=Established router_id=10.0.0.254 ibgp=True established_transitions=1" \
  neighbor_fields b 10.9.0.2 summary.state router_id ibgp established_transitions

# ---- 2. routes through the reflector --------------------------------------------------------
ZERO_ESI=00:00:00:00:00:00:00:00:00:00
# check_client_routes VIEWER PEER_ADDR ORIGIN_OCTET: VIEWER sees the client's routes from
# PEER_ADDR with the client's next hops.
check_client_routes() {
  local v=$1 peer=$2 n=$3
  expect_eq "$v has 10.0.0.$n's type 2 (via $peer)" \
    "type=2 rd=10.0.0.$n:100 prefix=[2]:[0]:[48]:[02:00:00:00:0$n:01]:[32]:[10.100.0.$n] etag=0 mac=02:00:00:00:0$n:01 ip=10.100.0.$n vni=100 label1=100 label2=0 esi=$ZERO_ESI rt=65000:100 ec=RT:65000:100,ET:8 rmac=- seq=0 sticky=False nh=10.0.0.$n peer=$peer aspath=- origin=IGP lp=100 paths=1" \
    evpnd_evpn_route "$v" "10.0.0.$n:100" "[2]:[0]:[48]:[02:00:00:00:0$n:01]:[32]:[10.100.0.$n]"
  expect_eq "$v has 10.0.0.$n's type 3 (via $peer)" \
    "type=3 rd=10.0.0.$n:100 prefix=[3]:[0]:[32]:[10.0.0.$n] etag=0 orig=10.0.0.$n vni=100 rt=65000:100 ec=RT:65000:100,ET:8 pmsi=ingress-replication 10.0.0.$n vni 100 nh=10.0.0.$n peer=$peer aspath=- origin=IGP lp=100 paths=1" \
    evpnd_evpn_route "$v" "10.0.0.$n:100" "[3]:[0]:[32]:[10.0.0.$n]"
  expect_eq "$v has 10.0.0.$n's type 5 (via $peer)" \
    "type=5 rd=10.0.0.$n:5000 prefix=[5]:[0]:[24]:[10.20.$n.0] etag=0 ip_prefix=10.20.$n.0/24 vni=5000 label1=5000 esi=$ZERO_ESI gw=0.0.0.0 rt=65000:5000 ec=RT:65000:5000,ET:8,Rmac:02:00:00:00:0$n:ff rmac=02:00:00:00:0$n:ff nh=10.0.0.$n peer=$peer aspath=- origin=IGP lp=100 paths=1" \
    evpnd_evpn_route "$v" "10.0.0.$n:5000" "[5]:[0]:[24]:[10.20.$n.0]"
  expect_eq "$v has 10.0.0.$n's network (via $peer)" \
    "prefix=10.0.0.$n/32 nh=10.9.0.$((2 * n - 1)) peer=$peer aspath=- origin=IGP lp=100 med=0 communities=- paths=1" \
    evpnd_unicast_route "$v" ipv4 "10.0.0.$n/32"
}
check_client_routes r 10.9.0.1 1
check_client_routes r 10.9.0.3 2
check_client_routes b 10.9.0.2 1
check_client_routes a 10.9.0.0 2
expect_eq "r: routes from a, from b (evpn; ipv4)" "4 3; 1 1" eval \
  'echo "$(evpnd_count r evpn 10.9.0.1) $(evpnd_count r evpn 10.9.0.3);" \
    $(evpnd_count r ipv4 10.9.0.1) $(evpnd_count r ipv4 10.9.0.3)'
expect_now "r's counters to a (received/sent)" "l2vpn-evpn:4/3 ipv4-unicast:1/1" \
  family_counters r 10.9.0.1
expect_now "r's counters to b (received/sent)" "l2vpn-evpn:3/4 ipv4-unicast:1/1" \
  family_counters r 10.9.0.3
# A client's own routes must not come back to it as received routes (split horizon at r, or
# ORIGINATOR_ID loop detection at the client).
expect_now "a: own routes only local, b's from r (evpn local, evpn from r, total)" "4 3 7" eval \
  'echo $(evpnd_count a evpn local) $(evpnd_count a evpn 10.9.0.0) $(evpnd_count a evpn)'
expect_now "b: own routes only local, a's from r (evpn local, evpn from r, total)" "3 4 7" eval \
  'echo $(evpnd_count b evpn local) $(evpnd_count b evpn 10.9.0.2) $(evpnd_count b evpn)'

# ---- 4. withdrawal through the reflector (before reading the captures) ----------------------
log "a drops MAC 02:00:00:00:01:09 from its config (SIGHUP)"
expect_now "r has a's MAC 02:00:00:00:01:09 before" "nh=10.0.0.1" eval \
  'evpnd_evpn_route r 10.0.0.1:100 "[2]:[0]:[48]:[02:00:00:00:01:09]" | grep -o "nh=[^ ]*"'
expect_now "b has a's MAC 02:00:00:00:01:09 before" "nh=10.0.0.1" eval \
  'evpnd_evpn_route b 10.0.0.1:100 "[2]:[0]:[48]:[02:00:00:00:01:09]" | grep -o "nh=[^ ]*"'
client_config a 10.0.0.1 1 no
kill -HUP "${EVPND_PID[a]}"
expect_eq "r withdrew a's MAC 02:00:00:00:01:09" "absent" \
  evpnd_evpn_route r 10.0.0.1:100 "[2]:[0]:[48]:[02:00:00:00:01:09]"
expect_eq "b withdrew a's MAC 02:00:00:00:01:09" "absent" \
  evpnd_evpn_route b 10.0.0.1:100 "[2]:[0]:[48]:[02:00:00:00:01:09]"

# ---- 3. ORIGINATOR_ID and CLUSTER_LIST on the wire -----------------------------------------
sleep 1
stop_captures
# Every UPDATE that announces routes carries both attributes ("missing=N" would say
# otherwise); r -> a carries only ORIGINATOR_ID 10.0.0.2: r does not reflect a's own routes
# back to a.
expect_now "on the wire r -> b (a's routes)" \
  "originator_id=10.0.0.1 cluster_list=10.255.255.1" eval \
  "$PY '$INTEROP_DATA/rr_attrs.py' '$WORK/b.pcapng' 10.9.0.2 10.9.0.3 | cut -d' ' -f2-"
expect_now "on the wire r -> a (b's routes)" \
  "originator_id=10.0.0.2 cluster_list=10.255.255.1" eval \
  "$PY '$INTEROP_DATA/rr_attrs.py' '$WORK/a.pcapng' 10.9.0.0 10.9.0.1 | cut -d' ' -f2-"
pass "UPDATEs counted: r -> b $($PY "$INTEROP_DATA/rr_attrs.py" "$WORK/b.pcapng" 10.9.0.2 10.9.0.3 |
  cut -d' ' -f1), r -> a $($PY "$INTEROP_DATA/rr_attrs.py" "$WORK/a.pcapng" 10.9.0.0 10.9.0.1 |
  cut -d' ' -f1)"
expect_now "on the wire a -> r (a's own routes: no ORIGINATOR_ID/CLUSTER_LIST)" \
  "originator_id=- cluster_list=-" eval \
  "$PY '$INTEROP_DATA/rr_attrs.py' '$WORK/a.pcapng' 10.9.0.1 10.9.0.0 | cut -d' ' -f2,3"

for n in r a b; do pid_alive "${EVPND_PID[$n]}" || fail "$n died"; done
pass "r, a, b still running"
