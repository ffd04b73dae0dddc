#include "daemon/kernel_agent.h"

#include <boost/asio/post.hpp>

#include <algorithm>

#include "daemon/log.h"

namespace evpnd::daemon {
namespace asio = boost::asio;

namespace {

constexpr uint8_t kAfInet = 2;
constexpr uint8_t kAfInet6 = 10;
constexpr uint32_t kUnderlayMetric = 20;  // RTA_PRIORITY of underlay routes.

fib::Mac to_fib(const codec::MacAddress& m) { return fib::Mac{m.bytes}; }
codec::MacAddress to_codec(const fib::Mac& m) { return codec::MacAddress{m.octets}; }

fib::IpAddr to_fib(const codec::IpAddress& a) {
  fib::IpAddr out;
  if (a.family == 4) out.family = kAfInet;
  if (a.family == 6) out.family = kAfInet6;
  out.octets = a.bytes;
  return out;
}

codec::IpAddress to_codec(const fib::IpAddr& a) {
  codec::IpAddress out;
  if (a.family == kAfInet) out.family = 4;
  if (a.family == kAfInet6) out.family = 6;
  out.bytes = a.octets;
  return out;
}

bool is_multicast(const fib::Mac& m) { return m.octets[0] & 1; }

/// Neighbor states that mean the kernel knows the MAC of the IP.
bool neigh_valid(uint16_t state) {
  constexpr uint16_t kNudDelay = 0x08, kNudProbe = 0x10;
  return state & (fib::kNudReachable | fib::kNudStale | kNudDelay | kNudProbe | fib::kNudPermanent |
                  fib::kNudNoArp);
}

}  // namespace

KernelAgent::KernelAgent(asio::io_context& io, rib::Rib& rib,
                         std::unique_ptr<fib::Dataplane> dataplane, evpn::EvpnOptions evpn_options,
                         KernelAgentOptions options)
    : io_(io),
      rib_(rib),
      dataplane_(std::move(dataplane)),
      options_(options),
      sync_timer_(io),
      tick_timer_(io),
      defer_timer_(io) {
  if (dataplane_) fib_ = std::make_unique<fib::Fib>(*dataplane_);
  evpn_ = std::make_unique<evpn::Evpn>(rib_, *this, std::move(evpn_options));
}

KernelAgent::~KernelAgent() {
  if (dataplane_) dataplane_->watch(nullptr);
}

bool KernelAgent::start() {
  size_t stale = 0;
  if (dataplane_) {
    dataplane_->watch(this);
    resync();
    stale = fib_->stats().stale;
    logger("kernel")->info("kernel state loaded links={} vnis={} local-macs={} own-entries-kept={}",
                           links_.size(), vnis_.size(), local_macs_.size(), stale);
  }
  defer_timer_.expires_after(options_.defer_time);
  defer_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stale_swept_) return;
    logger("kernel")->info("graceful-restart deferral ended after {}s",
                           options_.defer_time.count());
    initial_convergence_done();
  });
  schedule_sync();
  return stale > 0;
}

void KernelAgent::resync() {
  std::string error;
  fib::Snapshot snap = dataplane_->dump(&error);
  if (!error.empty()) {
    logger("kernel")->error("kernel dump failed: {}", error);
    return;
  }
  adopt_links(snap);
  fib_->load(snap);
  // Local learning from the dump: what is no longer there is forgotten.
  auto old_macs = std::move(local_macs_);
  auto old_neighs = std::move(local_neighs_);
  local_macs_.clear();
  local_neighs_.clear();
  for (const auto& e : snap.fdb) fdb_changed(e, false);
  for (const auto& n : snap.neighbors) neigh_changed(n, false);
  const auto now = evpn::Clock::now();
  for (const auto& [key, port] : old_macs) {
    if (!local_macs_.count(key)) evpn_->local_mac(key.first, to_codec(key.second), "", false, now);
  }
  for (const auto& [key, mac] : old_neighs) {
    if (!local_neighs_.count(key)) {
      evpn_->local_neigh(key.first, to_codec(key.second), to_codec(mac), false, now);
    }
  }
  schedule_sync();
}

