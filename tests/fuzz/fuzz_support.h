// Shared helpers of the codec fuzz targets: the DecodeContext coded in an input's first byte,
// comparisons of decoded values, and a loud abort that prints the bytes that broke an invariant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <variant>
#include <vector>

#include "bgpd/codec/decode_context.h"
#include "bgpd/codec/decode_error.h"
#include "bgpd/codec/message.h"

namespace evpnd::fuzz {

/// Bits of the first input byte. The same byte means the same context in every target, so a
/// corpus file of one target can seed another.
enum ContextBit : uint8_t {
  kFourOctetAs = 0x01,
  kExtendedMessage = 0x02,
  kAddPathIpv4Unicast = 0x04,
  kAddPathIpv6Unicast = 0x08,
  kAddPathL2vpnEvpn = 0x10,
};

/// The context of a usual EVPN session: 4-octet AS, no extended messages, no add-path.
constexpr uint8_t kDefaultContextByte = kFourOctetAs;

inline codec::DecodeContext context_from_byte(uint8_t b) {
  codec::DecodeContext ctx;
  ctx.four_octet_as = (b & kFourOctetAs) != 0;
  ctx.extended_message = (b & kExtendedMessage) != 0;
  ctx.add_path[static_cast<size_t>(codec::Family::kIpv4Unicast)] = (b & kAddPathIpv4Unicast) != 0;
  ctx.add_path[static_cast<size_t>(codec::Family::kIpv6Unicast)] = (b & kAddPathIpv6Unicast) != 0;
  ctx.add_path[static_cast<size_t>(codec::Family::kL2vpnEvpn)] = (b & kAddPathL2vpnEvpn) != 0;
  return ctx;
}

inline void print_hex(const char* label, std::span<const uint8_t> bytes) {
  std::fprintf(stderr, "%s (%zu octets): ", label, bytes.size());
  for (uint8_t b : bytes) std::fprintf(stderr, "%02x", b);
  std::fprintf(stderr, "\n");
}

/// Reports a broken codec invariant with the bytes involved and aborts, so that libFuzzer
/// saves the input as a crash.
[[noreturn]] inline void fail(const char* what, std::span<const uint8_t> input,
                              std::span<const uint8_t> reencoded = {}) {
  std::fprintf(stderr, "codec invariant broken: %s\n", what);
  print_hex("input", input);
  if (!reencoded.empty()) print_hex("re-encoded", reencoded);
  std::abort();
}

/// Equality of two decoded messages. With `with_errors` false, the RFC 7606 errors recorded in
/// UPDATEs are not compared: after a lossy re-encoding the second decode cannot see the parts
/// the first one dropped.
inline bool same_message(const codec::Message& a, const codec::Message& b, bool with_errors) {
  if (with_errors) return a == b;
  const auto* ua = std::get_if<codec::UpdateMessage>(&a);
  const auto* ub = std::get_if<codec::UpdateMessage>(&b);
  if (!ua || !ub) return a == b;
  return ua->withdrawn_routes == ub->withdrawn_routes &&
         ua->path_attributes == ub->path_attributes && ua->nlri == ub->nlri;
}

/// Whether decoding dropped octets of the input, so that re-encoding cannot give it back:
/// every RFC 7606 error does (a discarded or malformed attribute is not kept, an unparsable
/// tail is cut) except "missing well-known attribute", which only notes an absence.
inline bool lossy(const std::vector<codec::DecodeError>& errors) {
  constexpr uint8_t kUpdateError = 3;
  constexpr uint8_t kMissingWellKnown = 3;
  for (const auto& e : errors) {
    if (!(e.code == kUpdateError && e.subcode == kMissingWellKnown)) return true;
  }
  return false;
}

}  // namespace evpnd::fuzz
