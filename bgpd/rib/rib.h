// The BGP Routing Information Bases of RFC 4271 §3.2 for one speaker: Adj-RIB-In per peer,
// Loc-RIB with the decision process (§9.1, RFC 7432 §15 for EVPN MAC/IP routes), Adj-RIB-Out per
// peer with update generation (§9.2) and packing, End-of-RIB and graceful restart (RFC 4724),
// route refresh (RFC 2918), route reflection (RFC 4456), AS loop detection (§9.1.2) and RFC 7606
// treat-as-withdraw. A pure library driven on one thread by the session layer: no sockets, no
// clock, no logging; timers (GR stale timer) are the caller's and come in as calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "bgpd/codec/message.h"
#include "bgpd/rib/attribute_set.h"
#include "bgpd/rib/peer_info.h"
#include "bgpd/rib/route_key.h"

namespace evpnd::rib {

/// This speaker.
struct RibConfig {
  uint32_t asn = 0;             ///< Our ASN (loop detection; default local ASN of sessions).
  codec::IpAddress router_id;   ///< Our BGP Identifier (IPv4).
  codec::IpAddress cluster_id;  ///< RFC 4456 CLUSTER_ID; none: the router id.
};

/// What one UPDATE did.
struct ApplyResult {
  size_t announced = 0;            ///< NLRI stored (new or replacing the peer's previous path).
  size_t withdrawn = 0;            ///< NLRI withdrawn (explicitly or by treat-as-withdraw).
  size_t rejected_loop = 0;        ///< NLRI not used: AS_PATH, ORIGINATOR_ID or CLUSTER_LIST loop.
  size_t ignored_family = 0;       ///< NLRI of families not negotiated with the peer, or unknown.
  bool treat_as_withdraw = false;  ///< RFC 7606: the UPDATE's NLRI were withdrawn.
  std::optional<codec::Family> end_of_rib;  ///< The UPDATE was an End-of-RIB (RFC 4724 §2).
  size_t stale_swept = 0;                   ///< Stale paths removed because of that End-of-RIB.
};

/// One path to a destination, as lookups and the change feed show it. Pointers stay valid until
/// the next call that changes the RIB.
struct PathView {
  Nlri nlri;  ///< The destination with this path's labels, ESI and gateway.
  const AttrSet* attributes = nullptr;  ///< Next hop included. Null for a removed best path.
  PeerId peer = kLocalPeer;             ///< kLocalPeer: originated by evpnd.
  uint32_t path_id = 0;
  bool stale = false;
  bool best = false;
  bool ebgp = false;  ///< Learned from an eBGP peer (RFC 4271 §9.1.2.2 d: eBGP before iBGP).
};

enum class ChangeKind : uint8_t { kAdded, kChanged, kRemoved };
/// "added", "changed", "removed".
const char* to_string(ChangeKind kind);

/// A best-path change of one destination. Changes are coalesced between drains: one entry per
/// destination, giving its best path at drain time (a best that changed and changed back
/// shows as kChanged).
struct BestPathChange {
  ChangeKind kind = ChangeKind::kAdded;
  codec::Family family = codec::Family::kL2vpnEvpn;
  PathView best;  ///< The new best; for kRemoved, nlri with zero non-key fields and no attributes.
};
using ChangeVisitor = std::function<void(const BestPathChange&)>;

struct RibStats {
  size_t destinations = 0;  ///< Loc-RIB entries (destinations with paths).
  size_t paths = 0;         ///< Paths across all Adj-RIBs-In, local ones included.
  size_t stale_paths = 0;
  size_t attribute_sets = 0;   ///< Interned attribute sets alive (received and sent).
  size_t nlri_extras = 0;      ///< Interned non-zero label/ESI/gateway tuples alive.
  size_t advertised = 0;       ///< Adj-RIB-Out entries across peers.
  size_t pending_changes = 0;  ///< Destinations queued for the change feed.
  size_t memory_bytes = 0;     ///< Approximate heap octets of the RIB's own structures.
};

class Rib {
 public:
  explicit Rib(const RibConfig& config);
  ~Rib();
  Rib(const Rib&) = delete;
  Rib& operator=(const Rib&) = delete;

  const RibConfig& config() const;

  // --- Peers ------------------------------------------------------------------------------

