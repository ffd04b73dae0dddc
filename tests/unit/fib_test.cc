// Unit tests of fib::Fib (desired state, diff against the kernel, batched apply, resync, stale
// sweep, backoff) against FakeDataplane, an in-memory kernel; and of its key index and entry
// comparison.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "fib/entry_key.h"
#include "fib/fib.h"
#include "fib/key_index.h"
#include "tests/unit/fake_dataplane.h"

namespace evpnd::fib {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const Clock::time_point kT0 = Clock::time_point{} + std::chrono::hours(1);

constexpr int kVxlan = 10;     // vxlan100
constexpr int kBridge = 5;     // br100, also the SVI of VNI 100
constexpr int kLocalPort = 3;  // a VM's tap on br100
constexpr int kL3Svi = 20;
constexpr uint8_t kNtfOffloaded = 0x20;
constexpr uint8_t kNtfRouter = 0x80;

Mac mac(uint32_t n) {
  return Mac{{0x02, 0x00, static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
              static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)}};
}

IpAddr ip(const std::string& text) { return *IpAddr::parse(text); }

// Remote MAC n behind `vtep`: the VXLAN device's entry.
FdbEntry remote_self(uint32_t n, const std::string& vtep = "10.0.0.12") {
  FdbEntry e;
  e.ifindex = kVxlan;
  e.mac = mac(n);
  e.dst = ip(vtep);
  e.flags = kNtfSelf | kNtfExtLearned;
  e.state = kNudReachable;
  return e;
}

// Remote MAC n: the bridge's entry, pointing at the VXLAN port.
FdbEntry remote_master(uint32_t n) {
  FdbEntry e;
  e.ifindex = kVxlan;
  e.master = kBridge;
  e.mac = mac(n);
  e.flags = kNtfMaster | kNtfExtLearned;
  e.state = kNudReachable;
  return e;
}

// Head-end replication towards `vtep`.
FdbEntry flood(const std::string& vtep) {
  FdbEntry e;
  e.ifindex = kVxlan;
  e.dst = ip(vtep);
  e.flags = kNtfSelf | kNtfExtLearned;
  e.state = kNudNoArp | kNudPermanent;
  return e;
}

NeighEntry neigh(const std::string& address, uint32_t n) {
  NeighEntry e;
  e.ifindex = kBridge;
  e.ip = ip(address);
  e.mac = mac(n);
  e.flags = kNtfExtLearned;
  e.state = kNudNoArp;
  e.protocol = kProtocolEvpnd;
  return e;
}

RouteEntry route(const std::string& dst, uint8_t length, std::vector<std::string> gateways) {
  RouteEntry r;
  r.table = 1000;
  r.dst = ip(dst);
  r.prefix_length = length;
  r.protocol = kProtocolEvpnd;
  for (const auto& g : gateways) r.next_hops.push_back(NextHop{ip(g), kL3Svi, true});
  return r;
}

// The bridge learned MAC n on a local port: not evpnd's.
FdbEntry local_learned(uint32_t n) {
  FdbEntry e;
  e.ifindex = kLocalPort;
  e.master = kBridge;
  e.mac = mac(n);
  e.flags = kNtfMaster;
  e.state = kNudReachable;
  return e;
}

// Passes the fake kernel's events to the FIB, and resyncs by dump when events are lost.
class FibListener : public DataplaneListener {
 public:
  FibListener(Fib& fib, Dataplane& dataplane) : fib_(fib), dataplane_(dataplane) {}
  void on_event(const Event& event) override { fib_.on_event(event); }
  void on_events_lost() override { fib_.load(dataplane_.dump()); }

 private:
  Fib& fib_;
  Dataplane& dataplane_;
};

class FibTest : public ::testing::Test {
 protected:
  explicit FibTest(FibOptions options = {}) : fib_(dp_, options), listener_(fib_, dp_) {
    dp_.watch(&listener_);
  }

  EntryState state_of(const Entry& e) const {
    auto v = fib_.find(e);
    EXPECT_TRUE(v.has_value()) << to_string(e);
    return v ? v->state : EntryState::kPending;
  }

  FakeDataplane dp_;
  Fib fib_;
  FibListener listener_;
};

TEST_F(FibTest, AddAndSyncInstalls) {
  const std::vector<Entry> entries = {remote_self(1), remote_master(1), flood("10.0.0.12"),
                                      neigh("192.168.1.10", 1),
                                      route("172.16.0.0", 24, {"10.0.0.12"})};
  for (const auto& e : entries) fib_.add(e);
  EXPECT_TRUE(fib_.has_work());
  EXPECT_EQ(fib_.stats().pending, 5u);
  EXPECT_EQ(dp_.change_count(), 0u) << "nothing is written before sync()";

  EXPECT_EQ(fib_.sync(kT0), 5u);
  EXPECT_FALSE(fib_.has_work());
  EXPECT_EQ(dp_.apply_calls(), 1u);
  for (const auto& e : entries) {
    EXPECT_TRUE(dp_.contains(e)) << to_string(e);
    EXPECT_EQ(state_of(e), EntryState::kInstalled) << to_string(e);
  }
  ASSERT_EQ(dp_.changes().size(), 5u);
  for (const auto& c : dp_.changes()) {
    const auto* f = std::get_if<FdbEntry>(&c.entry);
    const Op want = f && f->mac.is_zero() ? Op::kAppend : Op::kReplace;
    EXPECT_EQ(c.op, want) << to_string(c.entry);
  }
  const FibStats st = fib_.stats();
  EXPECT_EQ(st.desired, 5u);
  EXPECT_EQ(st.installed, 5u);
  EXPECT_EQ(st.pending, 0u);
  EXPECT_EQ(st.writes, 5u);
  EXPECT_EQ(st.write_errors, 0u);
  EXPECT_FALSE(fib_.next_retry().has_value());
}

