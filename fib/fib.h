// The FIB: the kernel state evpnd wants (remote MACs as bridge + VXLAN FDB entries, flood lists,
// neighbors, IP-VRF routes), what it knows of the kernel's, and the batched writes that make the
// kernel match. Implements the installation side of RFC 7432 §9.2.2 (remote MAC/IP), RFC 8365 §9
// (head-end replication flood list), RFC 9135 §6 / RFC 9136 §4 (symmetric IRB neighbors and
// prefix routes), and the stale-then-sweep reconcile of RFC 4724 §4.1 (graceful restart).
//
// Pure: no sockets, no logging, no clock of its own (time comes in as a parameter), single
// thread. Writes go through a fib::Dataplane; kernel events and dumps come back in through
// on_event() and load(). Internals (hash index, slot store) are in fib.cc.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "fib/dataplane.h"

namespace evpnd::fib {

/// Where an entry stands.
///   kPending:   desired and not (yet) in the kernel as desired, or a delete waiting for sync().
///   kInstalled: desired and in the kernel as desired.
///   kFailed:    the kernel refused the last write (add or delete); retried with backoff.
///   kStale:     evpnd's own entry found in the kernel but not desired (kept until sweep_stale()).
enum class EntryState : uint8_t { kPending, kInstalled, kFailed, kStale };

/// "pending", "installed", "failed", "stale".
const char* to_string(EntryState state);

struct FibOptions {
  size_t batch_size = 4096;                      ///< Changes per Dataplane::apply call (>= 1).
  std::chrono::milliseconds retry_initial{500};  ///< First backoff for entries the kernel refused.
  std::chrono::milliseconds retry_max{30000};    ///< Backoff doubles per failure, capped here.
};

/// One entry as the FIB sees it.
struct FibEntryView {
  Entry entry;  ///< The desired entry; for stale ones, the entry as the kernel reported it.
  EntryState state = EntryState::kPending;
  int last_error = 0;     ///< -errno of the last refused write; 0 after a success.
  uint32_t attempts = 0;  ///< Writes of this version of the entry so far.
};

struct FibStats {
  size_t desired = 0;         ///< Entries desired.
  size_t installed = 0;       ///< Desired and in the kernel as desired.
  size_t pending = 0;         ///< Adds and deletes waiting for sync().
  size_t failed = 0;          ///< Refused by the kernel, waiting for a retry.
  size_t stale = 0;           ///< Own entries kept from before (graceful restart), not desired.
  uint64_t writes = 0;        ///< Changes handed to Dataplane::apply.
  uint64_t write_errors = 0;  ///< Of those, refused (-EEXIST on add, -ENOENT on delete are not).
  uint64_t resyncs = 0;       ///< load() calls.
  uint64_t restored = 0;      ///< Installed entries the kernel lost (deleted by hand, overwritten,
                              ///< missing from a dump) that sync() wrote back.
};

/// The desired kernel state and its reconciliation. Not thread-safe; not re-entrant:
/// Dataplane::apply must not call back into on_event() (events are delivered later, from the
/// loop). Memory: about 70 octets per FDB entry (slot + hash index); routes add their next hops.
class Fib {
 public:
  explicit Fib(Dataplane& dataplane, FibOptions options = {});
  ~Fib();
  Fib(const Fib&) = delete;
  Fib& operator=(const Fib&) = delete;

