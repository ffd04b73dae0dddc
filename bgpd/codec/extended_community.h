// BGP extended communities (RFC 4360) as typed values: route targets (RFC 4360 §4, RFC 5668),
// the encapsulation community (RFC 9012 §4.1; tunnel type 8 = VXLAN, RFC 8365 §5.1.3), and the
// EVPN communities of RFC 7432 §7.5-7.8 and RFC 9135 §8.1 (router's MAC). Anything else, or any
// value whose reserved bits are not zero, is kept as 8 opaque octets, so encoding is byte-exact.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <variant>

#include "bgpd/codec/address.h"
#include "bgpd/codec/buffer.h"
#include "bgpd/codec/route_distinguisher.h"

namespace evpnd::codec {

/// Route target: transitive type 0x00/0x01/0x02, sub-type 0x02 (RFC 4360 §4, RFC 5668 §2).
struct RouteTarget {
  AdminAssigned value;
  /// Parses "65000:100", "10.0.0.1:3", "4200000000:7".
  static std::optional<RouteTarget> parse(std::string_view text);
  std::string to_string() const { return value.to_string(); }
  auto operator<=>(const RouteTarget&) const = default;
};

/// Tunnel encapsulation: type 0x03, sub-type 0x0c (RFC 9012 §4.1).
struct EncapsulationCommunity {
  static constexpr uint16_t kVxlan = 8;
  uint16_t tunnel_type = kVxlan;
  auto operator<=>(const EncapsulationCommunity&) const = default;
};

/// MAC mobility: type 0x06, sub-type 0x00 (RFC 7432 §7.7).
struct MacMobility {
  bool sticky = false;
  uint32_t sequence = 0;
  auto operator<=>(const MacMobility&) const = default;
};

/// ESI label: type 0x06, sub-type 0x01 (RFC 7432 §7.5).
struct EsiLabel {
  bool single_active = false;
  uint32_t label = 0;  ///< The 24-bit label field as carried.
  auto operator<=>(const EsiLabel&) const = default;
};

/// ES-import route target: type 0x06, sub-type 0x02 (RFC 7432 §7.6).
struct EsImportRouteTarget {
  MacAddress mac;
  auto operator<=>(const EsImportRouteTarget&) const = default;
};

/// Router's MAC: type 0x06, sub-type 0x03 (RFC 9135 §8.1).
struct RouterMac {
  MacAddress mac;
  auto operator<=>(const RouterMac&) const = default;
};

/// Default gateway: type 0x03, sub-type 0x0d, value zero (RFC 7432 §7.8).
struct DefaultGateway {
  auto operator<=>(const DefaultGateway&) const = default;
};

/// Any other extended community, as its 8 octets.
struct OpaqueExtendedCommunity {
  std::array<uint8_t, 8> bytes{};
  auto operator<=>(const OpaqueExtendedCommunity&) const = default;
};

using ExtendedCommunity =
    std::variant<RouteTarget, EncapsulationCommunity, MacMobility, EsiLabel, EsImportRouteTarget,
                 RouterMac, DefaultGateway, OpaqueExtendedCommunity>;

/// Decodes 8 octets. Never fails: unknown or non-canonical values come back opaque.
ExtendedCommunity decode_extended_community(std::span<const uint8_t, 8> b);
/// Writes exactly 8 octets.
void encode(const ExtendedCommunity& c, Writer& w);
/// Text in FRR's style: "RT:65000:100", "ET:8", "MM:3", "MM:0, sticky MAC", "ESI-label-Rt:...",
/// "ES-Import-Rt:...", "Rmac:00:11:..", "Default Gateway", "0x0102030405060708".
std::string to_string(const ExtendedCommunity& c);

}  // namespace evpnd::codec