class FibSmallBatchTest : public FibTest {
 protected:
  FibSmallBatchTest() : FibTest(FibOptions{3, 500ms, 30000ms}) {}
};

TEST_F(FibSmallBatchTest, BatchSizeRespected) {
  for (uint32_t n = 1; n <= 10; ++n) fib_.add(remote_self(n));
  EXPECT_EQ(fib_.sync(kT0), 10u);
  EXPECT_EQ(dp_.apply_calls(), 4u);
  EXPECT_EQ(dp_.batch_sizes(), (std::vector<size_t>{3, 3, 3, 1}));
  EXPECT_EQ(dp_.size(), 10u);
  // Deletes are batched the same way.
  for (uint32_t n = 1; n <= 7; ++n) fib_.remove(remote_self(n));
  EXPECT_EQ(fib_.sync(kT0), 7u);
  EXPECT_EQ(dp_.batch_sizes(), (std::vector<size_t>{3, 3, 3, 1, 3, 3, 1}));
  EXPECT_EQ(dp_.size(), 3u);
}

TEST_F(FibTest, RemoveAndSyncDeletes) {
  fib_.add(remote_self(1));
  fib_.add(remote_self(2));
  fib_.add(neigh("192.168.1.10", 1));
  fib_.sync(kT0);
  dp_.clear_log();

  // Non-key fields are ignored: a different dst still names the same MAC on the device.
  fib_.remove(remote_self(1, "10.9.9.9"));
  NeighEntry key_only;
  key_only.ifindex = kBridge;
  key_only.ip = ip("192.168.1.10");
  fib_.remove(key_only);
  EXPECT_TRUE(fib_.has_work());
  EXPECT_EQ(fib_.stats().pending, 2u) << "two deletes waiting";
  EXPECT_EQ(fib_.sync(kT0), 2u);
  ASSERT_EQ(dp_.changes().size(), 2u);
  EXPECT_EQ(dp_.changes()[0].op, Op::kDelete);
  EXPECT_EQ(dp_.changes()[0].entry, Entry{remote_self(1)}) << "deletes what was installed";
  EXPECT_EQ(dp_.changes()[1].op, Op::kDelete);
  EXPECT_FALSE(dp_.get(remote_self(1)).has_value());
  EXPECT_FALSE(dp_.get(neigh("192.168.1.10", 1)).has_value());
  EXPECT_TRUE(dp_.contains(remote_self(2)));
  EXPECT_FALSE(fib_.find(remote_self(1)).has_value());
  EXPECT_EQ(fib_.stats().desired, 1u);
  EXPECT_EQ(fib_.stats().pending, 0u);

  // Removing what was never written writes nothing.
  fib_.add(remote_self(3));
  fib_.remove(remote_self(3));
  EXPECT_EQ(fib_.sync(kT0), 0u);
  EXPECT_FALSE(fib_.find(remote_self(3)).has_value());
}

TEST_F(FibTest, SyncWithoutChangesWritesNothing) {
  fib_.add(remote_self(1));
  fib_.add(remote_master(1));
  EXPECT_EQ(fib_.sync(kT0), 2u);
  EXPECT_EQ(fib_.sync(kT0 + 1s), 0u);
  fib_.add(remote_self(1));  // The same again.
  fib_.add(remote_master(1));
  EXPECT_FALSE(fib_.has_work());
  EXPECT_EQ(fib_.sync(kT0 + 2s), 0u);
  // A withdraw and re-advertisement between two syncs (a MAC flap) writes nothing either.
  fib_.remove(remote_self(1));
  fib_.add(remote_self(1));
  EXPECT_EQ(fib_.sync(kT0 + 3s), 0u);
  EXPECT_EQ(state_of(remote_self(1)), EntryState::kInstalled);
  EXPECT_EQ(dp_.apply_calls(), 1u);
  EXPECT_EQ(fib_.stats().writes, 2u);
}

TEST_F(FibTest, ChangedDesiredEntryIsRewritten) {
  fib_.add(remote_self(1, "10.0.0.12"));
  fib_.sync(kT0);
  fib_.add(remote_self(1, "10.0.0.13"));  // The MAC moved to another VTEP.
  EXPECT_EQ(state_of(remote_self(1)), EntryState::kPending);
  EXPECT_EQ(fib_.sync(kT0), 1u);
  EXPECT_EQ(dp_.changes().back().op, Op::kReplace);
  EXPECT_TRUE(dp_.contains(remote_self(1, "10.0.0.13")));
  EXPECT_EQ(fib_.stats().desired, 1u);
}

