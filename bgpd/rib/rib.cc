#include "bgpd/rib/rib.h"

#include <algorithm>
#include <cassert>

#include "bgpd/rib/rib_impl.h"

namespace evpnd::rib {
namespace {

using codec::Family;

constexpr uint32_t kAsTrans = 23456;  // RFC 6793 §9.

// RFC 6793 §4.2.3: rebuilds the path a 2-octet speaker carried in AS_PATH + AS4_PATH.
codec::AsPath merge_as4_path(const codec::AsPath& as_path, const codec::AsPath& as4) {
  const size_t n = as_path.length();
  const size_t m = as4.length();
  if (n < m) return as_path;
  size_t keep = n - m;
  codec::AsPath out;
  for (const auto& seg : as_path.segments) {
    if (keep == 0) break;
    if (seg.type == 2) {
      const size_t take = std::min(keep, seg.asns.size());
      out.segments.push_back(
          codec::AsPathSegment{2, {seg.asns.begin(), seg.asns.begin() + static_cast<long>(take)}});
      keep -= take;
    } else {
      out.segments.push_back(seg);
      if (seg.type == 1) --keep;
    }
  }
  out.segments.insert(out.segments.end(), as4.segments.begin(), as4.segments.end());
  return out;
}

// The attributes of a received UPDATE as the RIB keeps them (see AttrSet), as pointers into the
// message or into the merged values held here. Not movable: `ptrs` may point at members.
struct InboundAttributes {
  std::vector<const codec::PathAttribute*> ptrs;
  codec::PathAttribute merged_as_path;
  codec::PathAttribute merged_aggregator;
  const codec::AsPath* as_path = nullptr;
  const codec::OriginatorId* originator_id = nullptr;
  const codec::ClusterList* cluster_list = nullptr;

  InboundAttributes(const codec::UpdateMessage& u, const PeerInfo& peer) {
    const codec::PathAttribute* as4_path = nullptr;
    const codec::PathAttribute* as4_aggregator = nullptr;
    for (const auto& a : u.path_attributes) {
      if (a.type == codec::kAs4Path) as4_path = &a;
      if (a.type == codec::kAs4Aggregator) as4_aggregator = &a;
    }
    const bool two_octet = !peer.context.four_octet_as;
    ptrs.reserve(u.path_attributes.size());
    for (const auto& a : u.path_attributes) {
      switch (a.type) {
        case codec::kMpReachNlri:
        case codec::kMpUnreachNlri:
        case codec::kNextHop:
        case codec::kAs4Path:  // RFC 6793 §4.1: ignored from 4-octet speakers, merged otherwise.
        case codec::kAs4Aggregator:
          continue;
        case codec::kLocalPref:  // RFC 4271 §5.1.5: ignored when received over eBGP.
          if (!peer.ibgp) continue;
          break;
        case codec::kAsPath: {
          const auto* p = std::get_if<codec::AsPath>(&a.value);
          const auto* p4 = as4_path ? std::get_if<codec::AsPath>(&as4_path->value) : nullptr;
          if (two_octet && p && p4) {
            merged_as_path = codec::PathAttribute{a.flags, a.type, merge_as4_path(*p, *p4)};
            ptrs.push_back(&merged_as_path);
            continue;
          }
          break;
        }
        case codec::kAggregator: {
          const auto* g = std::get_if<codec::Aggregator>(&a.value);
          const auto* g4 =
              as4_aggregator ? std::get_if<codec::Aggregator>(&as4_aggregator->value) : nullptr;
          if (two_octet && g && g4 && g->asn == kAsTrans) {  // RFC 6793 §4.2.3
            merged_aggregator = codec::PathAttribute{a.flags, a.type, *g4};
            ptrs.push_back(&merged_aggregator);
            continue;
          }
          break;
        }
        default:
          break;
      }
      ptrs.push_back(&a);
    }
    for (const auto* a : ptrs) {
      if (a->type == codec::kAsPath) as_path = std::get_if<codec::AsPath>(&a->value);
      if (a->type == codec::kOriginatorId) {
        originator_id = std::get_if<codec::OriginatorId>(&a->value);
      }
      if (a->type == codec::kClusterList) cluster_list = std::get_if<codec::ClusterList>(&a->value);
    }
  }
  InboundAttributes(const InboundAttributes&) = delete;
  InboundAttributes& operator=(const InboundAttributes&) = delete;
};

bool path_contains(const codec::AsPath* p, uint32_t asn) {
  if (!p) return false;
  for (const auto& seg : p->segments) {
    if (std::find(seg.asns.begin(), seg.asns.end(), asn) != seg.asns.end()) return true;
  }
  return false;
}

}  // namespace

const char* to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdded:
      return "added";
    case ChangeKind::kChanged:
      return "changed";
    case ChangeKind::kRemoved:
      break;
  }
  return "removed";
}

