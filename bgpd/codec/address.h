// Value types for the addresses BGP carries: IPv4/IPv6 addresses and prefixes, MAC addresses,
// and the address families (AFI/SAFI, RFC 4760 §3) evpnd speaks. No heap, cheap to copy.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evpnd::codec {

/// An IPv4 or IPv6 address, or none (`is_none()`, as for a MAC-only type-2 route).
struct IpAddress {
  uint8_t family = 0;               ///< 0 (none), 4 or 6.
  std::array<uint8_t, 16> bytes{};  ///< Network order; IPv4 uses the first 4.

  static IpAddress v4(uint32_t host_order);
  static IpAddress v4(std::array<uint8_t, 4> b);
  static IpAddress v6(const std::array<uint8_t, 16>& b);
  /// Parses "10.0.0.1" or "2001:db8::1"; nullopt if it is neither.
  static std::optional<IpAddress> parse(std::string_view text);

  bool is_none() const { return family == 0; }
  /// Octets on the wire: 0, 4 or 16.
  uint8_t size() const { return family == 4 ? 4 : family == 6 ? 16 : 0; }
  /// Host-order value of an IPv4 address (0 for others).
  uint32_t v4_value() const;
  /// "10.0.0.1", "2001:db8::1" (RFC 5952), or "" when none.
  std::string to_string() const;

  auto operator<=>(const IpAddress&) const = default;
};

/// An IP prefix as carried in NLRI (RFC 4271 §4.3): the address holds exactly the bytes read
/// (bits past `length` are kept as received so that encoding is byte-exact).
struct IpPrefix {
  IpAddress address;
  uint8_t length = 0;  ///< Prefix length in bits.

  /// Parses "10.0.0.0/24" or "2001:db8::/32".
  static std::optional<IpPrefix> parse(std::string_view text);
  /// "10.0.0.0/24".
  std::string to_string() const;
  auto operator<=>(const IpPrefix&) const = default;
};

/// A 48-bit IEEE MAC address.
struct MacAddress {
  std::array<uint8_t, 6> bytes{};

  /// Parses "00:11:22:aa:bb:cc".
  static std::optional<MacAddress> parse(std::string_view text);
  /// "00:11:22:aa:bb:cc" (lowercase).
  std::string to_string() const;
  auto operator<=>(const MacAddress&) const = default;
};

/// Address Family Identifiers (IANA) used by evpnd.
enum class Afi : uint16_t { kIpv4 = 1, kIpv6 = 2, kL2vpn = 25 };
/// Subsequent Address Family Identifiers (IANA) used by evpnd.
enum class Safi : uint8_t { kUnicast = 1, kEvpn = 70 };

/// The (AFI, SAFI) pairs evpnd understands; anything else is kept as opaque bytes.
enum class Family : uint8_t { kIpv4Unicast, kIpv6Unicast, kL2vpnEvpn, kCount };

/// Maps wire AFI/SAFI to a Family; nullopt for families evpnd does not decode.
std::optional<Family> family_of(uint16_t afi, uint8_t safi);
uint16_t afi_of(Family f);
uint8_t safi_of(Family f);
/// "ipv4-unicast", "ipv6-unicast", "l2vpn-evpn" (the config's spelling).
const char* to_string(Family f);

/// Lowercase hex of a byte range, no separators.
std::string to_hex(const uint8_t* data, size_t size);

}  // namespace evpnd::codec