TEST_F(FibTest, LoadKeepsOwnedUndesiredEntriesAsStaleUntilSweep) {
  const std::vector<Entry> owned = {remote_self(1), remote_master(1), flood("10.0.0.12"),
                                    neigh("192.168.1.10", 1),
                                    route("172.16.0.0", 24, {"10.0.0.12"})};
  NeighEntry arp = neigh("192.168.1.20", 2);  // Learned by ARP: not ours.
  arp.flags = 0;
  arp.protocol = 0;
  arp.state = kNudReachable;
  RouteEntry connected = route("192.168.1.0", 24, {});
  connected.table = 1000;
  connected.protocol = 2;  // RTPROT_KERNEL
  const std::vector<Entry> foreign = {local_learned(7), arp, connected};
  for (const auto& e : owned) dp_.put(e, false);
  for (const auto& e : foreign) dp_.put(e, false);

  fib_.load(dp_.dump());
  FibStats st = fib_.stats();
  EXPECT_EQ(st.stale, 5u);
  EXPECT_EQ(st.desired, 0u);
  EXPECT_EQ(st.resyncs, 1u);
  EXPECT_FALSE(fib_.has_work());
  EXPECT_EQ(fib_.sync(kT0), 0u) << "stale entries keep forwarding";
  EXPECT_EQ(dp_.size(), 8u);
  for (const auto& e : owned) EXPECT_EQ(state_of(e), EntryState::kStale) << to_string(e);
  for (const auto& e : foreign) EXPECT_FALSE(fib_.find(e).has_value()) << to_string(e);

  EXPECT_EQ(fib_.sweep_stale(), 5u);
  EXPECT_EQ(dp_.size(), 3u);
  for (const auto& e : foreign) EXPECT_TRUE(dp_.contains(e)) << to_string(e);
  for (const auto& c : dp_.changes()) EXPECT_EQ(c.op, Op::kDelete);
  st = fib_.stats();
  EXPECT_EQ(st.stale, 0u);
  EXPECT_EQ(st.pending, 0u);
  EXPECT_EQ(st.writes, 5u);
  EXPECT_EQ(fib_.sweep_stale(), 0u);
}

TEST_F(FibTest, GracefulRestartConfirmsWhatPeersResendAndSweepsTheRest) {
  // The kernel reports evpnd's old entries its own way (aged, offloaded).
  FdbEntry kept = remote_master(1);
  kept.state = kNudStale;
  kept.flags |= kNtfOffloaded;
  dp_.put(kept, false);
  dp_.put(remote_master(2), false);
  dp_.put(remote_self(1), false);
  fib_.load(dp_.dump());
  EXPECT_EQ(fib_.stats().stale, 3u);

  // The peers re-advertise MAC 1 (same VTEP) and MAC 2 behind another VTEP... for the VXLAN
  // table, the bridge entry of MAC 2 is not re-advertised.
  fib_.add(remote_master(1));
  fib_.add(remote_self(1, "10.0.0.13"));
  EXPECT_EQ(state_of(remote_master(1)), EntryState::kInstalled) << "confirmed without a write";
  EXPECT_EQ(state_of(remote_self(1)), EntryState::kPending) << "the kernel has another dst";
  EXPECT_EQ(fib_.sync(kT0), 1u);
  EXPECT_TRUE(dp_.contains(remote_self(1, "10.0.0.13")));

  EXPECT_EQ(fib_.sweep_stale(), 1u);
  EXPECT_FALSE(dp_.get(remote_master(2)).has_value());
  EXPECT_TRUE(dp_.contains(kept));
  EXPECT_EQ(fib_.stats().installed, 2u);
  EXPECT_EQ(fib_.stats().stale, 0u);
}

TEST_F(FibTest, LoadWithMatchingEntriesInstallsWithoutWrites) {
  FdbEntry x = remote_master(1);
  FdbEntry y = remote_self(2, "10.0.0.12");
  FdbEntry z = remote_self(3);
  fib_.add(x);
  fib_.add(y);
  fib_.add(z);
  FdbEntry x_seen = x;  // As the kernel reports it.
  x_seen.state = kNudStale;
  x_seen.flags |= kNtfOffloaded;
  dp_.put(x_seen, false);
  dp_.put(remote_self(2, "10.0.0.99"), false);  // Ours, but another dst.

  fib_.load(dp_.dump());
  EXPECT_EQ(state_of(x), EntryState::kInstalled);
  EXPECT_EQ(state_of(y), EntryState::kPending);
  EXPECT_EQ(state_of(z), EntryState::kPending);
  EXPECT_EQ(fib_.sync(kT0), 2u);
  EXPECT_TRUE(dp_.contains(y));
  EXPECT_TRUE(dp_.contains(z));
  EXPECT_TRUE(dp_.contains(x_seen)) << "not rewritten";

  // Everything matches now: a second resync writes nothing.
  fib_.load(dp_.dump());
  EXPECT_EQ(fib_.stats().installed, 3u);
  EXPECT_EQ(fib_.sync(kT0), 0u);
  EXPECT_EQ(fib_.stats().resyncs, 2u);
  EXPECT_EQ(fib_.stats().restored, 0u);

  // Drift found by a dump (an entry deleted while events were lost) is repaired.
  dp_.erase(z, false);
  dp_.lose_events();  // The listener resyncs by dump.
  EXPECT_EQ(state_of(z), EntryState::kPending);
  EXPECT_EQ(fib_.sync(kT0), 1u);
  EXPECT_TRUE(dp_.contains(z));
  EXPECT_EQ(fib_.stats().restored, 1u);
}

TEST_F(FibTest, RoutesOfOthersAtTheSamePrefixAreIgnored) {
  RouteEntry ours = route("10.9.1.0", 31, {"10.9.1.0"});
  ours.metric = 20;
  fib_.add(ours);
  fib_.sync(kT0);
  RouteEntry connected = route("10.9.1.0", 31, {});
  connected.protocol = 2;  // RTPROT_KERNEL
  fib_.on_event(Event{connected, false});
  fib_.on_event(Event{connected, true});  // Its link went down: ours is not touched.
  EXPECT_EQ(state_of(ours), EntryState::kInstalled);
  EXPECT_FALSE(fib_.has_work());
  fib_.on_event(Event{ours, true});  // Ours deleted by hand: restored.
  EXPECT_EQ(state_of(ours), EntryState::kPending);
}