// ---------------------------------------------------------------------------------------------
// Impl: Loc-RIB maintenance.

Rib::Impl::Impl(const RibConfig& c) : config(c) {
  router_id = c.router_id.v4_value();
  cluster_id = c.cluster_id.is_none() ? router_id : c.cluster_id.v4_value();
  peers.resize(1);
  PeerState& local = peers[kLocalPeer];
  local.known = true;
  local.info.router_id = c.router_id;
  local.info.local_asn = c.asn;
  local.info.remote_asn = c.asn;
  local.info.ibgp = true;
  local.router_id = router_id;
}

Candidate Rib::Impl::candidate(const Destination& d, const Path& p) const {
  const PeerState& s = peers[p.peer];
  Candidate c;
  c.attrs = &attrs.get(p.attrs);
  c.mac_ip_route = d.key.family == Family::kL2vpnEvpn && d.key.route_type == 2;
  c.weight = p.peer == kLocalPeer ? kLocalWeight : 0;
  c.ebgp = p.peer != kLocalPeer && !s.info.ibgp;
  c.router_id = s.router_id;
  c.peer_address = s.info.address;
  c.path_id = p.path_id;
  return c;
}

void Rib::Impl::select_best(Destination& d) {
  if (d.count <= 1) return;
  size_t best = 0;
  Candidate cb = candidate(d, d.path(0));
  for (size_t i = 1; i < d.count; ++i) {
    Candidate ci = candidate(d, d.path(i));
    const Verdict v = compare(ci, cb);
    if (v.first_wins && v.step != DecisionStep::kEqual) {
      best = i;
      cb = ci;
    }
  }
  if (best != 0) std::swap(d.path(0), d.path(best));
}

void Rib::Impl::best_changed(DestId id, Destination& d) {
  if (!(d.flags & Destination::kFeedDirty)) {
    d.flags |= Destination::kFeedDirty;
    feed.push_back(id);
  }
  for (PeerId p : up_peers) {
    PeerState& s = peers[p];
    if (s.info.families.has(d.key.family)) s.dirty.push_back(id);
  }
}

void Rib::Impl::other_path_changed(DestId id, Destination& d) {
  if (d.key.family != Family::kIpv4Unicast && d.key.family != Family::kIpv6Unicast) return;
  if (!(d.flags & Destination::kFeedDirty)) {
    d.flags |= Destination::kFeedDirty;
    feed.push_back(id);
  }
}

