// An in-memory, stateful Linux kernel for unit tests and benchmarks: implements fib::Dataplane
// over FDB, neighbor and route tables keyed as the kernel keys them (DESIGN.md, "Netlink
// facts"), with the kernel's answers (-ENOENT on deleting what is absent, -EEXIST on appending
// what exists). Tests can make writes fail, count apply() calls, play kernel events (an entry
// learned by the bridge, an entry deleted by hand, lost events) to the watching listener, and
// model how the kernel reports entries differently from how they were written (normalisation).
// Not a model of every kernel detail: one remote per non-zero VXLAN MAC, routes keyed without
// metric/TOS. Header-only.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fib/dataplane.h"

namespace evpnd::fib {

class FakeDataplane : public Dataplane {
 public:
  /// Chooses the changes a failure applies to.
  using Match = std::function<bool(const Change&)>;
  static constexpr size_t kForever = static_cast<size_t>(-1);

  // --- Dataplane -----------------------------------------------------------------------------

  /// Applies each change in order (0 or -errno each), as the kernel would.
  std::vector<int> apply(const std::vector<Change>& changes) override {
    ++apply_calls_;
    batch_sizes_.push_back(changes.size());
    std::vector<int> results;
    results.reserve(changes.size());
    for (const Change& c : changes) {
      ++change_count_;
      if (record_) log_.push_back(c);
      const int failure = take_failure(c);
      results.push_back(failure ? failure : write(c));
    }
    return results;
  }

  /// Everything stored (and the links/addresses a test set). Fails when fail_dump() says so.
  Snapshot dump(std::string* error = nullptr) override {
    ++dump_calls_;
    if (!dump_error_.empty()) {
      if (error) *error = dump_error_;
      return {};
    }
    Snapshot s;
    s.links = links_;
    s.addresses = addresses_;
    for (const auto& [key, e] : table_) {
      if (const auto* f = std::get_if<FdbEntry>(&e)) {
        s.fdb.push_back(*f);
      } else if (const auto* n = std::get_if<NeighEntry>(&e)) {
        s.neighbors.push_back(*n);
      } else {
        s.routes.push_back(std::get<RouteEntry>(e));
      }
    }
    return s;
  }

  void watch(DataplaneListener* listener) override { listener_ = listener; }

  // --- Failures ------------------------------------------------------------------------------

  /// The next `times` changes matching `match` fail with -|error| and change nothing.
  void fail_next(Match match, int error, size_t times = 1) {
    failures_.push_back(Failure{std::move(match), -std::abs(error), times});
  }
  /// The same for every change (any op) to the kernel object that `entry` names.
  void fail_next(const Entry& entry, int error, size_t times = 1) {
    fail_next(same_key(entry), error, times);
  }
  /// A Match for changes to the kernel object that `entry` names, optionally of one op only.
  static Match same_key(const Entry& entry, std::optional<Op> op = std::nullopt) {
    return [key = key_of(entry), op](const Change& c) {
      return (!op || c.op == *op) && key_of(c.entry) == key;
    };
  }
  void clear_failures() { failures_.clear(); }
  /// dump() fails with this message until called with "".
  void fail_dump(std::string error) { dump_error_ = std::move(error); }

  // --- What was written ----------------------------------------------------------------------

  size_t apply_calls() const { return apply_calls_; }
  size_t change_count() const { return change_count_; }
  size_t dump_calls() const { return dump_calls_; }
  /// Size of each apply() call, in order.
  const std::vector<size_t>& batch_sizes() const { return batch_sizes_; }
  /// Every change applied, in order (when recording; on by default).
  const std::vector<Change>& changes() const { return log_; }
  void set_record(bool on) { record_ = on; }
  void clear_log() {
    log_.clear();
    batch_sizes_.clear();
    apply_calls_ = 0;
    change_count_ = 0;
  }

  // --- Kernel content ------------------------------------------------------------------------