TEST_F(FibTest, ReinstallRoutesRewritesInstalledRoutesOnly) {
  const RouteEntry r = route("172.16.0.0", 24, {"10.0.0.12"});
  fib_.add(r);
  fib_.add(remote_self(1));
  fib_.sync(kT0);
  const size_t writes = fib_.stats().writes;
  EXPECT_EQ(fib_.reinstall_routes(), 1u);
  EXPECT_EQ(state_of(r), EntryState::kPending);
  EXPECT_EQ(state_of(remote_self(1)), EntryState::kInstalled);
  EXPECT_EQ(fib_.sync(kT0), 1u);
  EXPECT_EQ(fib_.stats().writes, writes + 1);
  EXPECT_EQ(dp_.changes().back().op, Op::kReplace);
  EXPECT_EQ(state_of(r), EntryState::kInstalled);
  EXPECT_EQ(fib_.reinstall_routes(), 1u);
  fib_.remove(r);
  EXPECT_EQ(fib_.reinstall_routes(), 0u) << "a route on its way out is not rewritten";
}

TEST_F(FibTest, HandDeletedEntryIsRestoredOnNextSync) {
  fib_.add(remote_self(1));
  fib_.add(neigh("192.168.1.10", 1));
  fib_.sync(kT0);
  EXPECT_TRUE(dp_.erase(remote_self(1)));  // bridge fdb del ... (RTM_DELNEIGH)
  EXPECT_TRUE(dp_.erase(neigh("192.168.1.10", 1)));
  EXPECT_EQ(state_of(remote_self(1)), EntryState::kPending);
  EXPECT_TRUE(fib_.has_work());
  EXPECT_EQ(fib_.sync(kT0), 2u);
  EXPECT_TRUE(dp_.contains(remote_self(1)));
  EXPECT_TRUE(dp_.contains(neigh("192.168.1.10", 1)));
  EXPECT_EQ(fib_.stats().restored, 2u);
  EXPECT_EQ(fib_.stats().installed, 2u);
}

TEST_F(FibTest, BridgeRelearnOnLocalPortRewritesEntry) {
  fib_.add(remote_master(1));
  fib_.sync(kT0);
  dp_.put(local_learned(1));  // Same bridge and MAC, another port, not extern_learn.
  EXPECT_FALSE(dp_.contains(remote_master(1)));
  EXPECT_EQ(state_of(remote_master(1)), EntryState::kPending);
  EXPECT_EQ(fib_.sync(kT0), 1u);
  EXPECT_EQ(dp_.changes().back().op, Op::kReplace);
  EXPECT_TRUE(dp_.contains(remote_master(1)));
  EXPECT_EQ(fib_.stats().restored, 1u);

  // A MAC learned locally under another key (other MAC) is none of the FIB's business.
  dp_.put(local_learned(2));
  EXPECT_FALSE(fib_.has_work());
  EXPECT_FALSE(fib_.find(local_learned(2)).has_value());
}

TEST_F(FibTest, ForeignEntryIsNeverDeleted) {
  // A desired entry withdrawn after the bridge re-learned the MAC locally: nothing to delete.
  fib_.add(remote_master(1));
  fib_.sync(kT0);
  dp_.put(local_learned(1));
  fib_.remove(remote_master(1));
  EXPECT_EQ(fib_.sync(kT0), 0u);
  EXPECT_TRUE(dp_.contains(local_learned(1)));

  // A stale entry replaced by a local one is not swept.
  dp_.put(remote_master(2), false);
  fib_.load(dp_.dump());
  EXPECT_EQ(fib_.stats().stale, 1u);
  dp_.put(local_learned(2));
  EXPECT_EQ(fib_.stats().stale, 0u);
  EXPECT_EQ(fib_.sweep_stale(), 0u);
  EXPECT_TRUE(dp_.contains(local_learned(2)));
  EXPECT_EQ(dp_.change_count(), 1u);
}

TEST_F(FibTest, OwnedEntryAppearingUndesiredIsTrackedAsStale) {
  dp_.put(remote_self(4));  // Someone wrote an extern_learn entry evpnd does not want.
  EXPECT_EQ(state_of(remote_self(4)), EntryState::kStale);
  EXPECT_FALSE(fib_.has_work());
  dp_.erase(remote_self(4));
  EXPECT_FALSE(fib_.find(remote_self(4)).has_value());
  EXPECT_EQ(fib_.stats().stale, 0u);
}

class FibBackoffTest : public FibTest {
 protected:
  FibBackoffTest() : FibTest(FibOptions{4096, 500ms, 2000ms}) {}
};

