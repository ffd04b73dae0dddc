// Fuzz target: the NLRI field of an L2VPN EVPN MP_REACH/MP_UNREACH. Byte 0 selects the context
// (fuzz_support.h; only its EVPN add-path bit matters here); the rest goes through
// decode_evpn_nlri(). NLRI that decode must encode back to the input's octets and decode again
// to the same routes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "bgpd/codec/evpn_route.h"
#include "bgpd/codec/message.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace evpnd;
  using namespace evpnd::codec;
  if (size < 1) return 0;
  const bool add_path = fuzz::context_from_byte(data[0]).add_path_for(Family::kL2vpnEvpn);
  const std::span<const uint8_t> input(data + 1, size - 1);

  std::vector<EvpnNlri> routes;
  if (auto err = decode_evpn_nlri(Reader(input, kHeaderSize), add_path, routes)) {
    if (err->offset < kHeaderSize || err->offset > kHeaderSize + input.size()) {
      fuzz::fail("error offset outside the NLRI field", input);
    }
    return 0;
  }
  volatile size_t sink = 0;
  for (const auto& n : routes) {
    sink = sink + to_string(n.route).size() + route_type(n.route);
    if (auto rd = route_distinguisher(n.route)) sink = sink + rd->to_string().size();
  }

  std::vector<uint8_t> again;
  Writer w(again);
  for (const auto& n : routes) encode(n, add_path, w);
  if (!std::equal(again.begin(), again.end(), input.begin(), input.end())) {
    fuzz::fail("encode(decode(x)) != x", input, again);
  }
  std::vector<EvpnNlri> routes2;
  if (decode_evpn_nlri(Reader(again, kHeaderSize), add_path, routes2) || routes2 != routes) {
    fuzz::fail("decode(encode(routes)) != routes", input, again);
  }
  return 0;
}