  /// Desire an entry (replaces the desired entry with the same key). Nothing is written until
  /// sync(). Re-desiring what the kernel already holds (a stale entry, or an entry removed and
  /// re-added before sync()) writes nothing.
  void add(const Entry& entry);
  /// No longer desire the entry with this key (non-key fields ignored). Nothing written until
  /// sync(); only an entry evpnd owns in the kernel is deleted. Stale entries are not affected.
  void remove(const Entry& entry);
  /// Adopt a kernel dump (start-up, or resync after lost events): records which evpnd-owned
  /// entries exist. Owned entries that are not desired become kStale and are KEPT (they keep
  /// forwarding across an evpnd restart) until sweep_stale(); desired entries absent or different
  /// in the kernel become pending (failed ones keep their backoff); desired entries the kernel
  /// holds become installed. Non-owned entries are never touched. Counts a resync.
  void load(const Snapshot& snapshot);
  /// One kernel event (only FDB/neighbor/route events matter; others ignored). An owned entry that
  /// disappears (deleted by hand) while desired becomes pending again, so the next sync() puts it
  /// back (counts `restored`). A non-owned entry that now occupies the key of a desired entry
  /// (e.g. the bridge re-learned a MAC locally) makes the desired entry pending too; so does an
  /// owned one that differs. An owned entry that appears undesired is tracked as kStale. To
  /// never loop against a kernel that reports an entry differently from how it was written, an
  /// entry is rewritten at most 3 times in a row for such events without the kernel ever
  /// reporting it as desired (then it is left as is until the desired entry or a dump changes).
  void on_event(const Event& event);
  /// Marks every installed route for a rewrite at the next sync() (a REPLACE: idempotent) and
  /// returns how many. The kernel removes IPv4 routes through a device that goes down, or whose
  /// address goes, without any RTM_DELROUTE; call this when a link comes up or an address is
  /// added, so that those routes come back.
  size_t reinstall_routes();
  /// Writes what differs from the desired state: adds/replaces of pending entries (and retries of
  /// failed ones whose backoff elapsed by `now`), deletes of entries removed from the desired
  /// state, in batches of options.batch_size, in the order they became pending. -ENOENT (or
  /// -ESRCH) on delete counts as done; -EEXIST on add counts as installed. Any other error:
  /// kFailed with last_error, retried with backoff (retry_initial doubling per failed attempt,
  /// capped at retry_max). Returns the number of changes written. Cost: O(changed entries).
  size_t sync(std::chrono::steady_clock::time_point now);
  /// When sync() next has retries to do (nullopt: none). Pending work is has_work().
  std::optional<std::chrono::steady_clock::time_point> next_retry() const;
  /// Whether pending adds/deletes wait for sync().
  bool has_work() const;
  /// Deletes every kStale entry from the kernel (graceful-restart reconcile done). Returns how many
  /// deletes were written. Refused deletes become kFailed and are retried by sync().
  size_t sweep_stale();
  /// Every desired, failed or stale entry with its state, in key order (bridge FDB, VXLAN FDB,
  /// flood lists, neighbors, routes; then by device/table and address).
  void for_each(const std::function<void(const FibEntryView&)>& visit) const;
  /// The entry with the key of `entry`, if desired, failed or stale.
  std::optional<FibEntryView> find(const Entry& entry) const;
  /// Counters; O(1).
  FibStats stats() const;
  /// Heap octets held (slots, index, routes, queues). O(routes).
  size_t memory_bytes() const;
  /// Makes room for `entries` entries without rehashing.
  void reserve(size_t entries);

  /// Whether an entry seen in the kernel is evpnd's own: FDB entries with NTF_EXT_LEARNED;
  /// neighbors with protocol kProtocolEvpnd or NTF_EXT_LEARNED; routes with protocol
  /// kProtocolEvpnd.
  static bool owned(const Entry& entry);
  /// Whether the kernel's `observed` entry (same key) is `desired` as installed. Compares what
  /// evpnd sets: FDB port, mac, dst (NTF_SELF entries), flags self/master/extern_learn/sticky;
  /// neighbor mac, flag extern_learn, state bits noarp/permanent; route next hops (as a set;
  /// ifindex only when desired sets one) and metric (only when desired sets one). Ignores what
  /// the kernel normalises: FDB state (REACHABLE aging to STALE), `master` on NTF_SELF entries,
  /// extra flags (NTF_OFFLOADED, NTF_ROUTER), neighbor/route protocol.
  static bool matches(const Entry& desired, const Entry& observed);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace evpnd::fib
