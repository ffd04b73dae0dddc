#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, checks formatting, builds the
# default (GCC, warnings as errors) and asan (Clang, ASan + UBSan, libFuzzer) presets, runs the
# unit tests in both, the interop and kernel (netns) tests in the default build, and fuzzes each
# decoder for a bounded time (about a minute in all).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

echo "== format"
# A plain assignment, so that a failing git fails the run instead of checking nothing.
listed=$(git ls-files '*.h' '*.cc')
mapfile -t sources <<<"$listed"
((${#sources[@]} > 1)) || { echo "format: no sources listed by git ls-files" >&2; exit 1; }
clang-format --dry-run --Werror "${sources[@]}"

echo "== default build: unit tests, interop tests (real FRR, GoBGP, ExaBGP in namespaces), then"
echo "   kernel tests (netlink in throwaway namespaces, and the two-hosts lab with FRR)"
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default -j2 --label-regex unit
ctest --preset default --label-regex interop
ctest --preset default --label-regex netns

echo "== asan build"
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan -j2 --label-regex unit
echo "== fuzz"
ctest --preset asan --label-regex fuzz
