// Micro benchmarks of bgpd/rib (Google Benchmark): applying 1 M EVPN type-2 routes (MAC + IPv4,
// 100 per UPDATE sharing one attribute set, one peer) into Adj-RIB-In/Loc-RIB, the same from
// wire bytes (codec decode included), and the initial table dump of that Loc-RIB to a new peer
// (Adj-RIB-Out + packing). Counters: routes/s, and memory per route measured two ways: live heap
// octets counted by the replaced global operator new/delete, and resident set size growth read
// from /proc/self/statm. Rates are per CPU second of the benchmark thread (the RIB is
// single-threaded; wall time on a loaded machine is shown in the Time column).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

#include "bgpd/codec/message.h"
#include "bgpd/rib/rib.h"

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

namespace evpnd::rib {
namespace {

using codec::Family;
using codec::IpAddress;

constexpr size_t kRoutes = 1'000'000;
constexpr size_t kPerUpdate = 100;
constexpr uint32_t kVnis = 100;  // Attribute sets cycle through 100 VNIs (RT + label).

size_t rss_bytes() {
  long pages_total = 0;
  long pages_resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
  std::fclose(f);
  return static_cast<size_t>(pages_resident) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

RibConfig config() {
  RibConfig c;
  c.asn = 65000;
  c.router_id = *IpAddress::parse("10.0.0.1");
  return c;
}

PeerInfo ebgp_peer(uint32_t n) {
  PeerInfo p;
  p.address = IpAddress::v4(0xc0000200u + n);
  p.router_id = IpAddress::v4(0x01010100u + n);
  p.remote_asn = 65000 + n;
  p.local_asn = 65000;
  p.local_address = *IpAddress::parse("192.0.2.254");
  p.families = FamilySet{Family::kL2vpnEvpn};
  return p;
}

// 10,000 UPDATEs of 100 MAC/IP routes each (distinct MACs and IPs, one RD per VNI).
const std::vector<codec::UpdateMessage>& updates() {
  static const std::vector<codec::UpdateMessage> msgs = [] {
    std::vector<codec::UpdateMessage> out;
    out.reserve(kRoutes / kPerUpdate);
    for (size_t u = 0; u < kRoutes / kPerUpdate; ++u) {
      const uint32_t vni = 1000 + static_cast<uint32_t>(u % kVnis);
      codec::MpReachNlri mp;
      mp.afi = 25;
      mp.safi = 70;
      mp.set_next_hop(IpAddress::v4(0x0a000002u));
      mp.evpn.reserve(kPerUpdate);
      for (size_t i = 0; i < kPerUpdate; ++i) {
        const auto n = static_cast<uint32_t>(u * kPerUpdate + i);
        codec::MacIpAdvertisementRoute r;
        r.rd = codec::RouteDistinguisher::from(codec::AdminAssigned{1, 0x0a000002u, vni});
        r.mac.bytes = {0x02,
                       0x00,
                       static_cast<uint8_t>(n >> 24),
                       static_cast<uint8_t>(n >> 16),
                       static_cast<uint8_t>(n >> 8),
                       static_cast<uint8_t>(n)};
        r.ip = IpAddress::v4(0x0a000000u + n);
        r.label1 = vni;
        mp.evpn.push_back({0, r});
      }
      codec::ExtendedCommunities ec;
      ec.values.push_back(codec::RouteTarget{codec::AdminAssigned{0, 65001, vni}});
      ec.values.push_back(codec::EncapsulationCommunity{});
      codec::AsPath path;
      path.segments.push_back({2, {65001}});
      codec::UpdateMessage m;
      m.path_attributes.push_back(codec::make_attribute(codec::kMpReachNlri, std::move(mp)));
      m.path_attributes.push_back(codec::make_attribute(codec::kOrigin, codec::Origin{0}));
      m.path_attributes.push_back(codec::make_attribute(codec::kAsPath, path));
      m.path_attributes.push_back(codec::make_attribute(codec::kExtendedCommunities, ec));
      out.push_back(std::move(m));
    }
    return out;
  }();
  return msgs;
}

// Feeds every UPDATE as the session layer would: apply, then hand the change feed to its
// consumer and ask for the (here empty) UPDATEs towards the sending peer.
size_t feed_all(Rib& rib, PeerId peer, const std::vector<codec::UpdateMessage>& msgs) {
  size_t changes = 0;
  for (const auto& m : msgs) {
    const ApplyResult r = rib.apply(peer, m);
    benchmark::DoNotOptimize(r);
    rib.drain_changes([&](const BestPathChange& c) { changes += c.best.peer; });
    benchmark::DoNotOptimize(rib.take_updates(peer));
  }
  return changes;
}

void report_memory(benchmark::State& state, size_t heap, size_t rss, size_t routes) {
  state.counters["heap_bytes_per_route"] = static_cast<double>(heap) / static_cast<double>(routes);
  state.counters["rss_bytes_per_route"] = static_cast<double>(rss) / static_cast<double>(routes);
}

void BM_ApplyEvpnType2(benchmark::State& state) {
  const auto& msgs = updates();
  size_t heap = 0;
  size_t rss = 0;
  for (auto _ : state) {
    state.PauseTiming();
    {
      const size_t heap0 = g_live_bytes;
      const size_t rss0 = rss_bytes();
      auto rib = std::make_unique<Rib>(config());
      rib->peer_up(1, ebgp_peer(1));
      rib->take_updates(1);
      state.ResumeTiming();
      benchmark::DoNotOptimize(feed_all(*rib, 1, msgs));
      state.PauseTiming();
      if (rib->stats().destinations != kRoutes) state.SkipWithError("routes missing");
      heap = g_live_bytes - heap0;
      rss = rss_bytes() - rss0;
      state.counters["rib_estimate_bytes_per_route"] =
          static_cast<double>(rib->stats().memory_bytes) / kRoutes;
    }
    state.ResumeTiming();
  }
  state.counters["routes_per_s"] =
      benchmark::Counter(static_cast<double>(kRoutes) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  report_memory(state, heap, rss, kRoutes);
}
BENCHMARK(BM_ApplyEvpnType2)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_DecodeAndApplyEvpnType2(benchmark::State& state) {
  const codec::DecodeContext ctx;
  std::vector<std::vector<uint8_t>> wire;
  wire.reserve(updates().size());
  for (const auto& m : updates()) wire.push_back(codec::encode(codec::Message{m}, ctx));
  for (auto _ : state) {
    state.PauseTiming();
    {
      auto rib = std::make_unique<Rib>(config());
      rib->peer_up(1, ebgp_peer(1));
      rib->take_updates(1);
      state.ResumeTiming();
      for (const auto& bytes : wire) {
        auto msg = codec::decode_message(bytes, ctx);
        rib->apply(1, std::get<codec::UpdateMessage>(*msg));
        rib->drain_changes([](const BestPathChange&) {});
        benchmark::DoNotOptimize(rib->take_updates(1));
      }
      state.PauseTiming();
      if (rib->stats().destinations != kRoutes) state.SkipWithError("routes missing");
    }
    state.ResumeTiming();
  }
  state.counters["routes_per_s"] =
      benchmark::Counter(static_cast<double>(kRoutes) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecodeAndApplyEvpnType2)->Unit(benchmark::kMillisecond)->Iterations(2);

// A second peer comes up: its whole Adj-RIB-Out is built and packed into UPDATEs, drained in
// batches of 10,000 routes as a session writing to its socket would.
void BM_InitialDumpToPeer(benchmark::State& state) {
  auto rib = std::make_unique<Rib>(config());
  rib->peer_up(1, ebgp_peer(1));
  feed_all(*rib, 1, updates());
  size_t heap = 0;
  size_t messages = 0;
  for (auto _ : state) {
    state.PauseTiming();
    rib->peer_down(2, false);
    const size_t heap0 = g_live_bytes;
    rib->peer_up(2, ebgp_peer(2));
    messages = 0;
    state.ResumeTiming();
    while (rib->has_pending_updates(2)) {
      auto msgs = rib->take_updates(2, 10'000);
      messages += msgs.size();
      benchmark::DoNotOptimize(msgs);
    }
    state.PauseTiming();
    heap = g_live_bytes - heap0;
    if (rib->advertised_count(2) != kRoutes) state.SkipWithError("routes missing");
    state.ResumeTiming();
  }
  state.counters["routes_per_s"] =
      benchmark::Counter(static_cast<double>(kRoutes) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.counters["updates"] = static_cast<double>(messages);
  state.counters["adj_rib_out_heap_bytes_per_route"] =
      static_cast<double>(heap) / static_cast<double>(kRoutes);
}
BENCHMARK(BM_InitialDumpToPeer)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace evpnd::rib

BENCHMARK_MAIN();