void KernelAgent::adopt_links(const fib::Snapshot& snapshot) {
  links_.clear();
  for (const auto& l : snapshot.links) links_[l.ifindex] = l;
  update_vnis();
}

std::string KernelAgent::link_name(int ifindex) const {
  auto it = links_.find(ifindex);
  return it != links_.end() ? it->second.name : std::to_string(ifindex);
}

void KernelAgent::update_vnis() {
  std::map<uint32_t, VniDevice> found;
  for (const auto& [ifindex, l] : links_) {
    if (l.kind != "vxlan" || l.vni == 0 || l.master == 0) continue;
    auto br = links_.find(l.master);
    if (br == links_.end() || br->second.kind != "bridge") continue;
    found[l.vni] = VniDevice{ifindex, l.master};
  }
  for (auto it = vnis_.begin(); it != vnis_.end();) {
    auto f = found.find(it->first);
    if (f == found.end() || f->second.vxlan != it->second.vxlan ||
        f->second.bridge != it->second.bridge) {
      logger("evpn")->info("vni down vni={}", it->first);
      const uint32_t vni = it->first;
      // First: the EVPN layer removes the VNI's kernel entries through us, by the VNI's devices.
      evpn_->vni_down(vni);
      it = vnis_.erase(it);
      std::erase_if(local_macs_, [vni](const auto& kv) { return kv.first.first == vni; });
      std::erase_if(local_neighs_, [vni](const auto& kv) { return kv.first.first == vni; });
    } else {
      ++it;
    }
  }
  for (const auto& [vni, dev] : found) {
    if (vnis_.count(vni)) continue;
    vnis_[vni] = dev;  // Before vni_up: the EVPN layer installs remote state through us.
    if (!evpn_->vni_up(vni, link_name(dev.vxlan), link_name(dev.bridge))) {
      vnis_.erase(vni);
      continue;
    }
    logger("evpn")->info("vni up vni={} vxlan={} bridge={}", vni, link_name(dev.vxlan),
                         link_name(dev.bridge));
  }
}

std::optional<uint32_t> KernelAgent::vni_of_bridge(int bridge) const {
  for (const auto& [vni, dev] : vnis_) {
    if (dev.bridge == bridge) return vni;
  }
  return std::nullopt;
}

void KernelAgent::link_changed(const fib::Link& link, bool removed) {
  const size_t before = vnis_.size();
  std::set<uint32_t> before_vnis;
  for (const auto& [vni, dev] : vnis_) before_vnis.insert(vni);
  if (removed) {
    links_.erase(link.ifindex);
  } else {
    links_[link.ifindex] = link;
  }
  update_vnis();
  bool added = false;
  for (const auto& [vni, dev] : vnis_) added |= !before_vnis.count(vni);
  // A VNI that appeared may come with MACs already in its bridge: read them.
  if (added || vnis_.size() != before) resync();
}

