#!/usr/bin/env bash
# Lab test: the two-hosts lab (labs/two-hosts: evpnd on h1 and h2, FRR on h3, an FRR ToR)
# forwards within each VNI and isolates VNIs from each other.
#
# 1. Control plane: every session Established; the ToR relays every VM's type-2 route with
#    its next hop unchanged (the VM's VTEP); evpnd imports FRR h3's MAC; FRR h3 imports the
#    MACs evpnd learned in VNI 100 (and none of VNI 200, which h3 lacks).
# 2. Kernel: each evpnd host's VXLAN FDB holds exactly one extern_learn entry per remote MAC
#    (dst = its VTEP) plus its bridge entry, one 00:00:00:00:00:00 entry per remote VTEP of the
#    VNI, and extern_learn neighbors for MAC+IP routes; nothing else (checked against the
#    topology and against evpnctl show evpn mac/vni/arp). FRR h3's kernel has evpnd's MACs.
# 3. Data plane: every same-VNI pair pings (evpnd<->evpnd, evpnd<->FRR), 5 of 5; no pair across
#    VNIs gets a reply (the VMs share one subnet, so this is L2 isolation).
# 4. BUM: an ARP request to an unused address from vm1 (VNI 100) reaches h2 and h3 (vxlan100
#    rx counters) and no vxlan200; one from vm4 (VNI 200) reaches h2's vxlan200, no vxlan100,
#    and no VXLAN packet of VNI 200 reaches h3 (captured on h3's uplink with tshark).
source "$(dirname "$0")/../../labs/lib.sh"
lab_init lab_reachability lt
lab_start two-hosts

# --- 1. control plane ------------------------------------------------------------------------
for h in h1 h2; do
  wait_for 30 "evpnd $h: session to the ToR" evpnd_established "$h" "10.1.${HOST_LINK[$h]}.0"
done
pass "evpnd h1 and h2: sessions to the ToR Established"
expect_json 20 "evpnd h1: FRR h3's type-2 route for vm3 (next hop h3's VTEP, VNI 100)" \
  '.routes[] | select(.route_type == 2 and .mac == "'"${VM_MAC[vm3]}"'")
   | {rd, vni, next_hop: .paths[0].next_hop, as_path: .paths[0].as_path}' \
  '.vni == 100 and .next_hop == "10.0.0.3" and .as_path == "65100 65003"' \
  evpnd_show h1 bgp evpn routes
tor_type2_is() { [[ $(lab_frr_type2 tor "$1") == "$2" ]]; }  # Re-read at every poll.
for vm in "${VMS[@]}"; do
  want=${HOST_VTEP[${VM_HOME[$vm]}]}
  wait_for 20 "the ToR relays $vm's type-2 route with next hop $want" \
    tor_type2_is "${VM_MAC[$vm]}" "$want"
done
pass "the ToR holds a type-2 route per VM, next hop = the VM's VTEP (unchanged)"
for vm in vm1 vm2; do
  expect_json 20 "FRR h3 imports $vm's MAC (learned by evpnd ${VM_HOME[$vm]}) into VNI 100" \
    '.' ".type == \"remote\" and .remoteVtep == \"${HOST_VTEP[${VM_HOME[$vm]}]}\"" \
    lab_frr_mac h3 100 "${VM_MAC[$vm]}"
done
expect_json 10 "FRR h3: remote VTEPs of VNI 100 are h1 and h2" \
  '{vni, numRemoteVteps}' '(.numRemoteVteps | sort) == ["10.0.0.1", "10.0.0.2"]' \
  lab_vty h3 "show evpn vni 100 json"

# --- 2. kernel -------------------------------------------------------------------------------
lab_expect_kernel 15 h1
lab_expect_kernel 15 h2
for vm in vm1 vm2; do
  wait_for 10 "FRR h3's kernel: $vm's MAC behind ${VM_HOME[$vm]}" \
    lab_fdb_has h3 100 "${VM_MAC[$vm]}" "${HOST_VTEP[${VM_HOME[$vm]}]}"
done
pass "FRR h3's kernel: $(lab_fdb_remote h3 100 | cut -d' ' -f1,2 | paste -sd, -)"

# --- 3. data plane ---------------------------------------------------------------------------
for a in "${VMS[@]}"; do
  for b in "${VMS[@]}"; do
    [[ $a < "$b" && ${VM_VNI[$a]} == "${VM_VNI[$b]}" ]] && lab_wait_reach 30 "$a" "$b"
  done
