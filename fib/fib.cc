#include "fib/fib.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "fib/entry_key.h"
#include "fib/key_index.h"

namespace evpnd::fib {

const char* to_string(EntryState state) {
  switch (state) {
    case EntryState::kPending:
      return "pending";
    case EntryState::kInstalled:
      return "installed";
    case EntryState::kFailed:
      return "failed";
    case EntryState::kStale:
      return "stale";
  }
  return "unknown";
}

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

// Slot states: the EntryState values, plus kNone for a slot with nothing left to show (a delete
// confirmed, a pending add withdrawn) that is still in the dirty queue and is released by sync().
constexpr uint8_t kPending = static_cast<uint8_t>(EntryState::kPending);
constexpr uint8_t kInstalled = static_cast<uint8_t>(EntryState::kInstalled);
constexpr uint8_t kFailed = static_cast<uint8_t>(EntryState::kFailed);
constexpr uint8_t kStale = static_cast<uint8_t>(EntryState::kStale);
constexpr uint8_t kNone = 4;

// Slot bits.
constexpr uint8_t kLive = 0x01;            // In use (else on the free list).
constexpr uint8_t kDesired = 0x02;         // The stored entry is desired.
constexpr uint8_t kInKernel = 0x04;        // An evpnd-owned entry exists at this key.
constexpr uint8_t kSynced = 0x08;          // ... and it is the stored entry.
constexpr uint8_t kStoredIsKernel = 0x10;  // The stored entry is the kernel's report of it.
constexpr uint8_t kQueued = 0x20;          // In the dirty queue.
constexpr uint8_t kRetrying = 0x40;        // In the retry queue.
constexpr uint8_t kRestore = 0x80;         // Rewrite of an entry the kernel lost: counts restored.

// Rewrites in a row caused by kernel events, without the kernel ever reporting the entry as
// desired in between, after which the FIB stops rewriting (see Fib::on_event).
constexpr uint8_t kMaxEventRewrites = 3;

// What load() saw at a slot's key.
constexpr uint8_t kSeenNothing = 0;
constexpr uint8_t kSeenOwn = 1;       // Owned and (for desired slots) matching.
constexpr uint8_t kSeenOwnOther = 2;  // Owned, different from the desired entry.
constexpr uint8_t kSeenForeign = 3;   // Not owned.

// Routes own a vector of next hops: they live in a side table so that the common FDB slot stays
// small (40 octets for the entry instead of 64).
struct RouteRef {
  uint32_t index = 0;
};
using Stored = std::variant<FdbEntry, NeighEntry, RouteRef>;

struct Slot {
  Stored entry;
  int32_t last_error = 0;
  uint32_t attempts = 0;
  uint8_t state = kNone;
  uint8_t bits = 0;
  uint8_t rewrites = 0;

  bool has(uint8_t b) const { return (bits & b) != 0; }
  void set(uint8_t b, bool on) {
    bits = on ? static_cast<uint8_t>(bits | b) : static_cast<uint8_t>(bits & ~b);
  }
};

/// Slots in fixed chunks of 4,096: growing never moves a slot (no copy of the whole table and
/// no second copy of it in memory while a doubling vector would move it), and ids stay dense.
class SlotStore {
 public:
  Slot& operator[](uint32_t id) { return chunks_[id >> kShift][id & kMask]; }
  const Slot& operator[](uint32_t id) const { return chunks_[id >> kShift][id & kMask]; }
  uint32_t size() const { return size_; }
  size_t capacity() const { return chunks_.size() << kShift; }
  /// Adds a default slot at id size().
  void emplace_back() {
    reserve(size_t{size_} + 1);
    ++size_;
  }
  void reserve(size_t n) {
    while (capacity() < n) chunks_.push_back(std::make_unique<Slot[]>(size_t{1} << kShift));
  }

