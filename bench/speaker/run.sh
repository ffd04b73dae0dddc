#!/usr/bin/env bash
# The speaker benchmark (README.md in this folder): route_sender sends N pre-encoded EVPN type-2
# routes (MAC + IPv4, 100 per UPDATE) to a receiver over a veth pair between two fresh network
# namespaces, then End-of-RIB. Receivers, alternately for every N and repetition: evpnd, FRR
# 8.4's bgpd (with zebra) configured as asked, and optionally FRR with an outbound deny-all
# route-map towards the sender (frr-noecho; by default FRR sends every route back to the eBGP
# peer it came from, which evpnd does not). Measured per run: seconds from the sender's first
# UPDATE byte until the receiver holds all N routes in its Loc-RIB, routes/s, the receiver's CPU
# time and runnable-but-waiting time over that interval (/proc schedstat: the wait is what other
# load on the machine costs it), and its resident memory growth per route (VmRSS before the
# first byte and once all routes are in).
#
# Usage (as root):  bench/speaker/run.sh [N...]      default N: 100000 1000000
#                   bench/speaker/run.sh 10000       quick smoke test
# Environment:
#   REPS=1            repetitions (each runs every N with every receiver, in DAEMONS order)
#   DAEMONS="evpnd frr"  receivers: evpnd, frr, frr-noecho
#   POLL_MS=100       polling interval of the receiver's route count
#   CAP_S=120         give up on a receiver this many seconds after the session came up, and
#                     report the count it reached
#   EVPND_BUILD_DIR   build tree with daemon/evpnd (default build/default); route_sender is
#                     taken from bench/speaker/ there, else compiled by hand into the work dir
#                     against that tree's bgpd/codec/libevpnd_codec.a
#   SENDER=PATH       a route_sender binary to use instead
#   RESULTS=PATH      also append the raw rows there (one line per run, columns named in a
#                     comment line)
#   KEEP_WORK=1       keep the work directory (configs, daemon logs, sender output)
#   EVPND_WRAPPER     a command evpnd runs under, for profiling, e.g.
#                     EVPND_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out"
#                     (times and memory are then the wrapper's, not evpnd's)
#
# When all routes are in: the receiver is polled every POLL_MS, evpnd with GET /v1/bgp/summary
# (curl; "received" = Adj-RIB-In paths of the neighbor, each already through best-path
# selection), FRR with `show bgp l2vpn evpn summary json` (pfxRcd) and `show work-queues` in one
# vtysh call (FRR defers best path to its "process_queue": done = pfxRcd = N and that queue
# empty). Each poll costs the receiver CPU, inside the measured time (reported as poll_ms).
# evpnd applies a route to Adj-RIB-In and Loc-RIB in one step, so its log time of the
# End-of-RIB (which follows the last route on the wire) is the exact end, to 1 ms; the poll time
# is an upper bound. FRR's time is the poll's, up to one interval (+ vtysh latency) late.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../../tests/lib/netns.sh"

