#include "bgpd/codec/extended_community.h"

#include <vector>

namespace evpnd::codec {
namespace {

ExtendedCommunity decode_typed(std::span<const uint8_t, 8> b) {
  const uint8_t type = b[0];
  const uint8_t subtype = b[1];
  if (type <= 0x02 && subtype == 0x02) {
    return RouteTarget{AdminAssigned::decode_value(type, b.data() + 2)};
  }
  if (type == 0x03 && subtype == 0x0c) {
    return EncapsulationCommunity{static_cast<uint16_t>((b[6] << 8) | b[7])};
  }
  if (type == 0x03 && subtype == 0x0d) return DefaultGateway{};
  if (type == 0x06) {
    MacAddress mac;
    for (size_t i = 0; i < 6; ++i) mac.bytes[i] = b[2 + i];
    switch (subtype) {
      case 0x00:
        return MacMobility{(b[2] & 0x01) != 0, (uint32_t{b[4]} << 24) | (uint32_t{b[5]} << 16) |
                                                   (uint32_t{b[6]} << 8) | b[7]};
      case 0x01:
        return EsiLabel{(b[2] & 0x01) != 0, (uint32_t{b[5]} << 16) | (uint32_t{b[6]} << 8) | b[7]};
      case 0x02:
        return EsImportRouteTarget{mac};
      case 0x03:
        return RouterMac{mac};
      default:
        break;
    }
  }
  OpaqueExtendedCommunity o;
  for (size_t i = 0; i < 8; ++i) o.bytes[i] = b[i];
  return o;
}

struct Encoder {
  Writer& w;
  void operator()(const RouteTarget& rt) const {
    w.u8(rt.value.type);
    w.u8(0x02);
    rt.value.encode_value(w);
  }
  void operator()(const EncapsulationCommunity& e) const {
    w.u8(0x03);
    w.u8(0x0c);
    w.u32(0);
    w.u16(e.tunnel_type);
  }
  void operator()(const MacMobility& m) const {
    w.u8(0x06);
    w.u8(0x00);
    w.u8(m.sticky ? 1 : 0);
    w.u8(0);
    w.u32(m.sequence);
  }
  void operator()(const EsiLabel& e) const {
    w.u8(0x06);
    w.u8(0x01);
    w.u8(e.single_active ? 1 : 0);
    w.u16(0);
    w.u24(e.label);
  }
  void operator()(const EsImportRouteTarget& e) const {
    w.u8(0x06);
    w.u8(0x02);
    w.bytes(e.mac.bytes);
  }
  void operator()(const RouterMac& r) const {
    w.u8(0x06);
    w.u8(0x03);
    w.bytes(r.mac.bytes);
  }
  void operator()(const DefaultGateway&) const {
    w.u8(0x03);
    w.u8(0x0d);
    w.u16(0);
    w.u32(0);
  }
  void operator()(const OpaqueExtendedCommunity& o) const { w.bytes(o.bytes); }
};

}  // namespace

std::optional<RouteTarget> RouteTarget::parse(std::string_view text) {
  auto aa = AdminAssigned::parse(text);
  if (!aa) return std::nullopt;
  return RouteTarget{*aa};
}

ExtendedCommunity decode_extended_community(std::span<const uint8_t, 8> b) {
  ExtendedCommunity c = decode_typed(b);
  if (std::holds_alternative<OpaqueExtendedCommunity>(c)) return c;
  // Typed only when it encodes back to the same octets (reserved bits zero, known flags only).
  std::vector<uint8_t> again;
  again.reserve(8);
  Writer w(again);
  encode(c, w);
  for (size_t i = 0; i < 8; ++i) {
    if (again[i] != b[i]) {
      OpaqueExtendedCommunity o;
      for (size_t j = 0; j < 8; ++j) o.bytes[j] = b[j];
      return o;
    }
  }
  return c;
}

void encode(const ExtendedCommunity& c, Writer& w) { std::visit(Encoder{w}, c); }

std::string to_string(const ExtendedCommunity& c) {
  struct Printer {
    std::string operator()(const RouteTarget& rt) const { return "RT:" + rt.to_string(); }
    std::string operator()(const EncapsulationCommunity& e) const {
      return "ET:" + std::to_string(e.tunnel_type);
    }
    std::string operator()(const MacMobility& m) const {
      return "MM:" + std::to_string(m.sequence) + (m.sticky ? ", sticky MAC" : "");
    }
    std::string operator()(const EsiLabel& e) const {
      return std::string("ESI-label-Rt:") + (e.single_active ? "SA" : "AA") + ":" +
             std::to_string(e.label);
    }
    std::string operator()(const EsImportRouteTarget& e) const {
      return "ES-Import-Rt:" + e.mac.to_string();
    }
    std::string operator()(const RouterMac& r) const { return "Rmac:" + r.mac.to_string(); }
    std::string operator()(const DefaultGateway&) const { return "Default Gateway"; }
    std::string operator()(const OpaqueExtendedCommunity& o) const {
      return "0x" + to_hex(o.bytes.data(), o.bytes.size());
    }
  };
  return std::visit(Printer{}, c);
}

}  // namespace evpnd::codec
