#include "netlink/rtnl_message.h"

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace evpnd::nl {
namespace {

// ---------------------------------------------------------------------------------------------
// Encoding

/// Writes one netlink message into a byte vector: header, family header, attributes.
class MessageWriter {
 public:
  MessageWriter(std::vector<uint8_t>& out, uint16_t type, uint16_t flags, uint32_t seq)
      : out_(out), start_(NLMSG_ALIGN(out.size())) {
    out_.resize(start_ + NLMSG_HDRLEN, 0);
    nlmsghdr h{};
    h.nlmsg_type = type;
    h.nlmsg_flags = flags;
    h.nlmsg_seq = seq;
    std::memcpy(out_.data() + start_, &h, sizeof h);
  }

  /// The family header (ndmsg, rtmsg, ...), padded to 4 octets.
  template <typename T>
  void put_header(const T& header) {
    const size_t at = out_.size();
    out_.resize(at + NLMSG_ALIGN(sizeof(T)), 0);
    std::memcpy(out_.data() + at, &header, sizeof(T));
  }

  void put_attr(uint16_t type, const void* data, size_t len) {
    const size_t at = out_.size();
    out_.resize(at + NLA_HDRLEN + NLA_ALIGN(len), 0);
    nlattr a{};
    a.nla_len = static_cast<uint16_t>(NLA_HDRLEN + len);
    a.nla_type = type;
    std::memcpy(out_.data() + at, &a, sizeof a);
    if (len) std::memcpy(out_.data() + at + NLA_HDRLEN, data, len);
  }
  void put_u8(uint16_t type, uint8_t v) { put_attr(type, &v, sizeof v); }
  void put_u16(uint16_t type, uint16_t v) { put_attr(type, &v, sizeof v); }
  void put_u32(uint16_t type, uint32_t v) { put_attr(type, &v, sizeof v); }
  void put_ip(uint16_t type, const fib::IpAddr& ip) { put_attr(type, ip.octets.data(), ip.size()); }

  /// Opens a nested attribute (or any length-prefixed region); returns its offset.
  size_t begin_nested(uint16_t type) {
    const size_t at = out_.size();
    put_attr(static_cast<uint16_t>(type | NLA_F_NESTED), nullptr, 0);
    return at;
  }
  /// Closes what begin_nested() opened. False if it grew past 64 KiB.
  bool end_nested(size_t at) {
    const size_t len = out_.size() - at;
    if (len > UINT16_MAX) return false;
    const auto l = static_cast<uint16_t>(len);
    std::memcpy(out_.data() + at + offsetof(nlattr, nla_len), &l, sizeof l);
    return true;
  }

  /// Raw bytes inside the current region (an rtnexthop); returns their offset.
  size_t put_raw(const void* data, size_t len) {
    const size_t at = out_.size();
    out_.resize(at + NLA_ALIGN(len), 0);
    std::memcpy(out_.data() + at, data, len);
    return at;
  }
  std::vector<uint8_t>& out() { return out_; }

  /// Sets nlmsg_len; returns the octets written since construction (with leading padding).
  int finish(size_t size_before) {
    const uint32_t len = static_cast<uint32_t>(out_.size() - start_);
    std::memcpy(out_.data() + start_ + offsetof(nlmsghdr, nlmsg_len), &len, sizeof len);
    return static_cast<int>(out_.size() - size_before);
  }

 private:
  std::vector<uint8_t>& out_;
  size_t start_;
};

uint16_t write_flags(fib::Op op) {
  uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
  if (op == fib::Op::kReplace) flags |= NLM_F_CREATE | NLM_F_REPLACE;
  if (op == fib::Op::kAppend) flags |= NLM_F_CREATE | NLM_F_APPEND;
  return flags;
}

bool is_ip_family(uint8_t family) { return family == AF_INET || family == AF_INET6; }

int encode_fdb(const fib::FdbEntry& e, fib::Op op, uint32_t seq, std::vector<uint8_t>& out) {
  if (e.ifindex <= 0) return -EINVAL;
  if (!e.dst.empty() && !is_ip_family(e.dst.family)) return -EINVAL;
  const size_t before = out.size();
  const bool del = op == fib::Op::kDelete;
  MessageWriter w(out, del ? RTM_DELNEIGH : RTM_NEWNEIGH, write_flags(op), seq);
  ndmsg ndm{};
  ndm.ndm_family = AF_BRIDGE;
  ndm.ndm_ifindex = e.ifindex;
  ndm.ndm_state = e.state;
  ndm.ndm_flags = e.flags;
  w.put_header(ndm);
  w.put_attr(NDA_LLADDR, e.mac.octets.data(), e.mac.octets.size());
  if (!e.dst.empty() && (!del || e.mac.is_zero())) w.put_ip(NDA_DST, e.dst);
  if (e.vlan) w.put_u16(NDA_VLAN, e.vlan);
  return w.finish(before);
}

int encode_neigh(const fib::NeighEntry& e, fib::Op op, uint32_t seq, std::vector<uint8_t>& out) {
  if (e.ifindex <= 0 || !is_ip_family(e.ip.family)) return -EINVAL;
  const size_t before = out.size();
  const bool del = op == fib::Op::kDelete;
  MessageWriter w(out, del ? RTM_DELNEIGH : RTM_NEWNEIGH, write_flags(op), seq);
  ndmsg ndm{};
  ndm.ndm_family = e.ip.family;
  ndm.ndm_ifindex = e.ifindex;
  ndm.ndm_state = e.state;
  ndm.ndm_flags = e.flags;
  w.put_header(ndm);
  w.put_ip(NDA_DST, e.ip);
  if (!del) {
    w.put_attr(NDA_LLADDR, e.mac.octets.data(), e.mac.octets.size());
    if (e.protocol) w.put_u8(NDA_PROTOCOL, e.protocol);
  }
  return w.finish(before);
}

/// RTA_GATEWAY when the gateway has the route's family, else RTA_VIA (e.g. IPv4 over IPv6).
void put_gateway(MessageWriter& w, uint8_t route_family, const fib::IpAddr& gw) {
  if (gw.family == route_family) {
    w.put_ip(RTA_GATEWAY, gw);
    return;
  }
  uint8_t via[sizeof(__kernel_sa_family_t) + 16] = {};
  const __kernel_sa_family_t family = gw.family;
  std::memcpy(via, &family, sizeof family);
  std::memcpy(via + sizeof family, gw.octets.data(), gw.size());
  w.put_attr(RTA_VIA, via, sizeof family + gw.size());
}

int encode_route(const fib::RouteEntry& e, fib::Op op, uint32_t seq, std::vector<uint8_t>& out) {
  const uint8_t family = e.dst.family;
  if (!is_ip_family(family)) return -EINVAL;
  if (e.prefix_length > (family == AF_INET ? 32 : 128)) return -EINVAL;
  if (e.next_hops.size() > 255) return -EINVAL;
  bool any_gateway = false;
  for (const auto& nh : e.next_hops) {
    if (!nh.gateway.empty() && !is_ip_family(nh.gateway.family)) return -EINVAL;
    if (nh.ifindex < 0) return -EINVAL;
    any_gateway = any_gateway || !nh.gateway.empty();
  }
  const size_t before = out.size();
  const bool del = op == fib::Op::kDelete;
  MessageWriter w(out, del ? RTM_DELROUTE : RTM_NEWROUTE, write_flags(op), seq);
  rtmsg rtm{};
  rtm.rtm_family = family;
  rtm.rtm_dst_len = e.prefix_length;
  rtm.rtm_table = e.table < 256 ? static_cast<uint8_t>(e.table) : uint8_t{RT_TABLE_UNSPEC};
  rtm.rtm_protocol = e.protocol;
  rtm.rtm_type = RTN_UNICAST;
  rtm.rtm_scope = del ? RT_SCOPE_NOWHERE : any_gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  if (!del && e.next_hops.size() == 1 && e.next_hops[0].onlink) rtm.rtm_flags |= RTNH_F_ONLINK;
  w.put_header(rtm);
  w.put_u32(RTA_TABLE, e.table);
  if (e.prefix_length > 0) w.put_ip(RTA_DST, e.dst);
  if (e.metric) w.put_u32(RTA_PRIORITY, e.metric);
  // A delete names the route by table, prefix, metric and protocol only: with next hops the
  // kernel would refuse it (ESRCH) whenever the kernel's next hops differ from the desired
  // ones, e.g. after a replace that failed, and the route would stay.
  if (del) return w.finish(before);
  if (e.next_hops.size() == 1) {
    const auto& nh = e.next_hops[0];
    if (!nh.gateway.empty()) put_gateway(w, family, nh.gateway);
    if (nh.ifindex) w.put_u32(RTA_OIF, static_cast<uint32_t>(nh.ifindex));
  } else if (e.next_hops.size() > 1) {
    const size_t mp = w.begin_nested(RTA_MULTIPATH);
    for (const auto& nh : e.next_hops) {
      rtnexthop rtnh{};
      rtnh.rtnh_flags = nh.onlink ? RTNH_F_ONLINK : 0;
      rtnh.rtnh_ifindex = nh.ifindex;
      const size_t at = w.put_raw(&rtnh, sizeof rtnh);
      if (!nh.gateway.empty()) put_gateway(w, family, nh.gateway);
      const auto len = static_cast<unsigned short>(w.out().size() - at);
      std::memcpy(w.out().data() + at + offsetof(rtnexthop, rtnh_len), &len, sizeof len);
    }
    if (!w.end_nested(mp)) {
      out.resize(before);
      return -EINVAL;
    }
  }
  return w.finish(before);
}

// ---------------------------------------------------------------------------------------------
// Decoding. libnl's nlmsg_parse/nla_parse index the attributes (they check that every attribute
// lies inside the message); every value read below checks its own length.

bool get_u8(const nlattr* a, uint8_t* v) {
  if (!a || nla_len(a) < 1) return false;
  std::memcpy(v, nla_data(a), 1);
  return true;
}
bool get_u16(const nlattr* a, uint16_t* v) {
  if (!a || nla_len(a) < 2) return false;
  std::memcpy(v, nla_data(a), 2);
  return true;
}
bool get_u32(const nlattr* a, uint32_t* v) {
  if (!a || nla_len(a) < 4) return false;
  std::memcpy(v, nla_data(a), 4);
  return true;
}
bool get_int(const nlattr* a, int* v) {
  uint32_t u;
  if (!get_u32(a, &u)) return false;
  *v = static_cast<int>(u);
  return true;
}
/// IPv4 (4 octets) or IPv6 (16 octets) by length; false otherwise.
bool get_ip(const nlattr* a, fib::IpAddr* ip) {
  if (!a) return false;
  const int len = nla_len(a);
  if (len != 4 && len != 16) return false;
  ip->family = len == 4 ? AF_INET : AF_INET6;
  ip->octets = {};
  std::memcpy(ip->octets.data(), nla_data(a), static_cast<size_t>(len));
  return true;
}
bool get_mac(const nlattr* a, fib::Mac* mac) {
  if (!a || nla_len(a) != 6) return false;
  std::memcpy(mac->octets.data(), nla_data(a), 6);
  return true;
}
std::string get_string(const nlattr* a) {
  if (!a || nla_len(a) <= 0) return {};
  const char* s = static_cast<const char*>(nla_data(a));
  return std::string(s, ::strnlen(s, static_cast<size_t>(nla_len(a))));
}

template <size_t N>
bool parse_nested(nlattr* (&tb)[N], const nlattr* a) {
  for (auto& t : tb) t = nullptr;
  if (!a) return false;
  return nla_parse_nested(tb, static_cast<int>(N - 1), const_cast<nlattr*>(a), nullptr) == 0;
}

/// The fixed family header of a message, copied out; false if the message is too short.
template <typename T>
bool get_header(nlmsghdr* nlh, T* header) {
  if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(T))) return false;
  std::memcpy(header, NLMSG_DATA(nlh), sizeof(T));
  return true;
}

