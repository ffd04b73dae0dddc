#include "bgpd/session/socket_options.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace evpnd::session {

std::string set_tcp_md5(int fd, const boost::asio::ip::address& peer, const std::string& key) {
  tcp_md5sig sig{};
  if (key.size() > TCP_MD5SIG_MAXKEYLEN) return "TCP MD5 password longer than 80 characters";
  if (peer.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&sig.tcpm_addr);
    sin->sin_family = AF_INET;
    const auto b = peer.to_v4().to_bytes();
    std::memcpy(&sin->sin_addr, b.data(), b.size());
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&sig.tcpm_addr);
    sin6->sin6_family = AF_INET6;
    const auto b = peer.to_v6().to_bytes();
    std::memcpy(&sin6->sin6_addr, b.data(), b.size());
  }
  sig.tcpm_keylen = static_cast<uint16_t>(key.size());
  std::memcpy(sig.tcpm_key, key.data(), key.size());
  if (::setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig) != 0) {
    // Removing a key that was never set is not an error.
    if (key.empty() && errno == ENOENT) return "";
    return std::string("TCP MD5: ") + std::strerror(errno);
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

}  // namespace evpnd::session
