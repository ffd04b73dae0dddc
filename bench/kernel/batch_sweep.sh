#!/usr/bin/env bash
# How the kernel's cost of remote-MAC FDB writes depends on the netlink batch size (README.md in
# this folder, "Batch size"): raw_fdb_writer adds N MACs (NTF_SELF with dst + NTF_MASTER, as
# evpnd and FRR do for type-2 routes, RFC 7432 §7.2) to a VXLAN device in a throw-away namespace
# with each --batch-bytes, deletes them again, REPS times; prints the median wall time and CPU
# time (user + system of the writer: nearly all of it the kernel's) per size. Needs root.
#
# Usage: bench/kernel/batch_sweep.sh [N] [BYTES...]
#        default N 100000, BYTES 4096 8192 16384 32768 65536 131072 262144
# Environment: REPS=3, RAW_WRITER (default $EVPND_BUILD_DIR/bench/kernel/raw_fdb_writer, else
#              compiled by hand), NEIGH=1 to add the SVI neighbor entries too (--neigh-dev).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(cd "$HERE/../.." && pwd)
BUILD_DIR=${EVPND_BUILD_DIR:-$SRC_DIR/build/default}
[[ $(id -u) -eq 0 ]] || { echo "batch_sweep: needs root" >&2; exit 1; }
N=${1:-100000}
shift || true
SIZES=("$@")
((${#SIZES[@]})) || SIZES=(4096 8192 16384 32768 65536 131072 262144)
REPS=${REPS:-3}

WORK=$(mktemp -d /tmp/kernel-bench-sweep.XXXXXX)
NSN=kbsweep$$
trap 'ip netns del "$NSN" 2>/dev/null; rm -rf "$WORK"' EXIT
RAW_WRITER=${RAW_WRITER:-$BUILD_DIR/bench/kernel/raw_fdb_writer}
if [[ ! -x $RAW_WRITER ]]; then
  RAW_WRITER=$WORK/raw_fdb_writer
  g++ -std=c++20 -O2 -Wall -Wextra -Werror -I"$SRC_DIR" "$HERE/raw_fdb_writer.cc" \
    "$HERE/nl_socket.cc" "$HERE/fdb_message.cc" -o "$RAW_WRITER"
fi
ip netns add "$NSN"
ip -n "$NSN" link add br100 type bridge
ip -n "$NSN" link add vxlan100 type vxlan id 100 local 10.9.0.0 dstport 4789 nolearning
ip -n "$NSN" link set vxlan100 master br100
ip -n "$NSN" link set vxlan100 type bridge_slave learning off
ip -n "$NSN" addr add 10.100.0.1/24 dev br100
ip -n "$NSN" link set br100 up
ip -n "$NSN" link set vxlan100 up
extra=()
[[ ${NEIGH:-0} == 1 ]] && extra=(--neigh-dev br100)

echo "# N=$N reps=$REPS neigh=${NEIGH:-0} kernel $(uname -r), $(nproc) CPUs," \
  "load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %9s %9s %12s %10s\n' batch_bytes wall_s cpu_s MACs/cpu-s msgs/send
for size in "${SIZES[@]}"; do
  walls=() cpus=() per=0
  for _ in $(seq "$REPS"); do
    out=$(ip netns exec "$NSN" "$RAW_WRITER" --count "$N" --batch-bytes "$size" "${extra[@]}" |
      grep '^done')
    [[ $out =~ elapsed_s=([0-9.]+)\ cpu_s=([0-9.]+) ]] || { echo "writer: $out" >&2; exit 1; }
    walls+=("${BASH_REMATCH[1]}") cpus+=("${BASH_REMATCH[2]}")
    [[ $out =~ messages=([0-9]+)\ sendmsgs=([0-9]+) ]] &&
      per=$((BASH_REMATCH[1] / BASH_REMATCH[2]))
    ip netns exec "$NSN" "$RAW_WRITER" --count "$N" --delete "${extra[@]}" >/dev/null
  done
  w=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  c=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  printf '%-12s %9.3f %9.3f %12.0f %10d\n' "$size" "$w" "$c" "$(awk -v n="$N" -v c="$c" \
    'BEGIN {print (c > 0 ? n / c : 0)}')" "$per"
done
echo "# load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