 private:
  static constexpr unsigned kShift = 12;
  static constexpr uint32_t kMask = (1u << kShift) - 1;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  uint32_t size_ = 0;
};

bool same_ip(const IpAddr& a, const IpAddr& b) {
  return a.family == b.family &&
         std::equal(a.octets.begin(), a.octets.begin() + static_cast<long>(a.size()),
                    b.octets.begin());
}

bool fdb_matches(const FdbEntry& d, const FdbEntry& o) {
  constexpr uint8_t kCompared = kNtfMaster | kNtfExtLearned | kNtfSticky;
  if (d.mac != o.mac || d.vlan != o.vlan || d.ifindex != o.ifindex) return false;
  if ((d.flags & kCompared) != (o.flags & kCompared)) return false;
  // NTF_SELF is implied by the absence of NTF_MASTER (the key kind); dst only exists on the
  // VXLAN device's own entries.
  if (d.flags & kNtfMaster) return true;
  return same_ip(d.dst, o.dst);
}

bool neigh_matches(const NeighEntry& d, const NeighEntry& o) {
  constexpr uint16_t kStates = kNudNoArp | kNudPermanent;
  return d.mac == o.mac && (d.flags & kNtfExtLearned) == (o.flags & kNtfExtLearned) &&
         (d.state & kStates) == (o.state & kStates);
}

bool next_hop_matches(const NextHop& d, const NextHop& o) {
  return same_ip(d.gateway, o.gateway) && d.onlink == o.onlink &&
         (d.ifindex == 0 || d.ifindex == o.ifindex);
}

bool route_matches(const RouteEntry& d, const RouteEntry& o) {
  if (d.metric != 0 && d.metric != o.metric) return false;
  if (d.next_hops.size() != o.next_hops.size()) return false;
  // As a set, in any order: the kernel may report multipath next hops in its own order.
  std::vector<bool> used(o.next_hops.size(), false);
  for (const NextHop& nh : d.next_hops) {
    bool found = false;
    for (size_t i = 0; i < o.next_hops.size() && !found; ++i) {
      if (!used[i] && next_hop_matches(nh, o.next_hops[i])) {
        used[i] = true;
        found = true;
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

bool Fib::owned(const Entry& entry) {
  if (const auto* f = std::get_if<FdbEntry>(&entry)) return (f->flags & kNtfExtLearned) != 0;
  if (const auto* n = std::get_if<NeighEntry>(&entry)) {
    return n->protocol == kProtocolEvpnd || (n->flags & kNtfExtLearned) != 0;
  }
  return std::get<RouteEntry>(entry).protocol == kProtocolEvpnd;
}

bool Fib::matches(const Entry& desired, const Entry& observed) {
  if (desired.index() != observed.index()) return false;
  if (const auto* f = std::get_if<FdbEntry>(&desired)) {
    return fdb_matches(*f, std::get<FdbEntry>(observed));
  }
  if (const auto* n = std::get_if<NeighEntry>(&desired)) {
    return neigh_matches(*n, std::get<NeighEntry>(observed));
  }
  return route_matches(std::get<RouteEntry>(desired), std::get<RouteEntry>(observed));
}

struct Fib::Impl {
  Impl(Dataplane& d, FibOptions o) : dataplane(d), options(o) {
    if (options.batch_size == 0) options.batch_size = 1;
  }

  Dataplane& dataplane;
  FibOptions options;

  SlotStore slots;
  std::vector<uint32_t> free_slots;
  std::vector<RouteEntry> routes;
  std::vector<uint32_t> free_routes;
  KeyIndex index;  // EntryKey hash -> slot
  std::vector<uint32_t> dirty;
  std::set<std::pair<TimePoint, uint32_t>> retries;
  std::unordered_map<uint32_t, TimePoint> retry_at;
  std::array<size_t, 4> counts{};  // Live slots per EntryState.
  size_t desired = 0;
  FibStats totals;  // writes, write_errors, resyncs, restored.
  TimePoint last_now{};

  // --- Slot storage ------------------------------------------------------------------------

  EntryKey key_of_slot(const Slot& s) const {
    if (const auto* f = std::get_if<FdbEntry>(&s.entry)) return key_of(*f);
    if (const auto* n = std::get_if<NeighEntry>(&s.entry)) return key_of(*n);
    return key_of(routes[std::get<RouteRef>(s.entry).index]);
  }

  Entry entry_of(const Slot& s) const {
    if (const auto* f = std::get_if<FdbEntry>(&s.entry)) return *f;
    if (const auto* n = std::get_if<NeighEntry>(&s.entry)) return *n;
    return routes[std::get<RouteRef>(s.entry).index];
  }

  bool stored_equals(const Slot& s, const Entry& e) const {
    if (const auto* f = std::get_if<FdbEntry>(&e)) {
      const auto* g = std::get_if<FdbEntry>(&s.entry);
      return g && *g == *f;
    }
    if (const auto* n = std::get_if<NeighEntry>(&e)) {
      const auto* m = std::get_if<NeighEntry>(&s.entry);
      return m && *m == *n;
    }
    const auto* r = std::get_if<RouteRef>(&s.entry);
    return r && routes[r->index] == std::get<RouteEntry>(e);
  }

  void drop_route(Slot& s) {
    if (const auto* r = std::get_if<RouteRef>(&s.entry)) {
      routes[r->index] = RouteEntry{};  // Frees the next hops.
      free_routes.push_back(r->index);
      s.entry = FdbEntry{};
    }
  }

  void store(Slot& s, const Entry& e) {
    if (const auto* r = std::get_if<RouteEntry>(&e)) {
      if (const auto* ref = std::get_if<RouteRef>(&s.entry)) {
        routes[ref->index] = *r;
        return;
      }
      uint32_t i;
      if (!free_routes.empty()) {
        i = free_routes.back();
        free_routes.pop_back();
        routes[i] = *r;
      } else {
        i = static_cast<uint32_t>(routes.size());
        routes.push_back(*r);
      }
      s.entry = RouteRef{i};
      return;
    }
    drop_route(s);
    if (const auto* f = std::get_if<FdbEntry>(&e)) {
      s.entry = *f;
    } else {
      s.entry = std::get<NeighEntry>(e);
    }
  }

  uint32_t lookup(const EntryKey& k, uint64_t h) const {
    return index.find(h, [&](uint32_t id) { return key_of_slot(slots[id]) == k; });
  }

  // A new live slot holding `e`, in state kNone. Invalidates Slot references.
  uint32_t create(uint64_t h, const Entry& e) {
    uint32_t id;
    if (!free_slots.empty()) {
      id = free_slots.back();
      free_slots.pop_back();
    } else {
      id = static_cast<uint32_t>(slots.size());
      slots.emplace_back();
    }
    Slot& s = slots[id];
    s = Slot{};
    s.bits = kLive;
    store(s, e);
    index.insert(h, id);
    return id;
  }

  void set_state(Slot& s, uint8_t state) {
    if (s.state < counts.size()) --counts[s.state];
    s.state = state;
    if (state < counts.size()) ++counts[state];
  }

  void set_desired(Slot& s, bool on) {
    if (on == s.has(kDesired)) return;
    if (on) {
      ++desired;
    } else {
      --desired;
    }
    s.set(kDesired, on);
  }

  // --- Queues ------------------------------------------------------------------------------

  void cancel_retry(uint32_t id) {
    Slot& s = slots[id];
    if (!s.has(kRetrying)) return;
    auto it = retry_at.find(id);
    if (it != retry_at.end()) {
      retries.erase({it->second, id});
      retry_at.erase(it);
    }
    s.set(kRetrying, false);
  }

  void schedule_retry(uint32_t id, TimePoint when) {
    cancel_retry(id);
    retries.insert({when, id});
    retry_at[id] = when;
    slots[id].set(kRetrying, true);
  }

  // Queues the slot for the next sync(); a queued slot is never also in the retry queue.
  void enqueue(uint32_t id) {
    cancel_retry(id);
    Slot& s = slots[id];
    if (s.has(kQueued)) return;
    s.set(kQueued, true);
    dirty.push_back(id);
  }

  // Releases a slot that is neither desired nor backed by an owned kernel entry; while it is in
  // the dirty queue it only goes to kNone (sync() releases it).
  void settle(uint32_t id) {
    Slot& s = slots[id];
    if (s.has(kDesired) || s.has(kInKernel)) return;
    cancel_retry(id);
    set_state(s, kNone);
    s.set(kRestore, false);
    if (s.has(kQueued)) return;
    index.erase(key_of_slot(s).hash(), id);
    drop_route(s);
    s = Slot{};
    free_slots.push_back(id);
  }

  // A desired, installed entry the kernel lost or overwrote: write it again.
  void reinstall(uint32_t id) {
    Slot& s = slots[id];
    if (s.state != kInstalled) return;  // Pending or failed: already on its way.
    set_state(s, kPending);
    s.set(kRestore, true);
    enqueue(id);
  }

  // The same after a kernel event, within the loop guard.
  void reinstall_after_event(uint32_t id) {
    Slot& s = slots[id];
    if (s.state != kInstalled || s.rewrites >= kMaxEventRewrites) return;
    ++s.rewrites;
    reinstall(id);
  }

  // Installed, after a successful write or because the kernel reported it as desired (only the
  // latter ends a run of event-driven rewrites).
  void mark_installed(uint32_t id, bool reported_by_kernel) {
    Slot& s = slots[id];
    s.set(kInKernel, true);
    s.set(kSynced, true);
    if (reported_by_kernel) s.rewrites = 0;
    if (s.state == kInstalled) return;
    cancel_retry(id);
    s.last_error = 0;
    s.set(kRestore, false);
    set_state(s, kInstalled);
  }

  // Keeps the kernel's version of an owned entry that is not desired (to show it, to delete it
  // exactly as it is).
  void adopt(Slot& s, const Entry& e) {
    store(s, e);
    s.set(kInKernel, true);
    s.set(kSynced, true);
    s.set(kStoredIsKernel, true);
    if (s.state == kNone) set_state(s, kStale);
  }

  std::chrono::milliseconds backoff(uint32_t attempts) const {
    auto d = options.retry_initial;
    for (uint32_t i = 1; i < attempts && d < options.retry_max && d.count() > 0; ++i) d *= 2;
    return std::min(d, options.retry_max);
  }

  // --- Writes ------------------------------------------------------------------------------

  void finish(uint32_t id, Op op, int result, TimePoint now) {
    Slot& s = slots[id];
    ++totals.writes;
    if (op == Op::kDelete) {
      if (result == 0 || result == -ENOENT || result == -ESRCH) {
        s.set(kInKernel, false);
        s.set(kSynced, false);
        settle(id);
        return;
      }
    } else if (result == 0 || result == -EEXIST) {
      if (s.has(kRestore)) ++totals.restored;
      s.set(kStoredIsKernel, false);
      mark_installed(id, false);
      return;
    }
    ++totals.write_errors;
    s.last_error = result < 0 ? result : (result > 0 ? -result : -EIO);
    set_state(s, kFailed);
    schedule_retry(id, now + backoff(s.attempts));
  }

  // Writes what the listed slots need, in order, in batches. Slots that need nothing are skipped
  // (and released when nothing is left of them).
  size_t write(const std::vector<uint32_t>& ids, TimePoint now) {
    size_t written = 0;
    std::vector<Change> changes;
    std::vector<uint32_t> batch;
    changes.reserve(std::min(options.batch_size, ids.size()));
    batch.reserve(changes.capacity());
    auto flush = [&] {
      if (changes.empty()) return;
      const std::vector<int> results = dataplane.apply(changes);
      for (size_t i = 0; i < changes.size(); ++i) {
        // A dataplane that answers fewer results than changes: the rest count as I/O errors.
        finish(batch[i], changes[i].op, i < results.size() ? results[i] : -EIO, now);
      }
      written += changes.size();
      changes.clear();
      batch.clear();
    };
    for (uint32_t id : ids) {
      Slot& s = slots[id];
      s.set(kQueued, false);
      if (!s.has(kLive)) continue;
      const bool due = s.state == kPending || s.state == kFailed;
      Op op;
      if (s.has(kDesired)) {
        if (!due) continue;
        const auto* f = std::get_if<FdbEntry>(&s.entry);
        op = f && is_flood(*f) ? Op::kAppend : Op::kReplace;
      } else if (s.has(kInKernel)) {
        if (!due) continue;
        op = Op::kDelete;
      } else {
        settle(id);
        continue;
      }
      ++s.attempts;
      changes.push_back(Change{op, entry_of(s)});
      batch.push_back(id);
      if (changes.size() >= options.batch_size) flush();
    }
    flush();
    return written;
  }
};

Fib::Fib(Dataplane& dataplane, FibOptions options)
    : impl_(std::make_unique<Impl>(dataplane, options)) {}

Fib::~Fib() = default;

void Fib::add(const Entry& entry) {
  Impl& m = *impl_;
  const EntryKey k = key_of(entry);
  const uint64_t h = k.hash();
  uint32_t id = m.lookup(k, h);
  if (id == KeyIndex::kNone) {
    id = m.create(h, entry);
    Slot& s = m.slots[id];
    m.set_desired(s, true);
    m.set_state(s, kPending);
    m.enqueue(id);
    return;
  }
  Slot& s = m.slots[id];
  if (s.has(kDesired) && m.stored_equals(s, entry)) return;  // Unchanged (failed: keeps backoff).
  // The kernel may already hold it: a stale entry from before a restart (compared as the kernel
  // reports it), or our own last write (a remove and re-add before sync()).
  bool in_kernel = s.has(kInKernel) && s.has(kSynced);
  if (in_kernel) {
    in_kernel = s.has(kStoredIsKernel) ? matches(entry, m.entry_of(s)) : m.stored_equals(s, entry);
  }
  m.store(s, entry);
  s.set(kStoredIsKernel, false);
  m.set_desired(s, true);
  s.attempts = 0;
  s.last_error = 0;
  s.rewrites = 0;
  s.set(kRestore, false);
  m.cancel_retry(id);
  if (in_kernel) {
    m.set_state(s, kInstalled);
  } else {
    s.set(kSynced, false);
    m.set_state(s, kPending);
    m.enqueue(id);
  }
}

void Fib::remove(const Entry& entry) {
  Impl& m = *impl_;
  const EntryKey k = key_of(entry);
  const uint32_t id = m.lookup(k, k.hash());
  if (id == KeyIndex::kNone) return;
  Slot& s = m.slots[id];
  if (!s.has(kDesired)) return;
  m.set_desired(s, false);
  s.attempts = 0;
  s.last_error = 0;
  s.rewrites = 0;
  s.set(kRestore, false);
  m.cancel_retry(id);
  if (s.has(kInKernel)) {
    m.set_state(s, kPending);
    m.enqueue(id);
  } else {
    m.settle(id);
  }
}

void Fib::load(const Snapshot& snapshot) {
  Impl& m = *impl_;
  ++m.totals.resyncs;
  std::vector<uint8_t> seen(m.slots.size(), kSeenNothing);
  auto observe = [&](const Entry& e) {
    const EntryKey k = key_of(e);
    const uint64_t h = k.hash();
    uint32_t id = m.lookup(k, h);
    const bool own = owned(e);
    if (id == KeyIndex::kNone) {
      if (!own) return;
      id = m.create(h, e);
      m.adopt(m.slots[id], e);
      if (seen.size() <= id) seen.resize(id + 1, kSeenNothing);
      seen[id] = kSeenOwn;
      return;
    }
    if (seen.size() <= id) seen.resize(id + 1, kSeenNothing);
    Slot& s = m.slots[id];
    if (!own) {
      if (seen[id] == kSeenNothing) seen[id] = kSeenForeign;
      return;
    }
    if (s.has(kDesired)) {
      if (matches(m.entry_of(s), e)) {
        seen[id] = kSeenOwn;
      } else if (seen[id] != kSeenOwn) {
        seen[id] = kSeenOwnOther;
      }
      return;
    }
    seen[id] = kSeenOwn;
    m.adopt(s, e);
  };
  for (const auto& e : snapshot.fdb) observe(e);
  for (const auto& e : snapshot.neighbors) observe(e);
  for (const auto& e : snapshot.routes) observe(e);

  for (uint32_t id = 0; id < m.slots.size(); ++id) {
    Slot& s = m.slots[id];
    if (!s.has(kLive)) continue;
    const uint8_t v = id < seen.size() ? seen[id] : kSeenNothing;
    if (s.has(kDesired)) {
      if (v == kSeenOwn) {
        m.mark_installed(id, true);
      } else {
        s.rewrites = 0;
        s.set(kInKernel, v == kSeenOwnOther);
        s.set(kSynced, false);
        m.reinstall(id);
      }
    } else if (v == kSeenOwn) {
      // Stale, or a delete still to write (pending or failed): the entry is there.
      s.set(kInKernel, true);
      s.set(kSynced, true);
    } else {
      // Gone (or replaced by a non-owned entry): nothing of ours to keep or delete.
      s.set(kInKernel, false);
      s.set(kSynced, false);
      m.settle(id);
    }
  }
}

void Fib::on_event(const Event& event) {
  Impl& m = *impl_;
  Entry e;
  if (const auto* f = std::get_if<FdbEntry>(&event.object)) {
    e = *f;
  } else if (const auto* n = std::get_if<NeighEntry>(&event.object)) {
    e = *n;
  } else if (const auto* r = std::get_if<RouteEntry>(&event.object)) {
    e = *r;
  } else {
    return;  // Links and addresses are not the FIB's business.
  }
  // The kernel keeps several routes at one prefix (other metrics and protocols: a connected
  // route next to evpnd's): one that is not evpnd's says nothing about evpnd's.
  if (std::holds_alternative<RouteEntry>(e) && !owned(e)) return;
  const EntryKey k = key_of(e);
  const uint64_t h = k.hash();
  uint32_t id = m.lookup(k, h);
  if (event.removed) {
    // Whatever was at the key is gone: ours (deleted by hand, or the echo of our delete) or not.
    if (id == KeyIndex::kNone) return;
    Slot& s = m.slots[id];
    s.set(kInKernel, false);
    s.set(kSynced, false);
    if (s.has(kDesired)) {
      m.reinstall(id);
    } else {
      m.settle(id);
    }
    return;
  }
  if (owned(e)) {
    if (id == KeyIndex::kNone) {
      id = m.create(h, e);
      m.adopt(m.slots[id], e);
      return;
    }
    Slot& s = m.slots[id];
    if (!s.has(kDesired)) {
      m.adopt(s, e);
      return;
    }
    if (matches(m.entry_of(s), e)) {
      m.mark_installed(id, true);
    } else {
      s.set(kInKernel, true);
      s.set(kSynced, false);
      m.reinstall_after_event(id);
    }
    return;
  }
  // Not ours (e.g. the bridge re-learned the MAC on a local port): ours is gone from that key.
  if (id == KeyIndex::kNone) return;
  Slot& s = m.slots[id];
  s.set(kInKernel, false);
  s.set(kSynced, false);
  if (s.has(kDesired)) {
    m.reinstall_after_event(id);
  } else {
    m.settle(id);  // Never delete what is not ours.
  }
}

size_t Fib::reinstall_routes() {
  Impl& m = *impl_;
  size_t n = 0;
  for (uint32_t id = 0; id < m.slots.size(); ++id) {
    const Slot& s = m.slots[id];
    if (!s.has(kLive) || !s.has(kDesired) || s.state != kInstalled) continue;
    if (!std::holds_alternative<RouteRef>(s.entry)) continue;
    m.reinstall(id);
    ++n;
  }
  return n;
}

size_t Fib::sync(std::chrono::steady_clock::time_point now) {
  Impl& m = *impl_;
  m.last_now = now;
  // The dirty queue may name a slot twice (released and reused, or written by sweep_stale()
  // meanwhile): only a slot still flagged kQueued is due, once.
  std::vector<uint32_t> work;
  work.swap(m.dirty);
  std::erase_if(work, [&](uint32_t id) {
    Slot& s = m.slots[id];
    if (!s.has(kQueued)) return true;
    s.set(kQueued, false);
    return false;
  });
  while (!m.retries.empty() && m.retries.begin()->first <= now) {
    const uint32_t id = m.retries.begin()->second;
    m.retries.erase(m.retries.begin());
    m.retry_at.erase(id);
    m.slots[id].set(kRetrying, false);
    work.push_back(id);
  }
  return m.write(work, now);
}

std::optional<std::chrono::steady_clock::time_point> Fib::next_retry() const {
  if (impl_->retries.empty()) return std::nullopt;
  return impl_->retries.begin()->first;
}

bool Fib::has_work() const { return !impl_->dirty.empty(); }

size_t Fib::sweep_stale() {
  Impl& m = *impl_;
  if (m.counts[kStale] == 0) return 0;
  std::vector<uint32_t> ids;
  ids.reserve(m.counts[kStale]);
  for (uint32_t id = 0; id < m.slots.size(); ++id) {
    Slot& s = m.slots[id];
    if (!s.has(kLive) || s.state != kStale) continue;
    m.set_state(s, kPending);
    s.attempts = 0;
    ids.push_back(id);
  }
  return m.write(ids, m.last_now);
}

namespace {

bool listed(const Slot& s) {
  return s.has(kLive) && (s.has(kDesired) || s.state == kFailed || s.state == kStale);
}

}  // namespace

void Fib::for_each(const std::function<void(const FibEntryView&)>& visit) const {
  const Impl& m = *impl_;
  std::vector<std::pair<EntryKey, uint32_t>> order;
  order.reserve(m.desired + m.counts[kStale] + m.counts[kFailed]);
  for (uint32_t id = 0; id < m.slots.size(); ++id) {
    if (listed(m.slots[id])) order.emplace_back(m.key_of_slot(m.slots[id]), id);
  }
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return EntryKey::less(a.first, b.first); });
  for (const auto& [key, id] : order) {
    const Slot& s = m.slots[id];
    visit(FibEntryView{m.entry_of(s), static_cast<EntryState>(s.state), s.last_error, s.attempts});
  }
}

std::optional<FibEntryView> Fib::find(const Entry& entry) const {
  const Impl& m = *impl_;
  const EntryKey k = key_of(entry);
  const uint32_t id = m.lookup(k, k.hash());
  if (id == KeyIndex::kNone || !listed(m.slots[id])) return std::nullopt;
  const Slot& s = m.slots[id];
  return FibEntryView{m.entry_of(s), static_cast<EntryState>(s.state), s.last_error, s.attempts};
}

FibStats Fib::stats() const {
  const Impl& m = *impl_;
  FibStats st = m.totals;
  st.desired = m.desired;
  st.installed = m.counts[kInstalled];
  st.pending = m.counts[kPending];
  st.failed = m.counts[kFailed];
  st.stale = m.counts[kStale];
  return st;
}

size_t Fib::memory_bytes() const {
  const Impl& m = *impl_;
  size_t n = sizeof(Impl) + m.slots.capacity() * sizeof(Slot) +
             m.free_slots.capacity() * sizeof(uint32_t) + m.routes.capacity() * sizeof(RouteEntry) +
             m.free_routes.capacity() * sizeof(uint32_t) + m.index.memory_bytes() +
             m.dirty.capacity() * sizeof(uint32_t);
  for (const auto& r : m.routes) n += r.next_hops.capacity() * sizeof(NextHop);
  // Tree and hash nodes of the retry queue, roughly: node header + value.
  n += m.retries.size() * (32 + sizeof(std::pair<TimePoint, uint32_t>));
  n += m.retry_at.size() * (24 + sizeof(std::pair<uint32_t, TimePoint>));
  return n;
}

void Fib::reserve(size_t entries) {
  impl_->slots.reserve(entries);
  impl_->index.reserve(entries);
}

}  // namespace evpnd::fib
