#include "bgpd/codec/evpn_route.h"

namespace evpnd::codec {
namespace {

DecodeError malformed(size_t offset, std::string what) {
  DecodeError e;
  e.action = ErrorAction::kSessionReset;
  e.offset = offset;
  e.what = std::move(what);
  return e;
}

// Reads an IP address whose length in bits was given on the wire (0, 32 or 128).
bool read_ip(Reader& r, uint8_t bits, IpAddress& out) {
  if (bits == 0) {
    out = IpAddress{};
    return true;
  }
  if (bits != 32 && bits != 128) return false;
  out.family = bits == 32 ? 4 : 6;
  return r.copy(std::span<uint8_t>(out.bytes.data(), out.size()));
}

void write_ip(Writer& w, const IpAddress& ip) {
  w.u8(static_cast<uint8_t>(ip.size() * 8));
  w.bytes(std::span<const uint8_t>(ip.bytes.data(), ip.size()));
}

const char* kTypeNames[] = {
    "", "Ethernet A-D", "MAC/IP", "inclusive multicast", "Ethernet segment", "IP prefix"};

// Decodes the value of a known route type; `v` holds exactly the route's octets.
std::optional<DecodeError> decode_route(uint8_t type, Reader v, EvpnRoute& out) {
  const size_t start = v.offset();
  const size_t len = v.remaining();
  auto bad = [&](const char* why) {
    return malformed(start, std::string("EVPN ") + kTypeNames[type] + " route (type " +
                                std::to_string(type) + ", length " + std::to_string(len) +
                                "): " + why);
  };
  switch (type) {
    case 1: {
      if (len != 25) return bad("length must be 25");
      EthernetAutoDiscoveryRoute r;
      r.rd.decode(v);
      v.copy(r.esi.bytes);
      v.u32(r.ethernet_tag);
      v.u24(r.label);
      out = r;
      return std::nullopt;
    }
    case 2: {
      auto& r = out.emplace<MacIpAdvertisementRoute>();
      uint8_t mac_bits = 0;
      uint8_t ip_bits = 0;
      if (!r.rd.decode(v) || !v.copy(r.esi.bytes) || !v.u32(r.ethernet_tag) || !v.u8(mac_bits)) {
        return bad("truncated before the MAC address");
      }
      if (mac_bits != 48) return bad("MAC address length must be 48");
      if (!v.copy(r.mac.bytes) || !v.u8(ip_bits)) return bad("truncated in the MAC address");
      if (ip_bits != 0 && ip_bits != 32 && ip_bits != 128) {
        return bad("IP address length must be 0, 32 or 128");
      }
      if (!read_ip(v, ip_bits, r.ip) || !v.u24(r.label1)) return bad("truncated after the MAC");
      if (v.remaining() == 3) {
        r.has_label2 = true;
        v.u24(r.label2);
      }
      if (!v.empty()) return bad("length does not match the IP address length");
      return std::nullopt;
    }
    case 3: {
      InclusiveMulticastRoute r;
      uint8_t ip_bits = 0;
      if (len != 17 && len != 29) return bad("length must be 17 or 29");
      r.rd.decode(v);
      v.u32(r.ethernet_tag);
      v.u8(ip_bits);
      if ((len == 17 && ip_bits != 32) || (len == 29 && ip_bits != 128)) {
        return bad("originating router's IP length does not match the route length");
      }
      read_ip(v, ip_bits, r.originating_router);
      out = r;
      return std::nullopt;
    }
    case 4: {
      EthernetSegmentRoute r;
      uint8_t ip_bits = 0;
      if (len != 23 && len != 35) return bad("length must be 23 or 35");
      r.rd.decode(v);
      v.copy(r.esi.bytes);
      v.u8(ip_bits);
      if ((len == 23 && ip_bits != 32) || (len == 35 && ip_bits != 128)) {
        return bad("originating router's IP length does not match the route length");
      }
      read_ip(v, ip_bits, r.originating_router);
      out = r;
      return std::nullopt;
    }
    case 5: {
      if (len != 34 && len != 58) return bad("length must be 34 (IPv4) or 58 (IPv6)");
      IpPrefixRoute r;
      const uint8_t family = len == 34 ? 4 : 6;
      r.rd.decode(v);
      v.copy(r.esi.bytes);
      v.u32(r.ethernet_tag);
      v.u8(r.prefix.length);
      r.prefix.address.family = family;
      r.gateway.family = family;
      const size_t n = family == 4 ? 4 : 16;
      v.copy(std::span<uint8_t>(r.prefix.address.bytes.data(), n));
      v.copy(std::span<uint8_t>(r.gateway.bytes.data(), n));
      v.u24(r.label);
      if (r.prefix.length > n * 8) return bad("IP prefix length exceeds the address size");
      out = r;
      return std::nullopt;
    }
    default:
      break;
  }
  UnknownEvpnRoute u;
  u.type = type;
  auto rest = v.rest();
  u.value.assign(rest.begin(), rest.end());
  out = std::move(u);
  return std::nullopt;
}

}  // namespace

bool EthernetSegmentId::is_zero() const {
  for (auto b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

std::string EthernetSegmentId::to_string() const {
  std::string s;
  s.reserve(29);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i) s += ':';
    s += to_hex(&bytes[i], 1);
  }
  return s;
}

uint8_t route_type(const EvpnRoute& r) {
  if (auto* u = std::get_if<UnknownEvpnRoute>(&r)) return u->type;
  return static_cast<uint8_t>(r.index() + 1);
}

std::optional<RouteDistinguisher> route_distinguisher(const EvpnRoute& r) {
  return std::visit(
      [](const auto& v) -> std::optional<RouteDistinguisher> {
        if constexpr (requires { v.rd; }) {
          return v.rd;
        } else {
          return std::nullopt;
        }
      },
      r);
}

std::optional<DecodeError> decode_evpn_nlri(Reader r, bool add_path, std::vector<EvpnNlri>& out) {
  // Type-2 routes with an IPv4 address take 39 octets: reserve once instead of doubling.
  out.reserve(out.size() + r.remaining() / 39 + 1);
  while (!r.empty()) {
    const size_t start = r.offset();
    EvpnNlri& n = out.emplace_back();
    auto fail = [&](DecodeError e) {
      out.pop_back();
      return e;
    };
    if (add_path && !r.u32(n.path_id)) {
      return fail(malformed(start, "EVPN NLRI: truncated add-path identifier"));
    }
    uint8_t type = 0;
    uint8_t len = 0;
    if (!r.u8(type) || !r.u8(len)) return fail(malformed(start, "EVPN NLRI: truncated header"));
    Reader value({}, 0);
    if (!r.sub(len, value)) {
      return fail(malformed(start, "EVPN NLRI: route type " + std::to_string(type) + " length " +
                                       std::to_string(len) + " overruns the NLRI field (" +
                                       std::to_string(r.remaining()) + " octets left)"));
    }
    if (auto err = decode_route(type, value, n.route)) return fail(std::move(*err));
  }
  return std::nullopt;
}

void encode(const EvpnNlri& n, bool add_path, Writer& w) {
  if (add_path) w.u32(n.path_id);
  w.u8(route_type(n.route));
  const size_t len_at = w.size();
  w.u8(0);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, EthernetAutoDiscoveryRoute>) {
          v.rd.encode(w);
          w.bytes(v.esi.bytes);
          w.u32(v.ethernet_tag);
          w.u24(v.label);
        } else if constexpr (std::is_same_v<T, MacIpAdvertisementRoute>) {
          v.rd.encode(w);
          w.bytes(v.esi.bytes);
          w.u32(v.ethernet_tag);
          w.u8(48);
          w.bytes(v.mac.bytes);
          write_ip(w, v.ip);
          w.u24(v.label1);
          if (v.has_label2) w.u24(v.label2);
        } else if constexpr (std::is_same_v<T, InclusiveMulticastRoute>) {
          v.rd.encode(w);
          w.u32(v.ethernet_tag);
          write_ip(w, v.originating_router);
        } else if constexpr (std::is_same_v<T, EthernetSegmentRoute>) {
          v.rd.encode(w);
          w.bytes(v.esi.bytes);
          write_ip(w, v.originating_router);
        } else if constexpr (std::is_same_v<T, IpPrefixRoute>) {
          v.rd.encode(w);
          w.bytes(v.esi.bytes);
          w.u32(v.ethernet_tag);
          w.u8(v.prefix.length);
          w.bytes(std::span<const uint8_t>(v.prefix.address.bytes.data(), v.prefix.address.size()));
          w.bytes(std::span<const uint8_t>(v.gateway.bytes.data(), v.gateway.size()));
          w.u24(v.label);
        } else {
          w.bytes(v.value);
        }
      },
      n.route);
  w.patch_u8(len_at, static_cast<uint8_t>(w.size() - len_at - 1));
}

