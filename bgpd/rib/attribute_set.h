// An interned set of path attributes (RFC 4271 §4.3, §5) shared by every path that carries it,
// with the values the decision process (RFC 4271 §9.1.2.2, RFC 4456 §9, RFC 7432 §15) reads
// extracted once. MP_REACH_NLRI, MP_UNREACH_NLRI and NEXT_HOP are not stored as attributes: the
// next hop is a field, the NLRI are the destinations. AS_PATH always holds 4-octet ASNs
// (AS4_PATH is merged on input and regenerated on output, RFC 6793 §4.2).
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "bgpd/codec/address.h"
#include "bgpd/codec/path_attribute.h"

namespace evpnd::rib {

/// Index of an interned attribute set; 0 is never a valid set.
using AttrId = uint32_t;
inline constexpr AttrId kNoAttrs = 0;

/// Default LOCAL_PREF when the attribute is absent (what FRR and GoBGP assume), and the value
/// added towards iBGP peers.
inline constexpr uint32_t kDefaultLocalPref = 100;

struct AttrSet {
  /// The attributes in the order received (or, for sets built for a peer, by type code).
  std::vector<codec::PathAttribute> attributes;
  codec::IpAddress next_hop;             ///< NEXT_HOP or MP_REACH_NLRI's (global) next hop.
  codec::IpAddress link_local_next_hop;  ///< IPv6 link-local of a 32-octet next hop, or none.

  // Decision-process inputs.
  uint8_t origin = 0;  ///< 0 IGP, 1 EGP, 2 INCOMPLETE.
  bool has_local_pref = false;
  uint32_t local_pref = kDefaultLocalPref;
  bool has_med = false;
  uint32_t med = 0;             ///< 0 when absent (RFC 4271 §9.1.2.2 c).
  uint32_t as_path_length = 0;  ///< RFC 4271 §9.1.2.2 a: a set counts 1, confederations 0.
  uint32_t neighbor_as = 0;     ///< First AS of the first AS_SEQUENCE, 0 if none (local).
  bool has_originator_id = false;
  uint32_t originator_id = 0;  ///< Host order.
  uint32_t cluster_list_length = 0;
  bool has_mac_mobility = false;  ///< A MAC mobility extended community (RFC 7432 §7.7).
  bool sticky_mac = false;
  uint32_t mac_mobility_sequence = 0;

  /// Octets `attributes` take on the wire with 4-octet ASNs (a bound for 2-octet sessions).
  size_t encoded_size = 0;

  // Interning bookkeeping (owned by AttrTable).
  AttrId id = kNoAttrs;
  uint32_t refs = 0;
  uint64_t hash = 0;
  std::vector<uint8_t> canonical;  ///< Encoded attributes + next hops: the interning key.

  /// The first attribute of this type code, or null.
  const codec::PathAttribute* attribute(uint8_t type) const;
  /// The value of the first attribute of this type code if it holds a T, or null.
  template <class T>
  const T* get(uint8_t type) const {
    const codec::PathAttribute* a = attribute(type);
    return a ? std::get_if<T>(&a->value) : nullptr;
  }
  /// Whether `asn` appears anywhere in AS_PATH (RFC 4271 §9.1.2 loop detection).
  bool as_path_contains(uint32_t asn) const;
  /// Whether `cluster_id` (host order) is in CLUSTER_LIST (RFC 4456 §8).
  bool cluster_list_contains(uint32_t cluster_id) const;
};

}  // namespace evpnd::rib
