// FdbMessage: see fdb_message.h.
#include "bench/kernel/fdb_message.h"

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstring>

namespace evpnd::bench {

static_assert(AF_BRIDGE == 7, "FdbMessage::family defaults to AF_BRIDGE by value");

std::optional<uint64_t> parse_mac(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  uint64_t mac = 0;
  for (size_t i = 0; i < 6; ++i) {
    if (i > 0 && text[i * 3 - 1] != ':') return std::nullopt;
    uint64_t octet = 0;
    for (size_t j = 0; j < 2; ++j) {
      const char c = text[i * 3 + j];
      uint64_t v;
      if (c >= '0' && c <= '9') {
        v = static_cast<uint64_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v = static_cast<uint64_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v = static_cast<uint64_t>(c - 'A' + 10);
      } else {
        return std::nullopt;
      }
      octet = octet * 16 + v;
    }
    mac = (mac << 8) | octet;
  }
  return mac;
}

std::string mac_to_string(uint64_t mac) {
  char text[18];
  std::snprintf(
      text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", static_cast<unsigned>((mac >> 40) & 0xff),
      static_cast<unsigned>((mac >> 32) & 0xff), static_cast<unsigned>((mac >> 24) & 0xff),
      static_cast<unsigned>((mac >> 16) & 0xff), static_cast<unsigned>((mac >> 8) & 0xff),
      static_cast<unsigned>(mac & 0xff));
  return text;
}

bool FdbMessage::set_dst(const std::string& text) {
  dst = {};
  if (inet_pton(AF_INET, text.c_str(), dst.data()) == 1) {
    dst_family = AF_INET;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), dst.data()) == 1) {
    dst_family = AF_INET6;
    return true;
  }
  dst_family = 0;
  return false;
}

namespace {

// Appends one rtattr (type, payload) padded to RTA_ALIGNTO.
void put_attr(std::vector<uint8_t>& out, uint16_t type, const void* data, size_t len) {
  rtattr a{};
  a.rta_len = static_cast<unsigned short>(RTA_LENGTH(len));
  a.rta_type = type;
  const size_t at = out.size();
  out.resize(at + RTA_SPACE(len), 0);
  std::memcpy(out.data() + at, &a, sizeof a);
  std::memcpy(out.data() + at + RTA_LENGTH(0), data, len);
}

}  // namespace

size_t FdbMessage::append_to(std::vector<uint8_t>& out, uint16_t nlmsg_type, uint16_t nlmsg_flags,
                             uint32_t seq) const {
  const size_t start = out.size();
  out.resize(start + NLMSG_SPACE(sizeof(ndmsg)), 0);
  ndmsg nd{};
  nd.ndm_family = family;
  nd.ndm_ifindex = ifindex;
  nd.ndm_state = state;
  nd.ndm_flags = flags;
  std::memcpy(out.data() + start + NLMSG_HDRLEN, &nd, sizeof nd);
  const uint8_t lladdr[6] = {static_cast<uint8_t>(mac >> 40), static_cast<uint8_t>(mac >> 32),
                             static_cast<uint8_t>(mac >> 24), static_cast<uint8_t>(mac >> 16),
                             static_cast<uint8_t>(mac >> 8),  static_cast<uint8_t>(mac)};
  put_attr(out, NDA_LLADDR, lladdr, sizeof lladdr);
  if (dst_family == AF_INET) put_attr(out, NDA_DST, dst.data(), 4);
  if (dst_family == AF_INET6) put_attr(out, NDA_DST, dst.data(), 16);
  if (protocol != 0) put_attr(out, NDA_PROTOCOL, &protocol, 1);
  nlmsghdr h{};
  h.nlmsg_len = static_cast<uint32_t>(out.size() - start);
  h.nlmsg_type = nlmsg_type;
  h.nlmsg_flags = nlmsg_flags;
  h.nlmsg_seq = seq;
  std::memcpy(out.data() + start, &h, sizeof h);
  return out.size() - start;
}

std::optional<FdbMessage> FdbMessage::decode(const nlmsghdr* header) {
  if (header->nlmsg_type != RTM_NEWNEIGH && header->nlmsg_type != RTM_DELNEIGH) {
    return std::nullopt;
  }
  if (header->nlmsg_len < NLMSG_LENGTH(sizeof(ndmsg))) return std::nullopt;
  ndmsg nd;
  std::memcpy(&nd, NLMSG_DATA(header), sizeof nd);
  if (nd.ndm_family != AF_BRIDGE) return std::nullopt;
  FdbMessage m;
  m.removed = header->nlmsg_type == RTM_DELNEIGH;
  m.ifindex = nd.ndm_ifindex;
  m.flags = nd.ndm_flags;
  m.state = nd.ndm_state;
  const auto* base = reinterpret_cast<const uint8_t*>(header);
  size_t pos = NLMSG_SPACE(sizeof(ndmsg));
  const size_t end = header->nlmsg_len;
  while (pos + sizeof(rtattr) <= end) {
    rtattr a;
    std::memcpy(&a, base + pos, sizeof a);
    if (a.rta_len < sizeof(rtattr) || pos + a.rta_len > end) return std::nullopt;
    const uint8_t* payload = base + pos + RTA_LENGTH(0);
    const size_t len = a.rta_len - RTA_LENGTH(0);
    if (a.rta_type == NDA_LLADDR && len == 6) {
      m.mac = 0;
      for (size_t i = 0; i < 6; ++i) m.mac = (m.mac << 8) | payload[i];
      m.has_mac = true;
    } else if (a.rta_type == NDA_DST && (len == 4 || len == 16)) {
      m.dst_family = len == 4 ? AF_INET : AF_INET6;
      std::memcpy(m.dst.data(), payload, len);
    }
    pos += RTA_ALIGN(a.rta_len);
  }
  return m;
}

void append_fdb_dump_request(std::vector<uint8_t>& out, int ifindex, uint32_t seq) {
  const size_t start = out.size();
  out.resize(start + NLMSG_SPACE(sizeof(ndmsg)), 0);
  nlmsghdr h{};
  h.nlmsg_len = NLMSG_LENGTH(sizeof(ndmsg));
  h.nlmsg_type = RTM_GETNEIGH;
  h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  h.nlmsg_seq = seq;
  ndmsg nd{};
  nd.ndm_family = AF_BRIDGE;
  nd.ndm_ifindex = ifindex;
  std::memcpy(out.data() + start, &h, sizeof h);
  std::memcpy(out.data() + start + NLMSG_HDRLEN, &nd, sizeof nd);
}

}  // namespace evpnd::bench
