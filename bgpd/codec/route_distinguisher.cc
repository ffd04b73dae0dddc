#include "bgpd/codec/route_distinguisher.h"

#include "bgpd/codec/address.h"

namespace evpnd::codec {
namespace {

bool parse_u32(std::string_view s, uint32_t& out) {
  if (s.empty() || s.size() > 10) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > UINT32_MAX) return false;
  out = static_cast<uint32_t>(v);
  return true;
}

}  // namespace

std::optional<AdminAssigned> AdminAssigned::parse(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto admin = text.substr(0, colon);
  uint32_t assigned = 0;
  if (!parse_u32(text.substr(colon + 1), assigned)) return std::nullopt;
  if (auto ip = IpAddress::parse(admin)) {
    if (ip->family != 4 || assigned > UINT16_MAX) return std::nullopt;
    return AdminAssigned{1, ip->v4_value(), assigned};
  }
  uint32_t asn = 0;
  if (!parse_u32(admin, asn)) return std::nullopt;
  if (asn <= UINT16_MAX) return AdminAssigned{0, asn, assigned};
  if (assigned > UINT16_MAX) return std::nullopt;
  return AdminAssigned{2, asn, assigned};
}

std::string AdminAssigned::to_string() const {
  if (type == 1) return IpAddress::v4(administrator).to_string() + ":" + std::to_string(assigned);
  return std::to_string(administrator) + ":" + std::to_string(assigned);
}

void AdminAssigned::encode_value(Writer& w) const {
  if (type == 0) {
    w.u16(static_cast<uint16_t>(administrator));
    w.u32(assigned);
  } else {
    w.u32(administrator);
    w.u16(static_cast<uint16_t>(assigned));
  }
}

AdminAssigned AdminAssigned::decode_value(uint8_t type, const uint8_t* b) {
  AdminAssigned aa;
  aa.type = type;
  if (type == 0) {
    aa.administrator = (uint32_t{b[0]} << 8) | b[1];
    aa.assigned = (uint32_t{b[2]} << 24) | (uint32_t{b[3]} << 16) | (uint32_t{b[4]} << 8) | b[5];
  } else {
    aa.administrator =
        (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    aa.assigned = (uint32_t{b[4]} << 8) | b[5];
  }
  return aa;
}

RouteDistinguisher RouteDistinguisher::from(const AdminAssigned& aa) {
  RouteDistinguisher rd;
  rd.type = aa.type;
  std::vector<uint8_t> tmp;
  Writer w(tmp);
  aa.encode_value(w);
  for (size_t i = 0; i < 6; ++i) rd.value[i] = tmp[i];
  return rd;
}

std::optional<RouteDistinguisher> RouteDistinguisher::parse(std::string_view text) {
  auto aa = AdminAssigned::parse(text);
  if (!aa) return std::nullopt;
  return from(*aa);
}

std::string RouteDistinguisher::to_string() const {
  if (type <= 2)
    return AdminAssigned::decode_value(static_cast<uint8_t>(type), value.data()).to_string();
  return std::to_string(type) + ":" + to_hex(value.data(), value.size());
}

void RouteDistinguisher::encode(Writer& w) const {
  w.u16(type);
  w.bytes(value);
}

bool RouteDistinguisher::decode(Reader& r) { return r.u16(type) && r.copy(value); }

}  // namespace evpnd::codec
