// Routes evpnd originates for its own VNIs and VRFs, with what RFC 7432 §7.9/§9 and RFC 8365
// §5.1.2-§5.1.3 ask of them: the RD and route targets (auto-derived as FRR does: RD
// router-id:index, RT ASN:VNI), the encapsulation extended community (VXLAN), the VNI in the
// label field, the PMSI tunnel attribute (ingress replication) on type 3, MAC mobility on
// sticky MACs, and the router's MAC on symmetric-IRB routes (RFC 9135 §8.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/codec/path_attribute.h"
#include "bgpd/rib/route_key.h"

namespace evpnd::evpn {

/// A route ready for Rib::originate.
struct LocalRoute {
  rib::Nlri nlri;
  std::vector<codec::PathAttribute> attributes;
  codec::IpAddress next_hop;
};

/// The RD of a VNI when the config says "auto": router-id:N with N the VNI's low 16 bits (a
/// type-1 RD, RFC 7432 §7.9), unique per VNI on one host for VNIs below 65536.
codec::RouteDistinguisher auto_rd(const codec::IpAddress& router_id, uint32_t vni);
/// The route target of a VNI when the config says "auto": ASN:VNI (RFC 8365 §5.1.2.1), a type-0
/// RT with the ASN's low 16 bits and the whole VNI, as FRR derives it (also for 4-octet ASNs).
codec::RouteTarget auto_route_target(uint32_t asn, uint32_t vni);
/// Resolves a configured RD ("auto" or text); nullopt if the text does not parse.
std::optional<codec::RouteDistinguisher> resolve_rd(const std::string& text,
                                                    const codec::IpAddress& router_id,
                                                    uint32_t vni);
/// Resolves configured export RTs ("auto" or text); unparsable entries are skipped.
std::vector<codec::RouteTarget> resolve_route_targets(const std::vector<std::string>& texts,
                                                      uint32_t asn, uint32_t vni);

/// Type 2 (RFC 7432 §7.2): MAC, optional IP, label1 = VNI; sticky adds MAC mobility with the
/// sticky flag (§7.7). `sequence` > 0 adds MAC mobility with that sequence.
LocalRoute mac_ip_route(const codec::RouteDistinguisher& rd,
                        const std::vector<codec::RouteTarget>& rts, uint32_t vni,
                        const codec::MacAddress& mac, const codec::IpAddress& ip, bool sticky,
                        uint32_t sequence, const codec::IpAddress& vtep);
/// Type 3 (RFC 7432 §7.3, RFC 8365 §5.1.3): originating router = VTEP, PMSI tunnel ingress
/// replication with label = VNI and tunnel endpoint = VTEP.
LocalRoute inclusive_multicast_route(const codec::RouteDistinguisher& rd,
                                     const std::vector<codec::RouteTarget>& rts, uint32_t vni,
                                     const codec::IpAddress& vtep);
/// Type 5 (RFC 9136 §3.1): prefix, gateway (none -> zeros), label = L3VNI, router's MAC when
/// given (RFC 9135 §8.1).
LocalRoute ip_prefix_route(const codec::RouteDistinguisher& rd,
                           const std::vector<codec::RouteTarget>& rts, uint32_t l3vni,
                           const codec::IpPrefix& prefix, const codec::IpAddress& gateway,
                           const std::optional<codec::MacAddress>& router_mac,
                           const codec::IpAddress& vtep);

}  // namespace evpnd::evpn
