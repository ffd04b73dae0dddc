// TCP socket options a BGP session needs: TCP MD5 signatures (RFC 2385) for one address or, on
// a listening socket, for a whole listen range; the TTL of eBGP sessions (1, or the
// ebgp-multihop value); and GTSM (RFC 5082 §3: send with TTL 255, accept only packets whose
// TTL is at least 256 - hops), including the check of an accepted connection's SYN, which
// arrived before any per-peer minimum TTL could be set on it.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>

namespace evpnd::session {

/// Installs (or, with an empty key, removes) the RFC 2385 key for `peer` on socket `fd`; a
/// listening socket needs one per configured peer. Returns "" or an error text (key over 80
/// octets, kernel without TCP_MD5SIG).
std::string set_tcp_md5(int fd, const boost::asio::ip::address& peer, const std::string& key);

/// The same for every address of `network`/`prefix_length` (TCP_MD5SIG_EXT with a prefix,
/// Linux 4.13+): the key of a listen range on the listening socket. An IPv4 network on an IPv6
/// (dual-stack) socket is given IPv4-mapped, with its IPv4 prefix length (0..32). Returns "" or
/// an error text.
std::string set_tcp_md5_prefix(int fd, const boost::asio::ip::address& network,
                               unsigned prefix_length, const std::string& key);

/// Sets the unicast TTL / hop limit of outgoing packets (1..255). Returns "" or an error text.
std::string set_ttl(int fd, bool ipv6, int ttl);

/// GTSM (RFC 5082 §3): drop incoming packets with a TTL below `min_ttl` (1..255).
std::string set_min_ttl(int fd, bool ipv6, int min_ttl);

/// Makes the listening socket `fd` keep the headers of each connection's SYN (TCP_SAVE_SYN,
/// Linux 4.2+), so that saved_syn_ttl() can read them on the accepted socket. Returns "" or an
/// error text.
std::string set_save_syn(int fd);

/// The TTL (IPv4) or hop limit (IPv6) the SYN of accepted connection `fd` arrived with, read
/// once from the headers the listener saved (set_save_syn); nullopt if none were saved or they
/// are not an IP header. Reading frees them: a second call returns nullopt.
std::optional<int> saved_syn_ttl(int fd);

}  // namespace evpnd::session