template <size_t N>
bool parse_message(nlmsghdr* nlh, size_t header_size, nlattr* (&tb)[N]) {
  for (auto& t : tb) t = nullptr;
  return nlmsg_parse(nlh, static_cast<int>(header_size), tb, static_cast<int>(N - 1), nullptr) == 0;
}

void decode_bridge_port(const nlattr* brport, fib::Link* link) {
  nlattr* tb[IFLA_BRPORT_MAX + 1];
  if (!parse_nested(tb, brport)) return;
  uint8_t v;
  if (get_u8(tb[IFLA_BRPORT_NEIGH_SUPPRESS], &v)) link->neigh_suppress = v != 0;
}

std::optional<fib::Event> decode_link(nlmsghdr* nlh) {
  ifinfomsg ifi;
  if (!get_header(nlh, &ifi)) return std::nullopt;
  // AF_BRIDGE link messages are the bridge's view of its ports; RTM_DELLINK there means the
  // port left the bridge, not that the device is gone. The AF_UNSPEC messages carry everything.
  if (ifi.ifi_family == AF_BRIDGE) return std::nullopt;
  nlattr* tb[IFLA_MAX + 1];
  if (!parse_message(nlh, sizeof ifi, tb)) return std::nullopt;
  fib::Link link;
  link.ifindex = ifi.ifi_index;
  if (link.ifindex <= 0) return std::nullopt;
  link.name = get_string(tb[IFLA_IFNAME]);
  link.up = (ifi.ifi_flags & IFF_UP) && (ifi.ifi_flags & IFF_RUNNING);
  get_mac(tb[IFLA_ADDRESS], &link.mac);
  get_int(tb[IFLA_MASTER], &link.master);
  if (tb[IFLA_PROTINFO]) decode_bridge_port(tb[IFLA_PROTINFO], &link);
  nlattr* info[IFLA_INFO_MAX + 1];
  if (parse_nested(info, tb[IFLA_LINKINFO])) {
    link.kind = get_string(info[IFLA_INFO_KIND]);
    if (link.kind == "vxlan") {
      nlattr* vx[IFLA_VXLAN_MAX + 1];
      if (parse_nested(vx, info[IFLA_INFO_DATA])) {
        get_u32(vx[IFLA_VXLAN_ID], &link.vni);
        if (!get_ip(vx[IFLA_VXLAN_LOCAL], &link.local) || link.local.family != AF_INET) {
          link.local = {};
          if (!get_ip(vx[IFLA_VXLAN_LOCAL6], &link.local) || link.local.family != AF_INET6) {
            link.local = {};
          }
        }
        uint8_t learning;
        if (get_u8(vx[IFLA_VXLAN_LEARNING], &learning)) link.learning = learning != 0;
      }
    } else if (link.kind == "vlan") {
      nlattr* vl[IFLA_VLAN_MAX + 1];
      if (parse_nested(vl, info[IFLA_INFO_DATA])) get_u16(vl[IFLA_VLAN_ID], &link.vlan_id);
      get_int(tb[IFLA_LINK], &link.link);
    }
    if (get_string(info[IFLA_INFO_SLAVE_KIND]) == "bridge") {
      decode_bridge_port(info[IFLA_INFO_SLAVE_DATA], &link);
    }
  }
  return fib::Event{std::move(link), nlh->nlmsg_type == RTM_DELLINK};
}

