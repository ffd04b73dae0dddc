// Builds the UPDATE messages (RFC 4271 §4.3) that carry one peer's Adj-RIB-Out changes: NLRI
// sharing an attribute set go together, as many per message as fit the peer's maximum message
// size (4096 octets, or 65535 with RFC 8654 extended messages). IPv4 unicast with an IPv4 next
// hop uses NEXT_HOP and the NLRI field, everything else MP_REACH_NLRI (RFC 4760 §3, placed
// first as RFC 7606 §5.1 asks); withdrawals use the Withdrawn Routes field (IPv4) or
// MP_UNREACH_NLRI (RFC 4760 §4); End-of-RIB markers follow RFC 4724 §2.
#pragma once

#include <vector>

#include "bgpd/codec/message.h"
#include "bgpd/rib/attribute_set.h"

namespace evpnd::rib {

class UpdatePacker {
 public:
  /// Appends messages to `out`, sized for the session described by `ctx` (message size limit,
  /// add-path: path identifiers are counted when the family has it).
  UpdatePacker(const codec::DecodeContext& ctx, std::vector<codec::UpdateMessage>& out)
      : ctx_(ctx), out_(out) {}

  /// IPv4 or IPv6 unicast prefixes announced with `attrs` (its next hop included).
  void announce(codec::Family family, const AttrSet& attrs,
                std::vector<codec::PrefixNlri> prefixes);
  /// EVPN routes announced with `attrs`.
  void announce(const AttrSet& attrs, std::vector<codec::EvpnNlri> routes);
  void withdraw(codec::Family family, std::vector<codec::PrefixNlri> prefixes);
  void withdraw(std::vector<codec::EvpnNlri> routes);
  /// The End-of-RIB marker of `family`: an empty UPDATE for IPv4 unicast, else an UPDATE with
  /// only an empty MP_UNREACH_NLRI.
  void end_of_rib(codec::Family family);

  /// Octets an UPDATE carrying `attrs` takes before its first NLRI, for `family` (header, both
  /// length fields, attributes, NEXT_HOP or the MP_REACH_NLRI header with next hop). An upper
  /// bound: MP_REACH_NLRI is counted with a 2-octet length.
  static size_t announce_overhead(codec::Family family, const AttrSet& attrs);

 private:
  const codec::DecodeContext& ctx_;
  std::vector<codec::UpdateMessage>& out_;
};

}  // namespace evpnd::rib
