// The identity of a kernel forwarding entry: which object in the kernel's tables an FdbEntry,
// NeighEntry or RouteEntry is, as a fixed-size 32-octet value that hashes and compares cheaply.
// Two entries with the same EntryKey are the same kernel object (a write of one replaces the
// other). RFC 7432 §9.2.2 (remote MAC -> bridge and VXLAN FDB entries), RFC 8365 §9 (flood
// list, one all-zeros entry per remote VTEP), RFC 9135 §6 / RFC 9136 §4 (neighbors, IP-VRF
// routes); the kernel's own keys are in DESIGN.md ("Netlink facts").
#pragma once

#include <array>
#include <cstdint>

#include "fib/dataplane.h"

namespace evpnd::fib {

/// Kernel key of an entry:
///   FDB, NTF_MASTER (the bridge's table): (master, mac, vlan) - the port is a value, so a MAC
///     the bridge re-learned on a local port has the same key. `master` 0 falls back to ifindex.
///   FDB, NTF_SELF (or no table flag), non-zero MAC: (ifindex, mac, vlan).
///   FDB, NTF_SELF, all-zeros MAC (flood list): (ifindex, vlan, dst) - one per remote VTEP.
///   Neighbor: (ifindex, ip).  Route: (table, dst, prefix_length).
struct EntryKey {
  enum Kind : uint8_t { kFdbMaster = 0, kFdbSelf = 1, kFdbFlood = 2, kNeigh = 3, kRoute = 4 };
  uint8_t kind = 0;
  uint8_t family = 0;  ///< Family of `addr` (0 when unused).
  uint8_t prefix_length = 0;
  uint8_t reserved = 0;
  uint16_t vlan = 0;
  std::array<uint8_t, 6> mac{};
  uint32_t id = 0;                 ///< Bridge ifindex, device ifindex or route table.
  std::array<uint8_t, 16> addr{};  ///< Flood dst, neighbor ip or route dst; unused octets zero.

  bool operator==(const EntryKey&) const = default;
  /// 64-bit hash of the 32 octets.
  uint64_t hash() const;
  /// Listing order: kind, id, vlan, mac, family, addr, prefix_length.
  static bool less(const EntryKey& a, const EntryKey& b);
};
static_assert(sizeof(EntryKey) == 32, "EntryKey is hashed as four 64-bit words");

EntryKey key_of(const FdbEntry& e);
EntryKey key_of(const NeighEntry& e);
EntryKey key_of(const RouteEntry& e);
EntryKey key_of(const Entry& e);

/// Whether an FDB entry is a flood-list entry (NTF_SELF, all-zeros MAC): written with Op::kAppend.
bool is_flood(const FdbEntry& e);

}  // namespace evpnd::fib
