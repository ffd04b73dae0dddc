#!/usr/bin/env bash
# Installs, with apt-get on Debian 12, every package needed to build, test and run the labs of
# evpnd. Idempotent: when everything is present it only checks and returns in about a second.
set -euo pipefail

packages=(
  # build (git: the format check lists the sources with git ls-files)
  git cmake ninja-build g++ clang clang-format clang-tidy libclang-rt-14-dev pkg-config
  libboost-dev libboost-program-options-dev libnl-3-dev libnl-route-3-dev
  libprotobuf-dev protobuf-compiler libspdlog-dev libyaml-cpp-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # test peers and tools
  frr gobgpd exabgp iproute2 tshark python3 jq curl
  # labs (labs/run.sh, tests/netns/lab_*_test.sh): ping and arping inside the VMs
  iputils-ping iputils-arping
)

missing=()
for p in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: run as root to install packages" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer for it.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# FRR's package starts its daemons on install; the tests run their own instances.
if command -v systemctl >/dev/null && systemctl is-active --quiet frr 2>/dev/null; then
  systemctl stop frr || true
fi
