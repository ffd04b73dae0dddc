// Internal to bgpd/rib: hash-consing of path attribute sets (AttrSet) and of non-key NLRI fields
// (NlriExtras). Identical values are stored once with a reference count and freed when the last
// path, Adj-RIB-Out entry or cache holding them lets go. Ids are reused after a free.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "bgpd/rib/attribute_set.h"
#include "bgpd/rib/route_key.h"

namespace evpnd::rib {

class AttrTable {
 public:
  AttrTable();

  /// Interns the attributes pointed to (MP_REACH/MP_UNREACH/NEXT_HOP must not be among them) with
  /// the next hops; returns its id with one reference taken for the caller.
  AttrId intern(std::span<const codec::PathAttribute* const> attrs,
                const codec::IpAddress& next_hop, const codec::IpAddress& link_local = {});
  AttrId intern(const std::vector<codec::PathAttribute>& attrs, const codec::IpAddress& next_hop,
                const codec::IpAddress& link_local = {});
  void ref(AttrId id) { ++sets_[id]->refs; }
  void unref(AttrId id);
  const AttrSet& get(AttrId id) const { return *sets_[id]; }
  /// Sets alive now.
  size_t size() const { return live_; }
  /// Approximate heap octets held by the live sets.
  size_t memory_bytes() const;

 private:
  std::vector<std::unique_ptr<AttrSet>> sets_;  // Index = id; [0] unused.
  std::vector<AttrId> free_;
  std::unordered_multimap<uint64_t, AttrId> index_;
  std::vector<uint8_t> scratch_;
  size_t live_ = 0;
};

/// Index of interned NlriExtras; 0 is "all zero" and is not reference counted.
using ExtrasId = uint32_t;
inline constexpr ExtrasId kNoExtras = 0;

class ExtrasTable {
 public:
  ExtrasTable();
  /// Interns `e`, one reference taken (none for all-zero extras, which are kNoExtras).
  ExtrasId intern(const NlriExtras& e);
  void ref(ExtrasId id) {
    if (id != kNoExtras) ++entries_[id].refs;
  }
  void unref(ExtrasId id);
  const NlriExtras& get(ExtrasId id) const { return entries_[id].value; }
  size_t size() const { return live_; }

 private:
  struct Entry {
    NlriExtras value;
    uint32_t refs = 0;
    uint64_t hash = 0;
  };
  std::vector<Entry> entries_;  // [0] = zero extras.
  std::vector<ExtrasId> free_;
  std::unordered_multimap<uint64_t, ExtrasId> index_;
  ExtrasId last_ = kNoExtras;  // One-entry cache: consecutive NLRI usually share extras.
  size_t live_ = 0;
};

}  // namespace evpnd::rib
