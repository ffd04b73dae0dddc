// FdbMessage: one bridge-family FDB entry as an rtnetlink neighbor message (RTM_NEWNEIGH /
// RTM_DELNEIGH, AF_BRIDGE: struct ndmsg + NDA_LLADDR + NDA_DST), encoded for raw_fdb_writer and
// decoded for fdb_watch. The entries are those of a remote MAC learned from an EVPN type-2 route
// (RFC 7432 §7.2, VXLAN per RFC 8365 §5.1.3) as DESIGN.md ("Netlink facts") and FRR's zebra
// install them: NTF_SELF with NDA_DST = remote VTEP on the VXLAN device, and NTF_MASTER (the
// bridge's entry) on the same device, both NTF_EXT_LEARNED, NUD_REACHABLE. The same type also
// encodes the IP neighbor entry a MAC+IP route adds on the SVI for ARP suppression (AF_INET,
// NDA_DST = the IP, NDA_LLADDR = the MAC, NTF_EXT_LEARNED, NUD_NOARP, NDA_PROTOCOL), so that the
// raw writer can do all the kernel work a daemon does for a type-2 MAC+IP route.
//
// MACs are 48-bit integers (first octet in bits 47..40) so that "base + i" enumerates them the
// way bench/speaker/route_sender does (route i carries MAC 02:00:00:00:00:01 + i).
#pragma once

#include <linux/netlink.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evpnd::bench {

/// Parses "aa:bb:cc:dd:ee:ff" into a 48-bit integer; nullopt on anything else.
std::optional<uint64_t> parse_mac(std::string_view text);
/// "aa:bb:cc:dd:ee:ff" of a 48-bit integer.
std::string mac_to_string(uint64_t mac);

/// One AF_BRIDGE FDB entry (or, with `family` AF_INET/AF_INET6, one IP neighbor entry), as
/// written or as reported by the kernel.
struct FdbMessage {
  uint8_t family = 7;  ///< ndm_family: AF_BRIDGE (7); AF_INET/AF_INET6 for an IP neighbor.
  int ifindex = 0;     ///< The port: the VXLAN device (the SVI for an IP neighbor).
  uint64_t mac = 0;    ///< NDA_LLADDR, 48 bits.
  bool has_mac = false;
  uint8_t flags = 0;              ///< ndm_flags: NTF_SELF, NTF_MASTER, NTF_EXT_LEARNED, ...
  uint16_t state = 0;             ///< ndm_state: NUD_* bits.
  uint8_t dst_family = 0;         ///< NDA_DST: 0 (none), AF_INET or AF_INET6.
  std::array<uint8_t, 16> dst{};  ///< Network order; IPv4 uses the first 4 octets.
  uint8_t protocol = 0;           ///< NDA_PROTOCOL (written if non-zero), e.g. 199 for evpnd.
  bool removed = false;           ///< Decoded from RTM_DELNEIGH.

  /// Sets `dst` from IPv4 or IPv6 text; false if it is neither.
  bool set_dst(const std::string& text);

  /// Appends this entry as a message of `nlmsg_type` (RTM_NEWNEIGH, RTM_DELNEIGH, or
  /// RTM_GETNEIGH for a single-entry get: then `state` must be 0, `flags` NTF_SELF or
  /// NTF_MASTER and `dst_family` 0) with `nlmsg_flags` (e.g. NLM_F_REQUEST | NLM_F_ACK |
  /// NLM_F_CREATE | NLM_F_REPLACE) and `seq` to `out`. Returns the bytes appended
  /// (NLMSG_ALIGNed; 48 for an IPv4 NTF_SELF entry). `removed` is not used here.
  size_t append_to(std::vector<uint8_t>& out, uint16_t nlmsg_type, uint16_t nlmsg_flags,
                   uint32_t seq) const;

  /// Decodes an RTM_NEWNEIGH/RTM_DELNEIGH of family AF_BRIDGE. nullopt for other messages and
  /// for malformed ones (short header, attribute lengths past the end): kernel input is
  /// checked, never trusted.
  static std::optional<FdbMessage> decode(const nlmsghdr* header);
};

/// Appends an RTM_GETNEIGH AF_BRIDGE dump request for the FDB of port `ifindex` (0 = every
/// port) to `out`. With NETLINK_GET_STRICT_CHK on the socket the kernel filters by port;
/// without it the caller filters (the request is valid either way).
void append_fdb_dump_request(std::vector<uint8_t>& out, int ifindex, uint32_t seq);

}  // namespace evpnd::bench
