#!/usr/bin/env bash
# The evpnd binary on good and broken config files (the loader itself is unit-tested in
# tests/unit/config_test.cc; this checks what the binary prints and returns).
#
#   evpnd --check -c GOOD    -> stdout exactly "GOOD: OK", nothing on stderr, exit 0, no API
#                               socket created
#   evpnd --check -c BROKEN  -> nothing on stdout, exactly one line on stderr starting with
#                               "BROKEN:LINE: KEY: ", exit non-zero
#   evpnd -c BROKEN          -> the same line, exit non-zero, never starts (no API socket)
#
# Broken files: unknown key, bad neighbor address, duplicate neighbor, missing router-id,
# missing asn, bad remote-as, YAML syntax error, empty file (plus a missing file: one line,
# non-zero). No root, namespaces or network needed.
source "$(dirname "$0")/../lib/netns.sh"
TEST_NAME=evpnd_config
[[ -x $EVPND ]] || fail "$EVPND not built"
WORK=$(mktemp -d /tmp/evpnd-config.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# run_evpnd ARGS...: runs evpnd (at most 10 s); sets RC, OUT (stdout) and ERR (stderr).
run_evpnd() {
  RC=0
  timeout 10 "$EVPND" "$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}

# ---- good configs ---------------------------------------------------------------------------
cat >"$WORK/good.yaml" <<EOF
router-id: 10.0.0.1
asn: 65001
neighbors:
  - {address: 10.9.0.0, remote-as: external}
  - {address: 10.9.0.2, remote-as: internal, route-reflector-client: true}
route-reflector: {cluster-id: 10.255.255.1}
evpn:
  static-routes:
    - {type: 3, vni: 100}
api: {socket: $WORK/good.sock}
EOF
for f in "$WORK/good.yaml" "$SRC_DIR/tests/unit/data/config/evpnd.yaml"; do
  run_evpnd --check -c "$f"
  [[ $RC == 0 && $OUT == "$f: OK" && -z $ERR ]] ||
    fail "--check $f: exit $RC, stdout '$OUT', stderr '$ERR'; expected exit 0, '$f: OK'"
  pass "--check ${f#"$SRC_DIR/"}: exit 0, stdout '${OUT#"$WORK/"}'"
done
[[ ! -e $WORK/good.sock ]] || fail "--check created the API socket $WORK/good.sock"
pass "--check did not create the API socket"

# ---- broken configs -------------------------------------------------------------------------
# broken NAME WANT_PREFIX: $WORK/NAME.yaml (already written) is rejected with one line that
# starts with "$WORK/NAME.yaml:WANT_PREFIX".
broken() {
  local name=$1 want="$WORK/$1.yaml:$2" f="$WORK/$1.yaml" mode
  for mode in --check run; do
    if [[ $mode == --check ]]; then
      run_evpnd --check -c "$f"
    else
      run_evpnd -c "$f"
    fi
    local lines
    lines=$(printf '%s' "$ERR" | grep -c '' || true)
    [[ $RC != 0 ]] || fail "$name ($mode): exit 0, expected non-zero; stderr '$ERR'"
    [[ -z $OUT ]] || fail "$name ($mode): stdout '$OUT', expected nothing"
    [[ $lines == 1 ]] || fail "$name ($mode): $lines lines on stderr, expected 1: '$ERR'"
    [[ $ERR == "$want"* ]] || fail "$name ($mode): stderr '$ERR', expected '$want...'"
    [[ ! -e $WORK/$name.sock ]] || fail "$name ($mode): API socket created"
    pass "$name ($mode): exit $RC, one line: ${ERR#"$WORK/"}"
  done
}

common() { printf 'router-id: 10.0.0.1\nasn: 65001\n'; }
sock() { echo "api: {socket: $WORK/$1.sock}"; }

{ common; echo "neigbors: []"; sock unknown_key; } >"$WORK/unknown_key.yaml"
broken unknown_key "3: neigbors: "

{ common; printf 'neighbors:\n  - address: 10.9.0.300\n    remote-as: 65002\n'; sock bad_address; } \
  >"$WORK/bad_address.yaml"
broken bad_address "4: neighbors[0].address: "

{
  common
  printf 'neighbors:\n  - address: 10.9.0.0\n    remote-as: 65002\n'
  printf '  - address: 10.9.0.0\n    remote-as: 65003\n'
  sock duplicate_neighbor
} >"$WORK/duplicate_neighbor.yaml"
broken duplicate_neighbor "6: neighbors[1].address: "

{ printf 'asn: 65001\nneighbors:\n  - {address: 10.9.0.0, remote-as: 65002}\n'; sock no_router_id; } \
  >"$WORK/no_router_id.yaml"
broken no_router_id "1: router-id: "

{ printf 'router-id: 10.0.0.1\nneighbors:\n  - {address: 10.9.0.0, remote-as: 65002}\n'; sock no_asn; } \
  >"$WORK/no_asn.yaml"
broken no_asn "1: asn: "

{ common; printf 'neighbors:\n  - address: 10.9.0.0\n    remote-as: extrenal\n'; sock bad_remote_as; } \
  >"$WORK/bad_remote_as.yaml"
broken bad_remote_as "5: neighbors[0].remote-as: "

{ common; printf 'neighbors:\n  - address: 10.9.0.0\n    remote-as: 4294967296\n'; sock remote_as_range; } \
  >"$WORK/remote_as_range.yaml"
broken remote_as_range "5: neighbors[0].remote-as: "

{ common; printf 'neighbors:\n  - address: 10.9.0.0: 1\n'; sock syntax_error; } \
  >"$WORK/syntax_error.yaml"
broken syntax_error "4: syntax error"

: >"$WORK/empty.yaml"
broken empty "1: router-id: "

run_evpnd --check -c "$WORK/does-not-exist.yaml"
[[ $RC != 0 && -z $OUT && $ERR == "$WORK/does-not-exist.yaml: "* && $ERR != *$'\n'* ]] ||
  fail "missing file: exit $RC, stdout '$OUT', stderr '$ERR'"
pass "missing file: exit $RC, one line: ${ERR#"$WORK/"}"
