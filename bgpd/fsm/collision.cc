#include "bgpd/fsm/collision.h"

namespace evpnd::fsm {

const char* to_string(Initiator initiator) {
  return initiator == Initiator::kLocal ? "Local" : "Remote";
}

Initiator connection_to_close(uint32_t local_bgp_identifier, uint32_t remote_bgp_identifier,
                              uint32_t local_asn, uint32_t remote_asn) {
  if (local_bgp_identifier != remote_bgp_identifier) {
    return local_bgp_identifier < remote_bgp_identifier ? Initiator::kLocal : Initiator::kRemote;
  }
  return local_asn < remote_asn ? Initiator::kLocal : Initiator::kRemote;
}

}  // namespace evpnd::fsm