void KernelAgent::fdb_changed(const fib::FdbEntry& e, bool removed) {
  if (fib::Fib::owned(fib::Entry{e}) || is_multicast(e.mac) || e.mac.is_zero()) {
    // An entry evpnd installed (or moved to the VXLAN port): the MAC is no longer local there.
    if (!removed && !e.mac.is_zero()) {
      auto port = links_.find(e.ifindex);
      const int bridge = e.master ? e.master : port != links_.end() ? port->second.master : 0;
      if (auto vni = vni_of_bridge(bridge)) {
        auto it = local_macs_.find({*vni, e.mac});
        if (it != local_macs_.end() && it->second != e.ifindex) {
          local_macs_.erase(it);
          // No port: the local entry is gone whatever port the EVPN layer remembers for it.
          evpn_->local_mac(*vni, to_codec(e.mac), "", false, evpn::Clock::now());
        }
      }
    }
    return;
  }
  auto port = links_.find(e.ifindex);
  if (port == links_.end()) {
    logger("kernel")->debug("fdb entry on unknown port ifindex={} mac={}", e.ifindex,
                            e.mac.to_string());
    return;
  }
  const int bridge = e.master ? e.master : port->second.master;
  auto vni = vni_of_bridge(bridge);
  if (!vni) return;
  const auto key = std::make_pair(*vni, e.mac);
  if (port->second.kind == "vxlan" || (e.flags & fib::kNtfSelf) || (e.state & fib::kNudPermanent)) {
    // Learned from the VXLAN port (not ours), the device's own address list, or a port's MAC.
    if (!removed && port->second.kind == "vxlan") {
      auto it = local_macs_.find(key);
      if (it != local_macs_.end()) {
        local_macs_.erase(it);
        evpn_->local_mac(*vni, to_codec(e.mac), "", false, evpn::Clock::now());
      }
    }
    return;
  }
  auto it = local_macs_.find(key);
  if (removed) {
    if (it == local_macs_.end() || it->second != e.ifindex) return;
    local_macs_.erase(it);
  } else {
    if (it != local_macs_.end() && it->second == e.ifindex) return;
    local_macs_[key] = e.ifindex;
  }
  logger("kernel")->debug("local mac vni={} mac={} port={} present={}", *vni, e.mac.to_string(),
                          port->second.name, !removed);
  evpn_->local_mac(*vni, to_codec(e.mac), port->second.name, !removed, evpn::Clock::now());
}

void KernelAgent::neigh_changed(const fib::NeighEntry& n, bool removed) {
  if (fib::Fib::owned(fib::Entry{n})) return;
  auto vni = vni_of_bridge(n.ifindex);
  if (!vni) return;
  const auto key = std::make_pair(*vni, n.ip);
  const bool valid = !removed && neigh_valid(n.state) && !n.mac.is_zero();
  auto it = local_neighs_.find(key);
  const auto now = evpn::Clock::now();
  if (!valid) {
    if (it == local_neighs_.end()) return;
    const fib::Mac mac = it->second;
    local_neighs_.erase(it);
    evpn_->local_neigh(*vni, to_codec(n.ip), to_codec(mac), false, now);
    return;
  }
  if (it != local_neighs_.end()) {
    if (it->second == n.mac) return;
    evpn_->local_neigh(*vni, to_codec(n.ip), to_codec(it->second), false, now);
  }
  local_neighs_[key] = n.mac;
  evpn_->local_neigh(*vni, to_codec(n.ip), to_codec(n.mac), true, now);
}

void KernelAgent::on_event(const fib::Event& event) {
  if (const auto* l = std::get_if<fib::Link>(&event.object)) {
    auto known = links_.find(l->ifindex);
    const bool was_up = known != links_.end() && known->second.up;
    link_changed(*l, event.removed);
    // A link that comes back up: the kernel dropped the IPv4 routes through it without telling.
    if (fib_ && !event.removed && l->up && !was_up && fib_->reinstall_routes() > 0) {
      schedule_sync();
    }
    if (rib_changed_) rib_changed_();
    return;
  }
  if (!fib_) return;
  if (std::holds_alternative<fib::Address>(event.object)) {
    // An address that comes back: the routes through its subnet went with it.
    if (!event.removed && fib_->reinstall_routes() > 0) schedule_sync();
    if (rib_changed_) rib_changed_();
    return;
  }
  if (const auto* f = std::get_if<fib::FdbEntry>(&event.object)) {
    fdb_changed(*f, event.removed);
    fib_->on_event(event);
  } else if (const auto* n = std::get_if<fib::NeighEntry>(&event.object)) {
    neigh_changed(*n, event.removed);
    fib_->on_event(event);
  } else if (std::holds_alternative<fib::RouteEntry>(event.object)) {
    fib_->on_event(event);
  }
  schedule_sync();
  schedule_tick(evpn_->tick(evpn::Clock::now()));
  if (rib_changed_) rib_changed_();
}

