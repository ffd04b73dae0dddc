#!/usr/bin/env bash
# GTSM (RFC 5082, `ttl-security`): evpnd sends with TTL 255 and accepts only packets whose TTL
# is at least 256 - hops. Peers: FRR 8.4 f1 directly connected, FRR 8.4 f2 two hops away
# behind a router namespace (ip_forward on), both with `neighbor X ttl-security hops N`.
#
#   ns $TAG-f1 (FRR, AS 65101)  to-ev 10.1.0.0/31 ---- to-f1 10.1.0.1/31
#                                                                           ns $TAG-ev (evpnd,
#   ns $TAG-f2 (FRR, AS 65102)  to-rt 10.3.0.0/31 ---- ns $TAG-rt ---- to-rt 10.2.0.1/31  AS 65011)
#                                          to-f2 10.3.0.1/31   10.2.0.0/31 to-ev
#
# 1. evpnd: ttl-security 1 for both. f1 (hops 1): Established, and the capture shows every BGP
#    segment both ways with TTL 255. f2 (hops 2): its packets reach evpnd with TTL 254; for
#    12 s the session never comes up: evpnd closes every connection f2 opens before sending
#    anything (its log: "gtsm: connection refused ... ttl=254 min-ttl=255", the neighbor's
#    last_error) and the kernel drops the SYN-ACKs of evpnd's own attempts
#    (TcpExtTCPMinTTLDrop grows); evpnd receives no BGP message from f2 and sends it no OPEN.
# 2. evpnd restarted with ttl-security 2 for f2: Established with f2 (its TTL 254 accepted).
source "$(dirname "$0")/../lib/netns.sh"
netns_init gtsm

EV=$TAG-ev F1NS=$TAG-f1 F2NS=$TAG-f2 RT=$TAG-rt F1=$WORK/f1 F2=$WORK/f2
for ns in "$EV" "$F1NS" "$F2NS" "$RT"; do make_ns "$ns"; done
link_ns "$EV" 10.1.0.1/31 "$F1NS" 10.1.0.0/31
link_ns "$EV" 10.2.0.1/31 "$RT" 10.2.0.0/31
link_ns "$RT" 10.3.0.1/31 "$F2NS" 10.3.0.0/31
ip netns exec "$RT" sysctl -qw net.ipv4.ip_forward=1
ip -n "$EV" route add 10.3.0.0/31 via 10.2.0.0
ip -n "$F2NS" route add 10.2.0.0/31 via 10.3.0.1  # FRR's NHT ignores a default route
ip -n "$F1NS" addr add 10.0.0.101/32 dev lo
ip -n "$F2NS" addr add 10.0.0.102/32 dev lo

# frr_conf DIR ASN ID NEIGHBOR HOPS
frr_conf() {
  mkdir -p "$1"
  echo "hostname frr$2" >"$1/zebra.conf"
  cat >"$1/bgpd.conf" <<EOF
frr defaults traditional
hostname frr$2
router bgp $2
 bgp router-id $3
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor $4 remote-as 65011
 neighbor $4 ttl-security hops $5
 neighbor $4 timers 3 9
 neighbor $4 timers connect 1
 address-family ipv4 unicast
  network $3/32
  neighbor $4 activate
 exit-address-family
exit
EOF
}
frr_conf "$F1" 65101 10.0.0.101 10.1.0.1 1
frr_conf "$F2" 65102 10.0.0.102 10.2.0.1 2

# evpnd_conf F2_HOPS
evpnd_conf() {
  cat >"$WORK/ev.yaml" <<EOF
router-id: 10.0.0.11
asn: 65011
connect-retry: 1
neighbors:
  - {address: 10.1.0.0, remote-as: 65101, families: [ipv4-unicast], ttl-security: 1}
  - {address: 10.3.0.0, remote-as: 65102, families: [ipv4-unicast], ttl-security: $1}
networks: [10.0.0.11/32]
api: {socket: $WORK/ev.sock}
EOF
}
evpnd_conf 1

NEIGHBOR='{state: .summary.state, received: .summary.messages_received, sent:
  .summary.messages_sent, last_error: .last_error.message}'
refusals() { grep -c 'gtsm: connection refused peer=10.3.0.0 ttl=254 min-ttl=255' "$WORK/ev.log" || true; }

start_capture "$EV" any ev
start_frr "$F1NS" "$F1"
start_frr "$F2NS" "$F2"
min_ttl_drops=$(ns_counter "$EV" TcpExtTCPMinTTLDrop)
start_evpnd "$EV" ev
evpnd_show_init ev

# --- 1. ttl-security 1 on both ------------------------------------------------------------------
expect_json 30 "evpnd: f1 (one hop, ttl-security 1 both sides) Established" "$NEIGHBOR" \
  '.state == "Established"' evpnd_show ev bgp neighbor 10.1.0.0
wait_for 10 "f1: Established" frr_established "$F1" 10.1.0.1
expect_json 10 "evpnd: f1's network learned" '.routes[] | select(.prefix == "10.0.0.101/32")
  | .paths[0] | {peer}' '.peer == "10.1.0.0"' evpnd_show ev bgp ipv4 routes
