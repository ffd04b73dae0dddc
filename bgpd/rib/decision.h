// The BGP decision process: the pairwise comparison of two paths to one destination, following
// RFC 4271 §9.1.2.2 with the route-reflection tie-breaks of RFC 4456 §9, preceded for EVPN
// MAC/IP routes by the MAC mobility rules of RFC 7432 §15 (sticky MAC wins, then the higher
// sequence number) and by FRR's local weight (32768 for routes evpnd originates).
#pragma once

#include <cstdint>

#include "bgpd/codec/address.h"
#include "bgpd/rib/attribute_set.h"

namespace evpnd::rib {

/// Weight FRR gives locally originated routes; received routes have 0.
inline constexpr uint32_t kLocalWeight = 32768;

/// The step that decided a comparison, in the order they are applied.
enum class DecisionStep : uint8_t {
  kStickyMac,            ///< RFC 7432 §15.2: a sticky (static) MAC wins.
  kMacMobilitySequence,  ///< RFC 7432 §15: higher MAC mobility sequence number wins.
  kWeight,               ///< Higher weight (local origination) wins.
  kLocalPref,            ///< RFC 4271 §9.1.2.1: higher LOCAL_PREF (100 when absent).
  kAsPathLength,         ///< §9.1.2.2 a: shorter AS_PATH.
  kOrigin,               ///< §9.1.2.2 b: lower ORIGIN.
  kMed,                  ///< §9.1.2.2 c: lower MED, only between paths from the same neighbour AS.
  kExternal,             ///< §9.1.2.2 d: eBGP-learned over iBGP-learned.
  kRouterId,             ///< §9.1.2.2 f / RFC 4456 §9: lower ORIGINATOR_ID or BGP Identifier.
  kClusterListLength,    ///< RFC 4456 §9: shorter CLUSTER_LIST.
  kPeerAddress,          ///< §9.1.2.2 g: lower peer address.
  kPathId,               ///< Last resort (add-path): lower path identifier.
  kEqual,                ///< Indistinguishable.
};

/// "sticky-mac", "mac-mobility-sequence", "weight", "local-pref", "as-path-length", "origin",
/// "med", "external", "router-id", "cluster-list-length", "peer-address", "path-id", "equal".
const char* to_string(DecisionStep step);

/// One path as the decision process sees it.
struct Candidate {
  const AttrSet* attrs = nullptr;
  bool mac_ip_route = false;  ///< EVPN type 2: the RFC 7432 §15 rules apply.
  uint32_t weight = 0;
  bool ebgp = false;
  uint32_t router_id = 0;  ///< The sending peer's BGP Identifier, host order.
  codec::IpAddress peer_address;
  uint32_t path_id = 0;
};

struct Verdict {
  bool first_wins = false;  ///< True when `a` is preferred (also when equal).
  DecisionStep step = DecisionStep::kEqual;
};

/// Compares two paths to the same destination; IGP cost (§9.1.2.2 e) is skipped, next hops are
/// taken as resolvable.
Verdict compare(const Candidate& a, const Candidate& b);

}  // namespace evpnd::rib
