#!/usr/bin/env bash
# Interop: evpnd <-> GoBGP 3.10 over eBGP, families l2vpn-evpn and ipv4-unicast.
#
#   ns $TAG-e: evpnd AS 65001, router-id/VTEP 10.0.0.1, to-g 10.9.0.1/31
#   ns $TAG-g: gobgpd AS 65002, router-id 10.0.0.2, to-e 10.9.0.0/31
#
# 1. GoBGP originates (gobgp CLI) type 2 (MAC only; MAC+IPv4 with an LACP ESI, a non-zero
#    Ethernet tag, two labels, two RTs and a router MAC; MAC+IPv6 with an arbitrary ESI),
#    type 3 (PMSI ingress replication), type 5 (IPv4 with a gateway, IPv6 without) and an IPv4
#    unicast prefix: every field shows right in evpnd's API.
# 2. evpnd originates networks and evpn.static-routes (types 2, 3, 5; auto and configured
#    RD/RT): every field shows right in `gobgp global rib -a evpn -j` / `-a ipv4 -j`.
# 3. GoBGP withdraws some routes: they are gone from evpnd, the others stay.
# 4. evpnd withdraws routes dropped from its config (SIGHUP): they are gone from GoBGP.
# 5. The session never flapped.
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/data/checks.sh"
netns_init gobgp_evpn
command -v gobgpd >/dev/null || fail "gobgpd not installed"

E=$TAG-e
G=$TAG-g
make_ns "$E"
make_ns "$G"
link_ns "$E" 10.9.0.1/31 "$G" 10.9.0.0/31

write_evpnd_config() { # $1: "all" or "reduced" (static routes after the reload of step 4)
  local extra=""
  if [[ $1 == all ]]; then
    extra="
    - {type: 2, vni: 100, mac: 02:00:00:00:01:03}
    - {type: 5, prefix: 10.30.0.0/24, l3vni: 5000}"
  fi
  cat >"$WORK/e.yaml" <<EOF
router-id: 10.0.0.1
asn: 65001
vtep-ip: 10.0.0.1
hold-time: 9
connect-retry: 1
neighbors:
  - address: 10.9.0.0
    remote-as: 65002
    description: gobgp
    families: [l2vpn-evpn, ipv4-unicast]
networks: [10.0.0.1/32, 10.1.1.0/24]
evpn:
  vnis:
    - {vni: 200, rd: 10.0.0.1:2, route-targets: {import: [auto], export: [65000:200, 4200000000:7]}}
  vrfs:
    - {name: red, l3vni: 5000, table: 10, router-mac: 02:00:00:00:01:ff}
  static-routes:
    - {type: 2, vni: 100, mac: 02:00:00:00:01:01}
    - {type: 2, vni: 100, mac: 02:00:00:00:01:02, ip: 10.100.0.12}
    - {type: 2, vni: 200, mac: 02:00:00:00:01:04, ip: 2001:db8:200::14, sticky: true}
    - {type: 3, vni: 100}
    - {type: 3, vni: 200}
    - {type: 5, prefix: 10.20.0.0/16, l3vni: 5000, gateway: 10.20.0.1}
    - {type: 5, prefix: 2001:db8:20::/48, l3vni: 5000}$extra
api: {socket: $WORK/e.sock}
EOF
}
write_evpnd_config all

write_gobgp_config g 65002 10.0.0.2 10.9.0.1 65001 ipv4-unicast l2vpn-evpn

start_gobgpd "$G" g
start_evpnd "$E" e
evpnd_json_init e
wait_for 30 "evpnd <-> gobgpd session" evpnd_established e 10.9.0.0
expect_eq "session" \
  "state=Established remote_as=65002 router_id=10.0.0.2 families=l2vpn-evpn,ipv4-unicast" \
  neighbor_fields e 10.9.0.0 summary.state summary.remote_as router_id negotiated.families