std::optional<fib::Event> decode_address(nlmsghdr* nlh) {
  ifaddrmsg ifa;
  if (!get_header(nlh, &ifa)) return std::nullopt;
  if (!is_ip_family(ifa.ifa_family)) return std::nullopt;
  nlattr* tb[IFA_MAX + 1];
  if (!parse_message(nlh, sizeof ifa, tb)) return std::nullopt;
  fib::Address addr;
  addr.ifindex = static_cast<int>(ifa.ifa_index);
  addr.prefix_length = ifa.ifa_prefixlen;
  // IFA_LOCAL is the interface's own address (IFA_ADDRESS is the peer on point-to-point links).
  if (!get_ip(tb[IFA_LOCAL], &addr.ip) && !get_ip(tb[IFA_ADDRESS], &addr.ip)) {
    return std::nullopt;
  }
  if (addr.ip.family != ifa.ifa_family) return std::nullopt;
  if (addr.prefix_length > (addr.ip.family == AF_INET ? 32 : 128)) return std::nullopt;
  return fib::Event{addr, nlh->nlmsg_type == RTM_DELADDR};
}

std::optional<fib::Event> decode_neigh(nlmsghdr* nlh) {
  ndmsg ndm;
  if (!get_header(nlh, &ndm)) return std::nullopt;
  if (ndm.ndm_flags & NTF_PROXY) return std::nullopt;
  nlattr* tb[NDA_MAX + 1];
  if (!parse_message(nlh, sizeof ndm, tb)) return std::nullopt;
  const bool removed = nlh->nlmsg_type == RTM_DELNEIGH;
  if (ndm.ndm_family == AF_BRIDGE) {
    fib::FdbEntry e;
    e.ifindex = ndm.ndm_ifindex;
    if (!get_mac(tb[NDA_LLADDR], &e.mac)) return std::nullopt;
    if (tb[NDA_DST] && !get_ip(tb[NDA_DST], &e.dst)) return std::nullopt;
    get_u16(tb[NDA_VLAN], &e.vlan);
    get_int(tb[NDA_MASTER], &e.master);
    e.flags = ndm.ndm_flags;
    e.state = ndm.ndm_state;
    // The bridge reports its own entries with NDA_MASTER and without NTF_SELF or NTF_MASTER.
    if (tb[NDA_MASTER] && !(e.flags & NTF_SELF)) e.flags |= NTF_MASTER;
    return fib::Event{e, removed};
  }
  if (!is_ip_family(ndm.ndm_family)) return std::nullopt;
  fib::NeighEntry e;
  e.ifindex = ndm.ndm_ifindex;
  if (!get_ip(tb[NDA_DST], &e.ip) || e.ip.family != ndm.ndm_family) return std::nullopt;
  get_mac(tb[NDA_LLADDR], &e.mac);
  e.flags = ndm.ndm_flags;
  e.state = ndm.ndm_state;
  get_u8(tb[NDA_PROTOCOL], &e.protocol);
  return fib::Event{e, removed};
}

