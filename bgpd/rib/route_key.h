// Compact keys of RIB destinations. A key holds exactly the fields that make up the "prefix" of an
// NLRI: for IPv4/IPv6 unicast the prefix (RFC 4271 §4.3, RFC 4760 §5); for EVPN, per RFC 7432
// §7.1-7.4 and RFC 9136 §3.1 (via RFC 7432 §7's "for the purpose of BGP route key processing"):
//   type 1: RD, ESI, Ethernet tag          type 2: RD, Ethernet tag, MAC, IP
//   type 3: RD, Ethernet tag, orig. IP     type 4: RD, ESI, originating IP
//   type 5: RD, Ethernet tag, IP prefix
// The other NLRI fields (type-1/2/5 labels, type-2/5 ESI, type-5 gateway) are per path:
// NlriExtras. Keys are 40 octets, no heap, hashed and compared as bytes.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <variant>
#include <vector>

#include "bgpd/codec/address.h"
#include "bgpd/codec/evpn_route.h"

namespace evpnd::rib {

/// An NLRI as the codec spells it: an IPv4/IPv6 unicast prefix or an EVPN route (with its
/// non-key fields).
using Nlri = std::variant<codec::IpPrefix, codec::EvpnRoute>;

/// The family of an NLRI: IPv4/IPv6 unicast from the prefix's address family, else EVPN.
codec::Family family_of(const Nlri& nlri);

/// The identity of a destination. Octets past `size` are zero, so keys compare and hash as
/// their 40 octets.
struct RouteKey {
  static constexpr size_t kDataSize = 37;
  /// `size` of an unknown EVPN route type longer than kDataSize: data holds its first 29 octets
  /// and a 64-bit hash of the whole value (the whole value is kept in NlriExtras).
  static constexpr uint8_t kHashed = 0xff;

  codec::Family family = codec::Family::kIpv4Unicast;
  uint8_t route_type = 0;  ///< EVPN route type (1..5 or unknown); 0 for unicast.
  uint8_t size = 0;        ///< Octets of `data` in use, or kHashed.
  std::array<uint8_t, kDataSize> data{};

  bool operator==(const RouteKey& o) const { return std::memcmp(this, &o, sizeof(*this)) == 0; }
  /// A well-mixed 64-bit hash of the 40 octets.
  uint64_t hash() const;
};
static_assert(sizeof(RouteKey) == 40);

/// The non-key NLRI fields of one path. All zero (the common case for unicast) is stored as
/// "no extras".
struct NlriExtras {
  codec::EthernetSegmentId esi;  ///< Type 2 and type 5.
  uint32_t label1 = 0;           ///< Type 1 label, type 2 label 1 (L2VNI), type 5 label (L3VNI).
  uint32_t label2 = 0;           ///< Type 2 label 2 (L3VNI), valid when has_label2.
  bool has_label2 = false;
  codec::IpAddress gateway;            ///< Type 5 gateway IP (all zeros when unused).
  std::vector<uint8_t> unknown_value;  ///< A hashed unknown route type's whole value.

  bool is_zero() const;
  bool operator==(const NlriExtras&) const = default;
  uint64_t hash() const;
};

/// Splits an NLRI into its key and its non-key fields. `path_id` is not part of either.
void split_nlri(const codec::EvpnRoute& route, RouteKey& key, NlriExtras& extras);
/// Unicast: the key of `prefix` (host bits past the length are cleared). Family from the
/// address (4 or 6); returns false for an address of neither family or a length past its size.
bool split_nlri(const codec::IpPrefix& prefix, RouteKey& key);
/// Either kind.
bool split_nlri(const Nlri& nlri, RouteKey& key, NlriExtras& extras);

/// The NLRI back from key and extras (zero extras give zero labels/ESI, as in a withdrawal).
Nlri to_nlri(const RouteKey& key, const NlriExtras& extras);
codec::EvpnRoute to_evpn_route(const RouteKey& key, const NlriExtras& extras);
codec::IpPrefix to_prefix(const RouteKey& key);

/// Octets one NLRI takes in an UPDATE (path identifier included when `add_path`): the packing
/// arithmetic of RFC 4271 §4.3 / RFC 4760 / RFC 7432 §7.
size_t encoded_size(const codec::IpPrefix& prefix, bool add_path);
size_t encoded_size(const codec::EvpnRoute& route, bool add_path);

}  // namespace evpnd::rib
