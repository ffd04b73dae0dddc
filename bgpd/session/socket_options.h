// TCP socket options a BGP session needs: TCP MD5 signatures (RFC 2385), the TTL of eBGP
// sessions (1, or the ebgp-multihop value), and GTSM (RFC 5082: send with TTL 255, accept only
// packets whose TTL is at least 255 - hops + 1).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <string>

namespace evpnd::session {

/// Installs (or, with an empty key, removes) the RFC 2385 key for `peer` on socket `fd`; a
/// listening socket needs one per configured peer. Returns "" or an error text (key over 80
/// octets, kernel without TCP_MD5SIG).
std::string set_tcp_md5(int fd, const boost::asio::ip::address& peer, const std::string& key);

/// Sets the unicast TTL / hop limit of outgoing packets (1..255). Returns "" or an error text.
std::string set_ttl(int fd, bool ipv6, int ttl);

/// GTSM (RFC 5082 §3): drop incoming packets with a TTL below `min_ttl` (1..255).
std::string set_min_ttl(int fd, bool ipv6, int min_ttl);

}  // namespace evpnd::session
