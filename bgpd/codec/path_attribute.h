// BGP path attributes (RFC 4271 §4.3, §5) with the error handling of RFC 7606 §7: ORIGIN,
// AS_PATH/AS4_PATH (RFC 6793), NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF, ATOMIC_AGGREGATE,
// AGGREGATOR/AS4_AGGREGATOR, COMMUNITIES (RFC 1997), ORIGINATOR_ID and CLUSTER_LIST (RFC 4456),
// MP_REACH_NLRI/MP_UNREACH_NLRI (RFC 4760), EXTENDED_COMMUNITIES (RFC 4360), PMSI_TUNNEL
// (RFC 6514 §5) and LARGE_COMMUNITIES (RFC 8092). Unknown optional attributes are kept as bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "bgpd/codec/address.h"
#include "bgpd/codec/buffer.h"
#include "bgpd/codec/decode_context.h"
#include "bgpd/codec/decode_error.h"
#include "bgpd/codec/evpn_route.h"
#include "bgpd/codec/extended_community.h"
#include "bgpd/codec/prefix_nlri.h"

namespace evpnd::codec {

/// Attribute type codes (IANA "BGP Path Attributes").
enum AttributeType : uint8_t {
  kOrigin = 1,
  kAsPath = 2,
  kNextHop = 3,
  kMultiExitDisc = 4,
  kLocalPref = 5,
  kAtomicAggregate = 6,
  kAggregator = 7,
  kCommunities = 8,
  kOriginatorId = 9,
  kClusterList = 10,
  kMpReachNlri = 14,
  kMpUnreachNlri = 15,
  kExtendedCommunities = 16,
  kAs4Path = 17,
  kAs4Aggregator = 18,
  kPmsiTunnel = 22,
  kLargeCommunities = 32,
};

/// Attribute flag bits (RFC 4271 §4.3).
enum AttributeFlag : uint8_t {
  kFlagOptional = 0x80,
  kFlagTransitive = 0x40,
  kFlagPartial = 0x20,
  kFlagExtendedLength = 0x10,
};

/// ORIGIN: 0 IGP, 1 EGP, 2 INCOMPLETE.
struct Origin {
  uint8_t value = 0;
  auto operator<=>(const Origin&) const = default;
};

/// One AS_PATH segment: type 1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET.
struct AsPathSegment {
  uint8_t type = 2;
  std::vector<uint32_t> asns;
  auto operator<=>(const AsPathSegment&) const = default;
};

/// AS_PATH or AS4_PATH. Its ASNs are 4-octet on the wire for AS4_PATH and for AS_PATH when the
/// session negotiated 4-octet AS, 2-octet otherwise.
struct AsPath {
  std::vector<AsPathSegment> segments;
  /// Path length for the decision process (RFC 4271 §9.1.2.2: a set counts 1, confed 0).
  size_t length() const;
  /// "65001 65002 {65003,65004}".
  std::string to_string() const;
  auto operator<=>(const AsPath&) const = default;
};

struct NextHop {
  IpAddress address;  ///< IPv4.
  auto operator<=>(const NextHop&) const = default;
};
struct MultiExitDisc {
  uint32_t value = 0;
  auto operator<=>(const MultiExitDisc&) const = default;
};
struct LocalPref {
  uint32_t value = 0;
  auto operator<=>(const LocalPref&) const = default;
};
struct AtomicAggregate {
  auto operator<=>(const AtomicAggregate&) const = default;
};
/// AGGREGATOR or AS4_AGGREGATOR.
struct Aggregator {
  uint32_t asn = 0;
  IpAddress address;  ///< IPv4.
  auto operator<=>(const Aggregator&) const = default;
};
struct Communities {
  std::vector<uint32_t> values;
  auto operator<=>(const Communities&) const = default;
};
struct OriginatorId {
  IpAddress id;  ///< IPv4 router id.
  auto operator<=>(const OriginatorId&) const = default;
};
struct ClusterList {
  std::vector<uint32_t> ids;
  auto operator<=>(const ClusterList&) const = default;
};

/// MP_REACH_NLRI (RFC 4760 §3). NLRI land in `prefixes` (IPv4/IPv6 unicast), `evpn` (L2VPN
/// EVPN) or, for families evpnd does not decode, `opaque_nlri`.
struct MpReachNlri {
  uint16_t afi = 0;
  uint8_t safi = 0;
  std::vector<uint8_t> next_hop;  ///< As carried: 4, 16 or 32 (global + link-local) octets.
  uint8_t reserved = 0;
  std::vector<PrefixNlri> prefixes;
  std::vector<EvpnNlri> evpn;
  std::vector<uint8_t> opaque_nlri;

