// Fuzz target: the path attributes field of an UPDATE. Byte 0 selects the DecodeContext
// (fuzz_support.h); the rest goes through decode_path_attributes(). What decodes is encoded
// again attribute by attribute: without soft errors the octets must be the input's, and in all
// cases decoding them again must give the same attributes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "bgpd/codec/path_attribute.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace evpnd;
  using namespace evpnd::codec;
  if (size < 1) return 0;
  const DecodeContext ctx = fuzz::context_from_byte(data[0]);
  const std::span<const uint8_t> input(data + 1, size - 1);

  std::vector<PathAttribute> attrs;
  std::vector<DecodeError> soft;
  auto err = decode_path_attributes(Reader(input, kHeaderSize + 4), ctx, attrs, soft);
  if (err) {
    if (err->action != ErrorAction::kSessionReset) fuzz::fail("hard error is not a reset", input);
    return 0;
  }
  for (const auto& e : soft) {
    if (e.action == ErrorAction::kSessionReset) fuzz::fail("soft error is a reset", input);
  }

  std::vector<uint8_t> again;
  Writer w(again);
  for (const auto& a : attrs) encode(a, ctx, w);
  if (soft.empty() && !std::equal(again.begin(), again.end(), input.begin(), input.end())) {
    fuzz::fail("encode(decode(x)) != x", input, again);
  }

  std::vector<PathAttribute> attrs2;
  std::vector<DecodeError> soft2;
  if (decode_path_attributes(Reader(again, kHeaderSize + 4), ctx, attrs2, soft2)) {
    fuzz::fail("the re-encoded attributes do not decode", input, again);
  }
  if (attrs2 != attrs) fuzz::fail("decode(encode(attrs)) != attrs", input, again);
  return 0;
}
