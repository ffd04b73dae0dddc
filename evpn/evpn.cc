#include "evpn/evpn.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <variant>

#include "bgpd/codec/path_attribute.h"
#include "bgpd/rib/route_key.h"
#include "evpn/import_index.h"
#include "evpn/mac_mobility.h"
#include "evpn/origination.h"

namespace evpnd::evpn {
namespace {

using codec::IpAddress;
using codec::MacAddress;

struct MacHash {
  size_t operator()(const MacAddress& m) const {
    uint64_t v = 0;
    for (uint8_t b : m.bytes) v = (v << 8) | b;
    return std::hash<uint64_t>{}(v);
  }
};

struct KeyHash {
  size_t operator()(const rib::RouteKey& k) const { return static_cast<size_t>(k.hash()); }
};

/// Unicast MACs only: the all-zero MAC is the flood-list entry, group MACs are never learned.
bool usable_mac(const MacAddress& m) { return (m.bytes[0] & 1) == 0 && m != MacAddress{}; }

bool contains(const std::vector<uint32_t>& sorted, uint32_t v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

/// One remote advertisement of a MAC in one VNI: the best path of one Loc-RIB destination.
struct RemoteCandidate {
  rib::RouteKey key;
  IpAddress vtep;
  uint32_t sequence = 0;
  bool sticky = false;
  IpAddress ip;  ///< MAC+IP routes; none for MAC-only ones.

  MacCandidate candidate() const { return {vtep, sequence, sticky, false}; }
};

/// Where a MAC lives, for counting moves.
struct Location {
  enum Where : uint8_t { kNone, kLocal, kRemote };
  Where where = kNone;
  IpAddress vtep;  ///< kRemote.
  bool operator==(const Location&) const = default;
};

/// Everything known about one MAC of one VNI: the inputs (local entry, local neighbors, remote
/// candidates), what has been applied (our routes, the kernel entry), duplicate detection.
struct MacState {
  bool local = false;
  std::string port;
  std::set<IpAddress> local_ips;  ///< Local neighbors resolving to this MAC.
  std::vector<RemoteCandidate> remote;
  bool seen_remote = false;
  uint32_t highest_sequence = 0;  ///< Highest remote sequence ever seen (while remembered).
  uint32_t local_sequence = 0;    ///< Sequence of our advertisement.

  bool advertised = false;  ///< Our MAC route (and MAC+IP routes for advertised_ips) is in the Rib.
  uint32_t advertised_sequence = 0;
  std::set<IpAddress> advertised_ips;
  std::optional<RemoteMac> installed;  ///< What the sink holds for the MAC.
  std::set<IpAddress> neigh_ips;       ///< Remote neighbors the sink holds with this MAC.

  Location last;
  MoveCounter counter;
  bool frozen = false;
  std::optional<Clock::time_point> deadline;  ///< Frozen: recovery; idle: forgetting.

  const RemoteCandidate* best_remote() const {
    const RemoteCandidate* best = nullptr;
    for (const auto& c : remote) {
      if (best == nullptr || preferred(c.candidate(), best->candidate())) best = &c;
    }
    return best;
  }
};

/// One active L2VNI.
struct Instance {
  uint32_t vni = 0;
  std::string vxlan_device, bridge;
  codec::RouteDistinguisher rd;
  std::vector<codec::RouteTarget> import_rts, export_rts;
  bool import_auto = false;
  std::unordered_map<MacAddress, MacState, MacHash> macs;
  std::map<IpAddress, MacAddress> local_neighs;
  std::map<IpAddress, std::set<MacAddress>> remote_ips;  ///< IP -> MACs with a MAC+IP candidate.
  std::map<IpAddress, MacAddress> installed_neighs;
  std::map<IpAddress, uint32_t> flood;  ///< Remote VTEP -> type-3 routes naming it.
};

/// A received route as imported: what it says and which VNIs took it.
struct Imported {
  uint8_t type = 0;  ///< 2 or 3.
  MacAddress mac;
  IpAddress ip;
  IpAddress vtep;
  uint32_t sequence = 0;
  bool sticky = false;
  std::vector<uint32_t> vnis;  ///< Ascending.

  bool same_route(const Imported& o) const {
    return type == o.type && mac == o.mac && ip == o.ip && vtep == o.vtep &&
           sequence == o.sequence && sticky == o.sticky;
  }
};

enum class Reason : uint8_t { kUpdate, kLearn, kRecover };

using TimerKey = std::tuple<Clock::time_point, uint32_t, MacAddress>;
using Touched = std::set<std::pair<uint32_t, MacAddress>>;

}  // namespace

struct Evpn::Impl {
  rib::Rib& rib;
  KernelSink& sink;
  EvpnOptions options;
  std::map<uint32_t, Instance> instances;
  ImportIndex index;
  std::unordered_map<rib::RouteKey, Imported, KeyHash> imported;
  std::set<TimerKey> timers;
  Clock::time_point last_now{};

