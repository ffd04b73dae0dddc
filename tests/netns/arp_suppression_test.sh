#!/usr/bin/env bash
# Kernel test: MAC+IP bindings both ways and ARP suppression (RFC 7432 §10, RFC 9161 §3).
#
#   ns $TAG-v: a VM, eth0 02:aa:00:00:00:11 192.168.100.11/24, plugged into br100 of h
#   ns $TAG-h: evpnd AS 65001, VTEP 10.0.0.1 (lo), br100 (SVI 192.168.100.254/24) with vxlan100
#              (VNI 100, neigh_suppress on) and the VM's port; to-g 10.9.0.1/31
#   ns $TAG-g: gobgpd AS 65002 (a remote VTEP 10.0.0.2), to-h 10.9.0.0/31
#
# 1. Local: the VM's MAC in br100's FDB and its neighbor entry on the SVI (h pings it) become a
#    MAC-only and a MAC+IP type-2 route, seen by GoBGP.
# 2. Remote: GoBGP advertises MAC+IP routes (02:bb:00:00:00:22 with 192.168.100.22 and with
#    2001:db8:100::22) and a type-3: h's kernel gets the VXLAN FDB entry (dst 10.0.0.2), the
#    bridge entry, and both neighbors on the SVI (extern_learn, noarp, proto 199).
# 3. ARP suppression: the VM ARPs (broadcast) for 192.168.100.22 and gets 02:bb:00:00:00:22
#    from the bridge itself; no ARP request leaves through vxlan100. An ARP for an unknown
#    address (192.168.100.33) is flooded to the remote VTEP: the suppression comes from the entry.
# 4. GoBGP withdraws the route: the neighbor and FDB entries are gone from h's kernel.
source "$(dirname "$0")/../lib/netns.sh"
netns_init arp_suppression
command -v gobgpd >/dev/null || fail "gobgpd not installed"
command -v arping >/dev/null || fail "arping not installed"

H=$TAG-h G=$TAG-g V=$TAG-v
make_ns "$H"
make_ns "$G"
make_ns "$V"
link_ns "$H" 10.9.0.1/31 "$G" 10.9.0.0/31
ip -n "$H" addr add 10.0.0.1/32 dev lo
ip -n "$H" route add 10.0.0.2/32 via 10.9.0.0
make_l2vni "$H" 100 10.0.0.1 52:54:00:00:64 192.168.100.254/24
ip -n "$H" link add vm11 type veth peer name eth0 netns "$V"
ip -n "$V" link set eth0 address 02:aa:00:00:00:11
ip -n "$V" addr add 192.168.100.11/24 dev eth0
ip -n "$V" link set eth0 up
ip -n "$H" link set vm11 master br100
ip -n "$H" link set vm11 up

write_gobgp_config g 65002 10.0.0.2 10.9.0.1 65001 l2vpn-evpn
cat >"$WORK/h.yaml" <<EOF
router-id: 10.0.0.1
asn: 65001
vtep-ip: 10.0.0.1
connect-retry: 1
neighbors:
  - {address: 10.9.0.0, remote-as: 65002, families: [l2vpn-evpn]}
evpn: {advertise-all-vni: true}
api: {socket: $WORK/h.sock}
EOF
start_gobgpd "$G" g
start_evpnd "$H" h
wait_for 30 "evpnd <-> gobgpd" evpnd_established h 10.9.0.0

gobgp_has() { gobgp_in "$G" global rib -a evpn | grep -qF "$1"; }

# ---- 1. local MAC and MAC+IP ------------------------------------------------------------------
ip netns exec "$H" ping -c 2 -i 0.2 -W 1 192.168.100.11 >/dev/null ||
  fail "h cannot ping the VM from its SVI"
ip -n "$H" neigh show 192.168.100.11 dev br100 | grep -q "02:aa:00:00:00:11" ||
  fail "no neighbor entry for the VM on br100"
wait_for 10 "GoBGP has the VM's MAC route" gobgp_has "[mac:02:aa:00:00:00:11][ip:<nil>]"
wait_for 10 "GoBGP has the VM's MAC+IP route" \
  gobgp_has "[mac:02:aa:00:00:00:11][ip:192.168.100.11]"
pass "local MAC and MAC+IP of the VM advertised"

# ---- 2. remote MAC+IP into the kernel -----------------------------------------------------------
gobgp_in "$G" global rib -a evpn add multicast 10.0.0.2 etag 0 rd 10.0.0.2:100 rt 65002:100 \
  encap vxlan pmsi ingress-repl 100 10.0.0.2 nexthop 10.0.0.2