/// A gateway from RTA_GATEWAY (the route's family) or RTA_VIA (any family).
bool get_gateway(nlattr* gateway, nlattr* via, uint8_t family, fib::IpAddr* ip) {
  if (gateway) return get_ip(gateway, ip) && ip->family == family;
  if (!via) return true;
  const int len = nla_len(via);
  __kernel_sa_family_t via_family;
  if (len < static_cast<int>(sizeof via_family)) return false;
  std::memcpy(&via_family, nla_data(via), sizeof via_family);
  const size_t addr_len = static_cast<size_t>(len) - sizeof via_family;
  if (!((via_family == AF_INET && addr_len == 4) || (via_family == AF_INET6 && addr_len == 16))) {
    return false;
  }
  ip->family = static_cast<uint8_t>(via_family);
  ip->octets = {};
  std::memcpy(ip->octets.data(), static_cast<const uint8_t*>(nla_data(via)) + sizeof via_family,
              addr_len);
  return true;
}

bool decode_multipath(nlattr* mp, uint8_t family, std::vector<fib::NextHop>* hops) {
  const auto* p = static_cast<const uint8_t*>(nla_data(mp));
  size_t rem = static_cast<size_t>(nla_len(mp));
  while (rem >= sizeof(rtnexthop)) {
    rtnexthop rtnh;
    std::memcpy(&rtnh, p, sizeof rtnh);
    if (rtnh.rtnh_len < sizeof rtnh || rtnh.rtnh_len > rem) return false;
    fib::NextHop nh;
    nh.ifindex = rtnh.rtnh_ifindex;
    nh.onlink = rtnh.rtnh_flags & RTNH_F_ONLINK;
    nlattr* tb[RTA_MAX + 1] = {};
    const size_t attrs_len = rtnh.rtnh_len - RTNH_ALIGN(sizeof rtnh);
    if (rtnh.rtnh_len > RTNH_ALIGN(sizeof rtnh)) {
      auto* attrs =
          const_cast<nlattr*>(reinterpret_cast<const nlattr*>(p + RTNH_ALIGN(sizeof rtnh)));
      if (nla_parse(tb, RTA_MAX, attrs, static_cast<int>(attrs_len), nullptr) != 0) return false;
    }
    if (!get_gateway(tb[RTA_GATEWAY], tb[RTA_VIA], family, &nh.gateway)) return false;
    hops->push_back(nh);
    const size_t step = RTNH_ALIGN(rtnh.rtnh_len);
    if (step >= rem) break;
    p += step;
    rem -= step;
  }
  return true;
}

