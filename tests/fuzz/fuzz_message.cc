// Fuzz target: a byte stream of BGP messages. Byte 0 selects the DecodeContext (fuzz_support.h);
// the rest is framed with frame_length() and every message goes through decode_message(). A
// message that decodes must encode back to the same octets (unless RFC 7606 handling dropped
// some) and decode again to the same value. The printers evpnctl uses run on every value.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "bgpd/codec/message.h"
#include "tests/fuzz/fuzz_support.h"

namespace evpnd::fuzz {
namespace {

using namespace codec;

// Runs the accessors and text forms of a decoded value; only crashes and sanitizer reports
// matter here, so the results are summed into a sink the compiler cannot drop.
size_t exercise(const Message& m) {
  size_t sink = 0;
  if (auto* open = std::get_if<OpenMessage>(&m)) {
    sink += open->capabilities().size() + open->asn();
    sink += open->advertises(Family::kL2vpnEvpn) ? 1 : 0;
    sink += open->bgp_identifier.to_string().size();
    for (const auto& c : open->capabilities()) sink += capability_name(capability_code(c)).size();
  } else if (auto* u = std::get_if<UpdateMessage>(&m)) {
    sink += u->treat_as_withdraw() ? 1 : 0;
    sink += u->end_of_rib() ? 1 : 0;
    sink += for_readvertisement(u->path_attributes).size();
    for (const auto& e : u->errors) {
      sink += e.what.size() + std::string(to_string(e.action)).size();
      sink += error_code_name(e.code).size() + error_subcode_name(e.code, e.subcode).size();
    }
    for (const auto& p : u->withdrawn_routes) sink += p.prefix.to_string().size();
    for (const auto& p : u->nlri) sink += p.prefix.to_string().size();
    for (const auto& a : u->path_attributes) {
      sink += attribute_name(a.type).size();
      if (auto* path = std::get_if<AsPath>(&a.value)) {
        sink += path->to_string().size() + path->length();
      } else if (auto* ec = std::get_if<ExtendedCommunities>(&a.value)) {
        for (const auto& c : ec->values) sink += to_string(c).size();
      } else if (auto* pmsi = std::get_if<PmsiTunnel>(&a.value)) {
        sink += pmsi->tunnel_endpoint().to_string().size();
      } else if (auto* reach = std::get_if<MpReachNlri>(&a.value)) {
        sink += reach->next_hop_address().to_string().size();
        sink += reach->link_local_next_hop().to_string().size();
        for (const auto& p : reach->prefixes) sink += p.prefix.to_string().size();
        for (const auto& n : reach->evpn) {
          sink += to_string(n.route).size() + route_type(n.route);
          if (auto rd = route_distinguisher(n.route)) sink += rd->to_string().size();
        }
      } else if (auto* unreach = std::get_if<MpUnreachNlri>(&a.value)) {
        for (const auto& n : unreach->evpn) sink += to_string(n.route).size();
      }
    }
  } else if (auto* n = std::get_if<NotificationMessage>(&m)) {
    sink += error_code_name(n->code).size() + error_subcode_name(n->code, n->subcode).size();
    if (auto text = n->shutdown_communication()) sink += text->size();
  }
  return sink;
}

void check_message(std::span<const uint8_t> bytes, const DecodeContext& ctx) {
  auto decoded = decode_message(bytes, ctx);
  if (!decoded.ok()) {
    const DecodeError& e = decoded.error();
    if (e.action != ErrorAction::kSessionReset)
      fail("a failed decode is not a session reset", bytes);
    if (e.offset > bytes.size()) fail("error offset past the end of the message", bytes);
    (void)error_subcode_name(e.code, e.subcode);
    return;
  }
  const Message& m = *decoded;
  if (message_type(m) != static_cast<MessageType>(bytes[18])) fail("wrong message type", bytes);
  volatile size_t sink = exercise(m);
  (void)sink;

  const auto* update = std::get_if<UpdateMessage>(&m);
  const bool exact = update == nullptr || !lossy(update->errors);
  const std::vector<uint8_t> again = encode(m, ctx);
  if (exact && !std::equal(again.begin(), again.end(), bytes.begin(), bytes.end())) {
    fail("encode(decode(x)) != x", bytes, again);
  }
  auto redecoded = decode_message(again, ctx);
  if (!redecoded.ok()) fail("the re-encoded message does not decode", bytes, again);
  if (!same_message(m, *redecoded, exact)) fail("decode(encode(m)) != m", bytes, again);
}

}  // namespace
}  // namespace evpnd::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace evpnd;
  if (size < 1) return 0;
  const codec::DecodeContext ctx = fuzz::context_from_byte(data[0]);
  std::span<const uint8_t> stream(data + 1, size - 1);
  while (!stream.empty()) {
    auto len = codec::frame_length(stream, ctx);
    if (!len.ok() || *len == 0 || *len > stream.size()) {
      // A bad header or a truncated message: decode_message() must refuse it too.
      if (codec::decode_message(stream, ctx).ok()) fuzz::fail("a bad frame decodes", stream);
      break;
    }
    fuzz::check_message(stream.first(*len), ctx);
    stream = stream.subspan(*len);
  }
  return 0;
}
