#include "bgpd/rib/decision.h"

namespace evpnd::rib {
namespace {

template <class T>
Verdict lower_wins(T a, T b, DecisionStep step) {
  return Verdict{a < b, step};
}
template <class T>
Verdict higher_wins(T a, T b, DecisionStep step) {
  return Verdict{a > b, step};
}

}  // namespace

const char* to_string(DecisionStep step) {
  switch (step) {
    case DecisionStep::kStickyMac:
      return "sticky-mac";
    case DecisionStep::kMacMobilitySequence:
      return "mac-mobility-sequence";
    case DecisionStep::kWeight:
      return "weight";
    case DecisionStep::kLocalPref:
      return "local-pref";
    case DecisionStep::kAsPathLength:
      return "as-path-length";
    case DecisionStep::kOrigin:
      return "origin";
    case DecisionStep::kMed:
      return "med";
    case DecisionStep::kExternal:
      return "external";
    case DecisionStep::kRouterId:
      return "router-id";
    case DecisionStep::kClusterListLength:
      return "cluster-list-length";
    case DecisionStep::kPeerAddress:
      return "peer-address";
    case DecisionStep::kPathId:
      return "path-id";
    case DecisionStep::kEqual:
      break;
  }
  return "equal";
}

Verdict compare(const Candidate& a, const Candidate& b) {
  const AttrSet& x = *a.attrs;
  const AttrSet& y = *b.attrs;
  if (a.mac_ip_route && b.mac_ip_route) {
    if (x.sticky_mac != y.sticky_mac) return Verdict{x.sticky_mac, DecisionStep::kStickyMac};
    if (x.mac_mobility_sequence != y.mac_mobility_sequence) {
      return higher_wins(x.mac_mobility_sequence, y.mac_mobility_sequence,
                         DecisionStep::kMacMobilitySequence);
    }
  }
  if (a.weight != b.weight) return higher_wins(a.weight, b.weight, DecisionStep::kWeight);
  if (x.local_pref != y.local_pref) {
    return higher_wins(x.local_pref, y.local_pref, DecisionStep::kLocalPref);
  }
  if (x.as_path_length != y.as_path_length) {
    return lower_wins(x.as_path_length, y.as_path_length, DecisionStep::kAsPathLength);
  }
  if (x.origin != y.origin) return lower_wins(x.origin, y.origin, DecisionStep::kOrigin);
  if (x.neighbor_as == y.neighbor_as && x.med != y.med) {
    return lower_wins(x.med, y.med, DecisionStep::kMed);
  }
  if (a.ebgp != b.ebgp) return Verdict{a.ebgp, DecisionStep::kExternal};
  const uint32_t ida = x.has_originator_id ? x.originator_id : a.router_id;
  const uint32_t idb = y.has_originator_id ? y.originator_id : b.router_id;
  if (ida != idb) return lower_wins(ida, idb, DecisionStep::kRouterId);
  if (x.cluster_list_length != y.cluster_list_length) {
    return lower_wins(x.cluster_list_length, y.cluster_list_length,
                      DecisionStep::kClusterListLength);
  }
  if (a.peer_address != b.peer_address) {
    return Verdict{a.peer_address < b.peer_address, DecisionStep::kPeerAddress};
  }
  if (a.path_id != b.path_id) return lower_wins(a.path_id, b.path_id, DecisionStep::kPathId);
  return Verdict{true, DecisionStep::kEqual};
}

}  // namespace evpnd::rib