std::optional<fib::Event> decode_route(nlmsghdr* nlh) {
  rtmsg rtm;
  if (!get_header(nlh, &rtm)) return std::nullopt;
  if (!is_ip_family(rtm.rtm_family) || rtm.rtm_type != RTN_UNICAST ||
      (rtm.rtm_flags & RTM_F_CLONED)) {
    return std::nullopt;
  }
  if (rtm.rtm_dst_len > (rtm.rtm_family == AF_INET ? 32 : 128)) return std::nullopt;
  nlattr* tb[RTA_MAX + 1];
  if (!parse_message(nlh, sizeof rtm, tb)) return std::nullopt;
  fib::RouteEntry r;
  r.table = rtm.rtm_table;
  get_u32(tb[RTA_TABLE], &r.table);
  r.protocol = rtm.rtm_protocol;
  r.prefix_length = rtm.rtm_dst_len;
  if (tb[RTA_DST]) {
    if (!get_ip(tb[RTA_DST], &r.dst) || r.dst.family != rtm.rtm_family) return std::nullopt;
  } else {
    r.dst.family = rtm.rtm_family;
  }
  get_u32(tb[RTA_PRIORITY], &r.metric);
  if (tb[RTA_MULTIPATH]) {
    if (!decode_multipath(tb[RTA_MULTIPATH], rtm.rtm_family, &r.next_hops)) return std::nullopt;
  } else if (tb[RTA_GATEWAY] || tb[RTA_VIA] || tb[RTA_OIF]) {
    fib::NextHop nh;
    if (!get_gateway(tb[RTA_GATEWAY], tb[RTA_VIA], rtm.rtm_family, &nh.gateway)) {
      return std::nullopt;
    }
    get_int(tb[RTA_OIF], &nh.ifindex);
    nh.onlink = rtm.rtm_flags & RTNH_F_ONLINK;
    r.next_hops.push_back(nh);
  }
  return fib::Event{std::move(r), nlh->nlmsg_type == RTM_DELROUTE};
}

}  // namespace

