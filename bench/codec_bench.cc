// Google Benchmark micro benchmarks of the wire codec on a realistic EVPN load: a stream of
// UPDATEs each packing 100 type-2 MAC/IP routes (MAC + IPv4, L2VNI label, RD type 1) in one
// MP_REACH_NLRI, with ORIGIN, AS_PATH and extended communities (route target + VXLAN
// encapsulation). Reports type-2 routes per second and bytes per second, decoding and encoding.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <variant>
#include <vector>

#include "bgpd/codec/message.h"

namespace evpnd::codec {
namespace {

constexpr int kUpdates = 1000;
constexpr int kRoutesPerUpdate = 100;
constexpr uint32_t kL2Vni = 10100;

// One UPDATE as the RIB would pack it: 100 MAC/IP routes of one VNI sharing their attributes.
UpdateMessage make_update(int index) {
  std::vector<EvpnNlri> routes;
  routes.reserve(kRoutesPerUpdate);
  const RouteDistinguisher rd = *RouteDistinguisher::parse("10.0.0.11:100");  // type 1
  for (int i = 0; i < kRoutesPerUpdate; ++i) {
    const uint32_t n = static_cast<uint32_t>(index * kRoutesPerUpdate + i);
    MacIpAdvertisementRoute r;
    r.rd = rd;
    r.mac.bytes = {0x52, 0x54, 0x00, 0, 0, 0};  // 52:54:00:xx:xx:xx, distinct per route
    for (size_t b = 0; b < 3; ++b) r.mac.bytes[5 - b] = static_cast<uint8_t>(n >> (8 * b));
    r.ip = IpAddress::v4((10u << 24) | (n + 1));
    r.label1 = kL2Vni;
    routes.push_back(EvpnNlri{0, r});
  }
  MpReachNlri reach;
  reach.afi = 25;
  reach.safi = 70;
  reach.set_next_hop(IpAddress::v4((10u << 24) | 11));  // 10.0.0.11
  reach.evpn = std::move(routes);

  UpdateMessage u;
  u.path_attributes = {
      make_attribute(kOrigin, Origin{0}),
      make_attribute(kAsPath, AsPath{{AsPathSegment{2, {65011}}}}),
      make_attribute(kExtendedCommunities,
                     ExtendedCommunities{{*RouteTarget::parse("65011:10100"),
                                          EncapsulationCommunity{EncapsulationCommunity::kVxlan}}}),
      make_attribute(kMpReachNlri, std::move(reach)),
  };
  return u;
}

struct Load {
  DecodeContext ctx;
  std::vector<Message> messages;
  std::vector<uint8_t> stream;                   // all messages back to back, headers included
  std::vector<std::span<const uint8_t>> bodies;  // each message without its header
  std::vector<std::span<const uint8_t>> nlri;    // the NLRI field of each MP_REACH_NLRI
  size_t routes = 0;