  Impl(rib::Rib& r, KernelSink& s, EvpnOptions o) : rib(r), sink(s), options(std::move(o)) {}

  Instance* active(uint32_t vni) {
    auto it = instances.find(vni);
    return it == instances.end() ? nullptr : &it->second;
  }

  const VniSettings* settings(uint32_t vni) const {
    for (const auto& s : options.vnis) {
      if (s.vni == vni) return &s;
    }
    return nullptr;
  }

  // --- Our routes --------------------------------------------------------------------------

  bool can_originate() const { return !options.vtep.is_none(); }

  void originate(const LocalRoute& r) {
    if (can_originate()) rib.originate(r.nlri, r.attributes, r.next_hop);
  }
  void withdraw(const LocalRoute& r) {
    if (can_originate()) rib.withdraw_local(r.nlri);
  }
  LocalRoute mac_route(const Instance& inst, const MacAddress& mac, const IpAddress& ip,
                       uint32_t sequence) const {
    return mac_ip_route(inst.rd, inst.export_rts, inst.vni, mac, ip, false, sequence, options.vtep);
  }
  LocalRoute imet_route(const Instance& inst) const {
    return inclusive_multicast_route(inst.rd, inst.export_rts, inst.vni, options.vtep);
  }

  void advertise(const Instance& inst, const MacAddress& mac, MacState& st, uint32_t sequence) {
    const bool renew = !st.advertised || st.advertised_sequence != sequence;
    if (renew) originate(mac_route(inst, mac, {}, sequence));
    for (const auto& ip : st.local_ips) {
      if (renew || !st.advertised_ips.contains(ip)) originate(mac_route(inst, mac, ip, sequence));
    }
    for (const auto& ip : st.advertised_ips) {
      if (!st.local_ips.contains(ip)) withdraw(mac_route(inst, mac, ip, 0));
    }
    st.advertised = true;
    st.advertised_sequence = sequence;
    st.advertised_ips = st.local_ips;
  }

  void withdraw_all(const Instance& inst, const MacAddress& mac, MacState& st) {
    if (!st.advertised) return;
    withdraw(mac_route(inst, mac, {}, 0));
    for (const auto& ip : st.advertised_ips) withdraw(mac_route(inst, mac, ip, 0));
    st.advertised = false;
    st.advertised_sequence = 0;
    st.advertised_ips.clear();
  }

  // --- Timers ------------------------------------------------------------------------------

  void schedule(uint32_t vni, const MacAddress& mac, MacState& st,
                std::optional<Clock::time_point> when) {
    if (st.deadline) timers.erase({*st.deadline, vni, mac});
    st.deadline = when;
    if (when) timers.insert({*when, vni, mac});
  }

  // --- Per-MAC decision --------------------------------------------------------------------

