#!/usr/bin/env bash
# Lab test: a VM that goes away is withdrawn everywhere within 1 s (two-hosts lab).
#
# 1. vm2's veth is deleted on h2 (evpnd): the bridge drops its dynamic FDB entry with the port,
#    evpnd h2 withdraws the type-2 route, and within 1 s of the deletion the route is gone from
#    the ToR, from evpnd h1 and FRR h3, and so are h1's kernel entries (VXLAN and bridge) and
#    FRR h3's (zebra and kernel). Each figure is measured from the moment the bridge dropped the
#    deleted port's MAC and printed; the 1 s limit applies to the kernel entries, timed exactly
#    by `bridge -timestamp monitor fdb`; the daemons' views (polled: upper bounds) get 5 s.
# 2. vm3's veth is deleted on h3 (FRR): evpnd h1 and h2 drop the route and, within 1 s, every
#    kernel entry for vm3's MAC.
# 3. The kernels of h1 and h2 then hold exactly what the remaining VMs call for.
source "$(dirname "$0")/../../labs/lib.sh"
lab_init lab_withdraw lt
lab_start two-hosts

# The absence checks below hold only when the daemon answered: a dead or silent daemon fails
# them instead of looking like one that forgot the route.
# evpnd_lacks_type2 HOST MAC: evpnd HOST answers and has no type-2 route for MAC.
evpnd_lacks_type2() {
  local out
  out=$(evpnd_show "$1" bgp evpn routes) || return 1
  jq -e --arg m "$2" '(.routes // []) | all(.route_type != 2 or .mac != $m)' <<<"$out" >/dev/null
}
# no_type2_at NODE MAC: FRR NODE answers and has no type-2 route for MAC.
no_type2_at() {
  local out
  out=$(lab_frr_type2 "$1" "$2") || return 1
  [[ -z $out ]]
}
# frr_mac_gone NODE MAC: FRR NODE's zebra answers and has no entry for MAC in VNI 100.
frr_mac_gone() {
  lab_vty "$1" "show evpn vni 100 json" >/dev/null || return 1
  lab_frr_mac "$1" 100 "$2" | jq -e '. == {}' >/dev/null
}

# --- everything in place first --------------------------------------------------------------
lab_wait_reach 30 vm1 vm2
lab_wait_reach 30 vm1 vm3
M2=${VM_MAC[vm2]} M3=${VM_MAC[vm3]}
wait_for 20 "h1's kernel has vm2's MAC behind h2" lab_fdb_has h1 100 "$M2" 10.0.0.2
wait_for 20 "h1's kernel has vm3's MAC behind h3" lab_fdb_has h1 100 "$M3" 10.0.0.3
wait_for 20 "h2's kernel has vm3's MAC behind h3" lab_fdb_has h2 100 "$M3" 10.0.0.3
wait_for 20 "FRR h3 has vm2's MAC behind h2" lab_fdb_has h3 100 "$M2" 10.0.0.2
pass "vm2 and vm3 known everywhere"

# --- 1. vm2 (evpnd h2) goes away ---------------------------------------------------------------
# The 1 s limit is checked on the kernels' FDB events (exact times from monitors); the daemons'
# views are polled side by side (their figures are upper bounds: a vtysh or evpnctl call takes
# 0.1-0.3 s on a busy machine) and only have to agree within 5 s.
for h in h1 h2 h3; do lab_fdb_monitor "$h"; done
t0=$(lab_now_ms)
lab_vm_unplug vm2
# Time from the moment h2's bridge dropped vm2's MAC with the port.
t0=$(lab_fdb_event_at h2 "Deleted $M2 dev vm2" "$t0")
log "vm2's veth deleted on h2"
lab_poll_parallel "$t0" 5 \
  "vm2: evpnd h2 no longer has its MAC" "lab_evpnd_mac h2 100 $M2 | jq -e '. == {}'" \
  "vm2: type-2 route gone from the ToR" "no_type2_at tor $M2" \
  "vm2: type-2 route gone from evpnd h1" "evpnd_lacks_type2 h1 $M2" \
  "vm2: type-2 route gone from FRR h3" "no_type2_at h3 $M2" \
  "vm2: FRR h3's zebra forgot its MAC" "frr_mac_gone h3 $M2"
for h in h1 h3; do
  lab_expect_fdb_event "$t0" 1 "$h" "vm2: $h's kernel deleted its VXLAN entry" \
    "Deleted $M2 dev vxlan100 dst 10.0.0.2"
  lab_expect_fdb_event "$t0" 1 "$h" "vm2: $h's kernel deleted its bridge entry" \
    "Deleted $M2 dev vxlan100 .*master br100"
  wait_for 5 "$h's kernel has no entry left for vm2's MAC" lab_fdb_lacks "$h" 100 "$M2"
done

# --- 2. vm3 (FRR h3) goes away -----------------------------------------------------------------
t0=$(lab_now_ms)
lab_vm_unplug vm3
t0=$(lab_fdb_event_at h3 "Deleted $M3 dev vm3" "$t0")
log "vm3's veth deleted on h3"
lab_poll_parallel "$t0" 5 \
  "vm3: type-2 route gone from the ToR" "no_type2_at tor $M3" \
  "vm3: type-2 route gone from evpnd h1" "evpnd_lacks_type2 h1 $M3" \
  "vm3: type-2 route gone from evpnd h2" "evpnd_lacks_type2 h2 $M3"
for h in h1 h2; do
  lab_expect_fdb_event "$t0" 1 "$h" "vm3: $h's kernel deleted its VXLAN entry" \
    "Deleted $M3 dev vxlan100 dst 10.0.0.3"
  lab_expect_fdb_event "$t0" 1 "$h" "vm3: $h's kernel deleted its bridge entry" \
    "Deleted $M3 dev vxlan100 .*master br100"
  wait_for 5 "$h's kernel has no entry left for vm3's MAC" lab_fdb_lacks "$h" 100 "$M3"
done

# --- 3. nothing else moved ---------------------------------------------------------------------
lab_expect_kernel 5 h1
lab_expect_kernel 5 h2
got=$(lab_ping vm1 vm2 2 1) && fail "vm1 still reaches the deleted vm2 ($got)"
pass "vm1 no longer reaches vm2 (${got})"