std::string to_string(const EvpnRoute& r) {
  auto ip = [](const IpAddress& a) {
    return "[" + std::to_string(a.size() * 8) + "]:[" + a.to_string() + "]";
  };
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, EthernetAutoDiscoveryRoute>) {
          return "[1]:[" + v.esi.to_string() + "]:[" + std::to_string(v.ethernet_tag) + "]";
        } else if constexpr (std::is_same_v<T, MacIpAdvertisementRoute>) {
          std::string s =
              "[2]:[" + std::to_string(v.ethernet_tag) + "]:[48]:[" + v.mac.to_string() + "]";
          if (!v.ip.is_none()) s += ":" + ip(v.ip);
          return s;
        } else if constexpr (std::is_same_v<T, InclusiveMulticastRoute>) {
          return "[3]:[" + std::to_string(v.ethernet_tag) + "]:" + ip(v.originating_router);
        } else if constexpr (std::is_same_v<T, EthernetSegmentRoute>) {
          return "[4]:[" + v.esi.to_string() + "]:" + ip(v.originating_router);
        } else if constexpr (std::is_same_v<T, IpPrefixRoute>) {
          return "[5]:[" + std::to_string(v.ethernet_tag) + "]:[" +
                 std::to_string(v.prefix.length) + "]:[" + v.prefix.address.to_string() + "]";
        } else {
          return "[" + std::to_string(v.type) + "]:[" + to_hex(v.value.data(), v.value.size()) +
                 "]";
        }
      },
      r);
}

}  // namespace evpnd::codec