void Rib::Impl::announce(PeerId peer, const RouteKey& key, const NlriExtras& ex, uint32_t path_id,
                         AttrId attr) {
  bool inserted = false;
  const DestId id = dests.find_or_insert(key, inserted);
  Destination& d = dests.at(id);
  const bool had_best = d.count > 0;
  const Path old_best = d.first;
  const ExtrasId eid = extras.intern(ex);
  attrs.ref(attr);
  const int i = inserted ? -1 : d.find_path(peer, path_id);
  PeerState& s = peers[peer];
  if (i >= 0) {
    Path& p = d.path(static_cast<size_t>(i));
    if (p.stale()) {
      p.flags &= static_cast<uint8_t>(~Path::kStale);
      --s.stale_paths;
      --total_stale;
    }
    if (p.attrs == attr && p.extras == eid) {  // Repeated announcement: nothing changes.
      attrs.unref(attr);
      extras.unref(eid);
      return;
    }
    attrs.unref(p.attrs);
    extras.unref(p.extras);
    p.attrs = attr;
    p.extras = eid;
  } else {
    Path p;
    p.attrs = attr;
    p.extras = eid;
    p.path_id = path_id;
    p.peer = peer;
    d.add_path(p);
    ++s.paths;
    ++total_paths;
    if (d.count == 1) ++loc_rib_size;
  }
  select_best(d);
  if (!had_best || !old_best.same_route(d.first)) {
    best_changed(id, d);
  } else {
    other_path_changed(id, d);
  }
}

void Rib::Impl::remove_path(DestId id, size_t index) {
  Destination& d = dests.at(id);
  const Path p = d.path(index);
  PeerState& s = peers[p.peer];
  attrs.unref(p.attrs);
  extras.unref(p.extras);
  --s.paths;
  --total_paths;
  if (p.stale()) {
    --s.stale_paths;
    --total_stale;
  }
  d.remove_path(index);
  if (index == 0) {
    if (d.count == 0) --loc_rib_size;
    select_best(d);
    best_changed(id, d);
  } else {
    other_path_changed(id, d);
  }
}

bool Rib::Impl::withdraw(PeerId peer, const RouteKey& key, uint32_t path_id) {
  const DestId id = dests.find(key);
  if (id == kNoDest) return false;
  const int i = dests.at(id).find_path(peer, path_id);
  if (i < 0) return false;
  remove_path(id, static_cast<size_t>(i));
  maybe_free(id);
  return true;
}

void Rib::Impl::maybe_free(DestId id) {
  const Destination& d = dests.at(id);
  if (d.count == 0 && d.out_refs == 0 &&
      !(d.flags & (Destination::kFeedDirty | Destination::kReported))) {
    dests.erase(id);
  }
}

size_t Rib::Impl::sweep(PeerId peer, Family family, bool stale_only) {
  size_t removed = 0;
  const DestId limit = dests.id_limit();
  for (DestId id = 0; id < limit; ++id) {
    if (!dests.alive(id)) continue;
    Destination& d = dests.at(id);
    if (d.key.family != family) continue;
    for (size_t i = 0; i < d.count;) {
      const Path& p = d.path(i);
      if (p.peer == peer && (!stale_only || p.stale())) {
        remove_path(id, i);
        ++removed;
      } else {
        ++i;
      }
    }
    maybe_free(id);
  }
  return removed;
}

