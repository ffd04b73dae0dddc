# Lab library: builds network-namespace topologies of evpnd and FRR hosts with VMs behind them,
# runs the daemons, and tears everything down on exit (success or failure) unless the lab is
# kept. Used by labs/run.sh and by the lab tests (tests/netns/lab_*_test.sh). Needs root,
# iproute2, FRR 8.4, jq, iputils (ping, arping) and tshark: scripts/bootstrap.sh installs them.
#
#   source labs/lib.sh
#   lab_init my_test [PREFIX]          # $TAG (unique namespace prefix), $WORK, cleanup trap
#   lab_load two-hosts                 # the topology's tables (HOSTS, VMS, ...) and lab_build
#   lab_build                          # namespaces, links, bridges, VMs, configs, daemons
#   lab_wait_sessions 60               # every BGP session of the ToR Established
#   lab_ping vm1 vm2                   # prints "received/sent"; status 0 if any reply came
#
# Names: the namespace of node N is "$TAG-N" ($TAG is PREFIX plus 4 hex digits, e.g.
# lab3f2a-h1, lab3f2a-vm1: under 15 characters, unique per run, never the tests' "evNNNNN").
# On a host, the VM's port is named after the VM (vm1), the uplink to the ToR is "to-tor".
# Set LAB_KEEP=1 (labs/run.sh --keep) to leave the lab running at exit; `lab_down` (labs/run.sh
# down) removes kept labs later, from the state file $WORK/lab.env.

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tests/lib/netns.sh
source "$LAB_ROOT/../tests/lib/netns.sh"

LAB_KEEP=${LAB_KEEP:-0}
LAB_NAME=
LAB_TOPO_DIR=

# spawn NS LOG CMD... (replaces netns.sh's): the same, in a session of its own and with stdin
# from /dev/null, so that daemons of a kept lab survive the terminal that started them and do
# not get its Ctrl-C.
spawn() {
  local ns=$1 logfile=$2
  shift 2
  (exec setsid ip netns exec "$ns" "$@") </dev/null >"$logfile" 2>&1 &
  SPAWNED=$!
  PIDS+=("$SPAWNED")
}

