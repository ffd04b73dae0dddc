#!/usr/bin/env bash
# BGP connection collision resolution (RFC 4271 §6.8) between two evpnd instances that both
# connect actively. Each round makes the collision certain rather than likely: a tc filter on
# each side holds back (drops) the segments that complete a handshake or carry data towards
# port 179 (ACK set, SYN clear), so both speakers' own connections reach OpenSent (the client
# side of a handshake is complete once its SYN-ACK arrives) while neither speaker has accepted
# the other's connection yet. Then the filters go: the retransmitted OPENs complete both
# passive handshakes, each speaker finds a second connection carrying the other's OPEN while
# in OpenSent, and must keep the connection opened by the speaker with the higher BGP
# Identifier and close the other with NOTIFICATION Cease / Connection Collision Resolution
# (6/7, RFC 4486).
#
#   ns $TAG-a: evpnd a, AS 65001, to-b 10.9.0.1/31 ---- to-a 10.9.0.0/31, AS 65002: ns $TAG-b
#
# Rounds: a's router id 10.0.0.1 < b's 10.0.0.2 (b's connection must win), a's 10.0.0.3 >
# b's (a's must win), and the first again. Each round checks, on each side: exactly one
# Established session (established_transitions 1, one established TCP connection on port
# 179 in `ss`), on the winner's connection (ports); the logs: the winner's "connection collision
# ... closing=theirs", the loser's "... state=OpenSent closing=ours" or, when the winner's
# Cease/7 came first, "... our connection was closed, continuing on the peer's"; and in the
# capture, NOTIFICATION 6/7 on the losing connection and none on the winning one, which
# carried both OPENs.
source "$(dirname "$0")/../lib/netns.sh"
netns_init collision

A=$TAG-a B=$TAG-b
make_ns "$A"
make_ns "$B"
link_ns "$A" 10.9.0.1/31 "$B" 10.9.0.0/31

# hold_handshakes NS DEV: drop IPv4 TCP segments to port 179 with ACK set and SYN clear.
hold_handshakes() {
  tc -n "$1" qdisc add dev "$2" root handle 1: htb default 1
  tc -n "$1" class add dev "$2" parent 1: classid 1:1 htb rate 10gbit 2>/dev/null
  tc -n "$1" class add dev "$2" parent 1: classid 1:2 htb rate 10gbit 2>/dev/null
  tc -n "$1" qdisc add dev "$2" parent 1:2 handle 20: pfifo limit 0
  # IPv4 header of 20 octets: TCP destination port at 22, TCP flags at 33.
  tc -n "$1" filter add dev "$2" parent 1: protocol ip u32 match u16 179 0xffff at 22 \
    match u8 0x10 0x12 at 33 flowid 1:2
}
release_handshakes() { tc -n "$1" qdisc del dev "$2" root; }
held() { tc -n "$1" -s qdisc show dev "$2" | awk '/^qdisc pfifo 20:/ {getline; print $7}' | tr -d ,; }

# evpnd_config NAME ASN ID PEER PEER_AS
evpnd_config() {
  cat >"$WORK/$1.yaml" <<EOF
router-id: $3
asn: $2
hold-time: 9
connect-retry: 1
neighbors:
  - {address: $4, remote-as: $5, families: [ipv4-unicast]}
networks: [$3/32]
api: {socket: $WORK/$1.sock}
EOF
}
in_state() { grep -q "fsm peer=$2 event=Tcp_CR_Acked Connect -> OpenSent" "$WORK/$1.log"; }
established_conns() {
  ip netns exec "$1" ss -Htn state established '( sport = :179 or dport = :179 )' | wc -l
}

