// Adj-RIB-Out (RFC 4271 §9.2): which best paths go to which peer and with which attributes.
//
// Export rules, per destination and peer T, for the best path learnt from S:
// - never back to the peer it was learnt from (S == T), for every family: FRR and GoBGP do the
//   same, and an EVPN route echoed to its originator would only be dropped there; if T's own
//   path becomes our best, what we had sent T for it is withdrawn;
// - iBGP split horizon (RFC 4271 §9.2.1): a path from an iBGP peer goes to another iBGP peer
//   only if one of the two is a route-reflector client (RFC 4456 §6); never to an iBGP peer whose
//   router id is the path's ORIGINATOR_ID;
// - attributes: towards eBGP, local ASN prepended, LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST
//   removed, MED kept only on locally originated routes (RFC 4271 §5.1.4); towards iBGP,
//   LOCAL_PREF 100 added when absent, and when reflecting (iBGP to iBGP) ORIGINATOR_ID set if
//   absent and the cluster id prepended to CLUSTER_LIST (RFC 4456 §8); unknown non-transitive
//   attributes dropped, unknown transitive ones marked Partial (RFC 4271 §9.1.4); towards a
//   2-octet-AS peer, AS_TRANS and AS4_PATH/AS4_AGGREGATOR (RFC 6793 §4.2.2);
// - next hop: EVPN unchanged (the originating VTEP, as fabrics expect; local routes carry the
//   VTEP IP the caller gave); IPv4/IPv6 unicast: next-hop-self (the session's local address)
//   towards eBGP, unchanged towards iBGP, self for local routes originated without one (IPv6
//   over an IPv4-only session: the IPv4-mapped address, RFC 4798 §2).
// Only the best path is sent (add-path send is not done: path identifier 1 when negotiated).
#include <algorithm>
#include <map>
#include <unordered_map>

#include "bgpd/rib/rib_impl.h"
#include "bgpd/rib/update_packer.h"

namespace evpnd::rib {
namespace {

using codec::Family;

constexpr uint32_t kAsTrans = 23456;

bool needs_as4(const codec::AsPath& p) {
  for (const auto& s : p.segments) {
    for (uint32_t a : s.asns) {
      if (a > 0xffff) return true;
    }
  }
  return false;
}

void prepend_asn(codec::AsPath& p, uint32_t asn) {
  if (!p.segments.empty() && p.segments[0].type == 2 && p.segments[0].asns.size() < 255) {
    p.segments[0].asns.insert(p.segments[0].asns.begin(), asn);
  } else {
    p.segments.insert(p.segments.begin(), codec::AsPathSegment{2, {asn}});
  }
}

// Per take_updates call: attribute sets built for the peer, by (source set, source peer,
// family). Holds one reference on each.
class ExportCache {
 public:
  explicit ExportCache(AttrTable& t) : table_(t) {}
  ~ExportCache() {
    for (const auto& [k, id] : map_) table_.unref(id);
  }
  AttrId* find(uint64_t key) {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  void put(uint64_t key, AttrId id) { map_.emplace(key, id); }

 private:
  AttrTable& table_;
  std::unordered_map<uint64_t, AttrId> map_;
};

struct Desired {
  AttrId attrs = kNoAttrs;  // kNoAttrs: nothing to send.
  ExtrasId extras = kNoExtras;
};

class Exporter {
 public:
  Exporter(Rib::Impl& m, PeerId target)
      : m_(m), t_(m.peers[target]), target_(target), cache_(m.attrs) {}

  // What T's Adj-RIB-Out should hold for `d`; references taken on what is returned.
  Desired desired(const Destination& d) {
    if (d.count == 0) return {};
    const Path& best = d.first;
    if (best.peer == target_) return {};
    const PeerState& s = m_.peers[best.peer];
    const AttrSet& a = m_.attrs.get(best.attrs);
    if (best.peer != kLocalPeer) {
      if (s.info.ibgp && t_.info.ibgp && !s.info.route_reflector_client &&
          !t_.info.route_reflector_client) {
        return {};
      }
      if (t_.info.ibgp && a.has_originator_id && a.originator_id == t_.router_id) return {};
    }
    const uint64_t key = (uint64_t{best.attrs} << 32) | (uint64_t{best.peer} << 8) |
                         static_cast<uint64_t>(d.key.family);
    AttrId out;
    if (AttrId* hit = cache_.find(key)) {
      out = *hit;
    } else {
      out = build(a, best.peer, s, d.key.family);
      cache_.put(key, out);
    }
    m_.attrs.ref(out);
    m_.extras.ref(best.extras);
    return {out, best.extras};
  }