# ---- 1. GoBGP -> evpnd ----------------------------------------------------------------------
log "GoBGP originates EVPN types 2, 3, 5 and an IPv4 prefix"
GB=(gobgp_in "$G" global rib)
"${GB[@]}" -a evpn add macadv 02:00:00:00:02:01 0.0.0.0 etag 0 label 100 rd 10.0.0.2:100 \
  rt 65001:100 encap vxlan nexthop 10.0.0.2
"${GB[@]}" -a evpn add macadv 02:00:00:00:02:02 10.100.0.22 esi LACP 02:00:00:00:aa:01 1 \
  etag 7 label 100,5000 rd 10.0.0.2:100 rt 65001:100 65001:5000 encap vxlan \
  router-mac 02:00:00:00:02:ff nexthop 10.0.0.2
"${GB[@]}" -a evpn add macadv 02:00:00:00:02:03 2001:db8:100::23 \
  esi ARBITRARY 00:11:22:33:44:55:66:77:88 etag 0 label 100 rd 10.0.0.2:100 rt 65001:100 \
  encap vxlan nexthop 10.0.0.2
"${GB[@]}" -a evpn add multicast 10.0.0.2 etag 0 rd 10.0.0.2:100 rt 65001:100 encap vxlan \
  pmsi ingress-repl 100 10.0.0.2 nexthop 10.0.0.2
"${GB[@]}" -a evpn add prefix 203.0.113.0/24 gw 10.100.0.254 etag 0 label 5000 \
  rd 10.0.0.2:5000 rt 65001:5000 encap vxlan router-mac 02:00:00:00:02:ff nexthop 10.0.0.2
"${GB[@]}" -a evpn add prefix 2001:db8:5::/64 etag 0 label 5001 rd 10.0.0.2:5001 \
  rt 10.0.0.2:5001 encap vxlan router-mac 02:00:00:00:02:fe nexthop 10.0.0.2
"${GB[@]}" -a ipv4 add 10.0.0.2/32 origin igp med 20 community 65002:1

ZERO_ESI=00:00:00:00:00:00:00:00:00:00
expect_eq "evpnd: GoBGP type 2 MAC only" \
  "type=2 rd=10.0.0.2:100 prefix=[2]:[0]:[48]:[02:00:00:00:02:01] etag=0 mac=02:00:00:00:02:01 ip=- vni=100 label1=100 label2=0 esi=$ZERO_ESI rt=65001:100 ec=RT:65001:100,ET:8 rmac=- seq=0 sticky=False nh=10.0.0.2 peer=10.9.0.0 aspath=65002 origin=incomplete lp=0 paths=1" \
  evpnd_evpn_route e 10.0.0.2:100 "[2]:[0]:[48]:[02:00:00:00:02:01]"
expect_eq "evpnd: GoBGP type 2 MAC+IPv4, LACP ESI, etag 7, L2+L3 labels, router MAC" \
  "type=2 rd=10.0.0.2:100 prefix=[2]:[7]:[48]:[02:00:00:00:02:02]:[32]:[10.100.0.22] etag=7 mac=02:00:00:00:02:02 ip=10.100.0.22 vni=100 label1=100 label2=5000 esi=01:02:00:00:00:aa:01:00:01:00 rt=65001:100,65001:5000 ec=RT:65001:100,RT:65001:5000,ET:8,Rmac:02:00:00:00:02:ff rmac=02:00:00:00:02:ff seq=0 sticky=False nh=10.0.0.2 peer=10.9.0.0 aspath=65002 origin=incomplete lp=0 paths=1" \
  evpnd_evpn_route e 10.0.0.2:100 "[2]:[7]:[48]:[02:00:00:00:02:02]:[32]:[10.100.0.22]"
