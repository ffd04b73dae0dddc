#!/usr/bin/env bash
# The kernel benchmark (README.md in this folder): a peer sends N EVPN type-2 routes (MAC +
# IPv4, one VNI) to a receiver; how long until all N MACs are in the receiver's kernel FDB, for
# evpnd and for FRR 8.4 (bgpd + zebra) fed the same byte stream, and for comparison the kernel's
# own limit: raw_fdb_writer adding the same entries with batched raw netlink. Per run, in fresh
# namespaces: seconds, MACs/s, ratio to raw, the receiver's resident memory (evpnd; FRR: bgpd +
# zebra) and its growth per route, CPU time, whether it finished within CAP_S.
#
#   ns <tag>-sK                                  ns <tag>-rK  (a fresh pair for every run)
#   route_sender 10.9.0.1/31 ---- veth ---- 10.9.0.0/31  evpnd, or zebra + bgpd, or nothing (raw)
#   AS 65001, VTEP 10.9.0.1                      AS 65000, br100 (SVI 10.100.0.1/24)
#                                                  +- vxlan100 (VNI 100, local 10.9.0.0,
#                                                  |  dstport 4789, nolearning, learning off)
#                                                  +- host100 (a veth, local hosts' port)
#                                                fdb_watch on vxlan100 (the finish line)
#
# Usage (as root):  bench/kernel/run.sh [N...]        default N: 10000 100000 1000000
# Environment:
#   DAEMONS="raw evpnd frr"  what to measure, in this order for every N. raw: raw_fdb_writer
#                     adds the FDB entries (per MAC: NTF_SELF with dst + NTF_MASTER); raw-neigh
#                     (optional): the same plus the IPv4 neighbor entry on the SVI that evpnd and
#                     FRR also install for each MAC+IP route (ARP suppression), i.e. all the kernel
#                     work of a type-2 route
#   REPS=1            repetitions of everything
#   RAW_BATCH_BYTES=16384  raw_fdb_writer's bytes per sendmsg (16 KiB: its fastest; 256 KiB costs
#                     this kernel 1.2-1.5x the CPU per entry, see README.md "Batch size")
#   FRR_NL_BUFSIZE=90000000  zebra's netlink receive buffer (-s), as FRR's packaged
#                     /etc/frr/daemons sets it; 0: zebra's built-in default, as
#                     tests/lib/netns.sh's start_frr runs it (zebra then exits on a netlink
#                     overrun, e.g. at 60 k of 1 M routes)
#   CAP_S=120         a receiver that has not got all N MACs into the kernel this many seconds
#                     after the session came up is reported as `capped` with the count reached
#   EVPND_BUILD_DIR   build tree (default build/default): daemon/evpnd, bench/kernel/
#                     {raw_fdb_writer,fdb_watch}, bench/speaker/route_sender. Tools missing there
#                     are compiled by hand into the work directory (route_sender against that
#                     tree's bgpd/codec/libevpnd_codec.a).
#   EVPND_BIN, RAW_WRITER, FDB_WATCH, SENDER   binaries to use instead (e.g. evpnd from
#                     build/default and the tools from your own build directory)
#   RESULTS=PATH      also append the raw rows there (columns named in a comment line)
#   KEEP_WORK=1       keep the work directory (configs, daemon logs, tool output)
#
# Timing: fdb_watch (in the receiver's namespace, started before anything is sent) counts the
# distinct non-zero MACs with an NTF_SELF entry on vxlan100 from netlink events and, when it
# reaches N, confirms with one RTM_GETNEIGH per expected MAC; it prints the CLOCK_REALTIME of the
# N-th entry. Daemons: seconds = route_sender's first UPDATE byte -> that time. raw: seconds =
# raw_fdb_writer's own time (first sendmsg -> last ACK); watch_s is fdb_watch's time from the
# writer's start, for comparison. route_sender sends the MACs 02:00:00:00:00:01 + i (and IPv4
# 10.0.0.1 + i), RD 10.9.0.1:100, label/VNI 100, RT 65001:100 (auto-derived, the sender's AS:
# evpnd's and FRR's auto import RTs match eBGP routes on the VNI alone), 100 routes per UPDATE.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../../tests/lib/netns.sh"
EVPND=${EVPND_BIN:-$EVPND}

