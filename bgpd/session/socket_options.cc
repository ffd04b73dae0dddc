#include "bgpd/session/socket_options.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace evpnd::session {

namespace {

// Fills the address of a tcp_md5sig.
void set_md5_address(tcp_md5sig& sig, const boost::asio::ip::address& a) {
  if (a.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&sig.tcpm_addr);
    sin->sin_family = AF_INET;
    const auto b = a.to_v4().to_bytes();
    std::memcpy(&sin->sin_addr, b.data(), b.size());
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&sig.tcpm_addr);
    sin6->sin6_family = AF_INET6;
    const auto b = a.to_v6().to_bytes();
    std::memcpy(&sin6->sin6_addr, b.data(), b.size());
  }
}

}  // namespace

std::string set_tcp_md5(int fd, const boost::asio::ip::address& peer, const std::string& key) {
  tcp_md5sig sig{};
  if (key.size() > TCP_MD5SIG_MAXKEYLEN) return "TCP MD5 password longer than 80 characters";
  set_md5_address(sig, peer);
  sig.tcpm_keylen = static_cast<uint16_t>(key.size());
  std::memcpy(sig.tcpm_key, key.data(), key.size());
  if (::setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig) != 0) {
    // Removing a key that was never set is not an error.
    if (key.empty() && errno == ENOENT) return "";
    return std::string("TCP MD5: ") + std::strerror(errno);
  }
  return "";
}

std::string set_tcp_md5_prefix(int fd, const boost::asio::ip::address& network,
                               unsigned prefix_length, const std::string& key) {
  tcp_md5sig sig{};
  if (key.size() > TCP_MD5SIG_MAXKEYLEN) return "TCP MD5 password longer than 80 characters";
  const bool mapped = network.is_v6() && network.to_v6().is_v4_mapped();
  const unsigned max = network.is_v4() || mapped ? 32 : 128;
  if (prefix_length > max) return "TCP MD5: prefix length " + std::to_string(prefix_length);
  set_md5_address(sig, network);
  sig.tcpm_flags = TCP_MD5SIG_FLAG_PREFIX;
  sig.tcpm_prefixlen = static_cast<uint8_t>(prefix_length);
  sig.tcpm_keylen = static_cast<uint16_t>(key.size());
  std::memcpy(sig.tcpm_key, key.data(), key.size());
  if (::setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG_EXT, &sig, sizeof sig) != 0) {
    if (key.empty() && errno == ENOENT) return "";
    return std::string("TCP MD5 (prefix): ") + std::strerror(errno);
  }
  return "";
}

std::string set_ttl(int fd, bool ipv6, int ttl) {
  const int r = ipv6 ? ::setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl)
                     : ::setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
  return r == 0 ? "" : std::string("TTL: ") + std::strerror(errno);
}

std::string set_min_ttl(int fd, bool ipv6, int min_ttl) {
  const int r = ipv6 ? ::setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &min_ttl, sizeof min_ttl)
                     : ::setsockopt(fd, IPPROTO_IP, IP_MINTTL, &min_ttl, sizeof min_ttl);
  return r == 0 ? "" : std::string("minimum TTL: ") + std::strerror(errno);
}

std::string set_save_syn(int fd) {
  const int on = 1;
  return ::setsockopt(fd, IPPROTO_TCP, TCP_SAVE_SYN, &on, sizeof on) == 0
             ? ""
             : std::string("TCP_SAVE_SYN: ") + std::strerror(errno);
}

std::optional<int> saved_syn_ttl(int fd) {
  // An IPv6 header (40 octets) with extension headers (up to a few KiB) and the TCP header
  // with options fit.
  std::array<uint8_t, 4096> buf{};
  socklen_t len = sizeof buf;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_SAVED_SYN, buf.data(), &len) != 0 || len < 1) {
    return std::nullopt;
  }
  const unsigned version = buf[0] >> 4;
  if (version == 4 && len >= 20) return buf[8];  // RFC 791: Time to Live at octet 8.
  if (version == 6 && len >= 40) return buf[7];  // RFC 8200: Hop Limit at octet 7.
  return std::nullopt;
}

}  // namespace evpnd::session
