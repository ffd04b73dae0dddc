// BGP connection collision resolution (RFC 4271 §6.8, with RFC 6286 §2.3 for equal BGP
// Identifiers): of two connections between the same pair of speakers, which one to close.
// Detecting the collision and closing the loser (OpenCollisionDump, Cease 6/7) is the session
// layer's job; this is only the rule.
#pragma once

#include <cstdint>

namespace evpnd::fsm {

/// Which side opened a TCP connection (sent the first SYN).
enum class Initiator : uint8_t {
  kLocal,   ///< We connected to the peer.
  kRemote,  ///< The peer connected to us.
};

/// "kLocal" or "kRemote" without the k: "Local", "Remote".
const char* to_string(Initiator initiator);

/// RFC 4271 §6.8: keep the connection initiated by the speaker with the higher BGP Identifier,
/// close the one initiated by the speaker with the lower. Identifiers are compared as host-order
/// unsigned 32-bit integers (10.0.0.2 is 0x0a000002). Returns the initiator of the connection
/// to close. Equal identifiers (possible between ASes, RFC 6286 §2.3): keep the connection
/// initiated by the speaker with the larger AS number. Equal identifiers and AS numbers cannot
/// come from a valid peer (the OPEN check rejects them as Bad BGP Identifier); then the
/// remote-initiated connection is closed. Connections in Established are not subject to this
/// rule: §6.8 keeps an Established session and closes the newcomer.
Initiator connection_to_close(uint32_t local_bgp_identifier, uint32_t remote_bgp_identifier,
                              uint32_t local_asn = 0, uint32_t remote_asn = 0);

}  // namespace evpnd::fsm