done
results=()
for a in "${VMS[@]}"; do
  for b in "${VMS[@]}"; do
    [[ $a < "$b" ]] || continue
    if [[ ${VM_VNI[$a]} == "${VM_VNI[$b]}" ]]; then
      got=$(lab_ping "$a" "$b" 5 2) || true
      [[ $got == 5/5 ]] || fail "$a -> $b (VNI ${VM_VNI[$a]}): $got replies"
    else
      got=$(lab_ping "$a" "$b" 3 1) && fail "$a (VNI ${VM_VNI[$a]}) -> $b (VNI ${VM_VNI[$b]}):" \
        "$got replies across VNIs"
    fi
    results+=("$a-$b:$got")
  done
done
pass "pings (same VNI 5/5, across VNIs 0/3): ${results[*]}"

# --- 4. BUM ----------------------------------------------------------------------------------
# rx_all: "node/dev=packets" for every VXLAN device of every host.
rx_all() {
  local h vni
  for h in "${HOSTS[@]}"; do
    for vni in ${HOST_VNIS[$h]}; do echo "$h/vxlan$vni=$(lab_rx_packets "$h" "vxlan$vni")"; done
  done
}
# bum_from VM IP: 3 ARP requests for IP (no one has it) from VM; prints the rx counters' deltas
# as "node/dev=delta" words.
bum_from() {
  local before after
  before=$(rx_all)
  ip netns exec "$TAG-$1" arping -q -c 3 -I eth0 "$2" || true
  sleep 0.3
  after=$(rx_all)
  join -t= <(sort <<<"$before") <(sort <<<"$after") | awk -F= '{printf "%s=%d ", $1, $3 - $2}'
}
# delta WORDS KEY: the delta of KEY in bum_from's output.
delta() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }

log "capturing VXLAN packets on h3's uplink"
spawn "$TAG-h3" "$WORK/tshark.log" tshark -q -n -i to-tor -f 'udp dst port 4789' \
  -w "$WORK/h3-uplink.pcap"
TSHARK_PID=$SPAWNED
wait_for 20 "tshark capturing on h3" grep -q "Capturing on" "$WORK/tshark.log"
sleep 1

d=$(bum_from vm1 192.168.0.99)
log "ARP request x3 in VNI 100 from vm1 (h1): rx deltas $d"
(($(delta "$d" h2/vxlan100) >= 3 && $(delta "$d" h3/vxlan100) >= 3)) ||
  fail "VNI 100 BUM from h1 did not reach both other VTEPs of VNI 100 (h2, h3): $d"
(($(delta "$d" h1/vxlan200) == 0 && $(delta "$d" h2/vxlan200) == 0)) ||
  fail "VNI 100 BUM leaked into VNI 200: $d"
pass "BUM in VNI 100 from h1 reaches h2 and h3, no vxlan200: $d"

d=$(bum_from vm4 192.168.0.98)
log "ARP request x3 in VNI 200 from vm4 (h1): rx deltas $d"
(($(delta "$d" h2/vxlan200) >= 3)) || fail "VNI 200 BUM from h1 did not reach h2: $d"
(($(delta "$d" h1/vxlan100) == 0 && $(delta "$d" h2/vxlan100) == 0 &&
  $(delta "$d" h3/vxlan100) == 0)) || fail "VNI 200 BUM leaked into VNI 100: $d"
pass "BUM in VNI 200 from h1 reaches h2, no vxlan100: $d"

sleep 1
kill -INT "$TSHARK_PID"
wait "$TSHARK_PID" || true
vnis=$(tshark -r "$WORK/h3-uplink.pcap" -n -Y vxlan -T fields -e vxlan.vni 2>/dev/null |
  sort | uniq -c | awk '{printf "VNI %s: %s packets; ", $2, $1}')
log "VXLAN packets that reached h3's uplink: ${vnis:-none}"
[[ $vnis == *"VNI 100:"* ]] || fail "the capture on h3 saw no VNI 100 packet (control): ${vnis:-none}"
[[ $vnis != *"VNI 200:"* ]] || fail "VNI 200 packets reached h3, which lacks VNI 200: $vnis"
pass "no VNI 200 packet reached h3 (which lacks VNI 200); VNI 100 did: $vnis"
