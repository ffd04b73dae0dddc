// Internal to bgpd/rib: the storage shared by Adj-RIB-In and Loc-RIB (RFC 4271 §3.2). One
// Destination per route key holds every path received for it (from any peer, or originated
// locally) and keeps the best one first, so Loc-RIB is "path 0 of each destination" and a
// peer's Adj-RIB-In is "its paths across destinations". Destinations live in fixed-size chunks
// (stable addresses, ids reused through a free list) indexed by an open-addressing hash table
// of (hash, id) slots. About 72 octets per single-path destination plus 8-16 of index.
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <vector>

#include "bgpd/rib/attr_table.h"
#include "bgpd/rib/peer_info.h"
#include "bgpd/rib/route_key.h"

namespace evpnd::rib {

using DestId = uint32_t;
inline constexpr DestId kNoDest = UINT32_MAX;

/// One path to a destination: 16 octets.
struct Path {
  static constexpr uint8_t kStale = 1;  ///< RFC 4724 §4.2: kept over a graceful restart.

  AttrId attrs = kNoAttrs;
  ExtrasId extras = kNoExtras;
  uint32_t path_id = 0;  ///< RFC 7911 path identifier as received (0 without add-path).
  PeerId peer = kLocalPeer;
  uint8_t flags = 0;
  uint8_t reserved = 0;

  bool stale() const { return (flags & kStale) != 0; }
  bool same_route(const Path& o) const {
    return attrs == o.attrs && extras == o.extras && peer == o.peer && path_id == o.path_id;
  }
};
static_assert(sizeof(Path) == 16);

struct Destination {
  static constexpr uint8_t kAlive = 1;
  static constexpr uint8_t kFeedDirty = 2;  ///< Queued for the change feed.
  static constexpr uint8_t kReported = 4;   ///< The change feed last reported a best path.

  RouteKey key;
  Path first;             ///< Path 0: the best path whenever count > 0.
  Path* more = nullptr;   ///< Paths 1..count-1.
  uint16_t count = 0;     ///< Number of paths.
  uint16_t more_cap = 0;  ///< Capacity of `more`.
  uint16_t out_refs = 0;  ///< Peers whose Adj-RIB-Out holds this destination.
  uint8_t flags = 0;
  uint8_t reserved = 0;

  Path& path(size_t i) { return i == 0 ? first : more[i - 1]; }
  const Path& path(size_t i) const { return i == 0 ? first : more[i - 1]; }
  /// Index of the path from (peer, path_id), or -1.
  int find_path(PeerId peer, uint32_t path_id) const;
  /// Appends a path; returns its index.
  size_t add_path(const Path& p);
  /// Removes path i (the last path moves into its place).
  void remove_path(size_t i);
  void release_paths();
};

class DestinationTable {
 public:
  DestinationTable() = default;
  ~DestinationTable();
  DestinationTable(const DestinationTable&) = delete;
  DestinationTable& operator=(const DestinationTable&) = delete;

  DestId find(const RouteKey& key) const;
  /// The destination with `key`, created empty (count 0) if absent.
  DestId find_or_insert(const RouteKey& key, bool& inserted);
  /// Frees a destination that has no paths.
  void erase(DestId id);

  Destination& at(DestId id) { return chunks_[id >> kChunkBits][id & kChunkMask]; }
  const Destination& at(DestId id) const { return chunks_[id >> kChunkBits][id & kChunkMask]; }
  bool alive(DestId id) const {
    return (id >> kChunkBits) < chunks_.size() && (at(id).flags & Destination::kAlive) != 0;
  }
  size_t size() const { return size_; }
  /// One past the largest id ever handed out (for walks).
  DestId id_limit() const { return next_id_; }
  size_t memory_bytes() const;

 private:
  static constexpr unsigned kChunkBits = 12;
  static constexpr DestId kChunkMask = (1u << kChunkBits) - 1;
  struct Slot {
    uint32_t hash = 0;
    DestId id = kNoDest;
  };

  size_t home(uint32_t hash) const { return hash & mask_; }
  void grow();

  std::vector<std::unique_ptr<Destination[]>> chunks_;
  std::vector<DestId> free_;
  DestId next_id_ = 0;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace evpnd::rib
