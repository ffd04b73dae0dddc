// BGP capabilities advertised in OPEN (RFC 5492 §4): multiprotocol (RFC 4760 §8), route refresh
// (RFC 2918) and enhanced route refresh (RFC 7313), 4-octet AS (RFC 6793), graceful restart
// (RFC 4724 §3), extended message (RFC 8654), add-path (RFC 7911 §4), extended next hop
// (RFC 8950 §3) and hostname (draft-walton-bgp-hostname-capability). Unknown capabilities, and
// known ones whose value does not encode back to the same octets, are kept as bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "bgpd/codec/buffer.h"

namespace evpnd::codec {

/// Capability codes (IANA "Capability Codes").
enum CapabilityCode : uint8_t {
  kCapMultiprotocol = 1,
  kCapRouteRefresh = 2,
  kCapExtendedNextHop = 5,
  kCapExtendedMessage = 6,
  kCapGracefulRestart = 64,
  kCapFourOctetAs = 65,
  kCapAddPath = 69,
  kCapEnhancedRouteRefresh = 70,
  kCapHostname = 73,
};

struct MultiprotocolCapability {
  uint16_t afi = 0;
  uint8_t reserved = 0;
  uint8_t safi = 0;
  auto operator<=>(const MultiprotocolCapability&) const = default;
};
struct RouteRefreshCapability {
  auto operator<=>(const RouteRefreshCapability&) const = default;
};
struct EnhancedRouteRefreshCapability {
  auto operator<=>(const EnhancedRouteRefreshCapability&) const = default;
};
struct ExtendedMessageCapability {
  auto operator<=>(const ExtendedMessageCapability&) const = default;
};
struct FourOctetAsCapability {
  uint32_t asn = 0;
  auto operator<=>(const FourOctetAsCapability&) const = default;
};

/// Graceful restart (RFC 4724 §3, RFC 8538 §2 for the N bit).
struct GracefulRestartCapability {
  static constexpr uint8_t kRestartState = 0x8;      ///< R bit, in `flags` (the top 4 bits).
  static constexpr uint8_t kNotification = 0x4;      ///< N bit (RFC 8538).
  static constexpr uint8_t kForwardingState = 0x80;  ///< F bit of a family's flags.
  struct Family {
    uint16_t afi = 0;
    uint8_t safi = 0;
    uint8_t flags = 0;
    auto operator<=>(const Family&) const = default;
  };
  uint8_t flags = 0;          ///< The 4 flag bits (R, N, ...), right-aligned.
  uint16_t restart_time = 0;  ///< Seconds, 12 bits.
  std::vector<Family> families;
  auto operator<=>(const GracefulRestartCapability&) const = default;
};

/// Add-path (RFC 7911 §4): send_receive 1 = receive, 2 = send, 3 = both.
struct AddPathCapability {
  struct Family {
    uint16_t afi = 0;
    uint8_t safi = 0;
    uint8_t send_receive = 0;
    auto operator<=>(const Family&) const = default;
  };
  std::vector<Family> families;
  auto operator<=>(const AddPathCapability&) const = default;
};

/// Extended next hop encoding (RFC 8950 §3).
struct ExtendedNextHopCapability {
  struct Entry {
    uint16_t afi = 0;
    uint16_t safi = 0;
    uint16_t next_hop_afi = 0;
    auto operator<=>(const Entry&) const = default;
  };
  std::vector<Entry> entries;
  auto operator<=>(const ExtendedNextHopCapability&) const = default;
};

/// Hostname (FRR and GoBGP send it): host and domain name.
struct HostnameCapability {
  std::string hostname;
  std::string domain;
  auto operator<=>(const HostnameCapability&) const = default;
};

struct UnknownCapability {
  uint8_t code = 0;
  std::vector<uint8_t> value;
  auto operator<=>(const UnknownCapability&) const = default;
};

using Capability = std::variant<MultiprotocolCapability, RouteRefreshCapability,
                                EnhancedRouteRefreshCapability, ExtendedMessageCapability,
                                FourOctetAsCapability, GracefulRestartCapability, AddPathCapability,
                                ExtendedNextHopCapability, HostnameCapability, UnknownCapability>;

/// Decodes one capability value. Never fails: what cannot be typed exactly stays unknown.
Capability decode_capability(uint8_t code, std::span<const uint8_t> value);
uint8_t capability_code(const Capability& c);
/// Appends code, length and value.
void encode(const Capability& c, Writer& w);
/// "multiprotocol", "route-refresh", ..., or "capability N".
std::string capability_name(uint8_t code);

}  // namespace evpnd::codec
