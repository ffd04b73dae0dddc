// Micro benchmarks of fib::Fib (Google Benchmark): 1 M desired FDB entries (500,000 remote MACs,
// each a VXLAN entry with dst and a bridge entry, over 100 VNIs and 256 VTEPs) added and synced
// in batches of 4,096 into the in-memory kernel of the unit tests (tests/unit/fake_dataplane.h)
// and into a dataplane that only acknowledges (the FIB's own cost); a resync of the 1 M entries
// from a matching dump; an incremental sync of 1,000 changes among 1 M installed entries.
// Counters: entries/s (per CPU second of the benchmark thread), and memory per entry counted
// two ways: live heap octets from the replaced global operator new/delete, and
// Fib::memory_bytes().
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "fib/fib.h"
#include "tests/unit/fake_dataplane.h"

// --- Counting allocator --------------------------------------------------------------------

namespace {
size_t g_live_bytes = 0;  // Single-threaded benchmark: no atomics needed.

void* counted_alloc(size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  g_live_bytes += malloc_usable_size(p);
  return p;
}
void counted_free(void* p) {
  if (!p) return;
  g_live_bytes -= malloc_usable_size(p);
  std::free(p);
}
}  // namespace

void* operator new(size_t n) { return counted_alloc(n); }
void* operator new[](size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, size_t) noexcept { counted_free(p); }
void operator delete[](void* p, size_t) noexcept { counted_free(p); }

namespace evpnd::fib {
namespace {

constexpr size_t kMacs = 500'000;
constexpr size_t kEntries = 2 * kMacs;  // A VXLAN entry and a bridge entry per MAC.
constexpr uint32_t kVnis = 100;
const auto kNow = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

// Acknowledges every change: what the FIB costs without a kernel.
class AckDataplane : public Dataplane {
 public:
  std::vector<int> apply(const std::vector<Change>& changes) override {
    return std::vector<int>(changes.size(), 0);
  }
  Snapshot dump(std::string*) override { return {}; }
  void watch(DataplaneListener*) override {}
};

// Remote MAC n: (VXLAN entry, bridge entry).
std::pair<FdbEntry, FdbEntry> remote_mac(size_t n) {
  const auto vni = static_cast<int>(n % kVnis);
  FdbEntry self;
  self.ifindex = 1000 + vni;
  self.mac = Mac{{0x02, 0x00, static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                  static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)}};
  self.dst = IpAddr::v4(0x0a000100u + static_cast<uint32_t>(n % 256));
  self.flags = kNtfSelf | kNtfExtLearned;
  self.state = kNudReachable;
  FdbEntry master;
  master.ifindex = self.ifindex;
  master.master = 2000 + vni;
  master.mac = self.mac;
  master.flags = kNtfMaster | kNtfExtLearned;
  master.state = kNudReachable;
  return {self, master};
}

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = [] {
    std::vector<Entry> out;
    out.reserve(kEntries);
    for (size_t n = 0; n < kMacs; ++n) {
      auto [self, master] = remote_mac(n);
      out.emplace_back(self);
      out.emplace_back(master);
    }
    return out;
  }();
  return all;
}

void add_all(Fib& fib) {
  for (const Entry& e : entries()) fib.add(e);
}

void report(benchmark::State& state, size_t heap, size_t estimate) {
  state.counters["entries_per_s"] =
      benchmark::Counter(static_cast<double>(kEntries) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  if (heap) state.counters["heap_bytes_per_entry"] = static_cast<double>(heap) / kEntries;
  state.counters["fib_estimate_bytes_per_entry"] = static_cast<double>(estimate) / kEntries;
}

// add() of 1 M entries and one sync() into the fake kernel (which stores them all).
void BM_FibAddSyncFakeKernel(benchmark::State& state) {
  entries();
  size_t estimate = 0;
  for (auto _ : state) {
    state.PauseTiming();
    {
      auto dp = std::make_unique<FakeDataplane>();
      dp->set_record(false);
      auto fib = std::make_unique<Fib>(*dp);
      state.ResumeTiming();
      add_all(*fib);
      const size_t written = fib->sync(kNow);
      state.PauseTiming();
      if (written != kEntries || dp->size() != kEntries || fib->stats().installed != kEntries) {
        state.SkipWithError("entries missing");
      }
      estimate = fib->memory_bytes();
    }
    state.ResumeTiming();
  }
  report(state, 0, estimate);
}
BENCHMARK(BM_FibAddSyncFakeKernel)->Unit(benchmark::kMillisecond)->Iterations(3);

// The same against a dataplane that only acknowledges: the FIB's own time and memory.
void BM_FibAddSyncAckOnly(benchmark::State& state) {
  entries();
  size_t heap = 0;
  size_t estimate = 0;
  for (auto _ : state) {
    state.PauseTiming();
    {
      AckDataplane dp;
      const size_t heap0 = g_live_bytes;
      auto fib = std::make_unique<Fib>(dp);
      state.ResumeTiming();
      add_all(*fib);
      const size_t written = fib->sync(kNow);
      state.PauseTiming();
      if (written != kEntries || fib->stats().installed != kEntries) {
        state.SkipWithError("entries missing");
      }
      heap = g_live_bytes - heap0;
      estimate = fib->memory_bytes();
    }
    state.ResumeTiming();
  }
  report(state, heap, estimate);
}
BENCHMARK(BM_FibAddSyncAckOnly)->Unit(benchmark::kMillisecond)->Iterations(3);

// Resync after lost events: load() of a dump that matches the 1 M desired entries (all
// installed, nothing written).
void BM_FibLoadMatchingDump(benchmark::State& state) {
  FakeDataplane dp;
  dp.set_record(false);
  Fib fib(dp);
  add_all(fib);
  fib.sync(kNow);
  const Snapshot snapshot = dp.dump();
  for (auto _ : state) {
    fib.load(snapshot);
    if (fib.sync(kNow) != 0 || fib.stats().installed != kEntries) {
      state.SkipWithError("resync wrote");
    }
  }
  report(state, 0, fib.memory_bytes());
}
BENCHMARK(BM_FibLoadMatchingDump)->Unit(benchmark::kMillisecond)->Iterations(3);

// 1,000 remote MACs move to another VTEP among 1 M installed entries: sync() touches only them.
void BM_FibIncrementalSync(benchmark::State& state) {
  AckDataplane dp;
  Fib fib(dp);
  add_all(fib);
  fib.sync(kNow);
  uint32_t round = 0;
  constexpr size_t kMoved = 1000;
  for (auto _ : state) {
    ++round;
    for (size_t i = 0; i < kMoved; ++i) {
      auto [self, master] = remote_mac((i * 499) % kMacs);
      self.dst = IpAddr::v4(0x0a010000u + round);
      fib.add(self);
    }
    if (fib.sync(kNow) != kMoved) state.SkipWithError("wrong number of writes");
  }
  state.counters["changes_per_s"] =
      benchmark::Counter(static_cast<double>(kMoved) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FibIncrementalSync)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace evpnd::fib

BENCHMARK_MAIN();
