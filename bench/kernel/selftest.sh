#!/usr/bin/env bash
# Self-test of the kernel benchmark's tools (README.md in this folder), in a throw-away network
# namespace: raw_fdb_writer installs exactly the entries an EVPN daemon installs (checked one by
# one with `bridge fdb get` / `ip neigh get`), and fdb_watch reports N when there are N, not
# before, also when events are lost (tiny receive buffer, no filter) and with a dump instead of
# probes; --delete removes everything. Needs root; about 10 s.
#
# Usage: bench/kernel/selftest.sh [BUILD_DIR]   (default $EVPND_BUILD_DIR or build/default;
#        the tools are taken from BUILD_DIR/bench/kernel, else compiled by hand)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(cd "$HERE/../.." && pwd)
BUILD_DIR=${1:-${EVPND_BUILD_DIR:-$SRC_DIR/build/default}}
[[ $(id -u) -eq 0 ]] || { echo "selftest: needs root" >&2; exit 1; }

WORK=$(mktemp -d /tmp/kernel-bench-selftest.XXXXXX)
NSN=kbself$$
WPID=
cleanup() {
  local rc=$?
  [[ -n $WPID ]] && kill "$WPID" 2>/dev/null || true
  ip netns del "$NSN" 2>/dev/null || true
  rm -rf "$WORK"
  ((rc == 0)) && echo "selftest: all passed" || echo "selftest: FAILED" >&2
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "selftest: FAIL: $*" >&2; exit 1; }
ok() { echo "selftest: ok: $*"; }

tool() {
  local path=$BUILD_DIR/bench/kernel/$1
  if [[ ! -x $path ]]; then
    path=$WORK/$1
    g++ -std=c++20 -O2 -Wall -Wextra -Werror -I"$SRC_DIR" "$HERE/$1.cc" "$HERE/nl_socket.cc" \
      "$HERE/fdb_message.cc" -o "$path"
  fi
  echo "$path"
}
WRITER=$(tool raw_fdb_writer)
WATCH=$(tool fdb_watch)
in_ns() { ip netns exec "$NSN" "$@"; }

ip netns add "$NSN"
ip -n "$NSN" link set lo up
ip -n "$NSN" link add br100 type bridge
ip -n "$NSN" link add vxlan100 type vxlan id 100 local 10.9.0.0 dstport 4789 nolearning
ip -n "$NSN" link set vxlan100 master br100
ip -n "$NSN" link set vxlan100 type bridge_slave learning off
ip -n "$NSN" addr add 10.100.0.1/24 dev br100
ip -n "$NSN" link set br100 up
ip -n "$NSN" link set vxlan100 up

# expect_fdb MAC self|master PATTERN: `bridge fdb get` of MAC on vxlan100 matches PATTERN.
expect_fdb() {
  local out
  out=$(in_ns bridge -d fdb get "$1" dev vxlan100 "$2" 2>&1) || true
  [[ $out =~ $3 ]] || fail "fdb $1 $2: expected /$3/, got: $out"
}

# --- 1. the writer's entries, and the watch's count ---------------------------------------------
N=3000
in_ns "$WATCH" --count $N --mac-base 02:00:00:00:00:01 --timeout 30 >"$WORK/w1.out" 2>&1 &
WPID=$!
for _ in $(seq 100); do grep -q '^ready' "$WORK/w1.out" && break; sleep 0.05; done
grep -q '^ready' "$WORK/w1.out" || fail "fdb_watch not ready: $(cat "$WORK/w1.out")"
# First only N-1 MACs: the watch must not finish.
in_ns "$WRITER" --count $((N - 1)) --dst 10.9.0.1 >"$WORK/wr1.out" || fail "writer: $(cat "$WORK/wr1.out")"
grep -q 'errors=0' "$WORK/wr1.out" || fail "writer errors: $(cat "$WORK/wr1.out")"
sleep 0.5
kill -0 $WPID 2>/dev/null || fail "fdb_watch ended at $((N - 1)) of $N: $(cat "$WORK/w1.out")"
ok "fdb_watch still waiting at $((N - 1)) of $N MACs"
in_ns "$WRITER" --count 1 --mac-base "02:00:00:00:0b:b8" --dst 10.9.0.1 >/dev/null  # MAC N
wait $WPID || fail "fdb_watch exit $?: $(cat "$WORK/w1.out")"
grep -q "^done .*count=$N confirmed=$N check=probe" "$WORK/w1.out" ||
  fail "fdb_watch: $(cat "$WORK/w1.out")"
