#!/usr/bin/env bash
# Kernel test: underlay routes learned in IPv4 unicast go into the kernel with ECMP across
# peers, so a host that peers with two switches reaches a remote VTEP over both.
#
#   ns $TAG-s1: gobgpd AS 65101, to-h 10.9.1.0/31, lo 10.0.0.99/32 (the remote VTEP)
#   ns $TAG-h:  evpnd AS 65001, to-s1 10.9.1.1/31, to-s2 10.9.2.1/31, lo 10.0.0.1/32
#   ns $TAG-s2: gobgpd AS 65102, to-h 10.9.2.0/31, lo 10.0.0.99/32
#
# 1. Both switches advertise 10.0.0.99/32 (AS paths of equal length from different neighbor
#    ASes): the kernel of h has one route, proto 199, with two next hops (via 10.9.1.0 and
#    10.9.2.0), and h pings 10.0.0.99 from its VTEP address.
# 2. s1 withdraws: the route keeps only the next hop via s2. s1 advertises it again: two.
# 3. s2 advertises a longer AS path: ECMP is only among equally good paths, so one next hop
#    (via s1).
# 4. Both withdraw: the route is gone from the kernel.
# 5. s1 advertises the h-s1 link's /31: evpnd's route (metric 20) sits next to the connected
#    route; withdrawing it leaves the connected route and the session up.
# 6. h's link to s1 goes down and up: the kernel drops the route through it without an event;
#    evpnd puts it back when the link is up again.
source "$(dirname "$0")/../lib/netns.sh"
netns_init underlay_ecmp
command -v gobgpd >/dev/null || fail "gobgpd not installed"

H=$TAG-h S1=$TAG-s1 S2=$TAG-s2
make_ns "$H"
make_ns "$S1"
make_ns "$S2"
link_ns "$H" 10.9.1.1/31 "$S1" 10.9.1.0/31  # h: to-s1, s1: to-h
link_ns "$H" 10.9.2.1/31 "$S2" 10.9.2.0/31  # h: to-s2, s2: to-h
ip -n "$H" addr add 10.0.0.1/32 dev lo
for s in "$S1" "$S2"; do ip -n "$s" addr add 10.0.0.99/32 dev lo; done

write_gobgp_config s1 65101 10.0.0.101 10.9.1.1 65001 ipv4-unicast
write_gobgp_config s2 65102 10.0.0.102 10.9.2.1 65001 ipv4-unicast
# Ingress of both switches: the VTEP's replies go back to h over the link they came from.
ip -n "$S1" route add 10.0.0.1/32 via 10.9.1.1
ip -n "$S2" route add 10.0.0.1/32 via 10.9.2.1

cat >"$WORK/h.yaml" <<EOF
router-id: 10.0.0.1
asn: 65001
vtep-ip: 10.0.0.1
connect-retry: 1
neighbors:
  - {address: 10.9.1.0, remote-as: 65101, families: [ipv4-unicast]}
  - {address: 10.9.2.0, remote-as: 65102, families: [ipv4-unicast]}
networks: [10.0.0.1/32]
api: {socket: $WORK/h.sock}
EOF

start_gobgpd "$S1" s1
start_gobgpd "$S2" s2
start_evpnd "$H" h
wait_for 30 "evpnd <-> s1" evpnd_established h 10.9.1.0
wait_for 30 "evpnd <-> s2" evpnd_established h 10.9.2.0

# next_hops: the gateways of h's kernel route to 10.0.0.99/32 installed by evpnd (proto 199),
# sorted, space-separated; empty when there is none.
next_hops() {
  ip -n "$H" -j route show 10.0.0.99/32 proto 199 |
    jq -r '[.[] | (.gateway // empty), ((.nexthops // [])[] | .gateway)] | sort | join(" ")'
}
expect_next_hops() {  # expect_next_hops WHAT EXPECTED
  local deadline=$((SECONDS + 10)) got
  while :; do
    got=$(next_hops)
    [[ $got == "$2" ]] && break
    if ((SECONDS > deadline)); then
      ip -n "$H" route show 10.0.0.99/32 >&2 || true
      fail "$1: next hops '$got', expected '$2'"
    fi
    sleep 0.1
  done
  pass "$1: next hops '${got:-none}'"
}

