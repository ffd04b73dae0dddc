#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, checks formatting, builds the
# default (GCC, warnings as errors) and asan (Clang, ASan + UBSan, libFuzzer) presets, runs every
# ctest label in both, and fuzzes each decoder for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

echo "== format"
mapfile -t sources < <(git ls-files '*.h' '*.cc')
if ((${#sources[@]})); then
  clang-format --dry-run --Werror "${sources[@]}"
fi

echo "== default build"
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default -j2

echo "== asan build"
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan -j2 --label-exclude fuzz
echo "== fuzz"
ctest --preset asan --label-regex fuzz