expect_eq "evpnd: GoBGP type 2 MAC+IPv6, arbitrary ESI" \
  "type=2 rd=10.0.0.2:100 prefix=[2]:[0]:[48]:[02:00:00:00:02:03]:[128]:[2001:db8:100::23] etag=0 mac=02:00:00:00:02:03 ip=2001:db8:100::23 vni=100 label1=100 label2=0 esi=00:00:11:22:33:44:55:66:77:88 rt=65001:100 ec=RT:65001:100,ET:8 rmac=- seq=0 sticky=False nh=10.0.0.2 peer=10.9.0.0 aspath=65002 origin=incomplete lp=0 paths=1" \
  evpnd_evpn_route e 10.0.0.2:100 "[2]:[0]:[48]:[02:00:00:00:02:03]:[128]:[2001:db8:100::23]"
expect_eq "evpnd: GoBGP type 3 with PMSI ingress replication" \
  "type=3 rd=10.0.0.2:100 prefix=[3]:[0]:[32]:[10.0.0.2] etag=0 orig=10.0.0.2 vni=100 rt=65001:100 ec=RT:65001:100,ET:8 pmsi=ingress-replication 10.0.0.2 vni 100 nh=10.0.0.2 peer=10.9.0.0 aspath=65002 origin=incomplete lp=0 paths=1" \
  evpnd_evpn_route e 10.0.0.2:100 "[3]:[0]:[32]:[10.0.0.2]"
expect_eq "evpnd: GoBGP type 5 IPv4 prefix with gateway and router MAC" \
  "type=5 rd=10.0.0.2:5000 prefix=[5]:[0]:[24]:[203.0.113.0] etag=0 ip_prefix=203.0.113.0/24 vni=5000 label1=5000 esi=$ZERO_ESI gw=10.100.0.254 rt=65001:5000 ec=RT:65001:5000,ET:8,Rmac:02:00:00:00:02:ff rmac=02:00:00:00:02:ff nh=10.0.0.2 peer=10.9.0.0 aspath=65002 origin=incomplete lp=0 paths=1" \
  evpnd_evpn_route e 10.0.0.2:5000 "[5]:[0]:[24]:[203.0.113.0]"
expect_eq "evpnd: GoBGP type 5 IPv6 prefix, IPv4-address RT, no gateway" \
  "type=5 rd=10.0.0.2:5001 prefix=[5]:[0]:[64]:[2001:db8:5::] etag=0 ip_prefix=2001:db8:5::/64 vni=5001 label1=5001 esi=$ZERO_ESI gw=:: rt=10.0.0.2:5001 ec=RT:10.0.0.2:5001,ET:8,Rmac:02:00:00:00:02:fe rmac=02:00:00:00:02:fe nh=10.0.0.2 peer=10.9.0.0 aspath=65002 origin=incomplete lp=0 paths=1" \
  evpnd_evpn_route e 10.0.0.2:5001 "[5]:[0]:[64]:[2001:db8:5::]"
expect_eq "evpnd: GoBGP IPv4 unicast prefix" \
  "prefix=10.0.0.2/32 nh=10.9.0.0 peer=10.9.0.0 aspath=65002 origin=IGP lp=0 med=20 communities=65002:1 paths=1" \
  evpnd_unicast_route e ipv4 10.0.0.2/32
expect_eq "evpnd: counters (received/sent)" "l2vpn-evpn:6/9 ipv4-unicast:1/2" \
  family_counters e 10.9.0.0

# ---- 2. evpnd -> GoBGP ----------------------------------------------------------------------
log "evpnd's networks and static routes as GoBGP sees them"
expect_eq "gobgp: evpnd type 2 MAC only (auto RD/RT)" \
  "type=2 rd=10.0.0.1:100 etag=0 mac=02:00:00:00:01:01 ip=<nil> labels=100 esi=single-homed nh=10.0.0.1 aspath=65001 origin=i rt=65001:100 encap=8 rmac=-" \
  gobgp_route "$G" evpn "[type:macadv][rd:10.0.0.1:100][etag:0][mac:02:00:00:00:01:01][ip:<nil>]"
expect_eq "gobgp: evpnd type 2 MAC+IPv4" \
  "type=2 rd=10.0.0.1:100 etag=0 mac=02:00:00:00:01:02 ip=10.100.0.12 labels=100 esi=single-homed nh=10.0.0.1 aspath=65001 origin=i rt=65001:100 encap=8 rmac=-" \
  gobgp_route "$G" evpn "[type:macadv][rd:10.0.0.1:100][etag:0][mac:02:00:00:00:01:02][ip:10.100.0.12]"