 private:
  AttrId build(const AttrSet& a, PeerId source, const PeerState& s, Family family) {
    const bool ebgp = !t_.info.ibgp;
    const bool local = source == kLocalPeer;
    const bool reflect = !local && s.info.ibgp && t_.info.ibgp;
    std::vector<codec::PathAttribute> out;
    out.reserve(a.attributes.size() + 3);
    bool has_local_pref = false;
    bool has_as_path = false;
    bool has_originator = false;
    bool has_cluster_list = false;
    for (const auto& attr : a.attributes) {
      switch (attr.type) {
        case codec::kLocalPref:
          if (ebgp) continue;
          has_local_pref = true;
          break;
        case codec::kMultiExitDisc:
          if (ebgp && !local) continue;
          break;
        case codec::kOriginatorId:
          if (ebgp) continue;
          has_originator = true;
          break;
        case codec::kClusterList:
          if (ebgp) continue;
          has_cluster_list = true;
          if (reflect) {
            auto copy = attr;
            auto& ids = std::get<codec::ClusterList>(copy.value).ids;
            ids.insert(ids.begin(), m_.cluster_id);
            out.push_back(std::move(copy));
            continue;
          }
          break;
        case codec::kAsPath:
          has_as_path = true;
          if (ebgp) {
            auto copy = attr;
            if (auto* p = std::get_if<codec::AsPath>(&copy.value))
              prepend_asn(*p, t_.info.local_asn);
            out.push_back(std::move(copy));
            continue;
          }
          break;
        default:
          if (std::holds_alternative<codec::UnknownAttribute>(attr.value) && !local) {
            if (!(attr.flags & codec::kFlagTransitive)) continue;
            auto copy = attr;
            copy.flags |= codec::kFlagPartial;
            out.push_back(std::move(copy));
            continue;
          }
          break;
      }
      out.push_back(attr);
    }
    if (!has_as_path) {
      codec::AsPath p;
      if (ebgp) prepend_asn(p, t_.info.local_asn);
      out.push_back(codec::make_attribute(codec::kAsPath, std::move(p)));
    }
    if (!ebgp && !has_local_pref) {
      out.push_back(codec::make_attribute(codec::kLocalPref, codec::LocalPref{kDefaultLocalPref}));
    }
    if (reflect && !has_originator) {
      out.push_back(
          codec::make_attribute(codec::kOriginatorId, codec::OriginatorId{s.info.router_id}));
    }
    if (reflect && !has_cluster_list) {
      out.push_back(
          codec::make_attribute(codec::kClusterList, codec::ClusterList{{m_.cluster_id}}));
    }
    if (!t_.info.context.four_octet_as) to_two_octet(out);
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& x, const auto& y) { return x.type < y.type; });

    codec::IpAddress nh = a.next_hop;
    codec::IpAddress ll = a.link_local_next_hop;
    if (family != Family::kL2vpnEvpn && (ebgp || nh.is_none())) {
      nh = family == Family::kIpv6Unicast && !t_.info.local_ipv6_address.is_none()
               ? t_.info.local_ipv6_address
               : t_.info.local_address;
      ll = codec::IpAddress{};
      if (family == Family::kIpv6Unicast && nh.family == 4) {  // RFC 4798 §2: IPv4-mapped.
        codec::IpAddress mapped;
        mapped.family = 6;
        mapped.bytes[10] = mapped.bytes[11] = 0xff;
        std::copy_n(nh.bytes.begin(), 4, mapped.bytes.begin() + 12);
        nh = mapped;
      }
    }
    return m_.attrs.intern(out, nh, ll);
  }

  // RFC 6793 §4.2.2: a 2-octet speaker gets AS_TRANS in AS_PATH/AGGREGATOR and the real values in
  // AS4_PATH/AS4_AGGREGATOR.
  static void to_two_octet(std::vector<codec::PathAttribute>& attrs) {
    std::vector<codec::PathAttribute> extra;
    for (auto& a : attrs) {
      if (auto* p = std::get_if<codec::AsPath>(&a.value); p && a.type == codec::kAsPath) {
        if (!needs_as4(*p)) continue;
        codec::AsPath as4;
        for (const auto& seg : p->segments) {
          if (seg.type == 1 || seg.type == 2) as4.segments.push_back(seg);
        }
        for (auto& seg : p->segments) {
          for (auto& asn : seg.asns) {
            if (asn > 0xffff) asn = kAsTrans;
          }
        }
        extra.push_back(codec::make_attribute(codec::kAs4Path, std::move(as4)));
      } else if (auto* g = std::get_if<codec::Aggregator>(&a.value);
                 g && a.type == codec::kAggregator && g->asn > 0xffff) {
        extra.push_back(codec::make_attribute(codec::kAs4Aggregator, *g));
        g->asn = kAsTrans;
      }
    }
    attrs.insert(attrs.end(), extra.begin(), extra.end());
  }

  Rib::Impl& m_;
  PeerState& t_;
  PeerId target_;
  ExportCache cache_;
};

struct Announced {
  DestId dest;
  ExtrasId extras;
};

}  // namespace

