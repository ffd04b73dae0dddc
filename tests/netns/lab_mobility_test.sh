#!/usr/bin/env bash
# Lab test: MAC mobility (RFC 7432 §15) and duplicate detection in the two-hosts lab.
#
# vm1 (VNI 100) moves from h1 to h2 and back, six times: its veth is deleted on one evpnd host
# and recreated (same MAC and IP) in the other's br100, then vm1 sends a gratuitous ARP
# (arping -U). After each move:
#   - vm3, behind FRR on h3, reaches vm1 again within 1 s (moves 1-5; measured from the moment
#     the new host's bridge learned vm1's MAC, as a timestamped FDB monitor saw it; printed);
#   - the kernels of FRR h3 and of the evpnd host vm1 left point at the new VTEP within 1 s
#     (exact times from FDB monitors), and so do FRR h3's zebra and that evpnd (polled);
#   - the new host's evpnd shows vm1 local with a MAC mobility sequence number higher than
#     before; the old host's evpnd and FRR h3 (remoteSequence) carry the same number;
#   - after moves 1-5 no evpnd shows vm1 frozen; the 6th move within the detection window
#     (default: more than 5 moves in 180 s) freezes it (`evpnctl show evpn mac`: frozen).
source "$(dirname "$0")/../../labs/lib.sh"
lab_init lab_mobility lt
lab_start two-hosts

MAC=${VM_MAC[vm1]}
lab_wait_reach 30 vm3 vm1
expect_json 20 "FRR h3: vm1 behind h1" '.' '.type == "remote" and .remoteVtep == "10.0.0.1"' \
  lab_frr_mac h3 100 "$MAC"
expect_json 10 "evpnd h1: vm1 local" '.' '.type == "local" and .port == "vm1"' \
  lab_evpnd_mac h1 100 "$MAC"
seq=$(lab_evpnd_mac h1 100 "$MAC" | jq '.sequence // 0')
seqs=("$seq")

# frr_points_at VTEP: FRR h3 has vm1 remote behind VTEP.
frr_points_at() {
  lab_frr_mac h3 100 "$MAC" | jq -e --arg v "$1" '.type == "remote" and .remoteVtep == $v'
}
# evpnd_remote_at HOST VTEP: evpnd HOST has vm1 remote behind VTEP.
evpnd_remote_at() {
  lab_evpnd_mac "$1" 100 "$MAC" | jq -e --arg v "$2" '.type == "remote" and .vtep == $v'
}
# frozen_on: the evpnd hosts that show vm1 frozen, space-separated.
frozen_on() {
  local h
  for h in h1 h2; do
    lab_evpnd_mac "$h" 100 "$MAC" | jq -e '.frozen == true' >/dev/null && echo -n "$h "
  done
  return 0
}

# reply_after FILE T0_MS: ms from T0_MS to the first echo reply in FILE (ping -D output) received
# at or after T0_MS; fails if there is none yet.
reply_after() {
  awk -v t0="$2" '/bytes from/ { t = $1; gsub(/[][]/, "", t); ms = int(t * 1000);
    if (ms >= t0) { print ms - t0; found = 1; exit } } END { exit !found }' "$1"
}

for h in h1 h2 h3; do lab_fdb_monitor "$h"; done
times=()
for move in 1 2 3 4 5 6; do
  from=${VM_HOST[vm1]}
  if [[ $from == h1 ]]; then to=h2; else to=h1; fi
  vtep=${HOST_VTEP[$to]}
  log "move $move: vm1 $from -> $to"
  # vm3 pings vm1 every 10 ms across the move; the first reply after t0 is the data path back.
  spawn "$TAG-vm3" "$WORK/ping-$move.txt" stdbuf -oL ping -D -n -i 0.01 -W 1 "$(vm_ip vm1)"
  pinger=$SPAWNED
  lab_vm_unplug vm1
  # Before the plug: the new host's bridge may learn vm1's MAC as soon as the port forwards
  # (from vm1's replies to vm3's pings, flooded once h1 withdrew vm1), before the GARP.
  t0=$(lab_now_ms)
  lab_vm_plug vm1 "$to"
  lab_vm_garp vm1
  # The 6th move is the one duplicate detection stops: what follows it is checked below.
  ((move <= 5)) || break
  # Time from the moment the new host's bridge learned vm1's MAC on its port (the GARP).
  t0=$(lab_fdb_event_at "$to" "$MAC dev vm1 master br100" "$t0")
  lab_poll_since "$t0" 5 "move $move: vm3 (FRR h3) reaches vm1 on $to (polled)" \
    reply_after "$WORK/ping-$move.txt" "$t0"
  kill "$pinger" 2>/dev/null || true
  wait "$pinger" 2>/dev/null || true
  took=$(reply_after "$WORK/ping-$move.txt" "$t0")
  ((took <= 1000)) || fail "move $move: vm3's first reply from vm1 on $to came ${took} ms after $to learned it (limit 1 s)"
  pass "move $move: vm3 (FRR h3) reaches vm1 on $to: first reply ${took} ms after $to learned it (10 ms pings, limit 1 s)"
  times+=("$took")
  # The daemons' views, polled (upper bounds); the kernels' changes, exact, from the monitors.
  lab_poll_parallel "$t0" 5 \
    "move $move: FRR h3 points vm1 at $to ($vtep)" "frr_points_at $vtep" \
    "move $move: evpnd $from points vm1 at $to" "evpnd_remote_at $from $vtep"
  for h in h3 "$from"; do
    lab_expect_fdb_event "$t0" 1 "$h" "move $move: $h's kernel points vm1 at $vtep" \
      "$MAC dev vxlan100 dst $vtep"
  done
  prev=${seqs[-1]}
  expect_json 5 "move $move: evpnd $to has vm1 local with a sequence number above $prev" \
    '{type, port, sequence, moves, frozen}' \
    ".type == \"local\" and .port == \"vm1\" and .sequence > $prev" lab_evpnd_mac "$to" 100 "$MAC"
  seq=$(lab_evpnd_mac "$to" 100 "$MAC" | jq '.sequence')
  seqs+=("$seq")
  expect_json 5 "move $move: evpnd $from has the same sequence number ($seq)" \
    '{type, vtep, sequence}' ".sequence == $seq" lab_evpnd_mac "$from" 100 "$MAC"
  expect_json 5 "move $move: FRR h3's remoteSequence is $seq" \
    '{remoteVtep, remoteSequence, detectionCount, isDuplicate}' ".remoteSequence == $seq" \
    lab_frr_mac h3 100 "$MAC"
  f=$(frozen_on)
  [[ -z $f ]] || fail "move $move: vm1 frozen on $f already (at most 5 moves so far)"
done
pass "sequence numbers over moves 0-5: ${seqs[*]}; vm3 reached vm1 again after (ms): ${times[*]}"

some_frozen() { [[ -n $(frozen_on) ]]; }  # Re-read at every poll.
wait_for 10 "an evpnd shows vm1 frozen after the 6th move" some_frozen
pass "6th move within the window: vm1 frozen on $(frozen_on)"
for h in h1 h2; do log "evpnd $h after the 6th move: $(lab_evpnd_mac "$h" 100 "$MAC")"; done
log "FRR h3 after the 6th move: $(lab_frr_mac h3 100 "$MAC")"
