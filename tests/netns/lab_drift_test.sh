#!/usr/bin/env bash
# Lab test: evpnd repairs drift in what it installed (two-hosts lab). On h1, entries evpnd
# installed are deleted by hand with `bridge fdb del`; each is back within 1 s (measured from
# the deletion to the return, both as a timestamped `bridge monitor fdb` saw them; printed):
#   - the VXLAN (self) entry of vm2's MAC, dst 10.0.0.2, extern_learn;
#   - the bridge (master) entry of vm3's MAC on vxlan100, extern_learn;
#   - the flood-list entry 00:00:00:00:00:00 dst 10.0.0.3 of vxlan100.
# Then h1's VXLAN FDBs are exactly what they were before the deletions (and match evpnd's
# routes), and vm1 reaches vm2 and vm3.
source "$(dirname "$0")/../../labs/lib.sh"
lab_init lab_drift lt
lab_start two-hosts

lab_wait_reach 30 vm1 vm2
lab_wait_reach 30 vm1 vm3
M2=${VM_MAC[vm2]} M3=${VM_MAC[vm3]} ZERO=00:00:00:00:00:00
H1=$TAG-h1
wait_for 20 "h1's kernel has vm2's MAC behind h2" lab_fdb_has h1 100 "$M2" 10.0.0.2
wait_for 20 "h1's kernel has vm3's MAC behind h3" lab_fdb_has h1 100 "$M3" 10.0.0.3
wait_for 20 "h1's flood list of VNI 100 has h3" lab_fdb_has h1 100 "$ZERO" 10.0.0.3
lab_expect_kernel_routes 15 h1
before=$(lab_fdb_snapshot h1)

# self_entry MAC DST / master_entry MAC / flood_entry DST: the entry is in h1's vxlan100 (with
# extern_learn, for the first two).
self_entry() {
  lab_fdb_json h1 vxlan100 | jq -e --arg m "$1" --arg d "$2" \
    'any(.[]; .mac == $m and .dst == $d and any(.flags[]; . == "extern_learn"))' >/dev/null
}
master_entry() {
  lab_fdb_json h1 vxlan100 | jq -e --arg m "$1" \
    'any(.[]; .mac == $m and .master == "br100" and .dst == null
              and any(.flags[]; . == "extern_learn"))' >/dev/null
}
flood_entry() { lab_fdb_has h1 100 "$ZERO" "$1"; }

# evpnd may repair faster than a poll can see the gap: a timestamped FDB monitor proves each
# deletion happened and times the entry's return from it.
lab_fdb_monitor h1

# drift NAME DEL_ARGS REGEX CHECK: deletes an entry (bridge fdb del DEL_ARGS), then expects the
# monitor to show its deletion and, within 1 s of it, its return (REGEX: the entry as the
# monitor prints it); also checks with CHECK (a command) that it is in the FDB again.
drift() {
  local name=$1 del=$2 re=$3 check=$4 t0 gone
  t0=$(lab_now_ms)
  # shellcheck disable=SC2086  # DEL_ARGS are words
  bridge -n "$H1" fdb del $del
  gone=$(lab_fdb_event_at h1 "Deleted $re" "$t0")
  lab_expect_fdb_event "$gone" 1 h1 "$name: back after its deletion by bridge fdb del" "$re"
  wait_for 5 "$name: in h1's FDB again" eval "$check"
}
drift "vxlan100 self entry $M2 dst 10.0.0.2" "$M2 dev vxlan100 dst 10.0.0.2 self" \
  "$M2 dev vxlan100 dst 10.0.0.2 self" "self_entry $M2 10.0.0.2"
drift "br100 entry $M3 on vxlan100" "$M3 dev vxlan100 master" \
  "$M3 dev vxlan100 .*master br100" "master_entry $M3"
drift "vxlan100 flood entry dst 10.0.0.3" "$ZERO dev vxlan100 dst 10.0.0.3 self" \
  "$ZERO dev vxlan100 dst 10.0.0.3 self" "flood_entry 10.0.0.3"

after=$(lab_fdb_snapshot h1)
[[ $after == "$before" ]] ||
  fail "h1's VXLAN FDBs differ from before the deletions: $(diff <(echo "$before") \
    <(echo "$after") | grep '^[<>]' | tr '\n' ';')"
pass "h1's VXLAN FDBs are as before the deletions ($(wc -l <<<"$after") entries)"
lab_expect_kernel_routes 5 h1
for vm in vm2 vm3; do
  got=$(lab_ping vm1 "$vm" 3 1) || fail "vm1 no longer reaches $vm after the repairs ($got)"
done
pass "vm1 reaches vm2 and vm3 after the repairs"