TEST_F(FibBackoffTest, KernelRefusalBacksOffDoublingCappedThenSucceeds) {
  const Entry x = remote_self(1);
  dp_.fail_next(x, EINVAL, 4);
  fib_.add(x);
  EXPECT_EQ(fib_.sync(kT0), 1u);
  auto v = fib_.find(x);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->state, EntryState::kFailed);
  EXPECT_EQ(v->last_error, -EINVAL);
  EXPECT_EQ(v->attempts, 1u);
  EXPECT_FALSE(fib_.has_work()) << "a retry is not pending work";
  ASSERT_EQ(fib_.next_retry(), kT0 + 500ms);

  EXPECT_EQ(fib_.sync(kT0 + 499ms), 0u) << "backoff not elapsed";
  EXPECT_EQ(fib_.sync(kT0 + 500ms), 1u);
  EXPECT_EQ(fib_.next_retry(), kT0 + 500ms + 1000ms) << "doubled";
  EXPECT_EQ(fib_.sync(kT0 + 1500ms), 1u);
  EXPECT_EQ(fib_.next_retry(), kT0 + 1500ms + 2000ms);
  EXPECT_EQ(fib_.sync(kT0 + 3500ms), 1u);
  EXPECT_EQ(fib_.next_retry(), kT0 + 3500ms + 2000ms) << "capped at retry_max, not 4000 ms";
  EXPECT_EQ(fib_.find(x)->attempts, 4u);

  EXPECT_EQ(fib_.sync(kT0 + 5500ms), 1u);
  v = fib_.find(x);
  EXPECT_EQ(v->state, EntryState::kInstalled);
  EXPECT_EQ(v->last_error, 0);
  EXPECT_EQ(v->attempts, 5u);
  EXPECT_FALSE(fib_.next_retry().has_value());
  EXPECT_TRUE(dp_.contains(x));
  EXPECT_EQ(fib_.stats().writes, 5u);
  EXPECT_EQ(fib_.stats().write_errors, 4u);
  EXPECT_EQ(fib_.stats().failed, 0u);
}

TEST_F(FibBackoffTest, NewDesiredVersionOfAFailedEntryIsWrittenAtOnce) {
  dp_.fail_next(remote_self(1), ENODEV, 1);
  fib_.add(remote_self(1));
  fib_.sync(kT0);
  fib_.add(remote_self(1));  // Unchanged: keeps its backoff.
  EXPECT_FALSE(fib_.has_work());
  fib_.add(remote_self(1, "10.0.0.13"));  // Changed: written now, attempts start over.
  EXPECT_TRUE(fib_.has_work());
  EXPECT_FALSE(fib_.next_retry().has_value());
  EXPECT_EQ(fib_.sync(kT0 + 1ms), 1u);
  EXPECT_EQ(state_of(remote_self(1)), EntryState::kInstalled);
  EXPECT_EQ(fib_.find(remote_self(1))->attempts, 1u);
}

TEST_F(FibTest, FailedDeleteIsRetried) {
  fib_.add(remote_self(1));
  fib_.sync(kT0);
  dp_.fail_next(FakeDataplane::same_key(remote_self(1), Op::kDelete), EBUSY);
  fib_.remove(remote_self(1));
  EXPECT_EQ(fib_.sync(kT0), 1u);
  auto v = fib_.find(remote_self(1));
  ASSERT_TRUE(v) << "a failed delete is listed";
  EXPECT_EQ(v->state, EntryState::kFailed);
  EXPECT_EQ(v->last_error, -EBUSY);
  EXPECT_EQ(fib_.stats().desired, 0u);
  ASSERT_EQ(fib_.next_retry(), kT0 + 500ms);
  EXPECT_EQ(fib_.sync(kT0 + 500ms), 1u);
  EXPECT_FALSE(dp_.get(remote_self(1)).has_value());
  EXPECT_FALSE(fib_.find(remote_self(1)).has_value());
  EXPECT_EQ(fib_.stats().failed, 0u);
}

TEST_F(FibTest, EnoentOnDeleteAndEexistOnAddAreSuccess) {
  fib_.add(remote_self(1));
  fib_.sync(kT0);
  dp_.erase(remote_self(1), false);  // Gone without an event.
  fib_.remove(remote_self(1));
  EXPECT_EQ(fib_.sync(kT0), 1u);
  EXPECT_FALSE(fib_.find(remote_self(1)).has_value());

  dp_.fail_next(remote_self(2), EEXIST);
  fib_.add(remote_self(2));
  EXPECT_EQ(fib_.sync(kT0), 1u);
  EXPECT_EQ(state_of(remote_self(2)), EntryState::kInstalled);

  const FibStats st = fib_.stats();
  EXPECT_EQ(st.write_errors, 0u);
  EXPECT_EQ(st.failed, 0u);
  EXPECT_EQ(st.pending, 0u);
  EXPECT_FALSE(fib_.next_retry().has_value());
}

TEST_F(FibTest, FloodEntriesAppendPerVtepAndDeleteOneByOne) {
  fib_.add(flood("10.0.0.12"));
  fib_.add(flood("10.0.0.13"));
  fib_.add(flood("10.0.0.14"));
  EXPECT_EQ(fib_.stats().desired, 3u) << "one entry per remote VTEP";
  EXPECT_EQ(fib_.sync(kT0), 3u);
  for (const auto& c : dp_.changes()) EXPECT_EQ(c.op, Op::kAppend);
  EXPECT_EQ(dp_.all<FdbEntry>().size(), 3u) << "a replace would have kept only one VTEP";

  FdbEntry b;  // Key fields only: device, all-zeros MAC, dst.
  b.ifindex = kVxlan;
  b.dst = ip("10.0.0.13");
  b.flags = kNtfSelf;
  fib_.remove(b);
  EXPECT_EQ(fib_.sync(kT0), 1u);
  ASSERT_EQ(dp_.changes().size(), 4u);
  EXPECT_EQ(dp_.changes()[3].op, Op::kDelete);
  EXPECT_EQ(std::get<FdbEntry>(dp_.changes()[3].entry).dst, ip("10.0.0.13"));
  EXPECT_TRUE(dp_.contains(flood("10.0.0.12")));
  EXPECT_TRUE(dp_.contains(flood("10.0.0.14")));
  EXPECT_FALSE(dp_.get(flood("10.0.0.13")).has_value());
  EXPECT_EQ(dp_.all<FdbEntry>().size(), 2u);
}

