// What the RIB knows about one BGP neighbour: its identity, iBGP/eBGP and route-reflector-client
// role (RFC 4271 §9.1.2.2, RFC 4456 §6), and what the OPEN exchange negotiated: families
// (RFC 4760 §8), 4-octet AS (RFC 6793), extended messages (RFC 8654), add-path (RFC 7911) and
// graceful restart (RFC 4724 §3). Filled by the session layer at Established.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "bgpd/codec/address.h"
#include "bgpd/codec/decode_context.h"

namespace evpnd::rib {

/// A peer inside the RIB: a small integer the session layer chooses (1..65534), dense because the
/// RIB keeps per-peer tables indexed by it. 0 is the RIB itself (locally originated routes).
using PeerId = uint16_t;
inline constexpr PeerId kLocalPeer = 0;
inline constexpr PeerId kMaxPeerId = 65534;

/// A set of the families evpnd speaks.
class FamilySet {
 public:
  constexpr FamilySet() = default;
  constexpr FamilySet(std::initializer_list<codec::Family> families) {
    for (auto f : families) add(f);
  }
  constexpr bool has(codec::Family f) const { return (bits_ & bit(f)) != 0; }
  constexpr void add(codec::Family f) { bits_ = static_cast<uint8_t>(bits_ | bit(f)); }
  constexpr void remove(codec::Family f) { bits_ = static_cast<uint8_t>(bits_ & ~bit(f)); }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr bool operator==(const FamilySet&) const = default;

 private:
  static constexpr uint8_t bit(codec::Family f) {
    return static_cast<uint8_t>(1u << static_cast<unsigned>(f));
  }
  uint8_t bits_ = 0;
};

/// Graceful restart as negotiated (RFC 4724 §3): both sides sent the capability.
struct GracefulRestartInfo {
  bool negotiated = false;
  /// The peer's Restart Time, seconds. The RIB has no clock: the caller runs the stale timer
  /// with it and calls Rib::sweep_stale when it fires.
  uint16_t restart_time = 0;
  /// Families listed in the peer's capability: their routes are kept as stale on a graceful
  /// down. Routes of other families are withdrawn at once.
  FamilySet families;
  /// Families whose Forwarding State bit was set in the peer's latest OPEN. On re-establishment,
  /// stale routes of a family without it are swept at once (RFC 4724 §4.2).
  FamilySet forwarding_state;
};

/// One established session, as Rib::peer_up receives it.
struct PeerInfo {
  codec::IpAddress address;             ///< The peer's transport address (last decision tie-break).
  uint32_t remote_asn = 0;              ///< The peer's ASN.
  uint32_t local_asn = 0;               ///< Our ASN on this session (prepended towards eBGP peers).
  codec::IpAddress router_id;           ///< The peer's BGP Identifier (IPv4).
  bool ibgp = false;                    ///< remote_asn == local_asn.
  bool route_reflector_client = false;  ///< We reflect to it as RR (RFC 4456 §6).
  FamilySet families;                   ///< Families negotiated with the peer (RFC 4760 §8).
  /// 4-octet AS, extended message (4096 or 65535-octet UPDATEs) and add-path per family, as
  /// negotiated; the same context the session gives the codec.
  codec::DecodeContext context;
  /// Our address on this session: next-hop-self for IPv4 unicast towards eBGP peers.
  codec::IpAddress local_address;
  /// Our IPv6 address for next-hop-self on IPv6 unicast (none: `local_address`, IPv4-mapped).
  codec::IpAddress local_ipv6_address;
  GracefulRestartInfo graceful_restart;
};

}  // namespace evpnd::rib
