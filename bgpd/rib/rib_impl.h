// Internal to bgpd/rib: the state behind Rib (RFC 4271 §3.2) shared by rib.cc (peers, input,
// decision, change feed) and adj_rib_out.cc (export policy, update generation).
#pragma once

#include <cstdint>
#include <vector>

#include "bgpd/rib/attr_table.h"
#include "bgpd/rib/decision.h"
#include "bgpd/rib/destination_table.h"
#include "bgpd/rib/flat_map.h"
#include "bgpd/rib/rib.h"

namespace evpnd::rib {

/// What a peer's Adj-RIB-Out holds for one destination: the attribute set as sent (built for
/// that peer, next hop included) and the non-key NLRI fields sent. Holds one reference on each.
struct AdvEntry {
  AttrId attrs = kNoAttrs;
  ExtrasId extras = kNoExtras;
  bool resend = false;  ///< Route refresh: send again even if unchanged.
};

struct PeerState {
  bool known = false;  ///< Has been up at least once (info valid).
  bool up = false;
  PeerInfo info;
  uint32_t router_id = 0;  ///< info.router_id, host order.
  // Adj-RIB-In: the paths with this peer id across destinations; only counted here.
  size_t paths = 0;
  size_t stale_paths = 0;
  FamilySet stale_families;  ///< Families kept over a graceful restart, not yet swept.
  // Adj-RIB-Out.
  detail::U32Map<AdvEntry> advertised;
  std::vector<DestId> dirty;  ///< Destinations to re-examine for this peer (may repeat).
  size_t dirty_pos = 0;
  FamilySet eor_pending;  ///< End-of-RIB to send once `dirty` is drained.
};

struct Rib::Impl {
  explicit Impl(const RibConfig& c);

  RibConfig config;
  uint32_t router_id = 0;   ///< Host order.
  uint32_t cluster_id = 0;  ///< Host order.
  AttrTable attrs;
  ExtrasTable extras;
  DestinationTable dests;
  std::vector<PeerState> peers;  ///< Index: PeerId; [0] = local.
  std::vector<PeerId> up_peers;
  std::vector<DestId> feed;  ///< Destinations with kFeedDirty.
  size_t loc_rib_size = 0;
  size_t total_paths = 0;
  size_t total_stale = 0;

  PeerState* peer(PeerId id) { return id < peers.size() && peers[id].known ? &peers[id] : nullptr; }
  Candidate candidate(const Destination& d, const Path& p) const;
  /// Moves the best path to index 0.
  void select_best(Destination& d);
  /// Queues the destination for the change feed and every up peer's Adj-RIB-Out.
  void best_changed(DestId id, Destination& d);
  /// A path other than the best was added, replaced or removed: queued on the change feed for
  /// unicast families (ECMP in the FIB); the best path and the Adj-RIBs-Out are as they were.
  void other_path_changed(DestId id, Destination& d);
  /// Installs or replaces the path (peer, path_id) with `attr` (a reference is taken).
  void announce(PeerId peer, const RouteKey& key, const NlriExtras& ex, uint32_t path_id,
                AttrId attr);
  /// Removes the path (peer, path_id); false if absent.
  bool withdraw(PeerId peer, const RouteKey& key, uint32_t path_id);
  void remove_path(DestId id, size_t index);
  /// Frees the destination if nothing refers to it any more.
  void maybe_free(DestId id);
  size_t sweep(PeerId peer, codec::Family family, bool stale_only);
  PathView view(const Destination& d, size_t index) const;

  // adj_rib_out.cc
  void drop_adj_rib_out(PeerState& p);
  std::vector<codec::UpdateMessage> take_updates(PeerId id, size_t max_routes);
};

}  // namespace evpnd::rib