# GoBGP prints 4-octet-AS route targets in asdot: 4200000000:7 is 64086.59904:7.
expect_eq "gobgp: evpnd type 2 MAC+IPv6 sticky, configured RD and export RTs" \
  "type=2 rd=10.0.0.1:2 etag=0 mac=02:00:00:00:01:04 ip=2001:db8:200::14 labels=200 esi=single-homed nh=10.0.0.1 aspath=65001 origin=i rt=65000:200,64086.59904:7 encap=8 rmac=- mm=seq 0 sticky" \
  gobgp_route "$G" evpn "[type:macadv][rd:10.0.0.1:2][etag:0][mac:02:00:00:00:01:04][ip:2001:db8:200::14]"
expect_eq "gobgp: evpnd type 3 VNI 100 with PMSI" \
  "type=3 rd=10.0.0.1:100 etag=0 ip=10.0.0.1 nh=10.0.0.1 aspath=65001 origin=i rt=65001:100 encap=8 rmac=- pmsi=ingress-repl/100/10.0.0.1" \
  gobgp_route "$G" evpn "[type:multicast][rd:10.0.0.1:100][etag:0][ip:10.0.0.1]"
expect_eq "gobgp: evpnd type 3 VNI 200 with PMSI" \
  "type=3 rd=10.0.0.1:2 etag=0 ip=10.0.0.1 nh=10.0.0.1 aspath=65001 origin=i rt=65000:200,64086.59904:7 encap=8 rmac=- pmsi=ingress-repl/200/10.0.0.1" \
  gobgp_route "$G" evpn "[type:multicast][rd:10.0.0.1:2][etag:0][ip:10.0.0.1]"
expect_eq "gobgp: evpnd type 5 IPv4 with gateway and router MAC" \
  "type=5 rd=10.0.0.1:5000 etag=0 prefix=10.20.0.0/16 gw=10.20.0.1 label=5000 esi=single-homed nh=10.0.0.1 aspath=65001 origin=i rt=65001:5000 encap=8 rmac=02:00:00:00:01:ff" \
  gobgp_route "$G" evpn "[type:Prefix][rd:10.0.0.1:5000][etag:0][prefix:10.20.0.0/16]"
expect_eq "gobgp: evpnd type 5 IPv6 without gateway" \
  "type=5 rd=10.0.0.1:5000 etag=0 prefix=2001:db8:20::/48 gw=:: label=5000 esi=single-homed nh=10.0.0.1 aspath=65001 origin=i rt=65001:5000 encap=8 rmac=02:00:00:00:01:ff" \
  gobgp_route "$G" evpn "[type:Prefix][rd:10.0.0.1:5000][etag:0][prefix:2001:db8:20::/48]"
expect_eq "gobgp: evpnd network 10.0.0.1/32" \
  "prefix=10.0.0.1/32 nh=10.9.0.1 aspath=65001 origin=i rt=- encap=- rmac=-" \
  gobgp_route "$G" ipv4 10.0.0.1/32
expect_eq "gobgp: evpnd network 10.1.1.0/24" \
  "prefix=10.1.1.0/24 nh=10.9.0.1 aspath=65001 origin=i rt=- encap=- rmac=-" \
  gobgp_route "$G" ipv4 10.1.1.0/24
expect_eq "gobgp: evpnd type 2 to be dropped later" \
  "type=2 rd=10.0.0.1:100 etag=0 mac=02:00:00:00:01:03 ip=<nil> labels=100 esi=single-homed nh=10.0.0.1 aspath=65001 origin=i rt=65001:100 encap=8 rmac=-" \
  gobgp_route "$G" evpn "[type:macadv][rd:10.0.0.1:100][etag:0][mac:02:00:00:00:01:03][ip:<nil>]"