void KernelAgent::on_events_lost() {
  logger("kernel")->warn("kernel events lost (ENOBUFS): dumping the kernel and resyncing");
  resync();
  if (rib_changed_) rib_changed_();
}

void KernelAgent::set_remote_mac(uint32_t vni, const codec::MacAddress& mac,
                                 const std::optional<evpn::RemoteMac>& where) {
  auto dev = vnis_.find(vni);
  if (!fib_ || dev == vnis_.end()) return;
  fib::FdbEntry self;
  self.ifindex = dev->second.vxlan;
  self.mac = to_fib(mac);
  self.flags = fib::kNtfSelf | fib::kNtfExtLearned;
  self.state = fib::kNudReachable;
  fib::FdbEntry master;
  master.ifindex = dev->second.vxlan;
  master.master = dev->second.bridge;
  master.mac = self.mac;
  master.flags = fib::kNtfMaster | fib::kNtfExtLearned;
  master.state = fib::kNudReachable;
  if (!where) {
    fib_->remove(fib::Entry{self});
    fib_->remove(fib::Entry{master});
  } else {
    self.dst = to_fib(where->vtep);
    // Sticky (RFC 7432 §15.2): a permanent VXLAN entry. The bridge accepts NTF_STICKY together
    // with NTF_EXT_LEARNED but drops it (Linux 6.x), so the bridge entry stays extern_learn and
    // the EVPN layer keeps the MAC from moving.
    if (where->sticky) self.state = fib::kNudPermanent;
    fib_->add(fib::Entry{self});
    fib_->add(fib::Entry{master});
  }
  schedule_sync();
}

void KernelAgent::set_flood_vtep(uint32_t vni, const codec::IpAddress& vtep, bool present) {
  auto dev = vnis_.find(vni);
  if (!fib_ || dev == vnis_.end()) return;
  fib::FdbEntry e;
  e.ifindex = dev->second.vxlan;
  e.dst = to_fib(vtep);
  e.flags = fib::kNtfSelf | fib::kNtfExtLearned;
  e.state = fib::kNudNoArp | fib::kNudPermanent;
  if (present) {
    fib_->add(fib::Entry{e});
  } else {
    fib_->remove(fib::Entry{e});
  }
  schedule_sync();
}

void KernelAgent::set_remote_neigh(uint32_t vni, const codec::IpAddress& ip,
                                   const std::optional<codec::MacAddress>& mac) {
  auto dev = vnis_.find(vni);
  if (!fib_ || dev == vnis_.end()) return;
  fib::NeighEntry n;
  n.ifindex = dev->second.bridge;
  n.ip = to_fib(ip);
  n.flags = fib::kNtfExtLearned;
  n.state = fib::kNudNoArp;
  n.protocol = fib::kProtocolEvpnd;
  if (mac) {
    n.mac = to_fib(*mac);
    fib_->add(fib::Entry{n});
  } else {
    fib_->remove(fib::Entry{n});
  }
  schedule_sync();
}

void KernelAgent::process_rib_changes() {
  std::vector<rib::BestPathChange> changes;
  rib_.drain_changes([&](const rib::BestPathChange& c) {
    // Only what the consumers need: EVPN paths and received unicast ones.
    changes.push_back(c);
  });
  if (changes.empty()) return;
  const auto now = evpn::Clock::now();
  for (const auto& c : changes) {
    if (c.family == codec::Family::kL2vpnEvpn) {
      evpn_->on_best_path_change(c, now);
    } else if (fib_) {
      underlay_route(c.best.nlri, c.kind == rib::ChangeKind::kRemoved);
    }
  }
  schedule_sync();
  schedule_tick(evpn_->tick(now));
}