gobgp_in "$G" global rib -a evpn add macadv 02:bb:00:00:00:22 192.168.100.22 etag 0 label 100 \
  rd 10.0.0.2:100 rt 65002:100 encap vxlan nexthop 10.0.0.2
gobgp_in "$G" global rib -a evpn add macadv 02:bb:00:00:00:22 0.0.0.0 etag 0 label 100 \
  rd 10.0.0.2:100 rt 65002:100 encap vxlan nexthop 10.0.0.2
gobgp_in "$G" global rib -a evpn add macadv 02:bb:00:00:00:22 2001:db8:100::22 etag 0 \
  label 100 rd 10.0.0.2:100 rt 65002:100 encap vxlan nexthop 10.0.0.2
neigh_remote() { ip -n "$H" -d neigh show 192.168.100.22 dev br100; }
wait_for 10 "h's neighbor entry for 192.168.100.22" \
  bash -c "ip -n '$H' neigh show 192.168.100.22 dev br100 | grep -q 02:bb:00:00:00:22"
n=$(neigh_remote)
log "h: $n"
[[ $n == *"lladdr 02:bb:00:00:00:22"* && $n == *extern_learn* && $n == *NOARP* &&
  $n == *"proto 199"* ]] || fail "neighbor entry: $n"
fdb=$(bridge -n "$H" fdb show dev vxlan100 | grep 02:bb:00:00:00:22)
log "h: $(tr '\n' ';' <<<"$fdb")"
[[ $fdb == *"dst 10.0.0.2"*"self extern_learn"* && $fdb == *"master br100"* ]] ||
  fail "FDB entries for 02:bb:00:00:00:22: $fdb"
wait_for 10 "h's IPv6 neighbor entry for 2001:db8:100::22" \
  bash -c "ip -n '$H' -6 neigh show 2001:db8:100::22 dev br100 | grep -q 02:bb:00:00:00:22"
n6=$(ip -n "$H" -6 neigh show 2001:db8:100::22 dev br100)
[[ $n6 == *extern_learn* && $n6 == *NOARP* && $n6 == *"proto 199"* ]] ||
  fail "IPv6 neighbor entry: $n6"
pass "remote MAC+IP installed: neighbors on br100 (IPv4 and IPv6) and FDB on vxlan100"

# ---- 3. ARP suppression -------------------------------------------------------------------------
# The control first: requests for an unknown address must show up on vxlan100, which also
# proves the capture was running before the requests for the known one were sent.
start_capture "$H" vxlan100 arp arp
ip netns exec "$V" arping -b -c 2 -w 3 -I eth0 192.168.100.33 >/dev/null 2>&1 || true
reply=$(ip netns exec "$V" arping -b -c 2 -w 3 -I eth0 192.168.100.22 2>&1 || true)
log "VM: $(grep -m1 -i "reply\|from" <<<"$reply")"
grep -qi "02:bb:00:00:00:22" <<<"$reply" || fail "no ARP reply for 192.168.100.22: $reply"
sleep 0.5
stop_capture arp
known=$(capture_count arp "arp.opcode == 1 && arp.dst.proto_ipv4 == 192.168.100.22")
unknown=$(capture_count arp "arp.opcode == 1 && arp.dst.proto_ipv4 == 192.168.100.33")
((known == 0)) || fail "$known ARP requests for 192.168.100.22 left through vxlan100"
((unknown > 0)) || fail "the ARP requests for an unknown address did not reach vxlan100"
pass "ARP for 192.168.100.22 answered by the bridge, 0 requests on vxlan100" \
  "(unknown 192.168.100.33: $unknown flooded)"

# ---- 4. withdraw --------------------------------------------------------------------------------
gobgp_in "$G" global rib -a evpn del macadv 02:bb:00:00:00:22 192.168.100.22 etag 0 label 100 \
  rd 10.0.0.2:100
gobgp_in "$G" global rib -a evpn del macadv 02:bb:00:00:00:22 0.0.0.0 etag 0 label 100 \
  rd 10.0.0.2:100
gobgp_in "$G" global rib -a evpn del macadv 02:bb:00:00:00:22 2001:db8:100::22 etag 0 \
  label 100 rd 10.0.0.2:100
neigh_gone() {
  [[ -z $(ip -n "$H" neigh show 192.168.100.22 dev br100) &&
    -z $(ip -n "$H" -6 neigh show 2001:db8:100::22 dev br100) ]]
}
fdb_gone() { ! bridge -n "$H" fdb show dev vxlan100 | grep -q 02:bb:00:00:00:22; }
wait_for 10 "the neighbor entry is removed" neigh_gone
wait_for 10 "the FDB entries are removed" fdb_gone
pass "withdrawn MAC+IP removed from h's kernel"