# round N A_ID: one collision; a has router id A_ID, b has 10.0.0.2.
round() {
  local n=$1 a_id=$2 winner loser
  log "round $n: a's router id $a_id, b's 10.0.0.2"
  evpnd_config a 65001 "$a_id" 10.9.0.0 65002
  evpnd_config b 65002 10.0.0.2 10.9.0.1 65001
  if [[ $a_id > 10.0.0.2 ]]; then winner=a loser=b; else winner=b loser=a; fi
  hold_handshakes "$A" to-b
  hold_handshakes "$B" to-a
  start_capture "$A" to-b "r$n"
  rm -f "$WORK/a.sock" "$WORK/b.sock"
  spawn "$A" "$WORK/a.log" "$EVPND" -c "$WORK/a.yaml" --log-level debug
  EVPND_PID["a"]=$SPAWNED
  spawn "$B" "$WORK/b.log" "$EVPND" -c "$WORK/b.yaml" --log-level debug
  EVPND_PID["b"]=$SPAWNED
  wait_for 10 "a's own connection in OpenSent" in_state a 10.9.0.0
  wait_for 10 "b's own connection in OpenSent" in_state b 10.9.0.1
  sleep 0.5
  local held_a held_b
  held_a=$(held "$A" to-b) held_b=$(held "$B" to-a)
  grep -q "connection collision" "$WORK/a.log" "$WORK/b.log" &&
    fail "round $n: a collision was resolved before the handshakes were released"
  release_handshakes "$A" to-b
  release_handshakes "$B" to-a
  wait_for 20 "a Established" evpnd_established a 10.9.0.0
  wait_for 20 "b Established" evpnd_established b 10.9.0.1
  sleep 1
  stop_capture "r$n"

  # The logs: who closed what.
  local a_said b_said
  a_said=$(grep -o 'connection collision peer=10.9.0.0 .*' "$WORK/a.log" | tr '\n' ';')
  b_said=$(grep -o 'connection collision peer=10.9.0.1 .*' "$WORK/b.log" | tr '\n' ';')
  # Each side resolves the collision when the other's OPEN arrives on the second connection.
  # The winner keeps its own connection, in OpenSent or already Established on it (the loser's
  # OPEN and KEEPALIVE can come first). The loser either resolves it too, in OpenSent, or
  # first gets the winner's Cease/7 on its own connection and goes on with the winner's.
  local w_said l_said
  if [[ $winner == a ]]; then w_said=$a_said l_said=$b_said; else w_said=$b_said l_said=$a_said; fi
  # When the winner's connection is slow to come (its held segments wait for a TCP
  # retransmission), the loser's connect-retry timer may open another connection first; the
  # winner refuses that one the same way, so each side may log the same resolution again.
  local lose_re='(connection collision peer=[0-9.]+ state=OpenSent closing=ours;|'
  lose_re+="connection collision peer=[0-9.]+ our connection was closed, continuing on the"
  lose_re+=" peer's( when it comes)?;)+"
  local win_re='(connection collision peer=[0-9.]+ state=(OpenSent|Established) closing=theirs;)+'
  [[ $l_said =~ ^$lose_re$ && $w_said =~ ^$win_re$ ]] ||
    fail "round $n ($winner has the higher id): a logged '$a_said', b logged '$b_said'"
  # One session each, on the winner's connection: its peer's local port is 179.
  local a_n b_n
  a_n=$(evpnd_show a bgp neighbor 10.9.0.0 | jq -c '{state: .summary.state,
    established_transitions, local_port, remote_port, last_error: .last_error.message}')
  b_n=$(evpnd_show b bgp neighbor 10.9.0.1 | jq -c '{state: .summary.state,
    established_transitions, local_port, remote_port, last_error: .last_error.message}')
  local port_cond='.state == "Established" and .established_transitions == 1'
  if [[ $winner == b ]]; then
    jq -e "$port_cond and .local_port == 179" <<<"$a_n" >/dev/null &&
      jq -e "$port_cond and .remote_port == 179" <<<"$b_n" >/dev/null ||
      fail "round $n: sessions not on b's connection: a $a_n, b $b_n"
  else
    jq -e "$port_cond and .remote_port == 179" <<<"$a_n" >/dev/null &&
      jq -e "$port_cond and .local_port == 179" <<<"$b_n" >/dev/null ||
      fail "round $n: sessions not on a's connection: a $a_n, b $b_n"
  fi
  local conns_a conns_b
  conns_a=$(established_conns "$A") conns_b=$(established_conns "$B")
  ((conns_a == 1 && conns_b == 1)) ||
    fail "round $n: established TCP connections on port 179: a $conns_a, b $conns_b"
  # The wire: the connection each speaker opened is the one whose port 179 is on the other side.
  local win_ip lose_ip
  if [[ $winner == a ]]; then win_ip=10.9.0.1 lose_ip=10.9.0.0; else win_ip=10.9.0.0 lose_ip=10.9.0.1; fi
  opened_by() { echo "((ip.src == $1 && tcp.dstport == 179) || (ip.dst == $1 && tcp.srcport == 179))"; }
  local won lost
  won=$(opened_by "$win_ip") lost=$(opened_by "$lose_ip")
  local cease7_lost notif_won opens_won opens_lost
  cease7_lost=$(capture_count "r$n" "$lost && bgp.type == 3 && bgp.notify.major_error == 6 &&
    bgp.notify.minor_error_cease == 7")
  notif_won=$(capture_count "r$n" "$won && bgp.type == 3")
  opens_won=$(capture_count "r$n" "$won && bgp.type == 1")
  opens_lost=$(capture_count "r$n" "$lost && bgp.type == 1")
  ((cease7_lost >= 1 && notif_won == 0 && opens_won >= 2)) ||
    fail "round $n: capture: Cease/7 on the losing connection $cease7_lost, NOTIFICATIONs on" \
      "the winning one $notif_won, OPENs on the winning one $opens_won"
  pass "round $n: $winner (higher id) kept its connection: a $a_n; b $b_n; logs a '$a_said'" \
    "b '$b_said'; segments held back before the release: a $held_a, b $held_b; capture:" \
    "NOTIFICATION 6/7 x$cease7_lost on $loser's connection (OPENs on it: $opens_lost)," \
    "0 NOTIFICATIONs and $opens_won OPENs on $winner's; established port-179 connections:" \
    "a $conns_a, b $conns_b"

  stop_pid "${EVPND_PID[a]}" 10
  stop_pid "${EVPND_PID[b]}" 10
  mv "$WORK/a.log" "$WORK/a.r$n.log.txt"
  mv "$WORK/b.log" "$WORK/b.r$n.log.txt"
}

round 1 10.0.0.1
round 2 10.0.0.3
round 3 10.0.0.1