TEST_F(FibTest, KernelNormalisationDoesNotCauseRewrites) {
  // The kernel reports what it stores in its own way: bridge entries age to STALE and gain
  // NTF_OFFLOADED, VXLAN entries carry their bridge as master, neighbors lose NDA_PROTOCOL on
  // older kernels and gain NTF_ROUTER, routes get a metric, resolved devices and another next-hop
  // order.
  dp_.set_normalize([](Entry& e) {
    if (auto* f = std::get_if<FdbEntry>(&e)) {
      f->flags |= kNtfOffloaded;
      if (f->flags & kNtfMaster) {
        f->state = kNudStale;
      } else {
        f->master = kBridge;
      }
    } else if (auto* n = std::get_if<NeighEntry>(&e)) {
      n->protocol = 0;
      n->flags |= kNtfRouter;
      n->state |= kNudStale;
    } else if (auto* r = std::get_if<RouteEntry>(&e)) {
      r->metric = 1024;
      for (auto& nh : r->next_hops) nh.ifindex = kL3Svi;
      std::reverse(r->next_hops.begin(), r->next_hops.end());
    }
  });
  dp_.set_echo(true);
  RouteEntry ecmp = route("172.16.0.0", 24, {"10.0.0.12", "10.0.0.13"});
  for (auto& nh : ecmp.next_hops) nh.ifindex = 0;  // Resolved by the kernel.
  const std::vector<Entry> entries = {remote_self(1), remote_master(1), flood("10.0.0.12"),
                                      neigh("192.168.1.10", 1), ecmp};
  for (const auto& e : entries) fib_.add(e);
  EXPECT_EQ(fib_.sync(kT0), 5u);
  EXPECT_EQ(dp_.deliver_events(), 5u) << "the kernel echoes every write";
  EXPECT_FALSE(fib_.has_work());
  EXPECT_EQ(fib_.sync(kT0 + 1s), 0u);
  for (const auto& e : entries) EXPECT_EQ(state_of(e), EntryState::kInstalled) << to_string(e);

  fib_.load(dp_.dump());
  EXPECT_EQ(fib_.stats().installed, 5u);
  EXPECT_EQ(fib_.stats().pending, 0u);
  EXPECT_EQ(fib_.sync(kT0 + 2s), 0u);
  EXPECT_EQ(dp_.apply_calls(), 1u);
  EXPECT_EQ(fib_.stats().writes, 5u);
}

TEST_F(FibTest, NeverLoopsAgainstAKernelThatReportsAnEntryDifferently) {
  // A kernel that drops the sticky flag from what it reports, and reports every write (the state
  // bits, which the FIB ignores, change each time): every echo differs from what was written.
  // The FIB rewrites a few times, then leaves it.
  uint16_t generation = 0;
  dp_.set_normalize([&generation](Entry& e) {
    if (auto* f = std::get_if<FdbEntry>(&e)) {
      f->flags &= static_cast<uint8_t>(~kNtfSticky);
      f->state = static_cast<uint16_t>(++generation << 8);
    }
  });
  dp_.set_echo(true);
  FdbEntry sticky = remote_master(1);
  sticky.flags |= kNtfSticky;
  fib_.add(sticky);
  size_t written = 0;
  for (int i = 0; i < 20; ++i) {
    written += fib_.sync(kT0 + std::chrono::seconds(i));
    dp_.deliver_events();
  }
  EXPECT_EQ(written, 4u) << "written once, rewritten 3 times, then left alone";
  EXPECT_FALSE(fib_.has_work());
  EXPECT_EQ(state_of(sticky), EntryState::kInstalled);

  // A new desired version is written again, and once the kernel reports it as desired the
  // guard starts over.
  fib_.add(remote_master(1));
  EXPECT_EQ(fib_.sync(kT0 + 30s), 1u);
  EXPECT_EQ(dp_.deliver_events(), 1u);
  EXPECT_FALSE(fib_.has_work()) << "reported as desired: nothing to rewrite";
  dp_.put(local_learned(1));
  EXPECT_EQ(fib_.sync(kT0 + 31s), 1u) << "a re-learn is repaired again";
}

TEST_F(FibTest, ForEachShowsStatesInKeyOrder) {
  dp_.put(remote_master(9), false);
  fib_.load(dp_.dump());               // stale
  fib_.add(neigh("192.168.1.10", 1));  // installed
  dp_.fail_next(remote_self(2), EPERM);
  fib_.add(remote_self(2));  // failed
  fib_.sync(kT0);
  fib_.add(route("172.16.0.0", 24, {"10.0.0.12"}));  // pending

  std::vector<std::pair<std::string, EntryState>> seen;
  fib_.for_each([&](const FibEntryView& v) { seen.emplace_back(to_string(v.entry), v.state); });
  const std::vector<std::pair<std::string, EntryState>> want = {
      {to_string(remote_master(9)), EntryState::kStale},
      {to_string(remote_self(2)), EntryState::kFailed},
      {to_string(neigh("192.168.1.10", 1)), EntryState::kInstalled},
      {to_string(route("172.16.0.0", 24, {"10.0.0.12"})), EntryState::kPending},
  };
  EXPECT_EQ(seen, want);
  EXPECT_STREQ(to_string(EntryState::kPending), "pending");
  EXPECT_STREQ(to_string(EntryState::kInstalled), "installed");
  EXPECT_STREQ(to_string(EntryState::kFailed), "failed");
  EXPECT_STREQ(to_string(EntryState::kStale), "stale");

  // Within a kind, by device then address.
  Fib other(dp_);
  for (uint32_t n : {5u, 3u, 4u}) other.add(remote_self(n));
  std::vector<Mac> macs;
  other.for_each([&](const FibEntryView& v) { macs.push_back(std::get<FdbEntry>(v.entry).mac); });
  EXPECT_EQ(macs, (std::vector<Mac>{mac(3), mac(4), mac(5)}));
}