# ---- 1. both advertise ------------------------------------------------------------------------
gobgp_in "$S1" global rib -a ipv4 add 10.0.0.99/32
gobgp_in "$S2" global rib -a ipv4 add 10.0.0.99/32
expect_next_hops "both switches advertise" "10.9.1.0 10.9.2.0"
route=$(ip -n "$H" route show 10.0.0.99/32)
log "h: $(tr '\n' ' ' <<<"$route")"
[[ $route == *"proto 199"* && $route == *"dev to-s1"* && $route == *"dev to-s2"* ]] ||
  fail "not one evpnd route over both links: $route"
ip netns exec "$H" ping -c 3 -i 0.2 -W 1 -I 10.0.0.1 10.0.0.99 >/dev/null ||
  fail "h cannot reach 10.0.0.99 from its VTEP address"
pass "h reaches the remote VTEP"

# Both links carry it: flows hashed by source port (fib_multipath_hash_policy 1) end up on both.
ip netns exec "$H" sysctl -qw net.ipv4.fib_multipath_hash_policy=1
used=$(for sport in $(seq 40000 40031); do
  ip -n "$H" -j route get 10.0.0.99 from 10.0.0.1 ipproto udp sport "$sport" dport 4789 |
    jq -r '.[0].dev'
done | sort -u | tr '\n' ' ')
[[ $used == "to-s1 to-s2 " ]] || fail "32 VXLAN flows used only: $used"
pass "32 VXLAN flows spread over: $used"

# ---- 2. one withdraws, then comes back ----------------------------------------------------------
gobgp_in "$S1" global rib -a ipv4 del 10.0.0.99/32
expect_next_hops "s1 withdrew" "10.9.2.0"
gobgp_in "$S1" global rib -a ipv4 add 10.0.0.99/32
expect_next_hops "s1 advertises again" "10.9.1.0 10.9.2.0"

# ---- 3. a longer AS path is not equally good --------------------------------------------------
# GoBGP's add replaces its path (no withdrawal in between): the route must go from two next hops
# to one once evpnd has s2's longer path.
gobgp_in "$S2" global rib -a ipv4 add 10.0.0.99/32 aspath 65199
s2_path_longer() {
  evpnctl_in h show bgp ipv4 routes --json |
    jq -e '[.. | objects | select(.as_path? == "65102 65199")] | length > 0' >/dev/null
}
wait_for 10 "evpnd has s2's longer path" s2_path_longer
expect_next_hops "s2's path is longer" "10.9.1.0"

# ---- 4. both withdraw ---------------------------------------------------------------------------
gobgp_in "$S1" global rib -a ipv4 del 10.0.0.99/32
gobgp_in "$S2" global rib -a ipv4 del 10.0.0.99/32
expect_next_hops "both withdrew" ""
pass "underlay ECMP follows the routes"

# ---- 5. a switch advertises the peering subnet: the connected route stays ---------------------
# evpnd's routes have their own metric (20), so they sit next to the kernel's connected route
# instead of replacing it, and withdrawing them leaves the link's route alone.
connected() { ip -n "$H" route show 10.9.1.0/31 proto kernel | grep -q "dev to-s1"; }
evpnd_link_route() { ip -n "$H" route show 10.9.1.0/31 proto 199 | grep -q "metric 20"; }
gobgp_in "$S1" global rib -a ipv4 add 10.9.1.0/31
wait_for 10 "evpnd's route to 10.9.1.0/31 (metric 20)" evpnd_link_route
connected || fail "the connected route to 10.9.1.0/31 is gone: $(ip -n "$H" route show 10.9.1.0/31)"
gobgp_in "$S1" global rib -a ipv4 del 10.9.1.0/31
wait_for 10 "evpnd's route to 10.9.1.0/31 removed" eval '! evpnd_link_route'
connected || fail "withdrawing 10.9.1.0/31 removed the connected route"
evpnd_established h 10.9.1.0 || fail "the session to s1 went down"
pass "a peering subnet learned over BGP leaves the connected route and the session alone"

# ---- 6. an uplink flaps: the kernel drops the route through it silently; it comes back ------
# (IPv4 sends no RTM_DELROUTE for routes a link takes down with it.)
gobgp_in "$S1" global rib -a ipv4 add 10.0.0.98/32
via_s1() { ip -n "$H" route show 10.0.0.98/32 proto 199 | grep -q "via 10.9.1.0 dev to-s1"; }
wait_for 10 "route to 10.0.0.98 via s1" via_s1
ip -n "$H" link set to-s1 down
gone() { ! via_s1; }
wait_for 5 "the kernel drops the route with the link" gone
ip -n "$H" link set to-s1 up
wait_for 10 "evpnd puts the route back once the link is up" via_s1
pass "route through a flapped uplink restored"
