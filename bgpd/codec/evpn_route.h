// L2VPN EVPN NLRI (AFI 25, SAFI 70): the route types of RFC 7432 §7.1-7.4 and RFC 9136 §3.1,
// with the VNI carried in the 24-bit label field (RFC 8365 §5.1.3). Unknown route types are kept
// as (type, bytes) so they can be shown and passed on, never a reason to reset a session.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bgpd/codec/address.h"
#include "bgpd/codec/buffer.h"
#include "bgpd/codec/decode_error.h"
#include "bgpd/codec/route_distinguisher.h"

namespace evpnd::codec {

/// 10-octet Ethernet Segment Identifier (RFC 7432 §5); all zeros for single-homed sites.
struct EthernetSegmentId {
  std::array<uint8_t, 10> bytes{};
  bool is_zero() const;
  /// "00:00:00:00:00:00:00:00:00:00".
  std::string to_string() const;
  auto operator<=>(const EthernetSegmentId&) const = default;
};

/// Type 1, Ethernet Auto-discovery route (RFC 7432 §7.1). 25 octets.
struct EthernetAutoDiscoveryRoute {
  RouteDistinguisher rd;
  EthernetSegmentId esi;
  uint32_t ethernet_tag = 0;
  uint32_t label = 0;  ///< 24-bit label field.
  auto operator<=>(const EthernetAutoDiscoveryRoute&) const = default;
};

/// Type 2, MAC/IP Advertisement route (RFC 7432 §7.2). 33 to 52 octets.
struct MacIpAdvertisementRoute {
  RouteDistinguisher rd;
  EthernetSegmentId esi;
  uint32_t ethernet_tag = 0;
  MacAddress mac;
  IpAddress ip;         ///< None for a MAC-only route.
  uint32_t label1 = 0;  ///< 24-bit field: the L2VNI under VXLAN (RFC 8365 §5.1.3).
  bool has_label2 = false;
  uint32_t label2 = 0;  ///< 24-bit field: the L3VNI for symmetric IRB (RFC 9135 §5.1).
  uint32_t vni() const { return label1; }
  auto operator<=>(const MacIpAdvertisementRoute&) const = default;
};

/// Type 3, Inclusive Multicast Ethernet Tag route (RFC 7432 §7.3). 17 or 29 octets.
struct InclusiveMulticastRoute {
  RouteDistinguisher rd;
  uint32_t ethernet_tag = 0;
  IpAddress originating_router;
  auto operator<=>(const InclusiveMulticastRoute&) const = default;
};

/// Type 4, Ethernet Segment route (RFC 7432 §7.4). 23 or 35 octets.
struct EthernetSegmentRoute {
  RouteDistinguisher rd;
  EthernetSegmentId esi;
  IpAddress originating_router;
  auto operator<=>(const EthernetSegmentRoute&) const = default;
};

/// Type 5, IP Prefix route (RFC 9136 §3.1): exactly 34 octets (IPv4) or 58 (IPv6).
struct IpPrefixRoute {
  RouteDistinguisher rd;
  EthernetSegmentId esi;
  uint32_t ethernet_tag = 0;
  IpPrefix prefix;     ///< Address is 4 or 16 octets, as carried.
  IpAddress gateway;   ///< Same family as the prefix; 0.0.0.0/:: when unused.
  uint32_t label = 0;  ///< 24-bit field: the L3VNI under VXLAN.
  uint32_t vni() const { return label; }
  auto operator<=>(const IpPrefixRoute&) const = default;
};

/// A route type evpnd does not decode, kept whole.
struct UnknownEvpnRoute {
  uint8_t type = 0;
  std::vector<uint8_t> value;
  auto operator<=>(const UnknownEvpnRoute&) const = default;
};

using EvpnRoute =
    std::variant<EthernetAutoDiscoveryRoute, MacIpAdvertisementRoute, InclusiveMulticastRoute,
                 EthernetSegmentRoute, IpPrefixRoute, UnknownEvpnRoute>;

/// One EVPN NLRI with its add-path identifier (RFC 7911 §3; 0 when add-path is off).
struct EvpnNlri {
  uint32_t path_id = 0;
  EvpnRoute route;
  auto operator<=>(const EvpnNlri&) const = default;
};

/// The route type octet (1..5, or the unknown type).
uint8_t route_type(const EvpnRoute& r);
/// The RD of a known route type; nullopt for unknown types.
std::optional<RouteDistinguisher> route_distinguisher(const EvpnRoute& r);

/// Decodes every NLRI in `r` (the NLRI part of MP_REACH/MP_UNREACH) and appends them to `out`.
/// `add_path`: a 4-octet path identifier precedes each NLRI. Returns an error (RFC 7606 §5.3:
/// session reset; the caller sets code/subcode/data) when an NLRI overruns the field or a known
/// route type has an impossible length or field.
std::optional<DecodeError> decode_evpn_nlri(Reader r, bool add_path, std::vector<EvpnNlri>& out);

/// Appends the wire form of one NLRI (path identifier first when `add_path`).
void encode(const EvpnNlri& n, bool add_path, Writer& w);

/// FRR's prefix notation without the RD, e.g. "[2]:[0]:[48]:[00:11:22:33:44:55]:[32]:[10.0.0.1]",
/// "[3]:[0]:[32]:[10.0.0.1]", "[5]:[0]:[24]:[10.1.0.0]".
std::string to_string(const EvpnRoute& r);

}  // namespace evpnd::codec