PathView Rib::Impl::view(const Destination& d, size_t index) const {
  const Path& p = d.path(index);
  PathView v;
  v.nlri = to_nlri(d.key, extras.get(p.extras));
  v.attributes = &attrs.get(p.attrs);
  v.peer = p.peer;
  v.path_id = p.path_id;
  v.stale = p.stale();
  v.best = index == 0;
  v.ebgp = p.peer != kLocalPeer && p.peer < peers.size() && !peers[p.peer].info.ibgp;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Rib: the public face.

Rib::Rib(const RibConfig& config) : impl_(std::make_unique<Impl>(config)) {}
Rib::~Rib() = default;

const RibConfig& Rib::config() const { return impl_->config; }

bool Rib::is_up(PeerId id) const { return id < impl_->peers.size() && impl_->peers[id].up; }

void Rib::peer_up(PeerId id, const PeerInfo& info) {
  Impl& m = *impl_;
  assert(id != kLocalPeer && id <= kMaxPeerId);
  if (id == kLocalPeer || id > kMaxPeerId) return;
  if (id >= m.peers.size()) m.peers.resize(id + 1u);
  if (m.peers[id].up) peer_down(id, false);
  PeerState& p = m.peers[id];
  p.known = true;
  p.up = true;
  p.info = info;
  if (p.info.local_asn == 0) p.info.local_asn = m.config.asn;
  p.router_id = info.router_id.v4_value();
  m.up_peers.push_back(id);
  // RFC 4724 §4.2: stale routes of families the restarted peer did not preserve go now.
  const auto& gr = info.graceful_restart;
  for (Family f : {Family::kIpv4Unicast, Family::kIpv6Unicast, Family::kL2vpnEvpn}) {
    if (!p.stale_families.has(f)) continue;
    if (!(gr.negotiated && gr.families.has(f) && gr.forwarding_state.has(f) &&
          info.families.has(f))) {
      sweep_stale(id, f);
    }
  }
  // Initial table dump, then End-of-RIB per family.
  p.dirty.clear();
  p.dirty_pos = 0;
  const DestId limit = m.dests.id_limit();
  for (DestId d = 0; d < limit; ++d) {
    if (!m.dests.alive(d)) continue;
    const Destination& dest = m.dests.at(d);
    if (dest.count > 0 && info.families.has(dest.key.family)) p.dirty.push_back(d);
  }
  p.eor_pending = info.families;
}

void Rib::peer_down(PeerId id, bool graceful) {
  Impl& m = *impl_;
  PeerState* p = m.peer(id);
  if (!p || id == kLocalPeer || !p->up) return;
  p->up = false;
  m.up_peers.erase(std::find(m.up_peers.begin(), m.up_peers.end(), id));
  m.drop_adj_rib_out(*p);
  const auto& gr = p->info.graceful_restart;
  for (Family f : {Family::kIpv4Unicast, Family::kIpv6Unicast, Family::kL2vpnEvpn}) {
    if (graceful && gr.negotiated && gr.families.has(f)) {
      // Keep the family's paths, marked stale (RFC 4724 §4.2).
      const DestId limit = m.dests.id_limit();
      size_t kept = 0;
      for (DestId d = 0; d < limit; ++d) {
        if (!m.dests.alive(d)) continue;
        Destination& dest = m.dests.at(d);
        if (dest.key.family != f) continue;
        for (size_t i = 0; i < dest.count; ++i) {
          Path& path = dest.path(i);
          if (path.peer != id) continue;
          ++kept;
          if (!path.stale()) {
            path.flags |= Path::kStale;
            ++p->stale_paths;
            ++m.total_stale;
          }
        }
      }
      if (kept) p->stale_families.add(f);
    } else {
      m.sweep(id, f, false);
      p->stale_families.remove(f);
    }
  }
}

size_t Rib::sweep_stale(PeerId id, codec::Family family) {
  Impl& m = *impl_;
  PeerState* p = m.peer(id);
  if (!p || !p->stale_families.has(family)) return 0;
  p->stale_families.remove(family);
  return m.sweep(id, family, true);
}

ApplyResult Rib::apply(PeerId id, const codec::UpdateMessage& u) {
  Impl& m = *impl_;
  ApplyResult r;
  PeerState* pp = m.peer(id);
  if (!pp || !pp->up) return r;
  const PeerState& p = *pp;
  const FamilySet families = p.info.families;

  if (auto eor = u.end_of_rib()) {
    if (auto f = codec::family_of(eor->first, eor->second)) {
      r.end_of_rib = *f;
      r.stale_swept = sweep_stale(id, *f);
    }
    return r;
  }

  RouteKey key;
  NlriExtras ex;
  auto withdraw_prefix = [&](const codec::PrefixNlri& n) {
    if (!split_nlri(n.prefix, key) || !families.has(key.family)) {
      ++r.ignored_family;
      return;
    }
    m.withdraw(id, key, n.path_id);
    ++r.withdrawn;
  };
  auto withdraw_evpn = [&](const codec::EvpnNlri& n) {
    if (!families.has(Family::kL2vpnEvpn)) {
      ++r.ignored_family;
      return;
    }
    split_nlri(n.route, key, ex);
    m.withdraw(id, key, n.path_id);
    ++r.withdrawn;
  };

  // Withdrawals first (RFC 7606 §5.3 wants announcements to win over a withdrawal of the same
  // prefix in one UPDATE).
  for (const auto& n : u.withdrawn_routes) withdraw_prefix(n);
  if (const auto* un = u.get<codec::MpUnreachNlri>(codec::kMpUnreachNlri)) {
    if (!un->family()) {
      r.ignored_family += un->opaque_nlri.empty() ? 0 : 1;
    } else {
      for (const auto& n : un->prefixes) withdraw_prefix(n);
      for (const auto& n : un->evpn) withdraw_evpn(n);
    }
  }

  const auto* reach = u.get<codec::MpReachNlri>(codec::kMpReachNlri);
  if (u.nlri.empty() && !reach) return r;
  if (reach && !reach->family()) {
    r.ignored_family += reach->opaque_nlri.empty() ? 0 : 1;
    reach = nullptr;
  }

  if (u.treat_as_withdraw()) {  // RFC 7606 §2
    r.treat_as_withdraw = true;
    for (const auto& n : u.nlri) withdraw_prefix(n);
    if (reach) {
      for (const auto& n : reach->prefixes) withdraw_prefix(n);
      for (const auto& n : reach->evpn) withdraw_evpn(n);
    }
    return r;
  }

  InboundAttributes in(u, p.info);
  // Loop detection: our ASN in AS_PATH (RFC 4271 §9.1.2), our router id as ORIGINATOR_ID or our
  // cluster id in CLUSTER_LIST (RFC 4456 §8). Such routes are not used: an earlier path of the
  // peer to the same destination is withdrawn.
  bool loop = path_contains(in.as_path, m.config.asn) ||
              (p.info.local_asn != m.config.asn && path_contains(in.as_path, p.info.local_asn));
  if (in.originator_id && in.originator_id->id.v4_value() == m.router_id) loop = true;
  if (in.cluster_list && std::find(in.cluster_list->ids.begin(), in.cluster_list->ids.end(),
                                   m.cluster_id) != in.cluster_list->ids.end()) {
    loop = true;
  }

  auto reject_prefix = [&](const codec::PrefixNlri& n) {
    if (!split_nlri(n.prefix, key) || !families.has(key.family)) {
      ++r.ignored_family;
      return;
    }
    m.withdraw(id, key, n.path_id);
    ++r.rejected_loop;
  };

  if (!u.nlri.empty()) {
    if (loop || !families.has(Family::kIpv4Unicast)) {
      for (const auto& n : u.nlri) reject_prefix(n);
    } else {
      const auto* nh = u.get<codec::NextHop>(codec::kNextHop);
      const AttrId a = m.attrs.intern(in.ptrs, nh ? nh->address : codec::IpAddress{});
      for (const auto& n : u.nlri) {
        if (!split_nlri(n.prefix, key) || key.family != Family::kIpv4Unicast) {
          ++r.ignored_family;
          continue;
        }
        m.announce(id, key, NlriExtras{}, n.path_id, a);
        ++r.announced;
      }
      m.attrs.unref(a);
    }
  }

  if (reach) {
    const Family f = *reach->family();
    if (!families.has(f)) {
      r.ignored_family += reach->prefixes.size() + reach->evpn.size();
    } else if (loop) {
      for (const auto& n : reach->prefixes) reject_prefix(n);
      for (const auto& n : reach->evpn) {
        split_nlri(n.route, key, ex);
        m.withdraw(id, key, n.path_id);
        ++r.rejected_loop;
      }
    } else {
      const AttrId a =
          m.attrs.intern(in.ptrs, reach->next_hop_address(), reach->link_local_next_hop());
      for (const auto& n : reach->prefixes) {
        if (!split_nlri(n.prefix, key) || key.family != f) {
          ++r.ignored_family;
          continue;
        }
        m.announce(id, key, NlriExtras{}, n.path_id, a);
        ++r.announced;
      }
      if (f == Family::kL2vpnEvpn) {
        for (const auto& n : reach->evpn) {
          split_nlri(n.route, key, ex);
          m.announce(id, key, ex, n.path_id, a);
          ++r.announced;
        }
      }
      m.attrs.unref(a);
    }
  }
  return r;
}

bool Rib::originate(const Nlri& nlri, const std::vector<codec::PathAttribute>& attributes,
                    const codec::IpAddress& next_hop) {
  Impl& m = *impl_;
  RouteKey key;
  NlriExtras ex;
  if (!split_nlri(nlri, key, ex)) return false;
  std::vector<codec::PathAttribute> attrs;
  attrs.reserve(attributes.size() + 2);
  for (const auto& a : attributes) {
    if (a.type == codec::kMpReachNlri || a.type == codec::kMpUnreachNlri ||
        a.type == codec::kNextHop || a.type == codec::kAs4Path || a.type == codec::kAs4Aggregator) {
      continue;
    }
    attrs.push_back(a);
  }
  auto has = [&](uint8_t t) {
    return std::any_of(attrs.begin(), attrs.end(), [&](const auto& a) { return a.type == t; });
  };
  if (!has(codec::kOrigin)) attrs.push_back(codec::make_attribute(codec::kOrigin, codec::Origin{}));
  if (!has(codec::kAsPath)) {
    attrs.push_back(codec::make_attribute(codec::kAsPath, codec::AsPath{}));
  }
  std::stable_sort(attrs.begin(), attrs.end(),
                   [](const auto& a, const auto& b) { return a.type < b.type; });
  const AttrId a = m.attrs.intern(attrs, next_hop);
  m.announce(kLocalPeer, key, ex, 0, a);
  m.attrs.unref(a);
  return true;
}

bool Rib::withdraw_local(const Nlri& nlri) {
  RouteKey key;
  NlriExtras ex;
  if (!split_nlri(nlri, key, ex)) return false;
  return impl_->withdraw(kLocalPeer, key, 0);
}

size_t Rib::drain_changes(const ChangeVisitor& visit) {
  Impl& m = *impl_;
  size_t n = 0;
  // Swap out first: the visitor may not call back, but keep the queue consistent regardless.
  std::vector<DestId> ids;
  ids.swap(m.feed);
  for (DestId id : ids) {
    Destination& d = m.dests.at(id);
    d.flags &= static_cast<uint8_t>(~Destination::kFeedDirty);
    BestPathChange c;
    c.family = d.key.family;
    if (d.count > 0) {
      c.kind = (d.flags & Destination::kReported) ? ChangeKind::kChanged : ChangeKind::kAdded;
      d.flags |= Destination::kReported;
      c.best = m.view(d, 0);
    } else if (d.flags & Destination::kReported) {
      d.flags &= static_cast<uint8_t>(~Destination::kReported);
      c.kind = ChangeKind::kRemoved;
      c.best.nlri = to_nlri(d.key, NlriExtras{});
    } else {
      m.maybe_free(id);
      continue;  // Added and removed between two drains.
    }
    if (visit) visit(c);
    ++n;
    m.maybe_free(id);
  }
  ids.clear();
  if (m.feed.empty()) m.feed.swap(ids);  // Keep the capacity.
  return n;
}

std::vector<codec::UpdateMessage> Rib::take_updates(PeerId id, size_t max_routes) {
  return impl_->take_updates(id, max_routes);
}

bool Rib::has_pending_updates(PeerId id) const {
  const Impl& m = *impl_;
  if (id >= m.peers.size() || !m.peers[id].up) return false;
  const PeerState& p = m.peers[id];
  return p.dirty_pos < p.dirty.size() || !p.eor_pending.empty();
}

void Rib::route_refresh(PeerId id, codec::Family family) {
  Impl& m = *impl_;
  PeerState* p = m.peer(id);
  if (!p || !p->up || !p->info.families.has(family)) return;
  p->advertised.for_each([&](uint32_t dest, AdvEntry& e) {
    if (m.dests.at(dest).key.family != family) return;
    e.resend = true;
    p->dirty.push_back(dest);
  });
}

std::vector<PathView> Rib::paths(const Nlri& nlri) const {
  const Impl& m = *impl_;
  std::vector<PathView> out;
  RouteKey key;
  NlriExtras ex;
  if (!split_nlri(nlri, key, ex)) return out;
  const DestId id = m.dests.find(key);
  if (id == kNoDest) return out;
  const Destination& d = m.dests.at(id);
  for (size_t i = 0; i < d.count; ++i) out.push_back(m.view(d, i));
  return out;
}

std::optional<PathView> Rib::best(const Nlri& nlri) const {
  const Impl& m = *impl_;
  RouteKey key;
  NlriExtras ex;
  if (!split_nlri(nlri, key, ex)) return std::nullopt;
  const DestId id = m.dests.find(key);
  if (id == kNoDest || m.dests.at(id).count == 0) return std::nullopt;
  return m.view(m.dests.at(id), 0);
}

void Rib::for_each_best(codec::Family family,
                        const std::function<void(const PathView&)>& visit) const {
  const Impl& m = *impl_;
  const DestId limit = m.dests.id_limit();
  for (DestId id = 0; id < limit; ++id) {
    if (!m.dests.alive(id)) continue;
    const Destination& d = m.dests.at(id);
    if (d.count > 0 && d.key.family == family) visit(m.view(d, 0));
  }
}

const AttrSet* Rib::advertised(PeerId id, const Nlri& nlri) const {
  const Impl& m = *impl_;
  if (id >= m.peers.size()) return nullptr;
  RouteKey key;
  NlriExtras ex;
  if (!split_nlri(nlri, key, ex)) return nullptr;
  const DestId d = m.dests.find(key);
  if (d == kNoDest) return nullptr;
  const AdvEntry* e = m.peers[id].advertised.find(d);
  return e ? &m.attrs.get(e->attrs) : nullptr;
}

size_t Rib::advertised_count(PeerId id) const {
  const Impl& m = *impl_;
  return id < m.peers.size() ? m.peers[id].advertised.size() : 0;
}

size_t Rib::advertised_count(PeerId id, codec::Family family) const {
  const Impl& m = *impl_;
  if (id >= m.peers.size()) return 0;
  size_t n = 0;
  m.peers[id].advertised.for_each([&](uint32_t dest, const AdvEntry&) {
    if (m.dests.at(dest).key.family == family) ++n;
  });
  return n;
}

size_t Rib::received_count(PeerId id, codec::Family family) const {
  const Impl& m = *impl_;
  size_t n = 0;
  const DestId limit = m.dests.id_limit();
  for (DestId d = 0; d < limit; ++d) {
    if (!m.dests.alive(d)) continue;
    const Destination& dest = m.dests.at(d);
    if (dest.key.family != family) continue;
    for (size_t i = 0; i < dest.count; ++i) {
      if (dest.path(i).peer == id) ++n;
    }
  }
  return n;
}

size_t Rib::stale_count(PeerId id) const {
  const Impl& m = *impl_;
  return id < m.peers.size() ? m.peers[id].stale_paths : 0;
}

RibStats Rib::stats() const {
  const Impl& m = *impl_;
  RibStats s;
  s.destinations = m.loc_rib_size;
  s.paths = m.total_paths;
  s.stale_paths = m.total_stale;
  s.attribute_sets = m.attrs.size();
  s.nlri_extras = m.extras.size();
  s.pending_changes = m.feed.size();
  s.memory_bytes = m.dests.memory_bytes() + m.attrs.memory_bytes() +
                   m.feed.capacity() * sizeof(DestId) + m.peers.capacity() * sizeof(PeerState);
  for (const auto& p : m.peers) {
    s.advertised += p.advertised.size();
    s.memory_bytes += p.advertised.memory_bytes() + p.dirty.capacity() * sizeof(DestId);
  }
  return s;
}

}  // namespace evpnd::rib