  /// Re-decides one MAC from its inputs and applies the difference (routes, kernel). Appends
  /// the IPs whose remote neighbor may have to change to `ips`.
  void reconcile_mac(Instance& inst, const MacAddress& mac, Clock::time_point now, Reason reason,
                     std::vector<IpAddress>& ips) {
    auto it = inst.macs.find(mac);
    if (it == inst.macs.end()) return;
    MacState& st = it->second;
    ips.insert(ips.end(), st.neigh_ips.begin(), st.neigh_ips.end());
    ips.insert(ips.end(), st.local_ips.begin(), st.local_ips.end());
    for (const auto& c : st.remote) {
      if (!c.ip.is_none()) ips.push_back(c.ip);
    }
    if (st.frozen) return;  // Duplicate: the applied state stays as it was.

    // RFC 7432 §15: a MAC learned locally that another PE advertised is advertised with the
    // highest sequence seen + 1, which moves it here on every PE.
    uint32_t sequence = st.local_sequence;
    if (reason == Reason::kLearn && st.local && !st.advertised && st.seen_remote) {
      sequence = std::max(sequence, next_sequence(st.highest_sequence));
    }
    const RemoteCandidate* best = st.best_remote();
    const bool local_wins =
        st.local &&
        (best == nullptr || !preferred(best->candidate(), {options.vtep, sequence, false, true}));

    Location next;
    if (local_wins) {
      next.where = Location::kLocal;
    } else if (best != nullptr) {
      next = {Location::kRemote, best->vtep};
    }
    if (options.dup_detection && reason != Reason::kRecover && next.where != Location::kNone &&
        st.last.where != Location::kNone && next != st.last &&
        st.counter.record(now, options.dup_window) > options.dup_max_moves) {
      st.frozen = true;
      schedule(
          inst.vni, mac, st,
          options.dup_freeze.count() > 0 ? std::optional(now + options.dup_freeze) : std::nullopt);
      return;
    }
    if (next.where != Location::kNone) st.last = next;

    if (local_wins) {
      // Taking the MAC back without a learn (the remote route went): still above what was seen.
      if (!st.advertised && st.seen_remote) {
        sequence = std::max(sequence, next_sequence(st.highest_sequence));
      }
      st.local_sequence = sequence;
      advertise(inst, mac, st, sequence);
    } else {
      withdraw_all(inst, mac, st);
    }
    std::optional<RemoteMac> want;
    if (!local_wins && best != nullptr) want = RemoteMac{best->vtep, best->sequence, best->sticky};
    if (want != st.installed) {
      sink.set_remote_mac(inst.vni, mac, want);
      st.installed = want;
    }
  }

  bool shows_local(const MacState& st) const {
    return st.advertised || (st.local && !st.installed);
  }

  /// Re-decides the remote neighbor of one IP: a MAC+IP route of a MAC whose kernel entry points
  /// at that route's VTEP (highest sequence, then lowest MAC), unless the IP is a local neighbor
  /// of a MAC that is local here.
  void reconcile_ip(Instance& inst, const IpAddress& ip) {
    auto cur = inst.installed_neighs.find(ip);
    std::optional<MacAddress> have;
    if (cur != inst.installed_neighs.end()) {
      have = cur->second;
      auto m = inst.macs.find(cur->second);
      if (m != inst.macs.end() && m->second.frozen) return;
    }
    bool local_owned = false;
    if (auto l = inst.local_neighs.find(ip); l != inst.local_neighs.end()) {
      auto m = inst.macs.find(l->second);
      local_owned = m != inst.macs.end() && shows_local(m->second);
    }
    std::optional<MacAddress> want;
    uint32_t want_sequence = 0;
    auto r = inst.remote_ips.find(ip);
    if (!local_owned && r != inst.remote_ips.end()) {
      for (const auto& mac : r->second) {
        auto m = inst.macs.find(mac);
        if (m == inst.macs.end() || m->second.frozen || !m->second.installed) continue;
        for (const auto& c : m->second.remote) {
          if (c.ip == ip && c.vtep == m->second.installed->vtep &&
              (!want || c.sequence > want_sequence)) {
            want = mac;
            want_sequence = c.sequence;
          }
        }
      }
    }
    if (want == have) return;
    if (have) {
      auto m = inst.macs.find(*have);
      if (m != inst.macs.end()) m->second.neigh_ips.erase(ip);
    }
    sink.set_remote_neigh(inst.vni, ip, want);
    if (want) {
      inst.installed_neighs[ip] = *want;
      inst.macs[*want].neigh_ips.insert(ip);
    } else {
      inst.installed_neighs.erase(ip);
    }
  }

  /// Drops a MAC nothing refers to any more, or keeps it for mac_hold when it has a sequence
  /// or moves worth remembering. `expired`: its hold time is over.
  void maybe_forget(Instance& inst, const MacAddress& mac, Clock::time_point now, bool expired) {
    auto it = inst.macs.find(mac);
    if (it == inst.macs.end()) return;
    MacState& st = it->second;
    const bool idle = !st.local && st.remote.empty() && st.local_ips.empty() && !st.frozen &&
                      !st.advertised && !st.installed && st.neigh_ips.empty();
    if (!idle) {
      if (st.deadline && !st.frozen) schedule(inst.vni, mac, st, std::nullopt);
      return;
    }
    // A MAC once advertised by another PE is remembered too: learned here within mac_hold (a VM
    // that left its old host before showing up here, so that the old route is already
    // withdrawn), it is still a move and gets that sequence + 1 (RFC 7432 §15.1).
    const bool remember = st.seen_remote || st.highest_sequence > 0 || st.local_sequence > 0 ||
                          st.counter.moves() > 0;
    if (expired || !remember) {
      schedule(inst.vni, mac, st, std::nullopt);
      inst.macs.erase(it);
    } else if (!st.deadline) {
      schedule(inst.vni, mac, st, now + options.mac_hold);
    }
  }

