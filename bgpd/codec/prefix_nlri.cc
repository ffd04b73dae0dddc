#include "bgpd/codec/prefix_nlri.h"

#include <string>

namespace evpnd::codec {

std::optional<DecodeError> decode_prefixes(Reader r, uint8_t family, bool add_path,
                                           std::vector<PrefixNlri>& out) {
  const unsigned max_bits = family == 4 ? 32 : 128;
  while (!r.empty()) {
    const size_t start = r.offset();
    PrefixNlri n;
    uint8_t bits = 0;
    if ((add_path && !r.u32(n.path_id)) || !r.u8(bits)) {
      return DecodeError{ErrorAction::kSessionReset, 0, 0, {}, start, "NLRI: truncated prefix"};
    }
    if (bits > max_bits) {
      return DecodeError{
          ErrorAction::kSessionReset,
          0,
          0,
          {},
          start,
          "NLRI: prefix length " + std::to_string(bits) + " exceeds " + std::to_string(max_bits)};
    }
    const size_t n_bytes = (bits + 7u) / 8u;
    n.prefix.length = bits;
    n.prefix.address.family = family;
    if (!r.copy(std::span<uint8_t>(n.prefix.address.bytes.data(), n_bytes))) {
      return DecodeError{ErrorAction::kSessionReset,
                         0,
                         0,
                         {},
                         start,
                         "NLRI: prefix /" + std::to_string(bits) + " overruns the field"};
    }
    out.push_back(n);
  }
  return std::nullopt;
}

void encode(const PrefixNlri& n, bool add_path, Writer& w) {
  if (add_path) w.u32(n.path_id);
  w.u8(n.prefix.length);
  w.bytes(std::span<const uint8_t>(n.prefix.address.bytes.data(), (n.prefix.length + 7u) / 8u));
}

}  // namespace evpnd::codec
