// IPv4/IPv6 unicast NLRI: (length, prefix) tuples of RFC 4271 §4.3 and RFC 4760 §5, with the
// add-path identifier of RFC 7911 §3 when negotiated.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <vector>

#include "bgpd/codec/address.h"
#include "bgpd/codec/buffer.h"
#include "bgpd/codec/decode_error.h"

namespace evpnd::codec {

/// One unicast NLRI.
struct PrefixNlri {
  uint32_t path_id = 0;  ///< 0 when add-path is off.
  IpPrefix prefix;
  auto operator<=>(const PrefixNlri&) const = default;
};

/// Decodes every prefix in `r` for address family 4 or 6 and appends them to `out`. Errors
/// (prefix length past the address size, overrun) are RFC 7606 §5.3 session resets; the caller
/// fills in code/subcode/data.
std::optional<DecodeError> decode_prefixes(Reader r, uint8_t family, bool add_path,
                                           std::vector<PrefixNlri>& out);

/// Appends one prefix: path identifier when `add_path`, length octet, ceil(length/8) octets.
void encode(const PrefixNlri& n, bool add_path, Writer& w);

}  // namespace evpnd::codec