expect_eq "gobgp: evpnd type 5 to be dropped later" \
  "type=5 rd=10.0.0.1:5000 etag=0 prefix=10.30.0.0/24 gw=0.0.0.0 label=5000 esi=single-homed nh=10.0.0.1 aspath=65001 origin=i rt=65001:5000 encap=8 rmac=02:00:00:00:01:ff" \
  gobgp_route "$G" evpn "[type:Prefix][rd:10.0.0.1:5000][etag:0][prefix:10.30.0.0/24]"
expect_now "gobgp: routes from evpnd (evpn, ipv4)" "9 2" \
  eval 'echo $(gobgp_count "$G" evpn 10.9.0.1) $(gobgp_count "$G" ipv4 10.9.0.1)'

# ---- 3. withdrawals from GoBGP --------------------------------------------------------------
log "GoBGP withdraws the MAC-only, the type 3, the IPv4 type 5 routes and the IPv4 prefix"
"${GB[@]}" -a evpn del macadv 02:00:00:00:02:01 0.0.0.0 etag 0 label 100 rd 10.0.0.2:100
"${GB[@]}" -a evpn del multicast 10.0.0.2 etag 0 rd 10.0.0.2:100
"${GB[@]}" -a evpn del prefix 203.0.113.0/24 etag 0 rd 10.0.0.2:5000
"${GB[@]}" -a ipv4 del 10.0.0.2/32
expect_eq "evpnd: withdrawn type 2 MAC only" "absent" \
  evpnd_evpn_route e 10.0.0.2:100 "[2]:[0]:[48]:[02:00:00:00:02:01]"
expect_eq "evpnd: withdrawn type 3" "absent" \
  evpnd_evpn_route e 10.0.0.2:100 "[3]:[0]:[32]:[10.0.0.2]"
expect_eq "evpnd: withdrawn type 5" "absent" \
  evpnd_evpn_route e 10.0.0.2:5000 "[5]:[0]:[24]:[203.0.113.0]"
expect_eq "evpnd: withdrawn IPv4 prefix" "absent" evpnd_unicast_route e ipv4 10.0.0.2/32
expect_now "evpnd: GoBGP's MAC+IPv4 route stays" "label1=100 label2=5000" \
  eval 'evpnd_evpn_route e 10.0.0.2:100 "[2]:[7]:[48]:[02:00:00:00:02:02]:[32]:[10.100.0.22]" |
    grep -o "label[12]=[0-9]*" | xargs'
expect_now "evpnd: routes left from GoBGP (evpn, ipv4)" "3 0" \
  eval 'echo $(evpnd_count e evpn 10.9.0.0) $(evpnd_count e ipv4 10.9.0.0)'

# ---- 4. withdrawals from evpnd (config reload) ----------------------------------------------
log "evpnd drops a type 2 and a type 5 static route from its config (SIGHUP)"
write_evpnd_config reduced
kill -HUP "${EVPND_PID[e]}"
expect_eq "gobgp: evpnd's dropped type 2 withdrawn" "absent" gobgp_route "$G" evpn \
  "[type:macadv][rd:10.0.0.1:100][etag:0][mac:02:00:00:00:01:03][ip:<nil>]"
expect_eq "gobgp: evpnd's dropped type 5 withdrawn" "absent" gobgp_route "$G" evpn \
  "[type:Prefix][rd:10.0.0.1:5000][etag:0][prefix:10.30.0.0/24]"
expect_now "gobgp: evpnd's other routes stay (evpn, ipv4)" "7 2" \
  eval 'echo $(gobgp_count "$G" evpn 10.9.0.1) $(gobgp_count "$G" ipv4 10.9.0.1)'

# ---- 5. the session never flapped -----------------------------------------------------------
expect_now "session stayed up" "state=Established established_transitions=1 last_error=-" \
  neighbor_fields e 10.9.0.0 summary.state established_transitions last_error
pid_alive "${EVPND_PID[e]}" || fail "evpnd died"
pass "evpnd (pid ${EVPND_PID[e]}) still running"