  void settle(Instance& inst, const MacAddress& mac, Clock::time_point now, Reason reason) {
    std::vector<IpAddress> ips;
    reconcile_mac(inst, mac, now, reason, ips);
    std::sort(ips.begin(), ips.end());
    ips.erase(std::unique(ips.begin(), ips.end()), ips.end());
    for (const auto& ip : ips) reconcile_ip(inst, ip);
    maybe_forget(inst, mac, now, false);
  }

  void unfreeze(Instance& inst, const MacAddress& mac, MacState& st, Clock::time_point now) {
    st.frozen = false;
    st.counter.reset();
    schedule(inst.vni, mac, st, std::nullopt);
    settle(inst, mac, now, Reason::kRecover);
  }

  // --- Import ------------------------------------------------------------------------------

  /// What a received best path means for us; nullopt if it imports nowhere.
  std::optional<Imported> parse(const codec::EvpnRoute& route, const rib::AttrSet& attrs) const {
    Imported r;
    if (const auto* m = std::get_if<codec::MacIpAdvertisementRoute>(&route)) {
      if (!usable_mac(m->mac)) return std::nullopt;
      r.type = 2;
      r.mac = m->mac;
      r.ip = m->ip;
      r.vtep = attrs.next_hop;
      r.sequence = attrs.mac_mobility_sequence;
      r.sticky = attrs.sticky_mac;
    } else if (const auto* t = std::get_if<codec::InclusiveMulticastRoute>(&route)) {
      r.type = 3;
      if (const auto* pmsi = attrs.get<codec::PmsiTunnel>(codec::kPmsiTunnel)) {
        if (pmsi->tunnel_type != codec::PmsiTunnel::kIngressReplication) return std::nullopt;
        r.vtep = pmsi->tunnel_endpoint();
      }
      if (r.vtep.is_none()) r.vtep = t->originating_router;
    } else {
      return std::nullopt;  // Types 1, 4, 5 and unknown ones: not for L2VNIs.
    }
    if (r.vtep.is_none() || r.vtep == options.vtep) return std::nullopt;
    const auto* ec = attrs.get<codec::ExtendedCommunities>(codec::kExtendedCommunities);
    if (ec == nullptr) return std::nullopt;
    index.match(*ec, r.vnis);
    if (r.vnis.empty()) return std::nullopt;
    return r;
  }

  void add_to(Instance& inst, const rib::RouteKey& key, const Imported& r, Touched& touched) {
    if (r.type == 3) {
      if (++inst.flood[r.vtep] == 1) sink.set_flood_vtep(inst.vni, r.vtep, true);
      return;
    }
    MacState& st = inst.macs[r.mac];
    st.remote.push_back({key, r.vtep, r.sequence, r.sticky, r.ip});
    st.seen_remote = true;
    st.highest_sequence = std::max(st.highest_sequence, r.sequence);
    if (!r.ip.is_none()) inst.remote_ips[r.ip].insert(r.mac);
    touched.insert({inst.vni, r.mac});
  }

  void remove_from(Instance& inst, const rib::RouteKey& key, const Imported& r, Touched& touched) {
    if (r.type == 3) {
      auto f = inst.flood.find(r.vtep);
      if (f == inst.flood.end()) return;
      if (--f->second == 0) {
        inst.flood.erase(f);
        sink.set_flood_vtep(inst.vni, r.vtep, false);
      }
      return;
    }
    auto m = inst.macs.find(r.mac);
    if (m == inst.macs.end()) return;
    auto& remote = m->second.remote;
    std::erase_if(remote, [&](const RemoteCandidate& c) { return c.key == key; });
    if (!r.ip.is_none() &&
        std::none_of(remote.begin(), remote.end(), [&](const auto& c) { return c.ip == r.ip; })) {
      auto i = inst.remote_ips.find(r.ip);
      if (i != inst.remote_ips.end()) {
        i->second.erase(r.mac);
        if (i->second.empty()) inst.remote_ips.erase(i);
      }
    }
    touched.insert({inst.vni, r.mac});
  }