void Rib::Impl::drop_adj_rib_out(PeerState& p) {
  std::vector<DestId> freed;
  p.advertised.for_each([&](uint32_t id, AdvEntry& e) {
    attrs.unref(e.attrs);
    extras.unref(e.extras);
    Destination& d = dests.at(id);
    if (--d.out_refs == 0) freed.push_back(id);
  });
  p.advertised.clear();
  for (DestId id : freed) maybe_free(id);
  p.dirty.clear();
  p.dirty.shrink_to_fit();
  p.dirty_pos = 0;
  p.eor_pending = FamilySet{};
}

std::vector<codec::UpdateMessage> Rib::Impl::take_updates(PeerId id, size_t max_routes) {
  std::vector<codec::UpdateMessage> out;
  if (id == kLocalPeer || id >= peers.size() || !peers[id].up) return out;
  PeerState& t = peers[id];
  Exporter exporter(*this, id);
  // Announcements by (family, attribute set as sent), withdrawals by family.
  std::map<uint64_t, std::vector<Announced>> announce;
  std::vector<Announced> withdraw[static_cast<size_t>(Family::kCount)];
  std::vector<DestId> unreferenced;

  size_t examined = 0;
  while (t.dirty_pos < t.dirty.size() && examined < max_routes) {
    const DestId did = t.dirty[t.dirty_pos++];
    ++examined;
    if (!dests.alive(did)) continue;
    Destination& d = dests.at(did);
    if (!t.info.families.has(d.key.family)) continue;
    const Desired want = exporter.desired(d);
    AdvEntry* cur = t.advertised.find(did);
    if (want.attrs == kNoAttrs) {
      if (!cur) continue;
      // The withdrawal carries the non-key fields as announced; its reference is released
      // once the message is built.
      withdraw[static_cast<size_t>(d.key.family)].push_back({did, cur->extras});
      attrs.unref(cur->attrs);
      t.advertised.erase(did);
      if (--d.out_refs == 0) unreferenced.push_back(did);
      continue;
    }
    if (cur && cur->attrs == want.attrs && cur->extras == want.extras && !cur->resend) {
      attrs.unref(want.attrs);
      extras.unref(want.extras);
      continue;
    }
    if (!cur) {
      bool inserted = false;
      cur = &t.advertised.insert(did, inserted);
      ++d.out_refs;
    } else {
      attrs.unref(cur->attrs);
      extras.unref(cur->extras);
    }
    *cur = AdvEntry{want.attrs, want.extras, false};
    const uint64_t group = (static_cast<uint64_t>(d.key.family) << 32) | want.attrs;
    announce[group].push_back({did, want.extras});
  }
  if (t.dirty_pos == t.dirty.size()) {
    t.dirty.clear();
    t.dirty_pos = 0;
  }

  UpdatePacker packer(t.info.context, out);
  auto path_id = [&](Family f) -> uint32_t { return t.info.context.add_path_for(f) ? 1 : 0; };
  for (size_t f = 0; f < static_cast<size_t>(Family::kCount); ++f) {
    auto& list = withdraw[f];
    if (list.empty()) continue;
    const auto fam = static_cast<Family>(f);
    if (fam == Family::kL2vpnEvpn) {
      std::vector<codec::EvpnNlri> routes;
      routes.reserve(list.size());
      for (const auto& w : list) {
        routes.push_back({path_id(fam), to_evpn_route(dests.at(w.dest).key, extras.get(w.extras))});
      }
      packer.withdraw(std::move(routes));
    } else {
      std::vector<codec::PrefixNlri> prefixes;
      prefixes.reserve(list.size());
      for (const auto& w : list)
        prefixes.push_back({path_id(fam), to_prefix(dests.at(w.dest).key)});
      packer.withdraw(fam, std::move(prefixes));
    }
    for (const auto& w : list) extras.unref(w.extras);
  }
  for (auto& [group, list] : announce) {
    const auto fam = static_cast<Family>(group >> 32);
    const AttrSet& a = attrs.get(static_cast<AttrId>(group & 0xffffffffu));
    if (fam == Family::kL2vpnEvpn) {
      std::vector<codec::EvpnNlri> routes;
      routes.reserve(list.size());
      for (const auto& n : list) {
        routes.push_back({path_id(fam), to_evpn_route(dests.at(n.dest).key, extras.get(n.extras))});
      }
      packer.announce(a, std::move(routes));
    } else {
      std::vector<codec::PrefixNlri> prefixes;
      prefixes.reserve(list.size());
      for (const auto& n : list)
        prefixes.push_back({path_id(fam), to_prefix(dests.at(n.dest).key)});
      packer.announce(fam, a, std::move(prefixes));
    }
  }
  if (t.dirty.empty() && !t.eor_pending.empty()) {
    for (Family f : {Family::kIpv4Unicast, Family::kIpv6Unicast, Family::kL2vpnEvpn}) {
      if (t.eor_pending.has(f)) packer.end_of_rib(f);
    }
    t.eor_pending = FamilySet{};
  }
  for (DestId did : unreferenced) maybe_free(did);
  return out;
}

}  // namespace evpnd::rib
