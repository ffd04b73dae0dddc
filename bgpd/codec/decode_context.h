// What a BGP session negotiated that changes how its messages are read and written: 4-octet AS
// numbers (RFC 6793), extended messages (RFC 8654) and add-path per family (RFC 7911).
#pragma once

#include <array>
#include <cstddef>

#include "bgpd/codec/address.h"

namespace evpnd::codec {

/// Negotiated session parameters. The same context that decoded a message encodes it back to
/// the same bytes.
struct DecodeContext {
  bool four_octet_as = true;      ///< AS_PATH/AGGREGATOR carry 4-octet ASNs (RFC 6793 §3).
  bool extended_message = false;  ///< Messages may reach 65535 octets (RFC 8654 §3).
  /// NLRI of this family carry a 4-octet path identifier (RFC 7911 §3).
  std::array<bool, static_cast<size_t>(Family::kCount)> add_path{};

  bool add_path_for(Family f) const { return add_path[static_cast<size_t>(f)]; }
  /// Largest message allowed, header included, in octets.
  size_t max_message_size() const { return extended_message ? 65535 : 4096; }
};

}  // namespace evpnd::codec