  /// The session reached Established. `id` in 1..kMaxPeerId. The initial table dump and the
  /// End-of-RIB markers for every negotiated family are queued for take_updates. If the peer
  /// has stale routes from a graceful restart, those of families without the forwarding-state
  /// bit (or no longer negotiated) are swept now (RFC 4724 §4.2). Calling it for a peer that is
  /// up first takes it down non-gracefully.
  void peer_up(PeerId id, const PeerInfo& info);
  /// The session left Established. With `graceful` and graceful restart negotiated, the peer's
  /// routes of the families in its GR capability stay, marked stale, until its End-of-RIB for
  /// the family after re-establishment or sweep_stale; all its other routes are withdrawn.
  /// Its Adj-RIB-Out is dropped either way.
  void peer_down(PeerId id, bool graceful);
  /// Removes the peer's stale paths of `family` (the caller's restart/stale timer fired).
  /// Returns how many were removed.
  size_t sweep_stale(PeerId id, codec::Family family);
  bool is_up(PeerId id) const;

  // --- Input (Adj-RIB-In -> Loc-RIB) ---------------------------------------------------------

  /// Applies one UPDATE received from an established peer: withdrawn routes and MP_UNREACH_NLRI
  /// first, then the NLRI field and MP_REACH_NLRI. Never throws on peer input: what cannot be
  /// used is counted in the result. UPDATEs from a peer that is not up are ignored.
  ApplyResult apply(PeerId id, const codec::UpdateMessage& update);

  // --- Local origination -------------------------------------------------------------------

  /// Originates (or replaces) evpnd's own path to `nlri` with these attributes (MP_REACH,
  /// MP_UNREACH and NEXT_HOP are ignored; ORIGIN IGP and an empty AS_PATH are added when
  /// absent) and `next_hop` (the VTEP IP for EVPN; for unicast, none means next-hop-self
  /// towards every peer). Local paths have weight 32768 and win over received ones unless MAC
  /// mobility says otherwise. Returns false for an invalid prefix.
  bool originate(const Nlri& nlri, const std::vector<codec::PathAttribute>& attributes,
                 const codec::IpAddress& next_hop);
  /// Withdraws evpnd's own path to `nlri` (non-key fields are ignored). False if there was none.
  bool withdraw_local(const Nlri& nlri);

  // --- Change feed ------------------------------------------------------------------------

  /// Calls `visit` once per destination whose best path changed since the last drain (and, in
  /// IPv4/IPv6 unicast, whose other paths changed: the FIB installs every equally good path as
  /// ECMP; `best` is then unchanged), then forgets them. Visitors must not call back into the RIB.
  /// Returns the number of changes. Callers should drain after each batch of input; undrained
  /// removals keep their destinations allocated.
  size_t drain_changes(const ChangeVisitor& visit);

  // --- Output (Loc-RIB -> Adj-RIB-Out) -----------------------------------------------------

  /// The UPDATEs to send to an established peer now: changes of its Adj-RIB-Out since the last
  /// call, announcements grouped by attribute set and packed into messages no larger than the
  /// peer's maximum (4096 octets, or 65535 with extended messages), withdrawals packed too, and
  /// after the initial table dump one End-of-RIB per negotiated family. `max_routes` bounds the
  /// destinations examined in one call (the rest is kept for the next); End-of-RIB follows
  /// only once the dump is complete. Empty for a peer that is not up.
  std::vector<codec::UpdateMessage> take_updates(PeerId id, size_t max_routes = SIZE_MAX);
  /// Whether take_updates has work for the peer.
  bool has_pending_updates(PeerId id) const;
  /// ROUTE-REFRESH received (RFC 2918 §4): the next take_updates re-sends the whole
  /// Adj-RIB-Out of `family` to the peer.
  void route_refresh(PeerId id, codec::Family family);

  // --- Lookups ------------------------------------------------------------------------------

  /// Every path to `nlri` (its non-key fields are ignored), best first; empty if none.
  std::vector<PathView> paths(const Nlri& nlri) const;
  /// The Loc-RIB entry for `nlri`.
  std::optional<PathView> best(const Nlri& nlri) const;
  /// Calls `visit` with the best path of every destination of `family`.
  void for_each_best(codec::Family family, const std::function<void(const PathView&)>& visit) const;
  /// What the peer's Adj-RIB-Out holds for `nlri` (sent and not withdrawn): attributes as sent
  /// (next hop included), or null.
  const AttrSet* advertised(PeerId id, const Nlri& nlri) const;
  /// Number of destinations in the peer's Adj-RIB-Out.
  size_t advertised_count(PeerId id) const;
  /// Destinations of `family` in the peer's Adj-RIB-Out (what `show bgp summary` calls sent).
  /// Walks the peer's Adj-RIB-Out: O(its size).
  size_t advertised_count(PeerId id, codec::Family family) const;
  /// Paths of `family` the peer's Adj-RIB-In holds (stale ones included; looped routes are not
  /// stored). Walks the destination table: O(destinations).
  size_t received_count(PeerId id, codec::Family family) const;
  /// Paths of the peer kept as stale over its graceful restart (RFC 4724 §4.2), all families.
  size_t stale_count(PeerId id) const;
  RibStats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace evpnd::rib