wait_for 15 "f2 tries to connect and evpnd refuses" eval '(($(refusals) > 0))'
deadline=$((SECONDS + 12))
polls=0
while ((SECONDS < deadline)); do
  n=$(evpnd_show ev bgp neighbor 10.3.0.0 | jq -c "$NEIGHBOR")
  f=$(vty "$F2" "show bgp neighbors 10.2.0.1 json" | jq -r '.["10.2.0.1"].bgpState')
  jq -e '.state != "Established" and .state != "OpenConfirm"' <<<"$n" >/dev/null ||
    fail "evpnd reached $(jq -r .state <<<"$n") with f2 two hops away and ttl-security 1: $n"
  [[ $f != Established && $f != OpenConfirm ]] || fail "f2 reached $f"
  polls=$((polls + 1))
  sleep 0.5
done
n=$(evpnd_show ev bgp neighbor 10.3.0.0 | jq -c "$NEIGHBOR")
jq -e '(.received // "0") == "0" and (.sent // "0") == "0"' <<<"$n" >/dev/null ||
  fail "evpnd exchanged BGP messages with f2 (two hops, ttl-security 1): $n"
jq -e '.last_error == "ttl-security: connection refused, TTL 254 < 255"' <<<"$n" >/dev/null ||
  fail "evpnd's last_error for f2: $n"
drops=$(($(ns_counter "$EV" TcpExtTCPMinTTLDrop) - min_ttl_drops))
((drops > 0)) || fail "the kernel dropped no packet for the minimum TTL (TcpExtTCPMinTTLDrop)"
pass "f2 two hops away, ttl-security 1: $polls polls over 12 s, never Established; evpnd" \
  "refused $(refusals) connection(s) from f2 (SYN TTL 254 < 255), sent/received 0 messages," \
  "last_error \"$(jq -r .last_error <<<"$n")\"; kernel TcpExtTCPMinTTLDrop +$drops"

# --- 2. ttl-security 2 for f2 -------------------------------------------------------------------
log "evpnd restarted with ttl-security 2 for f2"
stop_pid "${EVPND_PID[ev]}" 10
refused_before=$(refusals)
rm -f "$WORK/ev.sock"
mv "$WORK/ev.log" "$WORK/ev.1.log.txt"
evpnd_conf 2
start_evpnd "$EV" ev
expect_json 30 "evpnd: f2 (two hops, ttl-security 2) Established" "$NEIGHBOR" \
  '.state == "Established"' evpnd_show ev bgp neighbor 10.3.0.0
wait_for 10 "f2: Established" frr_established "$F2" 10.2.0.1
expect_json 10 "evpnd: f2's network learned" '.routes[] | select(.prefix == "10.0.0.102/32")
  | .paths[0] | {peer}' '.peer == "10.3.0.0"' evpnd_show ev bgp ipv4 routes
expect_json 30 "evpnd: f1 Established again" "$NEIGHBOR" '.state == "Established"' \
  evpnd_show ev bgp neighbor 10.1.0.0
(($(refusals) == 0)) || fail "evpnd refused f2 with ttl-security 2: $(refusals) time(s)"
pass "evpnd with ttl-security 2 refused f2 0 times (it had refused $refused_before with 1)"

# --- the TTLs on the wire -------------------------------------------------------------------------
# Counted: SYNs and segments carrying BGP data, which the sockets themselves send. Left out: bare
# ACKs, FINs and resets the kernel sends on behalf of no socket or of a TIME_WAIT one (e.g. after
# evpnd's restart), with the namespace's default TTL (64), not the socket's.
sleep 1
stop_capture ev
ttls() {
  capture_fields ev "tcp.port == 179 && tcp.flags.reset == 0 && (tcp.len > 0 || tcp.flags.syn == 1) && $1" ip.ttl | sort -n | uniq -c |
    awk '{printf "%s x%s ", $2, $1}'
}
from_f1=$(ttls "ip.src == 10.1.0.0") to_f1=$(ttls "ip.dst == 10.1.0.0")
from_f2=$(ttls "ip.src == 10.3.0.0") to_f2=$(ttls "ip.dst == 10.3.0.0")
resets=$(capture_count ev "tcp.port == 179 && tcp.flags.reset == 1 && ip.src == 10.2.0.1")
[[ $from_f1 =~ ^"255 x"[0-9]+" "$ && $to_f1 =~ ^"255 x"[0-9]+" "$ ]] ||
  fail "TTLs between evpnd and f1 are not all 255: from f1: $from_f1, to f1: $to_f1"
[[ $from_f2 =~ ^"254 x"[0-9]+" "$ && $to_f2 =~ ^"255 x"[0-9]+" "$ ]] ||
  fail "TTLs between evpnd and f2: from f2 (expected 254 only): $from_f2, to f2: $to_f2"
pass "IP TTL of SYNs and BGP data segments at evpnd (value x count): from f1 $from_f1, to f1" \
  "$to_f1; from f2 $from_f2, to f2 $to_f2 (and $resets kernel resets to f2)"