int encode_change(const fib::Change& change, uint32_t seq, std::vector<uint8_t>& out) {
  return std::visit(
      [&](const auto& e) -> int {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, fib::FdbEntry>) {
          return encode_fdb(e, change.op, seq, out);
        } else if constexpr (std::is_same_v<T, fib::NeighEntry>) {
          return encode_neigh(e, change.op, seq, out);
        } else {
          return encode_route(e, change.op, seq, out);
        }
      },
      change.entry);
}

void encode_dump_request(uint16_t type, uint8_t family, uint32_t seq, std::vector<uint8_t>& out) {
  const size_t before = out.size();
  MessageWriter w(out, type, NLM_F_REQUEST | NLM_F_DUMP, seq);
  switch (type) {
    case RTM_GETLINK: {
      ifinfomsg ifi{};
      ifi.ifi_family = family;
      w.put_header(ifi);
      break;
    }
    case RTM_GETADDR: {
      ifaddrmsg ifa{};
      ifa.ifa_family = family;
      w.put_header(ifa);
      break;
    }
    case RTM_GETNEIGH: {
      ndmsg ndm{};
      ndm.ndm_family = family;
      w.put_header(ndm);
      break;
    }
    default: {
      rtmsg rtm{};
      rtm.rtm_family = family;
      w.put_header(rtm);
      break;
    }
  }
  w.finish(before);
}

std::optional<fib::Event> decode_message(std::span<const uint8_t> message) {
  if (message.size() < NLMSG_HDRLEN) return std::nullopt;
  if (reinterpret_cast<uintptr_t>(message.data()) % NLMSG_ALIGNTO != 0) return std::nullopt;
  auto* nlh = reinterpret_cast<nlmsghdr*>(const_cast<uint8_t*>(message.data()));
  if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > message.size()) return std::nullopt;
  switch (nlh->nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
      return decode_link(nlh);
    case RTM_NEWADDR:
    case RTM_DELADDR:
      return decode_address(nlh);
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH:
      return decode_neigh(nlh);
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
      return decode_route(nlh);
    default:
      return std::nullopt;
  }
}

}  // namespace evpnd::nl