ok "fdb_watch: $(grep '^done' "$WORK/w1.out" | cut -d' ' -f3-5)"
expect_fdb 02:00:00:00:00:01 self 'dst 10\.9\.0\.1 self extern_learn'
expect_fdb 02:00:00:00:00:01 master 'extern_learn master br100'
expect_fdb 02:00:00:00:0b:b8 self 'dst 10\.9\.0\.1 self extern_learn'
expect_fdb 02:00:00:00:0b:b9 self 'not found'
ok "first and last MAC: NTF_SELF dst 10.9.0.1 extern_learn + bridge entry; MAC $((N + 1)) absent"
count=$(in_ns bridge fdb show dev vxlan100 | grep -c 'dst 10.9.0.1 self extern_learn')
((count == N)) || fail "bridge fdb show: $count self entries, expected $N"
ok "bridge fdb show: $count self entries"

# --- 2. a count that is never reached times out with the count it saw ---------------------------
rc=0
in_ns "$WATCH" --count $((N + 1)) --mac-base 02:00:00:00:00:01 --timeout 1 >"$WORK/w2.out" 2>&1 ||
  rc=$?
if ((rc != 1)) || ! grep -q "^timeout .*count=$N exact=1" "$WORK/w2.out"; then
  fail "fdb_watch at N+1: exit $rc: $(cat "$WORK/w2.out")"
fi
ok "fdb_watch --count $((N + 1)): timeout with count=$N"

# --- 3. lost events (tiny buffer, no filter) and dump checks --------------------------------------
in_ns "$WRITER" --count $N --delete >/dev/null
M=20000
for variant in "--mac-base=02:00:00:00:00:01" ""; do
  opts=()
  [[ -n $variant ]] && opts=(--mac-base 02:00:00:00:00:01)
  in_ns "$WATCH" --count $M "${opts[@]}" --rcvbuf 4096 --no-filter --timeout 60 >"$WORK/w3.out" 2>&1 &
  WPID=$!
  for _ in $(seq 100); do grep -q '^ready' "$WORK/w3.out" && break; sleep 0.05; done
  in_ns "$WRITER" --count $M --neigh-dev br100 >/dev/null
  wait $WPID || fail "fdb_watch ($variant) exit $?: $(cat "$WORK/w3.out")"
  grep -q "^done .*confirmed=$M" "$WORK/w3.out" || fail "fdb_watch: $(cat "$WORK/w3.out")"
  ok "fdb_watch ${variant:-(dumps)} with lost events: $(grep '^done' "$WORK/w3.out" | cut -d' ' -f3-11)"
  in_ns "$WRITER" --count $M --neigh-dev br100 --delete >/dev/null
done

# --- 4. the neighbor entries of --neigh-dev, and --delete -----------------------------------------
in_ns "$WRITER" --count 10 --neigh-dev br100 >/dev/null
out=$(in_ns ip -d neigh get 10.0.0.10 dev br100 2>&1) || true
[[ $out =~ lladdr\ 02:00:00:00:00:0a\ extern_learn\ NOARP\ proto\ 199 ]] ||
  fail "neighbor 10.0.0.10: $out"
ok "neighbor: $out"
in_ns "$WRITER" --count 10 --neigh-dev br100 --delete >/dev/null
expect_fdb 02:00:00:00:00:0a self 'not found'
expect_fdb 02:00:00:00:00:0a master 'not found'
[[ -z $(in_ns ip neigh show dev br100) ]] || fail "neighbors left after --delete"
ok "--delete removed the FDB entries and the neighbors"