NS=("$@")
((${#NS[@]})) || NS=(10000 100000 1000000)
REPS=${REPS:-1}
DAEMONS=${DAEMONS:-raw evpnd frr}
CAP_S=${CAP_S:-120}
FRR_NL_BUFSIZE=${FRR_NL_BUFSIZE:-90000000}
RAW_BATCH_BYTES=${RAW_BATCH_BYTES:-16384}
VNI=100
MAC_BASE=02:00:00:00:00:01  # route_sender's first MAC; its route i carries MAC_BASE + i

for d in $DAEMONS; do
  case $d in
    raw | raw-neigh | evpnd | frr) ;;
    *) echo "unknown daemon '$d' in DAEMONS (raw, raw-neigh, evpnd, frr)" >&2; exit 2 ;;
  esac
done
# netns_init insists on an evpnd binary; without evpnd in DAEMONS none is needed.
[[ " $DAEMONS " == *" evpnd "* ]] || [[ -x $EVPND ]] || EVPND=$(command -v true)
netns_init kernel_bench
command -v vtysh >/dev/null || [[ " $DAEMONS " != *" frr "* ]] || fail "vtysh (FRR) is needed"
command -v curl >/dev/null || [[ " $DAEMONS " != *" evpnd "* ]] || fail "curl is needed"

# ---- tools ------------------------------------------------------------------------------------

CXXFLAGS_TOOLS=(-std=c++20 -O2 -g -Wall -Wextra -Werror -I"$SRC_DIR")
tool() {  # tool NAME: path of bench/kernel's NAME, compiled by hand if the build tree lacks it
  local path=$BUILD_DIR/bench/kernel/$1
  if [[ ! -x $path ]]; then
    log "no $path: compiling $1 by hand"
    path=$WORK/$1
    g++ "${CXXFLAGS_TOOLS[@]}" "$HERE/$1.cc" "$HERE/nl_socket.cc" "$HERE/fdb_message.cc" -o "$path"
  fi
  echo "$path"
}
RAW_WRITER=${RAW_WRITER:-$(tool raw_fdb_writer)}
FDB_WATCH=${FDB_WATCH:-$(tool fdb_watch)}
SENDER=${SENDER:-$BUILD_DIR/bench/speaker/route_sender}
if [[ ! -x $SENDER ]]; then
  log "no $SENDER: compiling route_sender by hand against $BUILD_DIR/bgpd/codec"
  [[ -f $BUILD_DIR/bgpd/codec/libevpnd_codec.a ]] || fail "$BUILD_DIR/bgpd/codec not built"
  SENDER=$WORK/route_sender
  g++ "${CXXFLAGS_TOOLS[@]}" "$HERE/../speaker/route_sender.cc" \
    "$BUILD_DIR/bgpd/codec/libevpnd_codec.a" -o "$SENDER"
fi

# Sender 10.9.0.1 (AS 65001), receiver 10.9.0.0 (AS 65000), eBGP on a veth /31; the receiver's
# VTEP is its veth address, the sender's (the routes' next hop) 10.9.0.1.
SND_IP=10.9.0.1 RCV_IP=10.9.0.0 SND_AS=65001 RCV_AS=65000
RUN=0
ROWS=()  # "N daemon rep status secs watch_s count rss0_kB rss1_kB cpu_s wait_s load1 note sys_s",
         # one per run

now_ns() { date +%s%N; }
rss_kb() { awk -v k="${2:-VmRSS:}" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# sched_ns PID...: "RUN WAIT", nanoseconds all threads of the PIDs ran on a CPU, and waited
# runnable for one (/proc/PID/task/*/schedstat; the wait is what other load costs them).
sched_ns() {
  local p files=()
  for p in "$@"; do files+=(/proc/"$p"/task/*/schedstat); done
  { cat "${files[@]}" 2>/dev/null || true; } |
    awk '{r += $1; w += $2} END {printf "%.0f %.0f\n", r, w}'
}
# sys_ns PID...: nanoseconds all threads of the PIDs spent in the kernel (stime, field 15 of
# /proc/PID/task/*/stat, in clock ticks): for these receivers nearly all of it is netlink work.
sys_ns() {
  local p tick files=()
  tick=$(getconf CLK_TCK)
  for p in "$@"; do files+=(/proc/"$p"/task/*/stat); done
  { cat "${files[@]}" 2>/dev/null || true; } | sed 's/^.*) //' |
    awk -v t="$tick" '{s += $13} END {printf "%.0f\n", s * 1e9 / t}'
}
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (a - b) / 1e9}'; }
field() {  # field KEY FILE [LINE_PREFIX]: value of KEY= on the first line starting with PREFIX
  local line
  line=$(grep -m1 "^${3:-}" "$2" 2>/dev/null) || return 0
  [[ $line =~ (^|[[:space:]])$1=([^[:space:]]+) ]] && echo "${BASH_REMATCH[2]}"
  return 0
}

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

stop_quietly() {  # stop_quietly PID [TENTHS]: SIGTERM, wait up to TENTHS/10 s, then SIGKILL
  local pid=$1 tenths=${2:-50} i
  pid_alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq "$tenths"); do pid_alive "$pid" || break; sleep 0.1; done
  pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# ---- receivers --------------------------------------------------------------------------------

# start_receiver DAEMON NS DIR: sets RCV_PIDS (the processes whose memory and CPU are measured,
# all stopped afterwards) and RCV_NAMES (their names, for the status of a dead one).
start_receiver() {
  local d=$1 ns=$2 dir=$3
  RCV_PIDS=() RCV_NAMES=()
  case $d in
    raw | raw-neigh) ;;
    evpnd)
      cat >"$dir/evpnd.yaml" <<EOF
router-id: $RCV_IP
asn: $RCV_AS
graceful-restart: {enabled: true}
neighbors:
  - address: $SND_IP
    remote-as: $SND_AS
    families: [l2vpn-evpn]
    passive: true
evpn:
  advertise-all-vni: true
api: {socket: $dir/evpnd.sock}
log: {level: info}
EOF
      spawn "$ns" "$dir/evpnd.log" "$EVPND" -c "$dir/evpnd.yaml"
      RCV_PIDS=("$SPAWNED") RCV_NAMES=(evpnd)
      wait_for 60 "evpnd API" test -S "$dir/evpnd.sock"
      # advertise-all-vni: wait until evpnd has found VNI 100 in the kernel (best effort).
      local i
      for i in $(seq 100); do
        curl -sf --max-time 2 --unix-socket "$dir/evpnd.sock" http://evpnd/v1/evpn/vnis |
          grep -q "\"vni\":$VNI" && return 0
        sleep 0.1
      done
      log "evpnd: VNI $VNI not shown by /v1/evpn/vnis after 10 s; going on"
      ;;
    frr)
      echo "hostname recv" >"$dir/zebra.conf"
      cat >"$dir/bgpd.conf" <<EOF
frr defaults traditional
hostname recv
log file $dir/bgpd.log informational
bgp route-map delay-timer 0
router bgp $RCV_AS
 bgp router-id $RCV_IP
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 neighbor $SND_IP remote-as $SND_AS
 neighbor $SND_IP passive
 address-family l2vpn evpn
  neighbor $SND_IP activate
  advertise-all-vni
 exit-address-family
exit
EOF
      start_frr_bench "$ns" "$dir"
      RCV_PIDS=("$FRR_BGPD_PID" "$FRR_ZEBRA_PID") RCV_NAMES=(bgpd zebra)
      # zebra must have told bgpd about VNI 100 (bridge + SVI + VXLAN device) before routes come.
      local i
      for i in $(seq 100); do
        vty "$dir" "show bgp l2vpn evpn vni $VNI json" 2>/dev/null | grep -q "\"vni\":$VNI" &&
          return 0
        sleep 0.1
      done
      log "frr: bgpd does not show VNI $VNI after 10 s; going on"
      ;;
  esac
}

# start_frr_bench NS DIR: zebra + bgpd as tests/lib/netns.sh's start_frr starts them, plus
# zebra's netlink receive buffer `-s $FRR_NL_BUFSIZE` (FRR's packaged /etc/frr/daemons runs
# zebra with -s 90000000; without it zebra's netlink listener overruns at high write rates and
# zebra exits). FRR_NL_BUFSIZE=0 leaves it out (start_frr's way). Sets FRR_BGPD_PID and
# FRR_ZEBRA_PID.
start_frr_bench() {
  local ns=$1 dir=$2 nl=()
  ((FRR_NL_BUFSIZE > 0)) && nl=(-s "$FRR_NL_BUFSIZE")
  chown -R frr:frr "$dir"
  local common=(-N "$ns" --vty_socket "$dir" -z "$dir/zserv.api" -u frr -g frr)
  spawn "$ns" "$dir/zebra.out" "$FRR_DIR/zebra" "${common[@]}" "${nl[@]}" \
    -f "$dir/zebra.conf" -i "$dir/zebra.pid" --log "file:$dir/zebra.log"
  FRR_ZEBRA_PID=$SPAWNED
  FRR_TMPDIRS+=("/var/tmp/frr/zebra.$SPAWNED" "/var/run/frr/$ns")
  wait_for 10 "zebra in $ns" test -S "$dir/zebra.vty"
  spawn "$ns" "$dir/bgpd.out" "$FRR_DIR/bgpd" "${common[@]}" \
    -f "$dir/bgpd.conf" -i "$dir/bgpd.pid" --log "file:$dir/bgpd.log"
  FRR_BGPD_PID=$SPAWNED
  FRR_TMPDIRS+=("/var/tmp/frr/bgpd.$SPAWNED")
  wait_for 10 "bgpd in $ns" test -S "$dir/bgpd.vty"
}

# ---- one measurement --------------------------------------------------------------------------

# run_one DAEMON N REP: fresh namespaces, receiver, fdb_watch, then the writer or the sender;
# appends a row to ROWS.
run_one() {
  local d=$1 n=$2 rep=$3
  RUN=$((RUN + 1))
  local nss=$TAG-s$RUN nsr=$TAG-r$RUN dir=$WORK/run$RUN-$d-$n
  mkdir -p "$dir"
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  make_ns "$nss"
  make_ns "$nsr"
  link_ns "$nss" $SND_IP/31 "$nsr" $RCV_IP/31
  make_l2vni "$nsr" $VNI $RCV_IP 52:54:00:00:64 10.100.0.1/24
  start_receiver "$d" "$nsr" "$dir"
  sleep 1
  local rss0=0 rss1=0 cpu0=0 cpu1=0 wait0=0 wait1=0 p
  for p in "${RCV_PIDS[@]}"; do rss0=$((rss0 + $(rss_kb "$p"))); done
  local sys0=0 sys1=0
  if ((${#RCV_PIDS[@]})); then
    read -r cpu0 wait0 < <(sched_ns "${RCV_PIDS[@]}")
    sys0=$(sys_ns "${RCV_PIDS[@]}")
  fi

  spawn "$nsr" "$dir/watch.out" "$FDB_WATCH" --dev vxlan$VNI --count "$n" --mac-base $MAC_BASE \
    --timeout $((CAP_S + 300))
  local watch=$SPAWNED
  wait_for 30 "fdb_watch ready" grep -q '^ready' "$dir/watch.out"

  local status=ok secs=- watch_s=- t_first=0 note=- snd='' cpu_raw=- wait_raw=- sys_raw=-
  if [[ $d == raw* ]]; then
    local neigh=()
    [[ $d == raw-neigh ]] && neigh=(--neigh-dev "br$VNI" --ip-base 10.0.0.1)
    ip netns exec "$nsr" "$RAW_WRITER" --dev vxlan$VNI --dst $SND_IP --count "$n" \
      --mac-base $MAC_BASE --batch-bytes "$RAW_BATCH_BYTES" "${neigh[@]}" >"$dir/writer.out" \
      2>&1 || status=writer-failed
    secs=$(field elapsed_s "$dir/writer.out" "done")
    cpu_raw=$(field cpu_s "$dir/writer.out" "done")
    wait_raw=$(field wait_s "$dir/writer.out" "done")
    sys_raw=$(field sys_s "$dir/writer.out" "done")
    t_first=$(field t_ns "$dir/writer.out" start)
    local i
    for i in $(seq 600); do pid_alive "$watch" || break; sleep 0.1; done
  else
    spawn "$nss" "$dir/sender.out" "$SENDER" --connect $RCV_IP --as $SND_AS --peer-as $RCV_AS \
      --router-id $SND_IP --vni $VNI --routes "$n"
    snd=$SPAWNED
    local deadline=$((SECONDS + 120))
    until grep -q '^established' "$dir/sender.out" 2>/dev/null; do
      if ! pid_alive "$snd" || ((SECONDS > deadline)); then
        cat "$dir/sender.out" >&2 || true
        fail "$d: no session with the sender"
      fi
      sleep 0.05
    done
    local t_cap=$(($(now_ns) + CAP_S * 1000000000)) k
    while pid_alive "$watch"; do
      for k in "${!RCV_PIDS[@]}"; do
        if ! pid_alive "${RCV_PIDS[$k]}"; then
          status=${RCV_NAMES[$k]}-died
          break 2
        fi
      done
      if (($(now_ns) > t_cap)); then
        status=capped
        break
      fi
      sleep 0.1
    done
  fi
  # Memory and CPU now (all in, or the moment it failed), before anything else runs.
  for p in "${RCV_PIDS[@]}"; do rss1=$((rss1 + $(rss_kb "$p"))); done
  if ((${#RCV_PIDS[@]})); then
    read -r cpu1 wait1 < <(sched_ns "${RCV_PIDS[@]}")
    sys1=$(sys_ns "${RCV_PIDS[@]}")
  fi
  # What is in the kernel for the first route (a sample: dumps are too slow at 1 M entries),
  # while the session is still up (a stopped sender makes the daemon withdraw everything).
  {
    echo "# bridge fdb get $MAC_BASE dev vxlan$VNI self / master; ip neigh get 10.0.0.1 dev br$VNI"
    ip netns exec "$nsr" bridge -d fdb get $MAC_BASE dev vxlan$VNI self 2>&1 || true
    ip netns exec "$nsr" bridge -d fdb get $MAC_BASE dev vxlan$VNI master 2>&1 || true
    ip netns exec "$nsr" ip -d neigh get 10.0.0.1 dev br$VNI 2>&1 || true
  } >"$dir/kernel_sample.txt"
  # fdb_watch: done, or stopped now with a final count from the kernel.
  if pid_alive "$watch"; then
    [[ $status == ok ]] && status="watch-timeout"
    stop_quietly "$watch" 600
  fi
  wait "$watch" 2>/dev/null || true
  local count t_done
  count=$(field count "$dir/watch.out" '\(done\|stopped\|timeout\)')
  t_done=$(field t_ns "$dir/watch.out" "done")
  if [[ -z $t_done && $status == ok ]]; then status="watch-failed"; fi
  if [[ $status != ok ]]; then t_done=$(now_ns); fi

  if [[ $d != raw* ]]; then
    # The sender prints its first byte once the whole stream is written; it may not get there
    # if the receiver stalls or dies: then the session's start is used.
    local i
    for ((i = 0; i < 100; i++)); do
      grep -q '^first_byte' "$dir/sender.out" 2>/dev/null && break
      pid_alive "$snd" || break
      [[ $status == ok ]] || break
      sleep 0.1
    done
    t_first=$(field t_ns "$dir/sender.out" first_byte)
    if [[ -z $t_first ]]; then
      t_first=$(field t_ns "$dir/sender.out" established)
      note=from-session-up
    fi
    secs=$(secs "$t_done" "$t_first")
    stop_quietly "$snd"
  fi
  [[ -n $t_first && $t_first != 0 && -n $t_done ]] && watch_s=$(secs "$t_done" "$t_first")
  local cpu_s=${cpu_raw:--} wait_s=${wait_raw:--} sys_s=${sys_raw:--}
  if ((${#RCV_PIDS[@]})); then
    cpu_s=$(secs "$cpu1" "$cpu0")
    wait_s=$(secs "$wait1" "$wait0")
    sys_s=$(secs "$sys1" "$sys0")
  fi
  ROWS+=("$n $d $rep $status ${secs:--} $watch_s ${count:-0} $rss0 $rss1 $cpu_s $wait_s $load $note $sys_s")
  log "N=$n $d rep $rep: $status seconds=${secs:--} watch_s=$watch_s count=${count:-0}" \
    "rss ${rss0}->${rss1} kB cpu=${cpu_s}s sys=${sys_s}s wait=${wait_s}s load=$load $(grep -h '^done' "$dir/watch.out" || true)"
  log "kernel entries for the first route: $(grep -v '^#' "$dir/kernel_sample.txt" | tr '\n' ';')"
  [[ -n ${RESULTS:-} ]] && printf '%s\n' "${ROWS[-1]}" >>"$RESULTS"

  # Tear down. Deleting the devices first frees the N FDB entries synchronously, so that the
  # next run does not share the CPU with the kernel's cleanup of this one.
  for p in "${RCV_PIDS[@]}"; do stop_quietly "$p"; done
  forget_pids "$watch" ${snd:+"$snd"} "${RCV_PIDS[@]}"
  local t0 ns pid
  t0=$(now_ns)
  ip -n "$nsr" link del vxlan$VNI 2>/dev/null || true
  ip -n "$nsr" link del br$VNI 2>/dev/null || true
  for ns in "$nss" "$nsr"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  log "teardown $(secs "$(now_ns)" "$t0") s"
  sleep 1
}

# ---- main -------------------------------------------------------------------------------------

log "N: ${NS[*]}; receivers: $DAEMONS; repetitions: $REPS; cap ${CAP_S} s"
log "evpnd: $EVPND (built $(date -r "$EVPND" '+%F %T')); sender: $SENDER;" \
  "raw writer: $RAW_WRITER; watch: $FDB_WATCH"
[[ " $DAEMONS " != *" frr "* ]] ||
  log "frr: $("$FRR_DIR/bgpd" --version 2>/dev/null | head -1), zebra -s ${FRR_NL_BUFSIZE}"
log "kernel $(uname -r), $(nproc) CPUs, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -n ${RESULTS:-} ]] &&
  echo "# N daemon rep status secs watch_s count rss0_kB rss1_kB cpu_s wait_s load1 note sys_s" \
    >>"$RESULTS"
for rep in $(seq "$REPS"); do
  for n in "${NS[@]}"; do
    for d in $DAEMONS; do run_one "$d" "$n" "$rep"; done
  done
done
log "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- report -----------------------------------------------------------------------------------

printf '%s\n' "${ROWS[@]}" >"$WORK/rows.txt"
awk '
function median(arr, k,   i, j, t) {
  for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (arr[j] < arr[i]) {t = arr[i]; arr[i] = arr[j]; arr[j] = t}
  return (k % 2) ? arr[(k + 1) / 2] : (arr[k / 2] + arr[k / 2 + 1]) / 2
}
# med(n, d, what): median of the finished runs of daemon d at N = n (what: "s" or "cpu"); -1 if none
function med(n, d, what,   j, m, a) {
  m = 0
  for (j = 1; j <= k[n, d]; j++) if (OK[n, d, j]) a[++m] = (what == "s" ? S[n, d, j] : C[n, d, j])
  return m ? median(a, m) : -1
}
{ rows[NR] = $0; n = $1; d = $2; j = ++k[n, d]
  OK[n, d, j] = ($4 == "ok"); S[n, d, j] = $5; C[n, d, j] = ($10 == "-" ? 0 : $10)
  if (!((n, d) in seen)) { seen[n, d] = 1; if (!(n in seenN)) { seenN[n] = 1; order[++nn] = n }; if (!(d in seenD)) { seenD[d] = 1; dorder[++nd] = d } } }
END {
  printf "%-8s %-9s %-3s %8s %9s %6s %8s %8s %8s %8s %7s %6s %7s %7s %5s  %s\n", "N", "daemon", "rep", "seconds", "MACs/s", "x_raw", "watch_s", "RSS_MB", "RSS+_MB", "B/route", "cpu_s", "cpu_xr", "sys_s", "wait_s", "load", "status"
  for (r = 1; r <= NR; r++) {
    split(rows[r], f, " ")
    n = f[1]; d = f[2]; st = f[4]; s = f[5]; cnt = f[7]; r0 = f[8]; r1 = f[9]; cpu = f[10]
    rs = med(n, "raw", "s"); rc = med(n, "raw", "cpu")
    rate = (s != "-" && s > 0) ? sprintf("%.0f", cnt / s) : "-"
    xr = (s != "-" && rs > 0) ? sprintf("%.2f", s / rs) : "-"
    cx = (cpu != "-" && rc > 0) ? sprintf("%.2f", cpu / rc) : "-"
    w = (d ~ /^raw/)
    per = (!w && cnt > 0) ? sprintf("%.0f", (r1 - r0) * 1024 / cnt) : "-"
    rss = w ? "-" : sprintf("%.1f", r1 / 1024)
    grow = w ? "-" : sprintf("%.1f", (r1 - r0) / 1024)
    stat = st (st == "ok" ? "" : sprintf(" (%d of %d in)", cnt, n)) (f[13] == "-" ? "" : " " f[13])
    printf "%-8d %-9s %-3s %8.3f %9s %6s %8s %8s %8s %8s %7s %6s %7s %7s %5s  %s\n", n, d, f[3], s, rate, xr, f[6], rss, grow, per, cpu, cx, f[14], f[11], f[12], stat
  }
  print ""
  print "Medians of the finished runs. seconds: first UPDATE byte -> all N MACs in the kernel FDB"
  print "(raw: the writer alone); cpu_s: CPU time of the receiver (evpnd; bgpd + zebra; the writer),"
  print "sys_s: the part of it spent in the kernel, wait_s: runnable but without a CPU (other load)."
  for (i = 1; i <= nn; i++) {
    n = order[i]; line = sprintf("%-8d", n)
    for (dd = 1; dd <= nd; dd++) {
      d = dorder[dd]; if (!k[n, d]) continue
      ok = 0; for (j = 1; j <= k[n, d]; j++) ok += OK[n, d, j]
      ms = med(n, d, "s"); mc = med(n, d, "cpu")
      line = line sprintf("  %s %s s, %s cpu-s (%d/%d ok)", d, ms < 0 ? "-" : sprintf("%.3f", ms), mc < 0 ? "-" : sprintf("%.3f", mc), ok, k[n, d])
    }
    print line
    es = med(n, "evpnd", "s"); ec = med(n, "evpnd", "cpu"); fs = med(n, "frr", "s"); fc = med(n, "frr", "cpu"); rs = med(n, "raw", "s"); rc = med(n, "raw", "cpu"); ns = med(n, "raw-neigh", "s"); nc = med(n, "raw-neigh", "cpu")
    if (es > 0 && fs > 0) printf "%-8d  evpnd vs FRR: time x%.2f, CPU x%.2f of FRR'"'"'s (below 1: evpnd better)\n", n, es / fs, ec / fc
    if (es > 0 && rs > 0) printf "%-8d  evpnd vs raw: time x%.2f, CPU x%.2f of the raw writer'"'"'s (target: time <= 2)\n", n, es / rs, ec / rc
    if (fs > 0 && rs > 0) printf "%-8d  FRR vs raw:   time x%.2f, CPU x%.2f of the raw writer'"'"'s\n", n, fs / rs, fc / rc
    if (es > 0 && ns > 0) printf "%-8d  evpnd vs raw-neigh: time x%.2f, CPU x%.2f\n", n, es / ns, ec / nc
    if (fs > 0 && ns > 0) printf "%-8d  FRR vs raw-neigh:   time x%.2f, CPU x%.2f\n", n, fs / ns, fc / nc
  }
}' "$WORK/rows.txt" | tee "$WORK/report.txt"
