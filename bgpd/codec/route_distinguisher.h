// Route Distinguisher (RFC 4364 §4.2), as carried in every EVPN route (RFC 7432 §7), and its
// usual text forms: type 0 "65000:100", type 1 "10.0.0.1:3", type 2 "4200000000:7".
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bgpd/codec/buffer.h"

namespace evpnd::codec {

/// The administrator/assigned-number pair behind RDs and route targets: type 0 is a 2-octet ASN
/// with a 4-octet number, type 1 an IPv4 address with a 2-octet number, type 2 a 4-octet ASN
/// with a 2-octet number.
struct AdminAssigned {
  uint8_t type = 0;
  uint32_t administrator = 0;  ///< ASN, or the IPv4 address in host order (type 1).
  uint32_t assigned = 0;

  /// Parses "65000:100", "10.0.0.1:3" or "4200000000:7"; the type follows from the values.
  static std::optional<AdminAssigned> parse(std::string_view text);
  std::string to_string() const;
  /// Writes the 6-octet value part (without type).
  void encode_value(Writer& w) const;
  /// Reads the 6-octet value part of the given type.
  static AdminAssigned decode_value(uint8_t type, const uint8_t* six);
  auto operator<=>(const AdminAssigned&) const = default;
};

/// An 8-octet Route Distinguisher. Types 0, 1 and 2 are typed; other types keep their bytes and
/// print as "type:hex".
struct RouteDistinguisher {
  uint16_t type = 0;
  std::array<uint8_t, 6> value{};

  static RouteDistinguisher from(const AdminAssigned& aa);
  /// Parses the text forms above; nullopt on anything else.
  static std::optional<RouteDistinguisher> parse(std::string_view text);
  std::string to_string() const;
  void encode(Writer& w) const;
  /// Reads 8 octets; false if fewer remain.
  bool decode(Reader& r);
  auto operator<=>(const RouteDistinguisher&) const = default;
};

}  // namespace evpnd::codec