  /// Replaces what destination `key` contributes (nothing when `next` is nullopt).
  void set_record(const rib::RouteKey& key, std::optional<Imported> next, Clock::time_point now) {
    auto it = imported.find(key);
    const Imported* old = it == imported.end() ? nullptr : &it->second;
    Touched touched;
    if (next) {
      for (uint32_t vni : next->vnis) {
        Instance* inst = active(vni);
        if (inst == nullptr) continue;
        const bool had = old != nullptr && contains(old->vnis, vni);
        if (had && old->same_route(*next)) continue;
        // Type 2: the candidate is replaced in place; type 3: count up before counting down so
        // that an unchanged VTEP never leaves the flood list.
        if (had && old->type == 2) remove_from(*inst, key, *old, touched);
        add_to(*inst, key, *next, touched);
        if (had && old->type == 3) remove_from(*inst, key, *old, touched);
      }
    }
    if (old != nullptr) {
      for (uint32_t vni : old->vnis) {
        if (next && contains(next->vnis, vni)) continue;
        if (Instance* inst = active(vni)) remove_from(*inst, key, *old, touched);
      }
    }
    if (next) {
      imported.insert_or_assign(key, std::move(*next));
    } else if (it != imported.end()) {
      imported.erase(it);
    }
    for (const auto& [vni, mac] : touched) {
      if (Instance* inst = active(vni)) settle(*inst, mac, now, Reason::kUpdate);
    }
  }
};

Evpn::Evpn(rib::Rib& rib, KernelSink& sink, EvpnOptions options)
    : impl_(std::make_unique<Impl>(rib, sink, std::move(options))) {}

Evpn::~Evpn() = default;

bool Evpn::vni_up(uint32_t vni, const std::string& vxlan_device, const std::string& bridge) {
  Impl& m = *impl_;
  if (Instance* inst = m.active(vni)) {
    inst->vxlan_device = vxlan_device;
    inst->bridge = bridge;
    return true;
  }
  const VniSettings* configured = m.settings(vni);
  if (configured == nullptr && !m.options.advertise_all_vni) return false;
  VniSettings defaults;
  defaults.vni = vni;
  const VniSettings& cfg = configured != nullptr ? *configured : defaults;

  Instance inst;
  inst.vni = vni;
  inst.vxlan_device = vxlan_device;
  inst.bridge = bridge;
  inst.rd =
      resolve_rd(cfg.rd, m.options.router_id, vni).value_or(auto_rd(m.options.router_id, vni));
  inst.export_rts = resolve_route_targets(cfg.exports, m.options.asn, vni);
  if (inst.export_rts.empty()) inst.export_rts.push_back(auto_route_target(m.options.asn, vni));
  for (const auto& text : cfg.imports) {
    if (text == "auto") {
      inst.import_auto = true;
    } else if (auto rt = codec::RouteTarget::parse(text)) {
      inst.import_rts.push_back(*rt);
    }
  }
  if (inst.import_rts.empty()) inst.import_auto = true;
  m.index.add(vni, inst.import_rts, inst.import_auto);
  Instance& added = m.instances.emplace(vni, std::move(inst)).first->second;
  m.originate(m.imet_route(added));

  // Remote routes already in the Loc-RIB.
  std::vector<std::pair<rib::RouteKey, Imported>> found;
  m.rib.for_each_best(codec::Family::kL2vpnEvpn, [&](const rib::PathView& p) {
    if (p.peer == rib::kLocalPeer || p.attributes == nullptr) return;
    const auto* route = std::get_if<codec::EvpnRoute>(&p.nlri);
    if (route == nullptr) return;
    auto r = m.parse(*route, *p.attributes);
    if (!r || !contains(r->vnis, vni)) return;
    rib::RouteKey key;
    rib::NlriExtras extras;
    if (!rib::split_nlri(p.nlri, key, extras)) return;
    found.emplace_back(key, std::move(*r));
  });
  for (auto& [key, r] : found) m.set_record(key, std::move(r), m.last_now);
  return true;
}

void Evpn::vni_down(uint32_t vni) {
  Impl& m = *impl_;
  auto it = m.instances.find(vni);
  if (it == m.instances.end()) return;
  Instance& inst = it->second;
  m.withdraw(m.imet_route(inst));
  for (const auto& [ip, mac] : inst.installed_neighs)
    m.sink.set_remote_neigh(vni, ip, std::nullopt);
  for (auto& [mac, st] : inst.macs) {
    m.withdraw_all(inst, mac, st);
    if (st.installed) m.sink.set_remote_mac(vni, mac, std::nullopt);
    if (st.deadline) m.timers.erase({*st.deadline, vni, mac});
  }
  for (const auto& [vtep, count] : inst.flood) m.sink.set_flood_vtep(vni, vtep, false);
  m.index.remove(vni);
  for (auto r = m.imported.begin(); r != m.imported.end();) {
    auto& vnis = r->second.vnis;
    vnis.erase(std::remove(vnis.begin(), vnis.end(), vni), vnis.end());
    r = vnis.empty() ? m.imported.erase(r) : std::next(r);
  }
  m.instances.erase(it);
}

void Evpn::local_mac(uint32_t vni, const codec::MacAddress& mac, const std::string& port,
                     bool present, Clock::time_point now) {
  Impl& m = *impl_;
  m.last_now = now;
  Instance* inst = m.active(vni);
  if (inst == nullptr || !usable_mac(mac)) return;
  if (present) {
    MacState& st = inst->macs[mac];
    st.local = true;
    st.port = port;
    m.settle(*inst, mac, now, Reason::kLearn);
    return;
  }
  auto it = inst->macs.find(mac);
  if (it == inst->macs.end() || !it->second.local) return;
  if (!port.empty() && !it->second.port.empty() && port != it->second.port) return;
  it->second.local = false;
  it->second.port.clear();
  m.settle(*inst, mac, now, Reason::kUpdate);
}

void Evpn::local_neigh(uint32_t vni, const codec::IpAddress& ip, const codec::MacAddress& mac,
                       bool present, Clock::time_point now) {
  Impl& m = *impl_;
  m.last_now = now;
  Instance* inst = m.active(vni);
  if (inst == nullptr || ip.is_none() || !usable_mac(mac)) return;
  auto cur = inst->local_neighs.find(ip);
  std::optional<MacAddress> old;
  if (cur != inst->local_neighs.end()) old = cur->second;
  if (present) {
    if (old == mac) return;
    inst->local_neighs[ip] = mac;
    inst->macs[mac].local_ips.insert(ip);
  } else {
    if (old != mac) return;
    inst->local_neighs.erase(ip);
  }
  if (old) {
    if (auto o = inst->macs.find(*old); o != inst->macs.end()) o->second.local_ips.erase(ip);
    m.settle(*inst, *old, now, Reason::kUpdate);
  }
  if (present) m.settle(*inst, mac, now, Reason::kUpdate);
  m.reconcile_ip(*inst, ip);
}

void Evpn::on_best_path_change(const rib::BestPathChange& change, Clock::time_point now) {
  Impl& m = *impl_;
  m.last_now = now;
  if (change.family != codec::Family::kL2vpnEvpn) return;
  const auto* route = std::get_if<codec::EvpnRoute>(&change.best.nlri);
  if (route == nullptr) return;
  rib::RouteKey key;
  rib::NlriExtras extras;
  if (!rib::split_nlri(change.best.nlri, key, extras)) return;
  std::optional<Imported> next;
  if (change.kind != rib::ChangeKind::kRemoved && change.best.peer != rib::kLocalPeer &&
      change.best.attributes != nullptr) {
    next = m.parse(*route, *change.best.attributes);
  }
  if (!next && !m.imported.contains(key)) return;
  m.set_record(key, std::move(next), now);
}

std::optional<Clock::time_point> Evpn::tick(Clock::time_point now) {
  Impl& m = *impl_;
  m.last_now = now;
  while (!m.timers.empty() && std::get<0>(*m.timers.begin()) <= now) {
    const auto [when, vni, mac] = *m.timers.begin();
    m.timers.erase(m.timers.begin());
    Instance* inst = m.active(vni);
    if (inst == nullptr) continue;
    auto it = inst->macs.find(mac);
    if (it == inst->macs.end()) continue;
    it->second.deadline.reset();
    if (it->second.frozen) {
      m.unfreeze(*inst, mac, it->second, now);
    } else {
      m.maybe_forget(*inst, mac, now, true);
    }
  }
  if (m.timers.empty()) return std::nullopt;
  return std::get<0>(*m.timers.begin());
}

bool Evpn::clear_frozen(uint32_t vni, const codec::MacAddress& mac, Clock::time_point now) {
  Impl& m = *impl_;
  m.last_now = now;
  Instance* inst = m.active(vni);
  if (inst == nullptr) return false;
  auto it = inst->macs.find(mac);
  if (it == inst->macs.end() || !it->second.frozen) return false;
  m.unfreeze(*inst, mac, it->second, now);
  return true;
}

// --- Views ---------------------------------------------------------------------------------

namespace {

/// How a MAC shows: the kernel entry if any, else local if we have it, else the best remote
/// candidate (a MAC frozen before anything was applied). nullopt: nothing to show.
std::optional<Evpn::MacView> mac_view(const Instance& inst, const MacAddress& mac,
                                      const MacState& st) {
  Evpn::MacView v{inst.vni, mac, false, {}, {}, 0, false, st.frozen, st.counter.moves(), {}};
  const RemoteCandidate* best = st.best_remote();
  if (st.installed) {
    v.vtep = st.installed->vtep;
    v.sequence = st.installed->sequence;
    v.sticky = st.installed->sticky;
  } else if (st.advertised || st.local) {
    v.local = true;
    v.port = st.port;
    v.sequence = st.advertised ? st.advertised_sequence : st.local_sequence;
    v.ips.assign(st.local_ips.begin(), st.local_ips.end());
    return v;
  } else if (best != nullptr) {
    v.vtep = best->vtep;
    v.sequence = best->sequence;
    v.sticky = best->sticky;
  } else {
    return std::nullopt;
  }
  for (const auto& c : st.remote) {
    if (!c.ip.is_none() && c.vtep == v.vtep) v.ips.push_back(c.ip);
  }
  std::sort(v.ips.begin(), v.ips.end());
  v.ips.erase(std::unique(v.ips.begin(), v.ips.end()), v.ips.end());
  return v;
}

}  // namespace

std::vector<Evpn::VniView> Evpn::vnis() const {
  std::vector<VniView> out;
  for (const auto& [vni, inst] : impl_->instances) {
    VniView v{vni,
              inst.vxlan_device,
              inst.bridge,
              inst.rd,
              inst.import_rts,
              inst.export_rts,
              inst.import_auto,
              0,
              0,
              {}};
    for (const auto& [mac, st] : inst.macs) {
      if (auto mv = mac_view(inst, mac, st)) ++(mv->local ? v.local_macs : v.remote_macs);
    }
    for (const auto& [vtep, count] : inst.flood) v.remote_vteps.push_back(vtep);
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<Evpn::MacView> Evpn::macs(std::optional<uint32_t> vni) const {
  std::vector<MacView> out;
  for (const auto& [id, inst] : impl_->instances) {
    if (vni && *vni != id) continue;
    const size_t first = out.size();
    for (const auto& [mac, st] : inst.macs) {
      if (auto v = mac_view(inst, mac, st)) out.push_back(std::move(*v));
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
              [](const MacView& a, const MacView& b) { return a.mac < b.mac; });
  }
  return out;
}

std::vector<Evpn::ArpView> Evpn::arps(std::optional<uint32_t> vni) const {
  std::vector<ArpView> out;
  for (const auto& [id, inst] : impl_->instances) {
    if (vni && *vni != id) continue;
    auto l = inst.local_neighs.begin();
    auto r = inst.installed_neighs.begin();
    // Merge the two IP-ordered maps; a local and a remote entry for one IP: local first.
    while (l != inst.local_neighs.end() || r != inst.installed_neighs.end()) {
      if (r == inst.installed_neighs.end() ||
          (l != inst.local_neighs.end() && l->first <= r->first)) {
        out.push_back({id, l->first, l->second, true, {}});
        ++l;
      } else {
        IpAddress vtep;
        auto m = inst.macs.find(r->second);
        if (m != inst.macs.end() && m->second.installed) vtep = m->second.installed->vtep;
        out.push_back({id, r->first, r->second, false, vtep});
        ++r;
      }
    }
  }
  return out;
}

}  // namespace evpnd::evpn
