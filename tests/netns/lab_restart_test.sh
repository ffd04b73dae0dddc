#!/usr/bin/env bash
# Lab test: hitless restart of evpnd (graceful restart, RFC 4724) in the two-hosts lab.
#
# While vm1 (h1) pings vm2 (h2) every 10 ms, evpnd on h1 gets SIGKILL and is started again.
# The kernel keeps what evpnd installed, the ToR (helper) keeps h1's routes as stale, the new
# evpnd takes its old kernel entries as stale, relearns, and sweeps after End-of-RIB. Checks:
#   - 0 packets lost across the restart (transmitted and received printed);
#   - the session comes back (time printed), and afterwards `evpnctl show fib --json` on h1 has
#     no entry in state "stale" (time until then printed);
#   - h1's kernel matches its evpnd's routes exactly (no leftover entry) and its VXLAN FDBs
#     still have every entry they had before the kill;
#   - the ToR holds every route from h1 it had before the kill again, none stale.
source "$(dirname "$0")/../../labs/lib.sh"
lab_init lab_restart lt
lab_start two-hosts

lab_wait_reach 30 vm1 vm2
lab_wait_reach 30 vm1 vm3
wait_for 20 "h1's kernel has vm2's MAC behind h2" lab_fdb_has h1 100 "${VM_MAC[vm2]}" 10.0.0.2
lab_expect_kernel_routes 15 h1
expect_json 10 "evpnd h1: graceful restart negotiated with the ToR" \
  '.negotiated | {graceful_restart}' '.graceful_restart' evpnd_show h1 bgp neighbor 10.1.1.0
tor_h1_routes() {
  lab_vty tor "show bgp l2vpn evpn json" | jq -c '[to_entries[]
    | select(.key | startswith("10.0.0.1:")) | .key as $rd | .value | to_entries[]
    | select(.value | type == "object") | {rd: $rd, prefix: .key,
      stale: any(.value.paths | flatten[]; .stale // false)}] | sort'
}
fib_stale() { lab_evpnctl h1 show fib --json | jq '[(.entries // [])[] | select(.state == "stale")]'; }
fib_clean() {
  lab_evpnctl h1 show fib --json |
    jq -e '(.entries | length) > 0 and all(.entries[]; .state != "stale")
           and (.stats.stale // 0 | tonumber) == 0' >/dev/null
}
wait_for 10 "evpnd h1's FIB has entries and none stale before the restart" fib_clean
before=$(lab_fdb_snapshot h1)
tor_before=$(tor_h1_routes)
(($(jq length <<<"$tor_before") > 0)) || fail "the ToR has no route from h1: $tor_before"

# The ping, in the background, one line per reply: the verdict counts the replies up to the
# last one (the echo in flight when SIGINT stops ping is not a loss). A monitor of h2's FDB
# tells, if packets are lost, whether h2 dropped vm1's entries meanwhile.
spawn "$TAG-h2" "$WORK/h2-fdb-monitor.log" bridge monitor fdb
MONITOR_PID=$SPAWNED
spawn "$TAG-vm1" "$WORK/ping.log" ping -n -i 0.01 "$(vm_ip vm2)"
PING_PID=$SPAWNED
sleep 2

log "kill -9 evpnd h1 (pid ${EVPND_PID[h1]})"
kill -KILL "${EVPND_PID[h1]}"
wait "${EVPND_PID[h1]}" 2>/dev/null || true
t0=$(lab_now_ms)
sleep 0.5
log "the ToR while h1 is down: EVPN routes from h1 $(tor_h1_routes | jq -c \
  '{routes: length, stale: map(select(.stale)) | length}'), 10.0.0.1/32 $(lab_vty tor \
  "show bgp ipv4 unicast 10.0.0.1/32 json" | jq -c '{paths: (.paths // [] | length),
  stale: any(.paths[]?; .stale // false)}')"
sleep 0.5
rm -f "$WORK/h1.sock"
start_evpnd "$TAG-h1" h1
log "evpnd h1 started again (pid ${EVPND_PID[h1]})"
wait_for 60 "evpnd h1: session to the ToR back" evpnd_established h1 10.1.1.0
up_ms=$(($(lab_now_ms) - t0))
pass "evpnd h1 back in session ${up_ms} ms after the kill"
deadline=$((SECONDS + 60))
until fib_clean; do
  ((SECONDS < deadline)) || fail "evpnd h1 still has stale FIB entries 60 s on: $(fib_stale)"
  sleep 0.2
done
clean_ms=$(($(lab_now_ms) - t0))
pass "evpnd h1's FIB has no stale entry ${clean_ms} ms after the kill"
sleep 2

kill -INT "$PING_PID"
wait "$PING_PID" 2>/dev/null || true
kill "$MONITOR_PID"
wait "$MONITOR_PID" 2>/dev/null || true
stats=$(grep 'packets transmitted' "$WORK/ping.log") ||
  fail "no ping statistics: $(tail -3 "$WORK/ping.log")"
# Requests 1..tx, tx the last one answered; rx of them answered (duplicates counted once).
replied=$(sed -n 's/.* icmp_seq=\([0-9]\+\) .*/\1/p' "$WORK/ping.log" | sort -n -u)
[[ -n $replied ]] || fail "no ping replies: $stats"
tx=$(tail -1 <<<"$replied")
rx=$(wc -l <<<"$replied")
log "vm1 -> vm2 every 10 ms across the restart: $stats; replies to requests 1-$tx: $rx"
((tx > 200)) || fail "too few pings to judge: $stats"
h2_deleted=$(grep -E "^Deleted (${VM_MAC[vm1]}|00:00:00:00:00:00 .*dst 10\.0\.0\.1)" \
  "$WORK/h2-fdb-monitor.log" | tr -s ' ' | paste -sd ';' -) || true
log "h2's FDB entries for vm1 / h1 deleted during the restart: ${h2_deleted:-none}"

lab_expect_kernel_routes 10 h1
after=$(lab_fdb_snapshot h1)
lost=$(comm -23 <(echo "$before") <(echo "$after"))
[[ -z $lost ]] || fail "h1's VXLAN FDBs lost entries across the restart: ${lost//$'\n'/; }"
pass "h1's VXLAN FDBs kept all $(wc -l <<<"$before") entries across the restart"
expect_json 20 "the ToR holds every route h1 had before the restart again, none stale" \
  '{routes: map(.prefix), stale: map(select(.stale)) | length}' \
  "($(jq -c 'map(.prefix)' <<<"$tor_before") - .routes) == [] and .stale == 0" tor_h1_routes

# Last, the data path verdict (the checks above tell where state went wrong if it failed).
((rx == tx)) || fail "$((tx - rx)) of $tx packets lost across the restart (about $(((tx - rx) * 10))" \
  "ms at one ping per 10 ms): $stats; h2 deleted: ${h2_deleted:-nothing}"
pass "0 of $tx packets lost across kill -9 and restart of evpnd h1"