  std::optional<Family> family() const { return family_of(afi, safi); }
  /// The global next hop (4 or first 16 octets); none if the length is unusual.
  IpAddress next_hop_address() const;
  /// The IPv6 link-local next hop of a 32-octet next hop; none otherwise.
  IpAddress link_local_next_hop() const;
  /// Sets a 4- or 16-octet next hop.
  void set_next_hop(const IpAddress& a);
  auto operator<=>(const MpReachNlri&) const = default;
};

/// MP_UNREACH_NLRI (RFC 4760 §4). An empty one is an End-of-RIB marker (RFC 4724 §2).
struct MpUnreachNlri {
  uint16_t afi = 0;
  uint8_t safi = 0;
  std::vector<PrefixNlri> prefixes;
  std::vector<EvpnNlri> evpn;
  std::vector<uint8_t> opaque_nlri;

  std::optional<Family> family() const { return family_of(afi, safi); }
  bool empty() const { return prefixes.empty() && evpn.empty() && opaque_nlri.empty(); }
  auto operator<=>(const MpUnreachNlri&) const = default;
};

struct ExtendedCommunities {
  std::vector<ExtendedCommunity> values;
  auto operator<=>(const ExtendedCommunities&) const = default;
};

/// PMSI_TUNNEL (RFC 6514 §5). EVPN type-3 routes carry tunnel type 6 (ingress replication)
/// with the VNI in the label and the VTEP address as tunnel identifier (RFC 8365 §5.1.3).
struct PmsiTunnel {
  static constexpr uint8_t kIngressReplication = 6;
  uint8_t flags = 0;
  uint8_t tunnel_type = kIngressReplication;
  uint32_t label = 0;  ///< 24-bit field.
  std::vector<uint8_t> tunnel_id;
  /// The tunnel identifier as an address when it is 4 or 16 octets.
  IpAddress tunnel_endpoint() const;
  auto operator<=>(const PmsiTunnel&) const = default;
};

struct LargeCommunity {
  uint32_t global_administrator = 0;
  uint32_t local_data1 = 0;
  uint32_t local_data2 = 0;
  auto operator<=>(const LargeCommunity&) const = default;
};
struct LargeCommunities {
  std::vector<LargeCommunity> values;
  auto operator<=>(const LargeCommunities&) const = default;
};

/// An attribute evpnd does not interpret, as received.
struct UnknownAttribute {
  std::vector<uint8_t> value;
  auto operator<=>(const UnknownAttribute&) const = default;
};

using AttributeValue =
    std::variant<Origin, AsPath, NextHop, MultiExitDisc, LocalPref, AtomicAggregate, Aggregator,
                 Communities, OriginatorId, ClusterList, MpReachNlri, MpUnreachNlri,
                 ExtendedCommunities, PmsiTunnel, LargeCommunities, UnknownAttribute>;

/// One path attribute: the flags octet as received (the Extended Length bit is honoured on
/// encode so that re-encoding is byte-exact), the type code, and the typed value.
struct PathAttribute {
  uint8_t flags = 0;
  uint8_t type = 0;
  AttributeValue value;
  /// Equal in meaning: the Extended Length bit is an encoding detail and is not compared.
  bool operator==(const PathAttribute& o) const {
    return (flags | kFlagExtendedLength) == (o.flags | kFlagExtendedLength) && type == o.type &&
           value == o.value;
  }
};

/// Builds an attribute with the flags RFC 4271 gives its type.
PathAttribute make_attribute(AttributeType type, AttributeValue value);

/// Decodes the path attributes field of an UPDATE (RFC 4271 §4.3) into `out`, in wire order.
/// Recoverable problems (RFC 7606 treat-as-withdraw and attribute-discard) are appended to
/// `soft_errors` and decoding goes on; a session-reset problem is returned. Duplicates of an
/// attribute are discarded (RFC 7606 §3g), except MP_REACH/MP_UNREACH, which reset.
std::optional<DecodeError> decode_path_attributes(Reader r, const DecodeContext& ctx,
                                                  std::vector<PathAttribute>& out,
                                                  std::vector<DecodeError>& soft_errors);

/// Appends one attribute (flags, type, length, value). Values over 255 octets get the Extended
/// Length flag.
void encode(const PathAttribute& a, const DecodeContext& ctx, Writer& w);

/// The attributes to pass on to another peer (RFC 4271 §5, §9.1.4): unknown non-transitive
/// attributes dropped, unknown optional transitive ones kept with the Partial bit set.
std::vector<PathAttribute> for_readvertisement(const std::vector<PathAttribute>& attrs);

/// "ORIGIN", "AS_PATH", ..., or "type N".
std::string attribute_name(uint8_t type);

}  // namespace evpnd::codec
