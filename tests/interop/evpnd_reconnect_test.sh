#!/usr/bin/env bash
# evpnd after a session ends: what is left of the old session must not disturb the next one.
#
#   ns $TAG-e: evpnd "e", AS 65001, to-p 10.9.0.1/31 (connects to p), to-r 10.9.1.1/24
#   ns $TAG-p: evpnd "p", AS 65002, to-e 10.9.0.0/31 (connects to e)
#   ns $TAG-r: data/raw_bgp.py, AS 65003, to-e 10.9.1.10/24 (e only accepts from it)
#   Hold time 9 s, keepalive 3 s everywhere.
#
# 1. p stops (SIGTERM, Cease 6/2). e keeps connecting to p and is refused: e's last_error must
#    still be the NOTIFICATION it received (what an operator needs to see, as FRR's "Last
#    reset" and GoBGP's neighbor state keep it), not "connect: Connection refused".
# 2. The raw speaker ends its session with Cease right after one of e's KEEPALIVEs, connects
#    again as soon as e accepts and then delays its OPEN: e is in OpenSent, where only the
#    OpenSent hold timer (240 s) may run (RFC 4271 8.2.2), so e must stay quiet for 5 s.
# 3. Over the 10 s after p stopped, e's FSM for p must see no HoldTimer_Expires or
#    KeepaliveTimer_Expires event outside OpenSent/OpenConfirm/Established: both timers belong
#    to the dead session and must be stopped when it goes to Idle.
# All three checks run; the test fails at the end if any failed.
source "$(dirname "$0")/../lib/netns.sh"
source "$(dirname "$0")/data/checks.sh"
netns_init evpnd_reconnect

NE=$TAG-e
NP=$TAG-p
NR=$TAG-r
make_ns "$NE"
make_ns "$NP"
make_ns "$NR"
link_ns "$NE" 10.9.0.1/31 "$NP" 10.9.0.0/31
link_ns "$NE" 10.9.1.1/24 "$NR" 10.9.1.10/24

cat >"$WORK/e.yaml" <<EOF
router-id: 10.0.0.1
asn: 65001
hold-time: 9
keepalive: 3
connect-retry: 1
neighbors:
  - {address: 10.9.0.0, remote-as: 65002}
  - {address: 10.9.1.10, remote-as: 65003, passive: true, families: [ipv4-unicast]}
networks: [10.0.0.1/32]
api: {socket: $WORK/e.sock}
EOF
cat >"$WORK/p.yaml" <<EOF
router-id: 10.0.0.2
asn: 65002
hold-time: 9
keepalive: 3
connect-retry: 1
neighbors:
  - {address: 10.9.0.1, remote-as: 65001}
networks: [10.0.0.2/32]
api: {socket: $WORK/p.sock}
EOF

FAILED=()
# soft_check DESCRIPTION WANT GOT: like expect_now, but a failure is recorded and reported at
# the end, so that every check runs.
soft_check() {
  if [[ $3 == "$2" ]]; then
    pass "$1: $3"
  else
    printf '[%s] FAIL: %s\n  got:  %s\n  want: %s\n' "$TEST_NAME" "$1" "$3" "$2" >&2
    FAILED+=("$1")
  fi
}

start_evpnd "$NE" e
evpnd_json_init e
start_evpnd "$NP" p
wait_for 30 "e <-> p" evpnd_established e 10.9.0.0
wait_for 30 "p <-> e" evpnd_established p 10.9.0.1
pass "e <-> p Established"

# ---- 1. last_error after the peer's Cease, once a reconnection was refused -----------------
log "SIGTERM to p"
stop_pid "${EVPND_PID[p]}" 10
stopped_at=$SECONDS
((STOPPED_RC == 0)) || fail "p exited with status $STOPPED_RC"
expect_eq "e received p's Cease" "direction=received code=6 subcode=2" \
  neighbor_fields e 10.9.0.0 last_error.direction last_error.code last_error.subcode
wait_for 15 "two refused connection attempts from e to p" sh -c \
  "[ \$(grep -c 'fsm peer=10.9.0.0 event=TcpConnectionFails' '$WORK/e.log') -ge 2 ]"
soft_check "e's last_error after refused reconnections still shows p's NOTIFICATION" \
  "direction=received code=6 subcode=2" \
  "$(neighbor_fields e 10.9.0.0 last_error.direction last_error.code last_error.subcode)$(
    neighbor_fields e 10.9.0.0 last_error.message | sed -n 's/^message=connect/ message=connect/p')"

# ---- 2. a new connection held in OpenSent --------------------------------------------------
wait_for 15 "e waiting for the raw speaker (Active)" \
  eval '[[ $(neighbor_field e 10.9.1.10 summary.state) == Active ]]'
out=$(ip netns exec "$NR" "$PY" "$INTEROP_DATA/raw_bgp.py" --local 10.9.1.10 --peer 10.9.1.1 \
  --as 65003 --id 10.9.1.10 --quiet 5 cease-reconnect) || true
soft_check "new connection after a Cease, OPEN delayed: e stays in OpenSent" "quiet for 5 s" \
  "$(sed 's/.*nothing from the peer for 5 s$/quiet for 5 s/' <<<"$out")"
grep "fsm peer=10.9.1.10 " "$WORK/e.log" | tail -n 3 | sed 's/^/    e: /'

# ---- 3. timers of the dead session ----------------------------------------------------------
while ((SECONDS < stopped_at + 11)); do sleep 0.5; done
stale=$({ grep -E "fsm peer=10\.9\.0\.0 event=(Hold|Keepalive)Timer_Expires (Idle|Connect|Active) ->" \
  "$WORK/e.log" || true; } | sed -E 's/.*(event=[^ ]+ [A-Za-z]+ -> [A-Za-z]+).*/\1/' | paste -sd';' -)
soft_check "e: no hold/keepalive timer of the dead session fired in Idle/Connect/Active" \
  "" "$stale"

pid_alive "${EVPND_PID[e]}" || fail "e died"
pass "e (pid ${EVPND_PID[e]}) still running"
((${#FAILED[@]} == 0)) || fail "${#FAILED[@]} check(s) failed: $(printf '%s; ' "${FAILED[@]}")"