TEST_F(FibTest, StatsCount) {
  dp_.put(remote_master(9), false);
  dp_.put(remote_master(8), false);
  fib_.load(dp_.dump());
  for (uint32_t n = 1; n <= 4; ++n) fib_.add(remote_self(n));
  dp_.fail_next(remote_self(4), EPERM);
  fib_.sync(kT0);
  fib_.add(remote_self(5));
  dp_.erase(remote_self(1));
  fib_.sync(kT0);
  fib_.add(remote_self(6));
  FibStats st = fib_.stats();
  EXPECT_EQ(st.desired, 6u);
  EXPECT_EQ(st.installed, 4u);  // 1 (restored), 2, 3, 5
  EXPECT_EQ(st.pending, 1u);    // 6
  EXPECT_EQ(st.failed, 1u);     // 4
  EXPECT_EQ(st.stale, 2u);
  EXPECT_EQ(st.writes, 6u);
  EXPECT_EQ(st.write_errors, 1u);
  EXPECT_EQ(st.resyncs, 1u);
  EXPECT_EQ(st.restored, 1u);
  EXPECT_EQ(fib_.sweep_stale(), 2u);
  st = fib_.stats();
  EXPECT_EQ(st.stale, 0u);
  EXPECT_EQ(st.writes, 8u);
  EXPECT_GT(fib_.memory_bytes(), 0u);
}

// A dataplane that answers fewer results than it was given changes.
class ShortDataplane : public Dataplane {
 public:
  std::vector<int> apply(const std::vector<Change>&) override { return {}; }
  Snapshot dump(std::string*) override { return {}; }
  void watch(DataplaneListener*) override {}
};

TEST(FibDataplaneTest, MissingResultsCountAsErrors) {
  ShortDataplane dp;
  Fib fib(dp);
  fib.add(remote_self(1));
  EXPECT_EQ(fib.sync(kT0), 1u);
  auto v = fib.find(remote_self(1));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->state, EntryState::kFailed);
  EXPECT_EQ(v->last_error, -EIO);
}

// The fake kernel itself: the answers the FIB relies on.
TEST(FibFakeKernelTest, AnswersAsTheKernelDoes) {
  FakeDataplane dp;
  FdbEntry noarp_only = remote_self(1);
  noarp_only.state = kNudNoArp;  // vxlan_fdb_add() wants PERMANENT or REACHABLE.
  FdbEntry other_port = remote_master(2);
  other_port.ifindex = kLocalPort;
  const std::vector<int> results =
      dp.apply({{Op::kReplace, noarp_only},
                {Op::kDelete, remote_self(3)},
                {Op::kReplace, remote_master(2)},
                {Op::kDelete, other_port},  // The bridge deletes on the port named only.
                {Op::kAppend, flood("10.0.0.12")},
                {Op::kAppend, flood("10.0.0.12")},
                {Op::kAppend, flood("10.0.0.13")},
                {Op::kReplace, flood("10.0.0.14")}});
  EXPECT_EQ(results, (std::vector<int>{-EINVAL, -ENOENT, 0, -ENOENT, 0, 0, 0, 0}));
  EXPECT_TRUE(dp.contains(remote_master(2)));
  // A replace of the all-zeros entry leaves one remote: why the FIB appends.
  EXPECT_TRUE(dp.contains(flood("10.0.0.14")));
  EXPECT_FALSE(dp.get(flood("10.0.0.12")).has_value());
  EXPECT_EQ(dp.all<FdbEntry>().size(), 2u);
  EXPECT_EQ(dp.apply_calls(), 1u);
  EXPECT_EQ(dp.change_count(), 8u);
}

TEST(FibMatchesTest, OwnershipMarks) {
  EXPECT_TRUE(Fib::owned(remote_self(1)));
  EXPECT_FALSE(Fib::owned(local_learned(1)));
  NeighEntry n = neigh("192.168.1.10", 1);
  EXPECT_TRUE(Fib::owned(n));
  n.flags = 0;
  EXPECT_TRUE(Fib::owned(n)) << "NDA_PROTOCOL alone";
  n.protocol = 0;
  EXPECT_FALSE(Fib::owned(n));
  n.flags = kNtfExtLearned;
  EXPECT_TRUE(Fib::owned(n)) << "extern_learn alone";
  RouteEntry r = route("172.16.0.0", 24, {"10.0.0.12"});
  EXPECT_TRUE(Fib::owned(r));
  r.protocol = 186;  // RTPROT_BGP
  EXPECT_FALSE(Fib::owned(r));
}

