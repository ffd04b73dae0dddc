// `evpnctl decode`: turns captured BGP bytes (raw or hex text) into JSON, one object per
// message. The JSON library stays inside decode.cc; this interface deals in bytes and strings.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bgpd/codec/decode_context.h"
#include "bgpd/codec/message.h"

namespace evpnd::cli {

/// How the input of `evpnctl decode` is to be read.
enum class InputFormat : uint8_t {
  kAuto,  ///< Hex text if `looks_like_hex`, else raw bytes.
  kRaw,   ///< A binary stream of BGP messages.
  kHex,   ///< Hex text: whitespace ignored, lines starting with '#' are comments.
};

/// The input turned into bytes, or why it could not be.
struct Input {
  std::vector<uint8_t> bytes;
  bool was_hex = false;
  std::string error;  ///< Empty on success.
};

/// Whether `text` is hex text: at least one hex digit, and nothing but hex digits, whitespace
/// and '#' comment lines. A raw BGP stream never is (its marker octets are 0xff).
bool looks_like_hex(std::string_view text);

/// Parses hex text: whitespace (newlines included) is ignored and a line whose first
/// non-blank character is '#' is a comment. Fails on any other character or an odd digit
/// count, with `error` naming the line and column.
std::optional<std::vector<uint8_t>> parse_hex(std::string_view text, std::string& error);

/// Reads `data` as `format` says (auto-detecting hex for kAuto).
Input parse_input(std::string_view data, InputFormat format);

/// Parses a family as `--add-path` takes it: "ipv4-unicast", "ipv6-unicast", "l2vpn-evpn".
std::optional<codec::Family> parse_family(std::string_view text);

/// Display name of an AFI/SAFI pair: "ipv4-unicast", "l2vpn-evpn", a few other well-known
/// ones ("ipv4-vpn", "l2vpn-vpls", ...), else "afi N safi M".
std::string family_name(uint16_t afi, uint16_t safi);

/// Settings of one `decode` run. Each `force_*` pins a context setting: OPENs found in the
/// stream no longer change it.
struct DecodeOptions {
  bool pretty = false;                      ///< Indented JSON instead of one line per object.
  std::optional<bool> force_four_octet_as;  ///< --as2 (false) / --as4 (true).
  bool force_extended_message = false;      ///< --extended-message.
  std::array<bool, static_cast<size_t>(codec::Family::kCount)> force_add_path{};  ///< --add-path
  bool follow_open = true;  ///< Let an OPEN in the stream set the context of later messages.
};

/// The context to decode with at the start of a stream: codec defaults (4-octet AS, no
/// extended messages, no add-path) with the forced settings applied.
codec::DecodeContext initial_context(const DecodeOptions& options);

/// The context for the messages after the OPENs of a session.
/// With one OPEN (a capture of one direction: `peer` null) the sender's capabilities are taken
/// as negotiated: 4-octet AS iff it has the four-octet-as capability, extended messages iff it
/// has extended-message, add-path for each family its add-path capability marks send (2) or
/// both (3). With both sides' OPENs (`peer` is the other one) it is what they negotiated:
/// 4-octet AS and extended messages iff both have the capability, add-path for a family iff
/// one side can send and the other receive (RFC 7911 §4). Forced settings in `options` win.
codec::DecodeContext context_after_open(const codec::OpenMessage& open,
                                        const codec::OpenMessage* peer,
                                        const DecodeOptions& options);

/// One decoded message as a JSON object (see `evpnctl decode --help` for the shape). `ctx` is
/// the context it was decoded with (it decides whether path identifiers are shown). `indent`
/// < 0 gives a single line.
std::string message_to_json(const codec::Message& message, const codec::DecodeContext& ctx,
                            size_t offset, size_t length, int indent = -1);

/// A message that failed to decode, as a JSON object: offset, length and type (when the header
/// gave them), the error and the message's octets in hex.
std::string decode_error_to_json(const codec::DecodeError& error, std::span<const uint8_t> bytes,
                                 size_t offset, int indent = -1);

/// What happened to a whole stream.
struct StreamSummary {
  size_t messages = 0;      ///< Messages framed (decoded or not).
  size_t failed = 0;        ///< Messages that did not decode, including a bad header.
  bool bad_header = false;  ///< A header failed the RFC 4271 §6.1 checks; decoding stopped.
  bool truncated = false;   ///< The stream ended in the middle of a message.

  bool ok() const { return failed == 0 && !bad_header && !truncated; }
  /// 0 if every message decoded (RFC 7606 soft errors included), else 1.
  int exit_status() const { return ok() ? 0 : 1; }
};

/// Splits `stream` into messages with codec::frame_length, decodes each with
/// codec::decode_message and passes one JSON text per message (or error) to `emit`, in stream
/// order. OPENs set the context of the messages after them (`options.follow_open`): two
/// consecutive OPENs with different BGP identifiers are the two sides of one session (a capture
/// of both directions), any other OPEN starts a new session. Never throws on any input.
StreamSummary decode_stream(std::span<const uint8_t> stream, const DecodeOptions& options,
                            const std::function<void(const std::string&)>& emit);

}  // namespace evpnd::cli
