#include "bgpd/codec/capability.h"

namespace evpnd::codec {
namespace {

Capability decode_typed(uint8_t code, std::span<const uint8_t> value) {
  Reader r(value);
  const size_t len = value.size();
  switch (code) {
    case kCapMultiprotocol: {
      MultiprotocolCapability c;
      if (len == 4 && r.u16(c.afi) && r.u8(c.reserved) && r.u8(c.safi)) return c;
      break;
    }
    case kCapRouteRefresh:
      if (len == 0) return RouteRefreshCapability{};
      break;
    case kCapEnhancedRouteRefresh:
      if (len == 0) return EnhancedRouteRefreshCapability{};
      break;
    case kCapExtendedMessage:
      if (len == 0) return ExtendedMessageCapability{};
      break;
    case kCapFourOctetAs: {
      FourOctetAsCapability c;
      if (len == 4 && r.u32(c.asn)) return c;
      break;
    }
    case kCapGracefulRestart: {
      GracefulRestartCapability c;
      uint16_t head = 0;
      if (len < 2 || (len - 2) % 4 != 0 || !r.u16(head)) break;
      c.flags = static_cast<uint8_t>(head >> 12);
      c.restart_time = head & 0x0fff;
      GracefulRestartCapability::Family f;
      while (r.u16(f.afi) && r.u8(f.safi) && r.u8(f.flags)) c.families.push_back(f);
      return c;
    }
    case kCapAddPath: {
      AddPathCapability c;
      if (len % 4 != 0) break;
      AddPathCapability::Family f;
      while (r.u16(f.afi) && r.u8(f.safi) && r.u8(f.send_receive)) c.families.push_back(f);
      return c;
    }
    case kCapExtendedNextHop: {
      ExtendedNextHopCapability c;
      if (len % 6 != 0) break;
      ExtendedNextHopCapability::Entry e;
      while (r.u16(e.afi) && r.u16(e.safi) && r.u16(e.next_hop_afi)) c.entries.push_back(e);
      return c;
    }
    case kCapHostname: {
      HostnameCapability c;
      uint8_t n = 0;
      std::span<const uint8_t> s;
      if (!r.u8(n) || !r.view(n, s)) break;
      c.hostname.assign(s.begin(), s.end());
      if (!r.u8(n) || !r.view(n, s) || !r.empty()) break;
      c.domain.assign(s.begin(), s.end());
      return c;
    }
    default:
      break;
  }
  return UnknownCapability{code, {value.begin(), value.end()}};
}

void encode_value(const Capability& c, Writer& w) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, MultiprotocolCapability>) {
          w.u16(x.afi);
          w.u8(x.reserved);
          w.u8(x.safi);
        } else if constexpr (std::is_same_v<T, FourOctetAsCapability>) {
          w.u32(x.asn);
        } else if constexpr (std::is_same_v<T, GracefulRestartCapability>) {
          w.u16(static_cast<uint16_t>((x.flags << 12) | (x.restart_time & 0x0fff)));
          for (const auto& f : x.families) {
            w.u16(f.afi);
            w.u8(f.safi);
            w.u8(f.flags);
          }
        } else if constexpr (std::is_same_v<T, AddPathCapability>) {
          for (const auto& f : x.families) {
            w.u16(f.afi);
            w.u8(f.safi);
            w.u8(f.send_receive);
          }
        } else if constexpr (std::is_same_v<T, ExtendedNextHopCapability>) {
          for (const auto& e : x.entries) {
            w.u16(e.afi);
            w.u16(e.safi);
            w.u16(e.next_hop_afi);
          }
        } else if constexpr (std::is_same_v<T, HostnameCapability>) {
          w.u8(static_cast<uint8_t>(x.hostname.size()));
          w.bytes({reinterpret_cast<const uint8_t*>(x.hostname.data()), x.hostname.size()});
          w.u8(static_cast<uint8_t>(x.domain.size()));
          w.bytes({reinterpret_cast<const uint8_t*>(x.domain.data()), x.domain.size()});
        } else if constexpr (std::is_same_v<T, UnknownCapability>) {
          w.bytes(x.value);
        }
      },
      c);
}

}  // namespace

Capability decode_capability(uint8_t code, std::span<const uint8_t> value) {
  Capability c = decode_typed(code, value);
  if (std::holds_alternative<UnknownCapability>(c)) return c;
  std::vector<uint8_t> again;
  Writer w(again);
  encode_value(c, w);
  if (again.size() != value.size() || !std::equal(again.begin(), again.end(), value.begin())) {
    return UnknownCapability{code, {value.begin(), value.end()}};
  }
  return c;
}

uint8_t capability_code(const Capability& c) {
  return std::visit(
      [](const auto& x) -> uint8_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, MultiprotocolCapability>) return kCapMultiprotocol;
        if constexpr (std::is_same_v<T, RouteRefreshCapability>) return kCapRouteRefresh;
        if constexpr (std::is_same_v<T, EnhancedRouteRefreshCapability>) {
          return kCapEnhancedRouteRefresh;
        }
        if constexpr (std::is_same_v<T, ExtendedMessageCapability>) return kCapExtendedMessage;
        if constexpr (std::is_same_v<T, FourOctetAsCapability>) return kCapFourOctetAs;
        if constexpr (std::is_same_v<T, GracefulRestartCapability>) return kCapGracefulRestart;
        if constexpr (std::is_same_v<T, AddPathCapability>) return kCapAddPath;
        if constexpr (std::is_same_v<T, ExtendedNextHopCapability>) return kCapExtendedNextHop;
        if constexpr (std::is_same_v<T, HostnameCapability>) return kCapHostname;
        if constexpr (std::is_same_v<T, UnknownCapability>) return x.code;
      },
      c);
}

void encode(const Capability& c, Writer& w) {
  w.u8(capability_code(c));
  const size_t len_at = w.size();
  w.u8(0);
  encode_value(c, w);
  w.patch_u8(len_at, static_cast<uint8_t>(w.size() - len_at - 1));
}

std::string capability_name(uint8_t code) {
  switch (code) {
    case kCapMultiprotocol:
      return "multiprotocol";
    case kCapRouteRefresh:
      return "route-refresh";
    case kCapExtendedNextHop:
      return "extended-next-hop";
    case kCapExtendedMessage:
      return "extended-message";
    case kCapGracefulRestart:
      return "graceful-restart";
    case kCapFourOctetAs:
      return "four-octet-as";
    case kCapAddPath:
      return "add-path";
    case kCapEnhancedRouteRefresh:
      return "enhanced-route-refresh";
    case kCapHostname:
      return "hostname";
    case 71:
      return "long-lived-graceful-restart";
    case 128:
      return "route-refresh-old";
    default:
      return "capability " + std::to_string(code);
  }
}

}  // namespace evpnd::codec