TEST(FibMatchesTest, ComparesWhatEvpndSetsOnly) {
  FdbEntry m = remote_master(1);
  FdbEntry seen = m;
  seen.state = kNudStale;
  seen.flags |= kNtfOffloaded;
  EXPECT_TRUE(Fib::matches(m, seen));
  seen.ifindex = kLocalPort;
  EXPECT_FALSE(Fib::matches(m, seen)) << "another port";
  seen = m;
  seen.flags |= kNtfSticky;
  EXPECT_FALSE(Fib::matches(m, seen)) << "sticky differs";

  FdbEntry s = remote_self(1);
  FdbEntry s_seen = s;
  s_seen.master = kBridge;
  EXPECT_TRUE(Fib::matches(s, s_seen));
  s_seen.dst = ip("10.0.0.99");
  EXPECT_FALSE(Fib::matches(s, s_seen)) << "another VTEP";

  NeighEntry n = neigh("192.168.1.10", 1);
  NeighEntry n_seen = n;
  n_seen.protocol = 0;
  EXPECT_TRUE(Fib::matches(n, n_seen));
  n_seen.state = kNudReachable;
  EXPECT_FALSE(Fib::matches(n, n_seen)) << "not NOARP: the kernel would age it";
  n_seen = n;
  n_seen.mac = mac(2);
  EXPECT_FALSE(Fib::matches(n, n_seen));

  RouteEntry r = route("172.16.0.0", 24, {"10.0.0.12", "10.0.0.13"});
  RouteEntry r_seen = r;
  std::reverse(r_seen.next_hops.begin(), r_seen.next_hops.end());
  r_seen.metric = 1024;
  EXPECT_TRUE(Fib::matches(r, r_seen)) << "next hops as a set; metric the kernel filled";
  r.metric = 20;
  EXPECT_FALSE(Fib::matches(r, r_seen)) << "a metric evpnd set is compared";
  r.metric = 0;
  r_seen.next_hops.pop_back();
  EXPECT_FALSE(Fib::matches(r, r_seen)) << "a next hop missing";
  r_seen = r;
  r_seen.next_hops[0].onlink = false;
  EXPECT_FALSE(Fib::matches(r, r_seen));
  r_seen = r;
  r_seen.next_hops[0].ifindex = 99;
  EXPECT_FALSE(Fib::matches(r, r_seen)) << "a device evpnd set is compared";
  EXPECT_FALSE(Fib::matches(Entry{m}, Entry{n}));
}

TEST(FibKeyTest, KernelIdentityOfEntries) {
  // The bridge's table: the port is a value.
  EXPECT_EQ(key_of(remote_master(1)), key_of(local_learned(1)));
  EXPECT_NE(key_of(remote_master(1)), key_of(remote_master(2)));
  EXPECT_NE(key_of(remote_master(1)), key_of(remote_self(1)));
  // The VXLAN table: dst is a value for a MAC, part of the key for the flood list.
  EXPECT_EQ(key_of(remote_self(1, "10.0.0.12")), key_of(remote_self(1, "10.0.0.13")));
  EXPECT_NE(key_of(flood("10.0.0.12")), key_of(flood("10.0.0.13")));
  FdbEntry vlan = remote_master(1);
  vlan.vlan = 100;
  EXPECT_NE(key_of(vlan), key_of(remote_master(1)));
  // Neighbors by device and address; routes by table and prefix.
  EXPECT_EQ(key_of(neigh("192.168.1.10", 1)), key_of(neigh("192.168.1.10", 2)));
  RouteEntry r = route("172.16.0.0", 24, {"10.0.0.12"});
  RouteEntry r2 = route("172.16.0.0", 24, {"10.0.0.13"});
  EXPECT_EQ(key_of(r), key_of(r2));
  r2.prefix_length = 25;
  EXPECT_NE(key_of(r), key_of(r2));
  r2 = r;
  r2.table = 1001;
  EXPECT_NE(key_of(r), key_of(r2));
  // Stray octets past an IPv4 address do not matter.
  NeighEntry a = neigh("192.168.1.10", 1);
  a.ip.octets[10] = 7;
  EXPECT_EQ(key_of(a), key_of(neigh("192.168.1.10", 1)));
}

TEST(FibKeyIndexTest, InsertFindEraseAtScale) {
  std::vector<EntryKey> keys;
  for (uint32_t n = 0; n < 50'000; ++n) keys.push_back(key_of(remote_self(n)));
  KeyIndex index;
  auto find = [&](uint32_t n) {
    return index.find(keys[n].hash(), [&](uint32_t id) { return keys[id] == keys[n]; });
  };
  for (uint32_t n = 0; n < keys.size(); ++n) index.insert(keys[n].hash(), n);
  EXPECT_EQ(index.size(), keys.size());
  for (uint32_t n = 0; n < keys.size(); n += 3) index.erase(keys[n].hash(), n);
  for (uint32_t n = 0; n < keys.size(); ++n) {
    ASSERT_EQ(find(n), n % 3 == 0 ? KeyIndex::kNone : n) << n;
  }
  EXPECT_GT(index.memory_bytes(), 0u);
  EXPECT_LE(index.memory_bytes(), 22 * keys.size()) << "8 octets a bucket, at least 3/8 full";
}

TEST(FibKeyIndexTest, EraseKeepsCollidingRunsReachable) {
  // Hashes that collide on purpose (16 home buckets, wrapping around the table): backward-shift
  // deletion must keep every remaining member findable.
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    KeyIndex index;
    std::vector<uint64_t> hash(300);
    for (auto& h : hash) h = (rng() & 0xf) | (uint64_t{rng()} << 32) | 0xfff0;
    for (uint32_t i = 0; i < hash.size(); ++i) index.insert(hash[i], i);
    std::vector<bool> present(hash.size(), true);
    for (int k = 0; k < 200; ++k) {
      const auto i = static_cast<uint32_t>(rng() % hash.size());
      index.erase(hash[i], i);
      present[i] = false;
    }
    for (uint32_t i = 0; i < hash.size(); ++i) {
      const uint32_t got = index.find(hash[i], [&](uint32_t id) { return id == i; });
      ASSERT_EQ(got, present[i] ? i : KeyIndex::kNone) << "round " << round << " id " << i;
    }
  }
}

}  // namespace
}  // namespace evpnd::fib