  Load() {
    for (int i = 0; i < kUpdates; ++i) messages.emplace_back(make_update(i));
    std::vector<size_t> starts;
    for (const auto& m : messages) {
      starts.push_back(stream.size());
      encode(m, ctx, stream);
    }
    starts.push_back(stream.size());
    // Offsets of the EVPN NLRI inside one of our UPDATEs: header, withdrawn length (2), total
    // attribute length (2), ORIGIN (4), AS_PATH (3 + 6), EXTENDED_COMMUNITIES (3 + 16),
    // MP_REACH_NLRI header (4, extended length) + AFI/SAFI (3) + next hop (1 + 4) + reserved (1).
    constexpr size_t kNlriAt = kHeaderSize + 2 + 2 + 4 + 9 + 19 + 4 + 3 + 5 + 1;
    for (size_t i = 0; i + 1 < starts.size(); ++i) {
      std::span<const uint8_t> msg(stream.data() + starts[i], starts[i + 1] - starts[i]);
      bodies.push_back(msg.subspan(kHeaderSize));
      nlri.push_back(msg.subspan(kNlriAt));
    }
    routes = static_cast<size_t>(kUpdates) * kRoutesPerUpdate;
    // Sanity: the stream decodes to what was encoded, and the NLRI offsets are right.
    std::vector<EvpnNlri> check;
    if (decode_evpn_nlri(Reader(nlri[0]), false, check) || check.size() != kRoutesPerUpdate) {
      std::fprintf(stderr, "codec_bench: bad NLRI offset\n");
      std::abort();
    }
  }
};

const Load& load() {
  static const Load l;
  return l;
}

size_t type2_routes(const UpdateMessage& u) {
  const auto* reach = u.get<MpReachNlri>(kMpReachNlri);
  if (!reach) return 0;
  size_t n = 0;
  for (const auto& e : reach->evpn) n += std::holds_alternative<MacIpAdvertisementRoute>(e.route);
  return n;
}

void set_counters(benchmark::State& state, size_t routes, size_t bytes) {
  state.counters["routes_per_second"] =
      benchmark::Counter(static_cast<double>(routes), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

// The receive path: frame the TCP byte stream, decode every message.
void BM_DecodeStream(benchmark::State& state) {
  const Load& l = load();
  size_t routes = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    std::span<const uint8_t> rest(l.stream);
    while (!rest.empty()) {
      auto len = frame_length(rest, l.ctx);
      if (!len.ok() || *len == 0) state.SkipWithError("framing failed");
      auto m = decode_message(rest.first(*len), l.ctx);
      if (!m.ok()) state.SkipWithError("decoding failed");
      routes += type2_routes(std::get<UpdateMessage>(*m));
      benchmark::DoNotOptimize(m);
      rest = rest.subspan(*len);
    }
    bytes += l.stream.size();
  }
  if (routes != l.routes * static_cast<size_t>(state.iterations())) {
    state.SkipWithError("wrong route count");
  }
  set_counters(state, routes, bytes);
}
BENCHMARK(BM_DecodeStream)->Unit(benchmark::kMillisecond);

// UPDATE bodies only (no framing, no header checks).
void BM_DecodeUpdate(benchmark::State& state) {
  const Load& l = load();
  size_t routes = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    for (auto body : l.bodies) {
      auto u = decode_update(body, l.ctx);
      routes += type2_routes(*u);
      benchmark::DoNotOptimize(u);
      bytes += body.size();
    }
  }
  set_counters(state, routes, bytes);
}
BENCHMARK(BM_DecodeUpdate)->Unit(benchmark::kMillisecond);

// The EVPN NLRI field alone, into a reused vector: the floor for decoding routes.
void BM_DecodeEvpnNlri(benchmark::State& state) {
  const Load& l = load();
  size_t routes = 0;
  size_t bytes = 0;
  std::vector<EvpnNlri> out;
  out.reserve(kRoutesPerUpdate);
  for (auto _ : state) {
    for (auto field : l.nlri) {
      out.clear();
      auto err = decode_evpn_nlri(Reader(field), false, out);
      benchmark::DoNotOptimize(err);
      routes += out.size();
      bytes += field.size();
    }
  }
  set_counters(state, routes, bytes);
}
BENCHMARK(BM_DecodeEvpnNlri)->Unit(benchmark::kMillisecond);

// The send path: encode every UPDATE into one reused buffer.
void BM_EncodeStream(benchmark::State& state) {
  const Load& l = load();
  size_t routes = 0;
  size_t bytes = 0;
  std::vector<uint8_t> out;
  out.reserve(l.stream.size());
  for (auto _ : state) {
    out.clear();
    for (const auto& m : l.messages) encode(m, l.ctx, out);
    benchmark::DoNotOptimize(out.data());
    routes += l.routes;
    bytes += out.size();
  }
  set_counters(state, routes, bytes);
}
BENCHMARK(BM_EncodeStream)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace evpnd::codec

BENCHMARK_MAIN();
