// The text of `evpnctl show ...`: each function takes the management API's answer
// (proto/api.proto) and returns what evpnctl prints, laid out as FRR's vtysh prints the same
// command (`show bgp summary`, `show bgp neighbor`, `show bgp l2vpn evpn`,
// `show bgp ipv4 unicast`). Pure functions: no sockets, no clocks, so tests need no daemon.
#pragma once

#include <cstdint>
#include <string>

#include "proto/api.pb.h"

namespace evpnd::cli {

/// A duration in seconds as FRR shows peer uptimes: "00:01:23" under a day, "1d02h03m" under
/// a week, "02w3d04h" under a year, then "01y02w3d".
std::string format_uptime(uint64_t seconds);

/// `show bgp summary`: the router identifier and local AS, then one table per address family
/// (IPv4 Unicast, IPv6 Unicast, L2VPN EVPN, in FRR's order) of the neighbors configured for
/// it, then "Total number of neighbors N". Up/Down is the time in the current state, or
/// "never" for a neighbor that is not Established and has never received a message (the API's
/// summary has no "ever established" flag; no message received implies never established).
/// State/PfxRcd is the received count when Established, else the state name.
std::string format_bgp_summary(const api::BgpSummary& summary);

/// `show bgp neighbor ADDR`: state, addresses and ports, timers, capabilities (advertised,
/// received, negotiated), message counts, established transitions and the last error.
std::string format_neighbor_detail(const api::NeighborDetail& detail);

/// `show bgp evpn routes`: the routes grouped under "Route Distinguisher: RD" (RDs in FRR's
/// order: type, administrator, assigned number), each path as FRR's `show bgp l2vpn evpn`
/// lines (status, prefix, next hop, metric, local preference, AS path and origin), then its
/// extended communities and a line of decoded details (VNI labels, ESI, MAC mobility, router
/// MAC, gateway, PMSI tunnel, stale). Ends with "Displayed N prefixes (M paths)".
std::string format_evpn_routes(const api::EvpnRoutes& routes);

/// `show bgp ipv4 routes` / `show bgp ipv6 routes`: FRR's `show bgp ipv4 unicast` table and
/// "Displayed  N routes and M total paths".
std::string format_unicast_routes(const api::UnicastRoutes& routes);

/// `show evpn vni`: one line per L2VNI as FRR's `show evpn vni` (VNI, VXLAN device, bridge,
/// local and remote MAC counts, remote VTEPs), then each VNI's RD and route targets.
std::string format_evpn_vnis(const api::EvpnVnis& vnis);

/// `show evpn mac`: per VNI, the MACs as FRR's `show evpn mac vni all` (MAC, local/remote,
/// the port or the remote VTEP, the MAC mobility sequence, flags S sticky, F frozen).
std::string format_evpn_macs(const api::EvpnMacs& macs);

/// `show evpn arp`: per VNI, the MAC+IP bindings as FRR's `show evpn arp-cache vni all`.
std::string format_evpn_arps(const api::EvpnArps& arps);

/// `show fib`: what evpnd installed in the kernel (or tries to), one entry per line with its
/// state, then the counters.
std::string format_fib(const api::Fib& fib);

}  // namespace evpnd::cli
