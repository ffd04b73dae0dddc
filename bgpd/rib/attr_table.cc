#include "bgpd/rib/attr_table.h"

#include <algorithm>
#include <cassert>

#include "bgpd/codec/buffer.h"
#include "bgpd/rib/hash.h"

namespace evpnd::rib {
namespace {

void append_address(std::vector<uint8_t>& out, const codec::IpAddress& a) {
  out.push_back(a.family);
  out.insert(out.end(), a.bytes.begin(), a.bytes.begin() + a.size());
}

// Reads the decision-process inputs out of the attributes.
void extract(AttrSet& s) {
  for (const auto& a : s.attributes) {
    switch (a.type) {
      case codec::kOrigin:
        if (auto* o = std::get_if<codec::Origin>(&a.value)) s.origin = o->value;
        break;
      case codec::kAsPath:
        if (auto* p = std::get_if<codec::AsPath>(&a.value)) {
          s.as_path_length = static_cast<uint32_t>(p->length());
          if (!p->segments.empty() && p->segments[0].type == 2 && !p->segments[0].asns.empty()) {
            s.neighbor_as = p->segments[0].asns[0];
          }
        }
        break;
      case codec::kLocalPref:
        if (auto* l = std::get_if<codec::LocalPref>(&a.value)) {
          s.has_local_pref = true;
          s.local_pref = l->value;
        }
        break;
      case codec::kMultiExitDisc:
        if (auto* m = std::get_if<codec::MultiExitDisc>(&a.value)) {
          s.has_med = true;
          s.med = m->value;
        }
        break;
      case codec::kOriginatorId:
        if (auto* o = std::get_if<codec::OriginatorId>(&a.value)) {
          s.has_originator_id = true;
          s.originator_id = o->id.v4_value();
        }
        break;
      case codec::kClusterList:
        if (auto* c = std::get_if<codec::ClusterList>(&a.value)) {
          s.cluster_list_length = static_cast<uint32_t>(c->ids.size());
        }
        break;
      case codec::kExtendedCommunities:
        if (auto* e = std::get_if<codec::ExtendedCommunities>(&a.value)) {
          for (const auto& c : e->values) {
            if (auto* mm = std::get_if<codec::MacMobility>(&c)) {
              // RFC 7432 §15: several MAC mobility communities -> use the highest sequence.
              if (!s.has_mac_mobility || mm->sequence > s.mac_mobility_sequence) {
                s.mac_mobility_sequence = mm->sequence;
              }
              s.sticky_mac = s.sticky_mac || mm->sticky;
              s.has_mac_mobility = true;
            }
          }
        }
        break;
      default:
        break;
    }
  }
}

}  // namespace

const codec::PathAttribute* AttrSet::attribute(uint8_t type) const {
  for (const auto& a : attributes) {
    if (a.type == type) return &a;
  }
  return nullptr;
}

bool AttrSet::as_path_contains(uint32_t asn) const {
  const auto* p = get<codec::AsPath>(codec::kAsPath);
  if (!p) return false;
  for (const auto& seg : p->segments) {
    if (std::find(seg.asns.begin(), seg.asns.end(), asn) != seg.asns.end()) return true;
  }
  return false;
}

bool AttrSet::cluster_list_contains(uint32_t cluster_id) const {
  const auto* c = get<codec::ClusterList>(codec::kClusterList);
  return c && std::find(c->ids.begin(), c->ids.end(), cluster_id) != c->ids.end();
}

AttrTable::AttrTable() { sets_.emplace_back(); }

AttrId AttrTable::intern(std::span<const codec::PathAttribute* const> attrs,
                         const codec::IpAddress& next_hop, const codec::IpAddress& link_local) {
  static const codec::DecodeContext kCanonical{};  // 4-octet AS, no add-path.
  scratch_.clear();
  codec::Writer w(scratch_);
  for (const auto* a : attrs) {
    assert(a->type != codec::kMpReachNlri && a->type != codec::kMpUnreachNlri &&
           a->type != codec::kNextHop);
    codec::encode(*a, kCanonical, w);
  }
  const size_t encoded = scratch_.size();
  append_address(scratch_, next_hop);
  append_address(scratch_, link_local);
  const uint64_t h = detail::hash_bytes(scratch_.data(), scratch_.size());
  for (auto [it, end] = index_.equal_range(h); it != end; ++it) {
    AttrSet& s = *sets_[it->second];
    if (s.canonical == scratch_) {
      ++s.refs;
      return s.id;
    }
  }
  AttrId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<AttrId>(sets_.size());
    sets_.emplace_back();
  }
  auto s = std::make_unique<AttrSet>();
  s->attributes.reserve(attrs.size());
  for (const auto* a : attrs) s->attributes.push_back(*a);
  s->next_hop = next_hop;
  s->link_local_next_hop = link_local;
  s->encoded_size = encoded;
  s->id = id;
  s->refs = 1;
  s->hash = h;
  s->canonical = scratch_;
  extract(*s);
  sets_[id] = std::move(s);
  index_.emplace(h, id);
  ++live_;
  return id;
}

AttrId AttrTable::intern(const std::vector<codec::PathAttribute>& attrs,
                         const codec::IpAddress& next_hop, const codec::IpAddress& link_local) {
  std::vector<const codec::PathAttribute*> ptrs;
  ptrs.reserve(attrs.size());
  for (const auto& a : attrs) ptrs.push_back(&a);
  return intern(ptrs, next_hop, link_local);
}

void AttrTable::unref(AttrId id) {
  AttrSet& s = *sets_[id];
  assert(s.refs > 0);
  if (--s.refs != 0) return;
  for (auto [it, end] = index_.equal_range(s.hash); it != end; ++it) {
    if (it->second == id) {
      index_.erase(it);
      break;
    }
  }
  sets_[id].reset();
  free_.push_back(id);
  --live_;
}

size_t AttrTable::memory_bytes() const {
  size_t n = sets_.capacity() * sizeof(sets_[0]) + index_.size() * 32;
  for (const auto& s : sets_) {
    if (!s) continue;
    n += sizeof(AttrSet) + s->canonical.capacity() * 2 +
         s->attributes.capacity() * sizeof(codec::PathAttribute);
  }
  return n;
}

ExtrasTable::ExtrasTable() { entries_.emplace_back(); }

ExtrasId ExtrasTable::intern(const NlriExtras& e) {
  if (last_ != kNoExtras && entries_[last_].refs > 0 && entries_[last_].value == e) {
    ++entries_[last_].refs;
    return last_;
  }
  if (e.is_zero()) return kNoExtras;
  const uint64_t h = e.hash();
  for (auto [it, end] = index_.equal_range(h); it != end; ++it) {
    Entry& x = entries_[it->second];
    if (x.value == e) {
      ++x.refs;
      last_ = it->second;
      return it->second;
    }
  }
  ExtrasId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<ExtrasId>(entries_.size());
    entries_.emplace_back();
  }
  entries_[id] = Entry{e, 1, h};
  index_.emplace(h, id);
  ++live_;
  last_ = id;
  return id;
}

void ExtrasTable::unref(ExtrasId id) {
  if (id == kNoExtras) return;
  Entry& x = entries_[id];
  assert(x.refs > 0);
  if (--x.refs != 0) return;
  for (auto [it, end] = index_.equal_range(x.hash); it != end; ++it) {
    if (it->second == id) {
      index_.erase(it);
      break;
    }
  }
  x.value = NlriExtras{};
  free_.push_back(id);
  --live_;
  if (last_ == id) last_ = kNoExtras;
}

}  // namespace evpnd::rib