# lab_init NAME [PREFIX]: checks root and the binaries, picks a free $TAG (PREFIX, default
# "lab", plus 4 hex digits), makes $WORK=/tmp/evpnd-lab-$TAG and installs the exit trap.
lab_init() {
  TEST_NAME=$1
  local prefix=${2:-lab}
  [[ $(id -u) -eq 0 ]] || { echo "$TEST_NAME: needs root (network namespaces)" >&2; exit 1; }
  [[ -x $EVPND && -x $EVPNCTL ]] ||
    { echo "$TEST_NAME: $EVPND or $EVPNCTL not built" >&2; exit 1; }
  local tool
  for tool in ip bridge jq ping arping vtysh tshark curl; do
    command -v "$tool" >/dev/null ||
      { echo "$TEST_NAME: '$tool' missing: run scripts/bootstrap.sh" >&2; exit 1; }
  done
  [[ -x $FRR_DIR/zebra && -x $FRR_DIR/bgpd ]] ||
    { echo "$TEST_NAME: FRR missing: run scripts/bootstrap.sh" >&2; exit 1; }
  local t
  for _ in $(seq 100); do
    t=$prefix$(printf '%04x' $((RANDOM % 65536)))
    compgen -G "/run/netns/$t-*" >/dev/null && continue
    mkdir -m 755 "/tmp/evpnd-lab-$t" 2>/dev/null || continue
    TAG=$t
    WORK=/tmp/evpnd-lab-$t
    break
  done
  [[ -n $TAG ]] || { echo "$TEST_NAME: no free lab prefix" >&2; exit 1; }
  trap lab_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# lab_exit (the EXIT trap): tears the lab down (netns_cleanup), or with LAB_KEEP=1 writes
# $WORK/lab.env and leaves everything running.
lab_exit() {
  local rc=$?
  if [[ $LAB_KEEP == 1 && -n $WORK ]]; then
    trap - EXIT INT TERM
    {
      declare -p TAG WORK NAMESPACES FRR_TMPDIRS
      echo "LAB_NAME=${LAB_NAME@Q}"
    } >"$WORK/lab.env"
    lab_print_keep_help
    exit "$rc"
  fi
  set +e
  (exit "$rc")  # netns_cleanup takes the exit status from $?
  netns_cleanup
}

# lab_print_keep_help: how to use and remove a kept lab.
lab_print_keep_help() {
  cat <<EOF

The lab "$LAB_NAME" is kept running (namespace prefix $TAG, files in $WORK).
  enter a VM:        ip netns exec $TAG-vm1 bash        (also $TAG-h1, $TAG-tor, ...)
  evpnd of h1:       $EVPNCTL --socket $WORK/h1.sock show evpn mac
  FRR of the ToR:    vtysh --vty_socket $WORK/tor -c 'show bgp summary'
  logs:              $WORK/*.log, $WORK/tor/*.log, $WORK/h3/*.log
  tear it down:      labs/run.sh down $TAG          (every kept lab: labs/run.sh down)
EOF
}

# lab_down [TAG...]: removes kept labs (all of them without arguments): kills every process in
# their namespaces, deletes the namespaces, FRR's runtime directories and the work directory.
lab_down() {
  local envs=() t f
  if (($#)); then
    for t in "$@"; do envs+=("/tmp/evpnd-lab-$t/lab.env"); done
  else
    for f in /tmp/evpnd-lab-*/lab.env; do [[ -e $f ]] && envs+=("$f"); done
  fi
  ((${#envs[@]})) || { echo "no kept lab to tear down"; return 0; }
  for f in "${envs[@]}"; do
    [[ -r $f ]] || { echo "no kept lab: $f missing" >&2; return 1; }
    (
      set +e
      # shellcheck disable=SC1090
      source "$f"
      local ns pid
      for ns in "${NAMESPACES[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
      done
      sleep 0.5
      for ns in "${NAMESPACES[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
      done
      rm -rf "${FRR_TMPDIRS[@]}" "$WORK"
      echo "lab $TAG ($LAB_NAME) torn down"
    )
  done
}

# lab_list: the kept labs.
lab_list() {
  local f
  for f in /tmp/evpnd-lab-*/lab.env; do
    [[ -e $f ]] || continue
    (
      # shellcheck disable=SC1090
      source "$f"
      echo "$TAG  $LAB_NAME  ${#NAMESPACES[@]} namespaces  $WORK"
    )
  done
}

# lab_load NAME: sources labs/NAME/topology.sh (the topology's tables and its lab_build).
lab_load() {
  LAB_NAME=$1
  LAB_TOPO_DIR=$LAB_ROOT/$1
  [[ -r $LAB_TOPO_DIR/topology.sh ]] || { echo "no lab named '$1' in $LAB_ROOT" >&2; exit 2; }
  # shellcheck disable=SC1090,SC1091
  source "$LAB_TOPO_DIR/topology.sh"
}

# ---- building blocks ----------------------------------------------------------------------

# lab_ns NODE: the namespace of NODE (tor, h1, vm1, ...).
lab_ns() { echo "$TAG-$1"; }

# lab_node NODE: a namespace for NODE with lo up and IPv6 off (no router solicitations, MLD
# or DAD frames to blur the BUM counters).
lab_node() {
  local ns=$TAG-$1
  make_ns "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1
}

# lab_l2vni HOST VNI VTEP: bridge br<VNI> with vxlan<VNI> (VNI, local VTEP, UDP 4789, no
# learning) enslaved as a port with learning off and ARP/ND suppression on: the L2VNI that
# evpnd and FRR's zebra both discover. No address on the bridge: the VNIs are pure L2.
lab_l2vni() {
  local ns=$TAG-$1 vni=$2 vtep=$3
  ip -n "$ns" link add "br$vni" type bridge
  ip -n "$ns" link add "vxlan$vni" type vxlan id "$vni" local "$vtep" dstport 4789 nolearning
  ip -n "$ns" link set "vxlan$vni" master "br$vni"
  ip -n "$ns" link set "vxlan$vni" type bridge_slave neigh_suppress on learning off
  ip -n "$ns" link set "vxlan$vni" up
  ip -n "$ns" link set "br$vni" up
}

# VM tables, filled by the topology: VM_VNI[vm], VM_MAC[vm], VM_IP[vm] (address/len), and
# VM_HOST[vm], the host it is plugged into ("" when unplugged).
declare -A VM_VNI=() VM_MAC=() VM_IP=() VM_HOST=()

# vm_ip VM: the VM's address without the length.
vm_ip() { echo "${VM_IP[$1]%/*}"; }

# lab_vm_create VM: the VM's namespace (no interface yet besides lo).
lab_vm_create() { lab_node "$1"; VM_HOST[$1]=; }

# lab_vm_plug VM HOST: a veth whose end "eth0" (MAC, address, MTU 1450 so that VXLAN fits in
# the underlay's 1500) is in the VM and whose other end, named VM, is a port of HOST's
# br<VNI> (bridge learning on, as for any VM port).
lab_vm_plug() {
  local vm=$1 host=$2 vmns=$TAG-$1 hns=$TAG-$2 vni=${VM_VNI[$1]}
  ip -n "$hns" link add "$vm" mtu 1450 type veth peer name eth0 netns "$vmns"
  ip -n "$hns" link set "$vm" addrgenmode none
  ip -n "$hns" link set "$vm" master "br$vni"
  ip -n "$vmns" link set eth0 address "${VM_MAC[$vm]}"
  ip -n "$vmns" addr add "${VM_IP[$vm]}" dev eth0
  ip -n "$hns" link set "$vm" up
  ip -n "$vmns" link set eth0 up
  VM_HOST[$vm]=$host
  # Until the port forwards (carrier on both ends), the bridge drops what the VM sends: a
  # gratuitous ARP sent earlier would be lost and the MAC not learned.
  local i
  for i in $(seq 100); do
    bridge -n "$hns" link show dev "$vm" 2>/dev/null | grep -q "state forwarding" &&
      ip -n "$vmns" link show eth0 | grep -q LOWER_UP && return 0
    sleep 0.02
  done
  fail "$vm's port on $host does not forward after 2 s"
}

# lab_vm_unplug VM: deletes the VM's veth (both ends): its port leaves the host's bridge and
# the bridge forgets the MACs it had learned on it.
lab_vm_unplug() {
  local vm=$1
  [[ -n ${VM_HOST[$vm]} ]] || return 0
  ip -n "$TAG-${VM_HOST[$vm]}" link del "$vm"
  VM_HOST[$vm]=
}

# lab_vm_garp VM: one gratuitous ARP (arping -U) from the VM, so that its host's bridge
# learns its MAC on the VM's port.
lab_vm_garp() {
  ip netns exec "$TAG-$1" arping -q -U -c 1 -I eth0 "$(vm_ip "$1")" >/dev/null 2>&1 || true
}

# lab_vm_move VM HOST: unplug the VM from its host, plug it into HOST (same MAC and IP), and
# announce it with a gratuitous ARP.
lab_vm_move() {
  lab_vm_unplug "$1"
  lab_vm_plug "$1" "$2"
  lab_vm_garp "$1"
}

# lab_ping SRC DST [COUNT] [TIMEOUT_S]: pings DST's address from VM SRC (COUNT packets, 0.2 s
# apart, default 3; replies awaited up to TIMEOUT_S, default 2) and prints "received/sent".
# Status 0 if any reply came.
lab_ping() {
  local src=$1 dst=$2 count=${3:-3} timeout=${4:-2} out rx
  out=$(ip netns exec "$TAG-$src" ping -n -q -c "$count" -i 0.2 -W "$timeout" "$(vm_ip "$dst")" \
    2>&1) || true
  rx=$(sed -n 's/.* \([0-9]\+\) received.*/\1/p' <<<"$out")
  echo "${rx:-0}/$count"
  ((${rx:-0} > 0))
}

# lab_arp_flush VM...: forgets every learned ARP entry of the VMs (so the next ping sends a
# broadcast ARP request again).
lab_arp_flush() {
  local vm
  for vm in "$@"; do ip -n "$TAG-$vm" neigh flush dev eth0 2>/dev/null || true; done
}

# lab_rx_packets NODE DEV: the device's received-packet counter in NODE (0 if missing).
lab_rx_packets() {
  ip -n "$TAG-$1" -s -j link show "$2" 2>/dev/null | jq -r '.[0].stats64.rx.packets // 0' ||
    echo 0
}

# lab_now_ms: the wall clock in milliseconds, for timing figures.
lab_now_ms() {
  local us=${EPOCHREALTIME/./}
  echo $((us / 1000))
}

# lab_poll LIMIT_S DESCRIPTION COMMAND...: polls COMMAND every 20 ms for up to 5 x LIMIT_S (a
# generous loop), sets $POLL_MS to how long it took, prints the figure, and fails if it was
# not seen at all or took longer than LIMIT_S (a whole number of seconds).
lab_poll() { lab_poll_since "$(lab_now_ms)" "$@"; }

# lab_poll_since T0_MS LIMIT_S DESCRIPTION COMMAND...: the same, timed from T0_MS (lab_now_ms
# taken when the event happened), so that several polls can time one event.
lab_poll_since() {
  local start=$1 limit=$2 what=$3
  shift 3
  local deadline=$((start + limit * 5000))
  until "$@" >/dev/null 2>&1; do
    if (($(lab_now_ms) >= deadline)); then
      POLL_MS=-1
      fail "$what: not seen within $((limit * 5)) s (limit ${limit} s)"
    fi
    sleep 0.02
  done
  POLL_MS=$(($(lab_now_ms) - start))
  ((POLL_MS <= limit * 1000)) || fail "$what: took ${POLL_MS} ms (limit ${limit} s)"
  pass "$what: ${POLL_MS} ms (limit ${limit} s)"
}

# lab_poll_parallel T0_MS LIMIT_S DESCRIPTION COMMAND [DESCRIPTION COMMAND...]: polls every
# COMMAND (a string for eval) at once, each in its own loop (50 ms apart, for up to 5 x
# LIMIT_S), so that no check waits for another's; prints how long after T0_MS each first
# succeeded (an upper bound: its check's own run time included), then fails if any was not
# seen or took longer than LIMIT_S.
lab_poll_parallel() {
  local t0=$1 limit=$2 i=0 pids=() descs=()
  shift 2
  rm -f "$WORK"/poll.*
  while (($# >= 2)); do
    descs+=("$1")
    (
      cmd=$2 deadline=$((t0 + limit * 5000))
      until eval "$cmd" >/dev/null 2>&1; do
        (($(lab_now_ms) < deadline)) || { echo -1 >"$WORK/poll.$i"; exit 0; }
        sleep 0.05
      done
      echo $(($(lab_now_ms) - t0)) >"$WORK/poll.$i"
    ) &
    pids+=($!)
    i=$((i + 1))
    shift 2
  done
  wait "${pids[@]}"
  local bad=() ms
  for ((i = 0; i < ${#descs[@]}; i++)); do
    ms=$(<"$WORK/poll.$i")
    if ((ms < 0)); then
      bad+=("${descs[i]}: not seen within $((limit * 5)) s")
    elif ((ms > limit * 1000)); then
      bad+=("${descs[i]}: took $ms ms")
    else
      pass "${descs[i]}: $ms ms (limit $limit s)"
    fi
  done
  ((${#bad[@]} == 0)) || fail "limit $limit s: $(printf '%s; ' "${bad[@]}")"
}

# lab_fdb_monitor HOST: records HOST's FDB events with timestamps (`bridge -timestamp monitor
# fdb`) in $WORK/fdb-HOST.log, for exact timing of kernel changes (lab_fdb_event_ms).
# Returns once the monitor has seen a canary: an address added to and removed from a veth
# outside any bridge (no daemon cares), until it shows up in the log.
lab_fdb_monitor() {
  local ns=$TAG-$1 canary=02:00:5e:00:53:01 i
  spawn "$ns" "$WORK/fdb-$1.log" bridge -timestamp monitor fdb
  ip -n "$ns" link show fdbmon0 >/dev/null 2>&1 ||
    ip -n "$ns" link add fdbmon0 type veth peer name fdbmon1
  for i in $(seq 50); do
    bridge -n "$ns" fdb add "$canary" dev fdbmon0 self permanent 2>/dev/null || true
    bridge -n "$ns" fdb del "$canary" dev fdbmon0 self 2>/dev/null || true
    grep -q "$canary" "$WORK/fdb-$1.log" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "the FDB monitor of $1 saw nothing in 5 s"
}

# lab_fdb_event_ms HOST REGEX T0_MS: how many ms after T0_MS HOST's FDB monitor saw the first
# event (a line as `bridge monitor fdb` prints it, "Deleted ..." for deletions) that matches the
# extended REGEX at its start; fails if none yet.
lab_fdb_event_ms() {
  local host=$1 re="^($2)" t0=$3 line ms="" mon day hms year usec
  while IFS= read -r line; do
    if [[ $line == Timestamp:* ]]; then
      # "Timestamp: Sun Nov 22 07:57:36 2026 180285 usec"
      read -r _ _ mon day hms year usec _ <<<"$line"
      ms=$(($(date -d "$mon $day $year $hms" +%s) * 1000 + 10#$usec / 1000))
      continue
    fi
    if [[ -n $ms && $line =~ $re ]] && ((ms >= t0)); then
      echo $((ms - t0))
      return 0
    fi
  done <"$WORK/fdb-$host.log"
  return 1
}

# lab_fdb_event_at HOST REGEX T0_MS [TIMEOUT_S]: waits (default 5 s) for HOST's first FDB
# event matching REGEX after T0_MS and prints its time (ms since the epoch); fails if none.
# Use it to time from the kernel's own event (e.g. the bridge dropping a deleted port's MAC).
lab_fdb_event_at() {
  local host=$1 re=$2 t0=$3 deadline=$((SECONDS + ${4:-5})) ms
  until ms=$(lab_fdb_event_ms "$host" "$re" "$t0"); do
    ((SECONDS < deadline)) || fail "no FDB event /$re/ on $host within ${4:-5} s"
    sleep 0.02
  done
  echo $((t0 + ms))
}

# lab_expect_fdb_event T0_MS LIMIT_S HOST DESCRIPTION REGEX: waits (up to 5 x LIMIT_S) for an
# FDB event of HOST matching REGEX after T0_MS; prints when it happened, fails past LIMIT_S.
# The monitors stamp an event when they print it, so two hosts' stamps can be a few ms out of
# order (an effect over the direct evpnd session takes 1-5 ms): an event up to 100 ms before
# T0 counts, as 0 ms.
lab_expect_fdb_event() {
  local t0=$1 limit=$2 host=$3 what=$4 re=$5 ms skew=100
  local deadline=$((SECONDS + limit * 5))
  until ms=$(lab_fdb_event_ms "$host" "$re" $((t0 - skew))); do
    ((SECONDS < deadline)) ||
      fail "$what: no such event within $((limit * 5)) s (limit $limit s): /$re/ in $host's FDB"
    sleep 0.1
  done
  ms=$((ms - skew))
  if ((ms < 0)); then ms=0; fi
  ((ms <= limit * 1000)) || fail "$what: after $ms ms (limit $limit s)"
  pass "$what: $ms ms (limit $limit s, $host's kernel event time)"
}

# lab_evpnctl HOST ARGS...: evpnctl against the evpnd of HOST.
lab_evpnctl() { evpnctl_in "$@"; }

# lab_vty NODE COMMAND...: vtysh commands against the FRR of NODE (tor, h3).
lab_vty() {
  local node=$1
  shift
  vty "$WORK/$node" "$@"
}

# lab_fdb_json HOST DEV: `bridge -j fdb show dev DEV` in HOST ("[]" if the device is missing).
lab_fdb_json() { bridge -n "$TAG-$1" -j fdb show dev "$2" 2>/dev/null || echo '[]'; }

# lab_fdb_remote HOST VNI: the vxlan<VNI> entries with a destination, one per line,
# "MAC DST FLAGS" sorted (FLAGS comma-separated, e.g. self,extern_learn).
lab_fdb_remote() {
  lab_fdb_json "$1" "vxlan$2" |
    jq -r '.[] | select(.dst != null) | "\(.mac) \(.dst) \(.flags | join(","))"' | sort
}

# lab_fdb_has HOST VNI MAC DST: vxlan<VNI> of HOST has a self entry MAC -> DST.
lab_fdb_has() {
  lab_fdb_json "$1" "vxlan$2" |
    jq -e --arg m "$3" --arg d "$4" 'any(.[]; .mac == $m and .dst == $d)' >/dev/null
}

# lab_fdb_lacks HOST VNI MAC: vxlan<VNI> of HOST has no entry at all (self or master) for MAC.
lab_fdb_lacks() {
  lab_fdb_json "$1" "vxlan$2" | jq -e --arg m "$3" 'all(.[]; .mac != $m)' >/dev/null
}

# lab_wait_sessions TIMEOUT_S: every neighbor of the ToR's FRR is Established in both families.
lab_wait_sessions() {
  wait_for "$1" "every BGP session of the ToR Established (ipv4 unicast and l2vpn evpn)" \
    lab_tor_all_established
}
lab_tor_all_established() {
  lab_vty tor "show bgp summary json" | jq -e --argjson n "${#HOSTS[@]}" '
    [.ipv4Unicast.peers[]?, .l2VpnEvpn.peers[]? | select(.state == "Established")] | length
    == 2 * $n' >/dev/null
}

# ---- what the kernel of an evpnd host should hold -------------------------------------------

# lab_vni_hosts VNI: the hosts that have VNI.
lab_vni_hosts() {
  local h
  for h in "${HOSTS[@]}"; do [[ " ${HOST_VNIS[$h]} " == *" $1 "* ]] && echo "$h"; done
  return 0
}

# lab_kernel_diff HOST: compares HOST's VXLAN FDBs with what the topology calls for, given where
# the VMs are now (VM_HOST): per VNI of HOST, one self entry "MAC dst VTEP" with extern_learn
# per VM of that VNI on another host, a bridge (master) entry with extern_learn per such MAC,
# and one 00:00:00:00:00:00 entry per other VTEP of the VNI; nothing more. Prints the
# differences and fails if there are any.
lab_kernel_diff() {
  local host=$1 vni vm h fdb want got diff=
  for vni in ${HOST_VNIS[$host]}; do
    fdb=$(lab_fdb_json "$host" "vxlan$vni")
    want=$(for vm in "${VMS[@]}"; do
      h=${VM_HOST[$vm]}
      if [[ ${VM_VNI[$vm]} == "$vni" && -n $h && $h != "$host" ]]; then
        echo "${VM_MAC[$vm]} dst ${HOST_VTEP[$h]} extern_learn"
      fi
    done | sort)
    got=$(jq -r '.[] | select(.dst != null and .mac != "00:00:00:00:00:00")
      | "\(.mac) dst \(.dst) \(if any(.flags[]; . == "extern_learn") then "extern_learn"
                              else "(no extern_learn)" end)"' <<<"$fdb" | sort)
    [[ $want == "$got" ]] ||
      diff+="vxlan$vni remote MACs: want {${want//$'\n'/, }} have {${got//$'\n'/, }}; "
    want=$(cut -d' ' -f1 <<<"$want" | sed '/^$/d')
    got=$(jq -r --arg br "br$vni" '.[] | select(.master == $br and .dst == null
      and any(.flags[]; . == "extern_learn")) | .mac' <<<"$fdb" | sort)
    [[ $want == "$got" ]] ||
      diff+="br$vni extern_learn entries: want {${want//$'\n'/, }} have {${got//$'\n'/, }}; "
    want=$(for h in $(lab_vni_hosts "$vni"); do
      [[ $h != "$host" ]] && echo "${HOST_VTEP[$h]}"
    done | sort)
    got=$(jq -r '.[] | select(.mac == "00:00:00:00:00:00") | .dst' <<<"$fdb" | sort)
    [[ $want == "$got" ]] ||
      diff+="vxlan$vni flood list: want {${want//$'\n'/, }} have {${got//$'\n'/, }}; "
  done
  [[ -z $diff ]] || { echo "$diff"; return 1; }
}

# lab_kernel_vs_routes HOST: HOST's kernel holds exactly what its evpnd's EVPN state calls for:
# per VNI, the remote MACs of `evpnctl show evpn mac` = the VXLAN self entries (MAC, dst), its
# remote VTEPs (`show evpn vni`) = the flood list, its remote MAC+IP bindings (`show evpn arp`)
# = the extern_learn neighbor entries on br<VNI>. Prints the differences; fails if any.
lab_kernel_vs_routes() {
  local host=$1 vni fdb want got diff=
  for vni in ${HOST_VNIS[$host]}; do
    fdb=$(lab_fdb_json "$host" "vxlan$vni")
    want=$(lab_evpnctl "$host" show evpn mac --vni "$vni" --json |
      jq -r '(.macs // [])[] | select(.type == "remote") | "\(.mac) \(.vtep)"' | sort) ||
      { echo "evpnctl show evpn mac --vni $vni failed"; return 1; }
    got=$(jq -r '.[] | select(.dst != null and .mac != "00:00:00:00:00:00")
      | "\(.mac) \(.dst)"' <<<"$fdb" | sort)
    [[ $want == "$got" ]] ||
      diff+="vxlan$vni: remote MACs {${want//$'\n'/, }} but FDB {${got//$'\n'/, }}; "
    want=$(lab_evpnctl "$host" show evpn vni --json |
      jq -r --argjson v "$vni" '(.vnis // [])[] | select(.vni == $v) | (.remote_vteps // [])[]' |
      sort) || { echo "evpnctl show evpn vni failed"; return 1; }
    got=$(jq -r '.[] | select(.mac == "00:00:00:00:00:00") | .dst' <<<"$fdb" | sort)
    [[ $want == "$got" ]] ||
      diff+="vxlan$vni: remote VTEPs {${want//$'\n'/, }} but flood list {${got//$'\n'/, }}; "
    want=$(lab_evpnctl "$host" show evpn arp --vni "$vni" --json |
      jq -r '(.arps // [])[] | select(.type == "remote") | "\(.ip) \(.mac)"' | sort) ||
      { echo "evpnctl show evpn arp --vni $vni failed"; return 1; }
    got=$(ip -n "$TAG-$host" -j neigh show dev "br$vni" |
      jq -r '.[] | select(has("extern_learn")) | "\(.dst) \(.lladdr)"' | sort)
    [[ $want == "$got" ]] ||
      diff+="br$vni: remote MAC+IPs {${want//$'\n'/, }} but neighbors {${got//$'\n'/, }}; "
  done
  [[ -z $diff ]] || { echo "$diff"; return 1; }
}

# lab_expect_kernel TIMEOUT_S HOST: waits until HOST's kernel matches both the topology
# (lab_kernel_diff) and its evpnd's state (lab_kernel_vs_routes); passes printing the entries,
# fails printing the last differences.
lab_expect_kernel() { lab_expect_kernel_with "$1" "$2" "topology = evpnd's routes" lab_kernel_diff; }

# lab_expect_kernel_routes TIMEOUT_S HOST: the same against evpnd's state only.
lab_expect_kernel_routes() { lab_expect_kernel_with "$1" "$2" "evpnd's routes"; }

lab_expect_kernel_with() {
  local timeout=$1 host=$2 what=$3 extra=${4:-true} deadline=$((SECONDS + $1)) out
  while :; do
    if out=$("$extra" "$host") && out=$(lab_kernel_vs_routes "$host"); then
      local vni summary=
      for vni in ${HOST_VNIS[$host]}; do
        summary+=" vxlan$vni: $(lab_fdb_remote "$host" "$vni" | cut -d' ' -f1,2 |
          paste -sd, -);"
      done
      pass "$host kernel = $what:$summary"
      return 0
    fi
    ((SECONDS < deadline)) || fail "$host kernel after ${timeout}s: $out"
    sleep 0.2
  done
}

# lab_fdb_snapshot HOST: every FDB entry of HOST's VXLAN devices, one per line, sorted:
# "DEV MAC DST MASTER FLAGS STATE" ("-" for what an entry lacks).
lab_fdb_snapshot() {
  local vni
  for vni in ${HOST_VNIS[$1]}; do
    lab_fdb_json "$1" "vxlan$vni" | jq -r --arg d "vxlan$vni" '.[] | [$d, .mac, .dst // "-",
      .master // "-", (.flags | join(",") | if . == "" then "-" else . end),
      (if .state == "" then "-" else .state end)] | join(" ")'
  done | sort
}

# lab_wait_reach TIMEOUT_S SRC DST: waits until VM SRC gets a ping reply from VM DST.
lab_wait_reach() { wait_for "$1" "$2 reaches $3" lab_ping "$2" "$3" 1 1; }

# ---- control-plane views --------------------------------------------------------------------

# lab_start NAME: loads and builds the lab NAME, waits for every BGP session (60 s).
lab_start() {
  lab_load "$1"
  lab_build
  lab_wait_sessions 60
  pass "lab $1 up ($TAG-*): every session of the ToR Established in both families"
}

# lab_frr_type2 NODE MAC: the next hops of the type-2 routes for MAC in FRR NODE's EVPN table,
# comma-separated and sorted ("" if none), e.g. "10.0.0.1".
lab_frr_type2() {
  lab_vty "$1" "show bgp l2vpn evpn json" | jq -r --arg m "[$2]" '
    [to_entries[] | select(.value | type == "object") | .value | to_entries[]
     | select((.key | startswith("[2]:")) and (.key | contains($m)))
     | .value.paths | flatten[] | .nexthops[0].ip] | unique | join(",")'
}

# lab_frr_mac NODE VNI MAC: FRR zebra's entry for MAC in VNI (`show evpn mac vni VNI mac MAC
# json`), "{}" if none.
lab_frr_mac() {
  local out
  out=$(lab_vty "$1" "show evpn mac vni $2 mac $3 json" 2>/dev/null) || out=
  jq -ce --arg m "$3" 'if has($m) then .[$m] elif has("type") then . else {} end' <<<"$out" \
    2>/dev/null || echo '{}'
}

# lab_evpnd_mac HOST VNI MAC: evpnd HOST's entry for MAC in VNI (`evpnctl show evpn mac`),
# "{}" if none.
lab_evpnd_mac() {
  local out
  out=$(lab_evpnctl "$1" show evpn mac --vni "$2" --json 2>/dev/null) || out=
  jq -ce --arg m "$3" 'first((.macs // [])[] | select(.mac == $m)) // {}' <<<"$out" \
    2>/dev/null || echo '{}'
}
