// Helpers for codec tests: hex conversion and hand-built wire messages.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace evpnd::codec::testing {

using Bytes = std::vector<uint8_t>;

inline Bytes from_hex(std::string_view hex) {
  Bytes out;
  int hi = -1;
  for (char c : hex) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

/// A whole message: marker, length, type, body.
inline Bytes message(uint8_t type, const Bytes& body) {
  Bytes out(16, 0xff);
  const size_t len = 19 + body.size();
  out.push_back(static_cast<uint8_t>(len >> 8));
  out.push_back(static_cast<uint8_t>(len));
  out.push_back(type);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

/// One path attribute with a 1-octet length (or 2 when flags has 0x10).
inline Bytes attr(uint8_t flags, uint8_t type, const Bytes& value) {
  Bytes out = {flags, type};
  if (flags & 0x10) out.push_back(static_cast<uint8_t>(value.size() >> 8));
  out.push_back(static_cast<uint8_t>(value.size()));
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

/// An UPDATE message from its three fields.
inline Bytes update(const Bytes& withdrawn, const Bytes& attrs, const Bytes& nlri) {
  Bytes body;
  body.push_back(static_cast<uint8_t>(withdrawn.size() >> 8));
  body.push_back(static_cast<uint8_t>(withdrawn.size()));
  body.insert(body.end(), withdrawn.begin(), withdrawn.end());
  body.push_back(static_cast<uint8_t>(attrs.size() >> 8));
  body.push_back(static_cast<uint8_t>(attrs.size()));
  body.insert(body.end(), attrs.begin(), attrs.end());
  body.insert(body.end(), nlri.begin(), nlri.end());
  return message(2, body);
}

// Well-formed attributes to build on.
inline Bytes origin_igp() { return attr(0x40, 1, {0}); }
inline Bytes as_path_65001() { return attr(0x40, 2, {2, 1, 0, 0, 0xfd, 0xe9}); }
inline Bytes next_hop_10_0_0_1() { return attr(0x40, 3, {10, 0, 0, 1}); }
inline Bytes nlri_10_1_0_0_16() { return {16, 10, 1}; }
/// MP_REACH_NLRI for L2VPN EVPN, next hop 10.0.0.1, with the given NLRI bytes.
inline Bytes mp_reach_evpn(const Bytes& nlri) {
  return attr(0x90, 14, cat({{0, 25, 70, 4, 10, 0, 0, 1, 0}, nlri}));
}

}  // namespace evpnd::codec::testing