NS=("$@")
((${#NS[@]})) || NS=(100000 1000000)
REPS=${REPS:-1}
DAEMONS=${DAEMONS:-evpnd frr}
POLL_MS=${POLL_MS:-100}
CAP_S=${CAP_S:-120}
POLL_S=$(awk -v m="$POLL_MS" 'BEGIN {printf "%.3f", m / 1000}')

netns_init speaker_bench
command -v curl >/dev/null || fail "curl is needed"
command -v vtysh >/dev/null || [[ $DAEMONS != *frr* ]] || fail "vtysh (FRR) is needed"

SENDER=${SENDER:-$BUILD_DIR/bench/speaker/route_sender}
if [[ ! -x $SENDER ]]; then
  log "no $SENDER: compiling route_sender by hand against $BUILD_DIR/bgpd/codec"
  [[ -f $BUILD_DIR/bgpd/codec/libevpnd_codec.a ]] || fail "$BUILD_DIR/bgpd/codec not built"
  SENDER=$WORK/route_sender
  g++ -std=c++20 -O2 -g -I"$SRC_DIR" "$HERE/route_sender.cc" \
    "$BUILD_DIR/bgpd/codec/libevpnd_codec.a" -o "$SENDER"
fi

# Addresses: sender 10.9.0.1 (AS 65001), receiver 10.9.0.0 (AS 65000), eBGP on a veth /31.
SND_IP=10.9.0.1 RCV_IP=10.9.0.0 SND_AS=65001 RCV_AS=65000
RUN=0
ROWS=()  # "N daemon rep status poll_s eor_s count_s cpu_s rss0_kB rss1_kB hwm_kB count polls
         #  write_s wait_s poll_cpu_ms msgs_back", one per run

now_ns() { date +%s%N; }
rss_kb() { awk -v k="${2:-VmRSS:}" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# sched_ns PID: "RUN WAIT", nanoseconds all threads of PID ran on a CPU, and waited runnable
# for one (/proc/PID/task/*/schedstat; the wait is what other load on the machine costs it).
sched_ns() {
  cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{r += $1; w += $2} END {printf "%.0f %.0f\n", r, w}'
}
# A receiver log's local time stamp (date -d form) to epoch ns.
stamp_ns() { date -d "$1" +%s%N; }

# forget_pids PID...: drop stopped processes from netns.sh's cleanup list (never signal a PID
# that may have been reused by then).
forget_pids() {
  local keep=() p q drop
  for p in "${PIDS[@]}"; do
    drop=0
    for q in "$@"; do [[ $p == "$q" ]] && drop=1; done
    ((drop)) || keep+=("$p")
  done
  PIDS=("${keep[@]}")
}

stop_quietly() {
  local pid=$1 tenths=50
  [[ -n ${EVPND_WRAPPER:-} ]] && tenths=1200  # a profiler writing its data
  pid_alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq "$tenths"); do pid_alive "$pid" || break; sleep 0.1; done
  pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# ---- receivers ---------------------------------------------------------------------------------

# start_receiver DAEMON NS DIR: sets RCV_PID (the process whose RSS is measured) and RCV_PIDS
# (everything to stop afterwards).
start_receiver() {
  local d=$1 ns=$2 dir=$3
  mkdir -p "$dir"
  case $d in
    evpnd)
      cat >"$dir/evpnd.yaml" <<EOF
router-id: $RCV_IP
asn: $RCV_AS
hold-time: $([[ -n ${EVPND_WRAPPER:-} ]] && echo 90 || echo 9)
neighbors:
  - address: $SND_IP
    remote-as: $SND_AS
    families: [l2vpn-evpn]
    passive: true
api: {socket: $dir/evpnd.sock}
log: {level: info}
EOF
      local wrapper=()
      [[ -n ${EVPND_WRAPPER:-} ]] && read -r -a wrapper <<<"$EVPND_WRAPPER"
      spawn "$ns" "$dir/evpnd.log" "${wrapper[@]}" "$EVPND" -c "$dir/evpnd.yaml"
      RCV_PID=$SPAWNED RCV_PIDS=("$SPAWNED")
      wait_for 60 "evpnd API" test -S "$dir/evpnd.sock"
      ;;
    frr | frr-noecho)
      # frr-noecho: an outbound deny-all route-map, so that FRR, like evpnd, does not send the
      # routes back to the peer they came from (FRR 8.4 does by default on eBGP, and
      # `sender-as-path-loop-detection` does not stop it for EVPN).
      local noecho= noecho_map=
      if [[ $d == frr-noecho ]]; then
        noecho="  neighbor $SND_IP route-map NOTHING out"
        noecho_map="route-map NOTHING deny 10"
      fi
      echo "hostname recv" >"$dir/zebra.conf"
      cat >"$dir/bgpd.conf" <<EOF
frr defaults traditional
hostname recv
log timestamp precision 6
log file $dir/bgpd.precise.log informational
bgp route-map delay-timer 0
$noecho_map
router bgp $RCV_AS
 bgp router-id $RCV_IP
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor $SND_IP remote-as $SND_AS
 neighbor $SND_IP passive
 address-family l2vpn evpn
  neighbor $SND_IP activate
$noecho
 exit-address-family
exit
EOF
      start_frr "$ns" "$dir"
      RCV_PID=$FRR_BGPD_PID
      RCV_PIDS=("$FRR_BGPD_PID" "${PIDS[-2]}")  # bgpd, zebra
      ;;
  esac
}

# receiver_count DAEMON DIR: the L2VPN EVPN routes the receiver holds from the sender, and
# whether they are all through best-path selection ("COUNT SETTLED"). evpnd: Adj-RIB-In paths of
# the neighbor, which are in the Loc-RIB decision the moment they are counted (settled = 1).
# FRR: pfxRcd; settled = 1 when bgpd's route-processing work queue ("process_queue", where FRR
# defers best-path selection) was empty in the same vtysh call, after the count.
receiver_count() {
  local out n=0 settled=0
  case $1 in
    evpnd)
      out=$(curl -sf --max-time 5 --unix-socket "$2/evpnd.sock" http://evpnd/v1/bgp/summary) || out=
      [[ $out =~ \"family\":\"l2vpn-evpn\",\"received\":\"?([0-9]+) ]] && n=${BASH_REMATCH[1]}
      settled=1
      ;;
    frr*)
      out=$(timeout 10 vtysh -d bgpd --vty_socket "$2" -c "show bgp l2vpn evpn summary json" \
        -c "show work-queues" 2>/dev/null) || out=
      [[ $out =~ \"pfxRcd\":([0-9]+) ]] && n=${BASH_REMATCH[1]}
      # "P  Items  Hold ... Name": P is blank unless the queue is plugged; Items = first number.
      awk '/process_queue/ {for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) {exit ($i > 0 ? 1 : 0)}}
           END {}' <<<"$out" && [[ $out == *process_queue* ]] && settled=1
      ;;
  esac
  echo "$n $settled"
}

# receiver_eor_ns DAEMON DIR: epoch ns of the receiver's log line for the End-of-RIB, or empty.
receiver_eor_ns() {
  local line
  case $1 in
    evpnd)
      line=$(grep -m1 'end-of-rib peer=' "$2/evpnd.log" 2>/dev/null) || return 0
      [[ $line =~ ^\[([0-9-]+\ [0-9:.]+)\] ]] && stamp_ns "${BASH_REMATCH[1]}"
      ;;
    frr*)
      line=$(grep -m1 'rcvd End-of-RIB for L2VPN EVPN' "$2/bgpd.precise.log" 2>/dev/null) ||
        return 0
      [[ $line =~ ^([0-9/]+\ [0-9:.]+) ]] && stamp_ns "${BASH_REMATCH[1]//\//-}"
      ;;
  esac
  return 0
}

# ---- one measurement --------------------------------------------------------------------------

# run_one DAEMON N REP: fresh namespaces, receiver, sender; appends a row to ROWS.
run_one() {
  local d=$1 n=$2 rep=$3
  RUN=$((RUN + 1))
  local nss=$TAG-s$RUN nsr=$TAG-r$RUN dir=$WORK/run$RUN-$d-$n
  make_ns "$nss"
  make_ns "$nsr"
  link_ns "$nss" $SND_IP/31 "$nsr" $RCV_IP/31
  start_receiver "$d" "$nsr" "$dir"
  sleep 1
  local rss0 run0 wait0
  rss0=$(rss_kb "$RCV_PID")
  read -r run0 wait0 < <(sched_ns "$RCV_PID")

  spawn "$nss" "$dir/sender.out" "$SENDER" --connect $RCV_IP --as $SND_AS --peer-as $RCV_AS \
    --router-id $SND_IP --routes "$n"
  local snd=$SPAWNED

  # Wait for the session, then poll the count.
  local deadline=$((SECONDS + 120))
  until grep -q '^established' "$dir/sender.out" 2>/dev/null; do
    if ! pid_alive "$snd" || ((SECONDS > deadline)); then
      cat "$dir/sender.out" >&2 || true
      fail "$d: no session with the sender"
    fi
    sleep 0.05
  done
  local t_est count=0 t_done=0 status=ok polls=0 t_cap
  t_est=$(now_ns)
  t_cap=$((t_est + CAP_S * 1000000000))
  local settled=0 t_count=0
  while :; do
    read -r count settled < <(receiver_count "$d" "$dir")
    polls=$((polls + 1))
    local t=$(now_ns)
    ((count >= n && t_count == 0)) && t_count=$t
    if ((count >= n && settled)); then
      t_done=$t
      break
    fi
    if ! pid_alive "$RCV_PID"; then
      status=died
      break
    fi
    if ! pid_alive "$snd"; then
      status=sender-failed
      tail -n 3 "$dir/sender.out" >&2 || true
      break
    fi
    if ((t > t_cap)); then
      status=capped
      break
    fi
    sleep "$POLL_S"
  done
  local rss1 hwm run1 wait1
  rss1=$(rss_kb "$RCV_PID")
  hwm=$(rss_kb "$RCV_PID" VmHWM:)
  read -r run1 wait1 < <(sched_ns "$RCV_PID")

  # What one poll costs the receiver once it holds the routes (its CPU time for one count).
  local poll_cpu_ms=- pr0 pw0 pr1 pw1
  if [[ $status == ok ]]; then
    read -r pr0 pw0 < <(sched_ns "$RCV_PID")
    receiver_count "$d" "$dir" >/dev/null
    read -r pr1 pw1 < <(sched_ns "$RCV_PID")
    poll_cpu_ms=$(awk -v a="$pr1" -v b="$pr0" 'BEGIN {printf "%.1f", (a - b) / 1e6}')
  fi

  # The sender's first byte (it prints its times once the whole stream is written).
  local wdeadline=$((SECONDS + 30)) first=0 line
  while ((SECONDS < wdeadline)); do
    line=$(grep -m1 '^first_byte' "$dir/sender.out" 2>/dev/null) || line=
    [[ -n $line ]] && break
    pid_alive "$snd" || break
    sleep 0.1
  done
  [[ $line =~ t_ns=([0-9]+) ]] && first=${BASH_REMATCH[1]}
  local write_s=-
  line=$(grep -m1 '^eor_sent' "$dir/sender.out" 2>/dev/null) || line=
  [[ $line =~ write_s=([0-9.]+) ]] && write_s=${BASH_REMATCH[1]}
  local eor_ns
  eor_ns=$(receiver_eor_ns "$d" "$dir")

  local secs=- eor_s=- count_s=-
  if ((first > 0)); then
    ((t_done > 0)) && secs=$(awk -v a="$t_done" -v b="$first" 'BEGIN {printf "%.3f", (a - b) / 1e9}')
    [[ -n $eor_ns ]] && eor_s=$(awk -v a="$eor_ns" -v b="$first" 'BEGIN {printf "%.3f", (a - b) / 1e9}')
    ((t_count > 0)) && count_s=$(awk -v a="$t_count" -v b="$first" 'BEGIN {printf "%.3f", (a - b) / 1e9}')
  else
    first=$t_est
  fi
  if [[ $status != ok ]]; then
    secs=$(awk -v a="$(now_ns)" -v b="$first" 'BEGIN {printf "%.3f", (a - b) / 1e9}')
  fi
  # Tear down: sender (it then reports how many messages the receiver sent it, e.g. our own
  # routes echoed back), receiver, namespaces.
  stop_quietly "$snd"
  local echoed=-
  line=$(grep -m1 '^stopped' "$dir/sender.out" 2>/dev/null) || line=
  [[ $line =~ received_messages=([0-9]+) ]] && echoed=${BASH_REMATCH[1]}
  local cpu_s wait_s
  cpu_s=$(awk -v a="$run1" -v b="$run0" 'BEGIN {printf "%.3f", (a - b) / 1e9}')
  wait_s=$(awk -v a="$wait1" -v b="$wait0" 'BEGIN {printf "%.3f", (a - b) / 1e9}')
  ROWS+=("$n $d $rep $status $secs $eor_s $count_s $cpu_s $rss0 $rss1 $hwm $count $polls $write_s $wait_s $poll_cpu_ms $echoed")
  log "N=$n $d rep $rep: $status count=$count all-in=${secs}s (count seen ${count_s}s) eor-log=${eor_s}s" \
    "cpu=${cpu_s}s runnable-wait=${wait_s}s rss ${rss0}->${rss1} kB (hwm $hwm) polls=$polls (one poll: ${poll_cpu_ms} ms CPU) sender-write=${write_s}s msgs-back=$echoed"
  [[ -n ${RESULTS:-} ]] && printf '%s\n' "${ROWS[-1]}" >>"$RESULTS"

  local p
  for p in "${RCV_PIDS[@]}"; do stop_quietly "$p"; done
  forget_pids "$snd" "${RCV_PIDS[@]}"
  local ns pid
  for ns in "$nss" "$nsr"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
}

# ---- main -------------------------------------------------------------------------------------

log "N: ${NS[*]}; receivers: $DAEMONS; repetitions: $REPS; poll every ${POLL_MS} ms; cap ${CAP_S} s"
log "evpnd: $EVPND; sender: $SENDER; frr: $("$FRR_DIR/bgpd" --version 2>/dev/null | head -1)"
[[ -n ${RESULTS:-} ]] && echo "# N daemon rep status poll_s eor_s count_s cpu_s rss0_kB rss1_kB hwm_kB count polls write_s wait_s poll_cpu_ms msgs_back" >>"$RESULTS"
for rep in $(seq "$REPS"); do
  for n in "${NS[@]}"; do
    for d in $DAEMONS; do run_one "$d" "$n" "$rep"; done
  done
done

# ---- report -----------------------------------------------------------------------------------

printf '%s\n' "${ROWS[@]}" >"$WORK/rows.txt"
awk '
function median(arr, k,   i, j, t) {
  for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (arr[j] < arr[i]) {t = arr[i]; arr[i] = arr[j]; arr[j] = t}
  return (k % 2) ? arr[(k + 1) / 2] : (arr[k / 2] + arr[k / 2 + 1]) / 2
}
function fmt(x) { return x == "-" ? "-" : sprintf("%.3f", x) }
BEGIN {
  printf "%-8s %-10s %-3s %-7s %8s %8s %8s %8s %10s %7s %7s %12s %7s %7s %8s %8s %7s %9s\n", "N", "daemon", "rep", "status", "poll_s", "eor_s", "count_s", "t_s", "routes/s", "cpu_s", "wait_s", "routes/cpu-s", "RSS0_MB", "RSS1_MB", "B/route", "count", "poll_ms", "msgs_back"
}
{
  n = $1; d = $2; st = $4; poll = $5; eor = $6; cnt_s = $7; cpu = $8; r0 = $9; r1 = $10; cnt = $12; wt = $15; pm = $16
  # t_s, "all N routes in the Loc-RIB": evpnd applies each route to Adj-RIB-In and Loc-RIB (best
  # path) in one step, so its End-of-RIB log time is exact (ms) and poll_s an upper bound. FRR
  # defers best path to a work queue: t_s = poll_s, the first poll that saw pfxRcd = N and that
  # queue empty. Capped or dead runs: the time at which it gave up, with the count reached.
  t = (d == "evpnd" && eor != "-" && st == "ok") ? eor : poll
  per = cnt > 0 ? (r1 - r0) * 1024 / cnt : 0
  rate = t > 0 ? cnt / t : 0
  pcpu = cpu > 0 ? cnt / cpu : 0
  printf "%-8d %-10s %-3s %-7s %8s %8s %8s %8.3f %10.0f %7.3f %7.3f %12.0f %7.1f %7.1f %8.0f %8d %7s %9s\n", n, d, $3, st, poll, eor, cnt_s, t, rate, cpu, wt, pcpu, r0 / 1024, r1 / 1024, per, cnt, pm, $17
  key = n SUBSEP d
  j = ++k[key]
  T[key, j] = t; P[key, j] = (poll == "-" ? t : poll); R[key, j] = rate; PR[key, j] = (poll > 0 ? cnt / poll : 0)
  B[key, j] = per; C[key, j] = cpu; PM[key, j] = (pm == "-" ? 0 : pm); PC[key, j] = pcpu; G[key, j] = (r1 - r0) / 1024
  if (st != "ok") S[key] = S[key] " " st "@" cnt "/" n
  if (!(n in seenN)) {seenN[n] = 1; order[++nn] = n}
  if (!(d in seenD)) {seenD[d] = 1; dorder[++nd] = d}
}
END {
  print ""
  print "Medians over repetitions (t_s = sender first byte -> all N routes in the receiver'"'"'s Loc-RIB):"
  printf "%-8s %-10s %4s %8s %10s %8s %10s %7s %12s %8s %8s %8s  %s\n", "N", "daemon", "runs", "t_s", "routes/s", "poll_s", "routes/s*", "cpu_s", "routes/cpu-s", "RSS+_MB", "B/route", "poll_ms", "notes"
  for (i = 1; i <= nn; i++) {
    n = order[i]
    for (dd = 1; dd <= nd; dd++) {
      d = dorder[dd]; key = n SUBSEP d
      if (!k[key]) continue
      m = k[key]
      for (j = 1; j <= m; j++) {a[j] = T[key, j]} ; mt[d] = median(a, m)
      for (j = 1; j <= m; j++) {a[j] = R[key, j]} ; mr[d] = median(a, m)
      for (j = 1; j <= m; j++) {a[j] = P[key, j]} ; mp[d] = median(a, m)
      for (j = 1; j <= m; j++) {a[j] = PR[key, j]}; mpr[d] = median(a, m)
      for (j = 1; j <= m; j++) {a[j] = C[key, j]} ; mc[d] = median(a, m)
      for (j = 1; j <= m; j++) {a[j] = PC[key, j]}; mpc[d] = median(a, m)
      for (j = 1; j <= m; j++) {a[j] = G[key, j]} ; mg[d] = median(a, m)
      for (j = 1; j <= m; j++) {a[j] = B[key, j]} ; mb[d] = median(a, m)
      for (j = 1; j <= m; j++) {a[j] = PM[key, j]}; mpm[d] = median(a, m)
      printf "%-8d %-10s %4d %8.3f %10.0f %8.3f %10.0f %7.3f %12.0f %8.1f %8.0f %8.1f %s\n", n, d, m, mt[d], mr[d], mp[d], mpr[d], mc[d], mpc[d], mg[d], mb[d], mpm[d], S[key]
    }
    for (dd = 1; dd <= nd; dd++) {
      o = dorder[dd]
      if (o == "evpnd" || !k[n SUBSEP "evpnd"] || !k[n SUBSEP o] || mr[o] <= 0 || mb[o] <= 0) continue
      printf "%-8d ratio  evpnd/%s: routes/s x%.1f (poll-to-poll x%.1f), routes per CPU-s x%.1f, bytes/route x%.3f\n", n, o, mr["evpnd"] / mr[o], mpr["evpnd"] / mpr[o], (mpc[o] > 0 ? mpc["evpnd"] / mpc[o] : 0), mb["evpnd"] / mb[o]
    }
  }
  print "(routes/s* = N / poll_s: both daemons timed the same way, by polling; poll_ms = the"
  print " receiver CPU time one poll of its route count costs once it holds the N routes)"
}' "$WORK/rows.txt" | tee "$WORK/report.txt"