void KernelAgent::underlay_route(const rib::Nlri& nlri, bool removed) {
  const auto* prefix = std::get_if<codec::IpPrefix>(&nlri);
  if (!prefix) return;
  fib::RouteEntry r;
  r.table = options_.route_table;
  r.dst = to_fib(prefix->address);
  r.prefix_length = prefix->length;
  r.protocol = fib::kProtocolEvpnd;
  // A metric of its own (20, as FRR's zebra gives BGP routes): a REPLACE at metric 0 would
  // overwrite the kernel's connected route to the same prefix (a peering /31 a switch
  // advertises), and withdrawing it would then delete the link's route.
  r.metric = kUnderlayMetric;
  if (!removed) {
    // ECMP: every received path as good as the best up to the tie-breaks of RFC 4271 §9.1.2.2
    // e-g (what FRR calls multipath-relax: paths from different neighbor ASes count), and of
    // the same kind as the best (d: eBGP and iBGP paths are never mixed).
    const auto paths = rib_.paths(nlri);
    if (!paths.empty() && paths.front().peer != rib::kLocalPeer && paths.front().attributes) {
      const rib::AttrSet& best = *paths.front().attributes;
      for (const auto& p : paths) {
        if (p.peer == rib::kLocalPeer || !p.attributes) continue;
        const rib::AttrSet& a = *p.attributes;
        if (a.local_pref != best.local_pref || a.as_path_length != best.as_path_length ||
            a.origin != best.origin || a.med != best.med || a.next_hop.is_none() ||
            p.ebgp != paths.front().ebgp) {
          continue;
        }
        fib::NextHop nh;
        nh.gateway = to_fib(a.next_hop);
        if (std::find(r.next_hops.begin(), r.next_hops.end(), nh) == r.next_hops.end()) {
          r.next_hops.push_back(nh);
        }
      }
      std::sort(r.next_hops.begin(), r.next_hops.end());
    }
  }
  if (r.next_hops.empty()) {
    fib_->remove(fib::Entry{r});
  } else {
    fib_->add(fib::Entry{r});
  }
}

void KernelAgent::initial_convergence_done() {
  defer_timer_.cancel();
  if (stale_swept_) return;
  stale_swept_ = true;
  if (converged_) converged_();
  if (!fib_) return;
  sync();  // Confirm what the peers re-sent before removing the rest.
  const size_t n = fib_->sweep_stale();
  logger("kernel")->info("graceful-restart reconcile done stale-removed={}", n);
}

void KernelAgent::schedule_sync() {
  if (!fib_ || sync_scheduled_) return;
  sync_scheduled_ = true;
  asio::post(io_, [this] {
    sync_scheduled_ = false;
    sync();
  });
}

void KernelAgent::sync() {
  if (!fib_) return;
  const auto now = std::chrono::steady_clock::now();
  const size_t before_errors = fib_->stats().write_errors;
  const size_t written = fib_->sync(now);
  const auto st = fib_->stats();
  if (written) {
    logger("kernel")->debug("fib sync written={} installed={} failed={}", written, st.installed,
                            st.failed);
  }
  if (st.write_errors > before_errors) {
    logger("kernel")->warn("kernel refused {} entries (failed={}); retrying with backoff",
                           st.write_errors - before_errors, st.failed);
  }
  if (fib_->has_work()) {
    schedule_sync();
    return;
  }
  if (auto next = fib_->next_retry()) {
    sync_timer_.expires_at(*next);
    sync_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) sync();
    });
  }
}

void KernelAgent::schedule_tick(std::optional<evpn::Clock::time_point> when) {
  if (!when) return;
  if (tick_timer_.expiry() > evpn::Clock::now() && tick_timer_.expiry() <= *when) return;
  tick_timer_.expires_at(*when);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    schedule_tick(evpn_->tick(evpn::Clock::now()));
    schedule_sync();
    if (rib_changed_) rib_changed_();
  });
}

}  // namespace evpnd::daemon