  /// The stored entry with the key of `entry`.
  std::optional<Entry> get(const Entry& entry) const {
    auto it = table_.find(key_of(entry));
    if (it == table_.end()) return std::nullopt;
    return it->second;
  }
  /// Whether exactly `entry` is stored.
  bool contains(const Entry& entry) const {
    auto e = get(entry);
    return e && *e == entry;
  }
  size_t size() const { return table_.size(); }
  /// Stored entries of one type (FdbEntry, NeighEntry or RouteEntry), in no particular order.
  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& [key, e] : table_) {
      if (const auto* t = std::get_if<T>(&e)) out.push_back(*t);
    }
    return out;
  }

  /// Stores `entry` exactly as given at its key, as the kernel itself or another program would
  /// (the bridge learning a MAC, `bridge fdb replace`, a routing daemon), and with `notify`
  /// delivers the RTM_NEW* event now.
  void put(const Entry& entry, bool notify = true) {
    table_.insert_or_assign(key_of(entry), entry);
    if (notify) emit(Event{to_object(entry), false});
  }
  /// Deletes the entry with the key of `entry` as `bridge fdb del`/`ip neigh del` by hand would,
  /// and with `notify` delivers the RTM_DEL* event (with the entry as stored) now. Returns
  /// whether it existed.
  bool erase(const Entry& entry, bool notify = true) {
    auto it = table_.find(key_of(entry));
    if (it == table_.end()) return false;
    const Entry gone = std::move(it->second);
    table_.erase(it);
    if (notify) emit(Event{to_object(gone), true});
    return true;
  }
  void set_links(std::vector<Link> links) { links_ = std::move(links); }
  void set_addresses(std::vector<Address> addresses) { addresses_ = std::move(addresses); }

  /// How the kernel reports what apply() stored (e.g. NUD_STALE after aging, NTF_OFFLOADED, a
  /// metric it filled): applied to each entry apply() stores. Null: stored as written.
  void set_normalize(std::function<void(Entry&)> normalize) { normalize_ = std::move(normalize); }

  // --- Events --------------------------------------------------------------------------------

  /// Delivers `event` to the listener now.
  void emit(const Event& event) {
    if (listener_) listener_->on_event(event);
  }
  /// Tells the listener that events were lost (ENOBUFS).
  void lose_events() {
    if (listener_) listener_->on_events_lost();
  }
  /// With echo on, every change apply() makes queues the event the kernel would send (as
  /// stored, normalised; none when nothing changed); deliver_events() delivers them later, as
  /// the event loop would (never from inside apply()).
  void set_echo(bool on) { echo_ = on; }
  size_t pending_events() const { return echoes_.size(); }
  size_t deliver_events() {
    std::vector<Event> events;
    events.swap(echoes_);
    for (const Event& e : events) emit(e);
    return events.size();
  }

  // --- Keys ----------------------------------------------------------------------------------

  /// The kernel's identity of an entry: bridge FDB (master bridge, mac, vlan); VXLAN FDB
  /// (ifindex, mac, vlan), plus dst for all-zeros MACs (one per remote); neighbor (ifindex, ip);
  /// route (table, dst, prefix length).
  struct Key {
    uint8_t kind = 0;
    uint32_t id = 0;
    uint16_t vlan = 0;
    Mac mac;
    IpAddr addr;
    uint8_t prefix_length = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      uint64_t h = 1469598103934665603ULL;
      auto add = [&h](uint8_t b) { h = (h ^ b) * 1099511628211ULL; };
      add(k.kind);
      for (int i = 0; i < 4; ++i) add(static_cast<uint8_t>(k.id >> (8 * i)));
      add(static_cast<uint8_t>(k.vlan));
      add(static_cast<uint8_t>(k.vlan >> 8));
      for (uint8_t b : k.mac.octets) add(b);
      add(k.addr.family);
      for (size_t i = 0; i < k.addr.size(); ++i) add(k.addr.octets[i]);
      add(k.prefix_length);
      return static_cast<size_t>(h);
    }
  };
  static Key key_of(const Entry& entry) {
    Key k;
    if (const auto* f = std::get_if<FdbEntry>(&entry)) {
      k.vlan = f->vlan;
      k.mac = f->mac;
      if (f->flags & kNtfMaster) {
        k.kind = 0;
        k.id = static_cast<uint32_t>(f->master ? f->master : f->ifindex);
      } else {
        k.kind = 1;
        k.id = static_cast<uint32_t>(f->ifindex);
        if (f->mac.is_zero()) k.addr = f->dst;
      }
    } else if (const auto* n = std::get_if<NeighEntry>(&entry)) {
      k.kind = 2;
      k.id = static_cast<uint32_t>(n->ifindex);
      k.addr = n->ip;
    } else {
      const auto& r = std::get<RouteEntry>(entry);
      k.kind = 3;
      k.id = r.table;
      k.addr = r.dst;
      k.prefix_length = r.prefix_length;
    }
    return k;
  }

 private:
  struct Failure {
    Match match;
    int error = 0;
    size_t remaining = 1;
  };

  static std::variant<Link, Address, FdbEntry, NeighEntry, RouteEntry> to_object(const Entry& e) {
    if (const auto* f = std::get_if<FdbEntry>(&e)) return *f;
    if (const auto* n = std::get_if<NeighEntry>(&e)) return *n;
    return std::get<RouteEntry>(e);
  }

  int take_failure(const Change& c) {
    for (auto it = failures_.begin(); it != failures_.end(); ++it) {
      if (!it->match(c)) continue;
      const int error = it->error;
      if (it->remaining != kForever && --it->remaining == 0) failures_.erase(it);
      return error;
    }
    return 0;
  }

  // What the kernel refuses on RTM_NEWNEIGH/RTM_NEWROUTE (deletes are not validated).
  static int validate(const Entry& e) {
    if (const auto* f = std::get_if<FdbEntry>(&e)) {
      if (f->ifindex <= 0) return -ENODEV;
      if (f->flags & kNtfMaster) {
        // br_fdb_add(): a state among PERMANENT/NOARP/REACHABLE, a valid unicast MAC.
        if (!(f->state & (kNudPermanent | kNudNoArp | kNudReachable))) return -EINVAL;
        return f->mac.is_zero() ? -EINVAL : 0;
      }
      // vxlan_fdb_add(): PERMANENT or REACHABLE (NOARP alone is refused), and a dst.
      if (!(f->state & (kNudPermanent | kNudReachable))) return -EINVAL;
      return f->dst.empty() ? -EINVAL : 0;
    }
    if (const auto* n = std::get_if<NeighEntry>(&e)) {
      if (n->ifindex <= 0) return -ENODEV;
      return n->ip.empty() ? -EINVAL : 0;
    }
    const auto& r = std::get<RouteEntry>(e);
    return r.dst.empty() ? -EINVAL : 0;
  }

  void store(const Key& key, const Entry& written) {
    Entry e = written;
    if (normalize_) normalize_(e);
    auto it = table_.find(key);
    if (it != table_.end() && it->second == e) return;  // No change: the kernel sends nothing.
    table_.insert_or_assign(key, e);
    if (echo_) echoes_.push_back(Event{to_object(e), false});
  }

  int write(const Change& c) {
    if (c.op != Op::kDelete) {
      if (const int bad = validate(c.entry)) return bad;
    }
    const Key key = key_of(c.entry);
    auto it = table_.find(key);
    const auto* fdb = std::get_if<FdbEntry>(&c.entry);
    const bool flood = fdb && !(fdb->flags & kNtfMaster) && fdb->mac.is_zero();
    switch (c.op) {
      case Op::kDelete: {
        if (it == table_.end()) return -ENOENT;
        if (fdb) {
          const auto& stored = std::get<FdbEntry>(it->second);
          // The bridge deletes (bridge, mac, vlan) only on the port named; VXLAN deletes one
          // remote when dst is named.
          if ((fdb->flags & kNtfMaster) && stored.ifindex != fdb->ifindex) return -ENOENT;
          if (!(fdb->flags & kNtfMaster) && !fdb->dst.empty() && stored.dst != fdb->dst) {
            return -ENOENT;
          }
        } else if (const auto* r = std::get_if<RouteEntry>(&c.entry)) {
          if (r->protocol && std::get<RouteEntry>(it->second).protocol != r->protocol) {
            return -ENOENT;
          }
        }
        const Entry gone = std::move(it->second);
        table_.erase(it);
        if (echo_) echoes_.push_back(Event{to_object(gone), true});
        return 0;
      }
      case Op::kAppend:
        if (it != table_.end()) return flood ? 0 : -EEXIST;  // A remote already listed: no-op.
        store(key, c.entry);
        return 0;
      case Op::kReplace:
        if (flood) {
          // The kernel replaces the all-zeros entry's remote: the flood list is clobbered down
          // to this one VTEP (why flood entries must be appended).
          for (auto i = table_.begin(); i != table_.end();) {
            const auto* f = std::get_if<FdbEntry>(&i->second);
            const bool same_list = f && i->first.kind == 1 && f->mac.is_zero() &&
                                   f->ifindex == fdb->ifindex && f->vlan == fdb->vlan;
            i = same_list && !(i->first == key) ? table_.erase(i) : std::next(i);
          }
        }
        store(key, c.entry);
        return 0;
    }
    return -EINVAL;
  }

  std::unordered_map<Key, Entry, KeyHash> table_;
  std::vector<Link> links_;
  std::vector<Address> addresses_;
  DataplaneListener* listener_ = nullptr;
  std::vector<Failure> failures_;
  std::string dump_error_;
  std::function<void(Entry&)> normalize_;
  bool record_ = true;
  bool echo_ = false;
  std::vector<Event> echoes_;
  std::vector<Change> log_;
  std::vector<size_t> batch_sizes_;
  size_t apply_calls_ = 0;
  size_t change_count_ = 0;
  size_t dump_calls_ = 0;
};

}  // namespace evpnd::fib
