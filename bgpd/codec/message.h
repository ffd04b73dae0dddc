// BGP-4 messages (RFC 4271 §4): the header, OPEN (with RFC 5492 capabilities and the RFC 9072
// extended optional parameters length), UPDATE (with RFC 7606 error handling), NOTIFICATION
// (RFC 4271 §4.5, RFC 4486 cease subcodes, RFC 8203/9003 shutdown communication), KEEPALIVE and
// ROUTE-REFRESH (RFC 2918, RFC 7313). decode(encode(m)) == m and encode(decode(b)) == b.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "bgpd/codec/capability.h"
#include "bgpd/codec/decode_context.h"
#include "bgpd/codec/decode_error.h"
#include "bgpd/codec/path_attribute.h"

namespace evpnd::codec {

enum class MessageType : uint8_t {
  kOpen = 1,
  kUpdate = 2,
  kNotification = 3,
  kKeepalive = 4,
  kRouteRefresh = 5,
};

constexpr size_t kHeaderSize = 19;  ///< Marker (16) + length (2) + type (1).

/// An OPEN optional parameter (RFC 4271 §4.2). Type 2 carries capabilities (RFC 5492 §4).
struct OptionalParameter {
  uint8_t type = 2;
  std::vector<Capability> capabilities;  ///< Type 2 only.
  std::vector<uint8_t> value;            ///< Other types.
  auto operator<=>(const OptionalParameter&) const = default;
};

/// OPEN (RFC 4271 §4.2).
struct OpenMessage {
  uint8_t version = 4;
  uint16_t my_as = 0;      ///< AS_TRANS (23456) when the real ASN needs 4 octets.
  uint16_t hold_time = 0;  ///< Seconds; 0 or at least 3.
  IpAddress bgp_identifier;
  /// Parameters used RFC 9072's 2-octet lengths.
  bool extended_parameters = false;
  std::vector<OptionalParameter> parameters;

  /// Every capability, across parameters, in order.
  std::vector<Capability> capabilities() const;
  /// The first capability of type T, if any.
  template <class T>
  std::optional<T> find_capability() const {
    for (const auto& p : parameters) {
      for (const auto& c : p.capabilities) {
        if (auto* t = std::get_if<T>(&c)) return *t;
      }
    }
    return std::nullopt;
  }
  /// The speaker's ASN: the 4-octet AS capability's if present, else my_as (RFC 6793 §4.1).
  uint32_t asn() const;
  /// Whether the multiprotocol capability lists this family.
  bool advertises(Family f) const;
  auto operator<=>(const OpenMessage&) const = default;
};

/// UPDATE (RFC 4271 §4.3). `errors` holds the recoverable RFC 7606 problems found while
/// decoding (treat-as-withdraw, attribute-discard); a message that needs a session reset does
/// not decode at all.
struct UpdateMessage {
  std::vector<PrefixNlri> withdrawn_routes;
  std::vector<PathAttribute> path_attributes;
  std::vector<PrefixNlri> nlri;
  std::vector<DecodeError> errors;

  /// RFC 7606 §2: every NLRI of this UPDATE (NLRI field and MP_REACH_NLRI) is to be withdrawn.
  bool treat_as_withdraw() const;
  /// The first attribute of this type code, or null.
  const PathAttribute* attribute(uint8_t type) const;
  /// The value of the first attribute of this type code if it holds a T, or null.
  template <class T>
  const T* get(uint8_t type) const {
    const PathAttribute* a = attribute(type);
    return a ? std::get_if<T>(&a->value) : nullptr;
  }
  /// The family this UPDATE marks End-of-RIB for (RFC 4724 §2), or nullopt.
  std::optional<std::pair<uint16_t, uint8_t>> end_of_rib() const;
  bool operator==(const UpdateMessage&) const = default;
};

/// NOTIFICATION (RFC 4271 §4.5).
struct NotificationMessage {
  uint8_t code = 0;
  uint8_t subcode = 0;
  std::vector<uint8_t> data;

  /// Cease/Administrative Shutdown or Reset with a communication (RFC 8203, RFC 9003).
  static NotificationMessage shutdown(uint8_t subcode, std::string_view communication);
  /// The shutdown communication, if this is a Cease 2/4 whose data carries a well-formed one.
  std::optional<std::string> shutdown_communication() const;
  auto operator<=>(const NotificationMessage&) const = default;
};

struct KeepaliveMessage {
  auto operator<=>(const KeepaliveMessage&) const = default;
};

/// ROUTE-REFRESH (RFC 2918 §3); subtype 0 = request, 1 = BoRR, 2 = EoRR (RFC 7313 §3.2).
struct RouteRefreshMessage {
  uint16_t afi = 0;
  uint8_t subtype = 0;
  uint8_t safi = 0;
  auto operator<=>(const RouteRefreshMessage&) const = default;
};

using Message = std::variant<OpenMessage, UpdateMessage, NotificationMessage, KeepaliveMessage,
                             RouteRefreshMessage>;

MessageType message_type(const Message& m);

/// Frames a byte stream. Given the first bytes of a message: 0 if fewer than 19 bytes are
/// there, else the message length from a header that passed the RFC 4271 §6.1 checks (marker,
/// length range for the type, known type), else the Message Header Error to send.
Result<size_t> frame_length(std::span<const uint8_t> stream, const DecodeContext& ctx);

/// Decodes exactly one whole message (header included).
Result<Message> decode_message(std::span<const uint8_t> bytes, const DecodeContext& ctx);

/// Decodes the body of an UPDATE (the octets after the header); offsets in errors count from
/// the start of the message. Used by the UPDATE fuzz target and the benchmark.
Result<UpdateMessage> decode_update(std::span<const uint8_t> body, const DecodeContext& ctx);

/// Appends the whole message (header included) to `out`.
void encode(const Message& m, const DecodeContext& ctx, std::vector<uint8_t>& out);
/// Convenience: the whole message as a new vector.
std::vector<uint8_t> encode(const Message& m, const DecodeContext& ctx);

/// "Message Header Error", "OPEN Message Error", ..., "Cease", or "code N".
std::string error_code_name(uint8_t code);
/// RFC names of subcodes, e.g. "Administrative Shutdown", "Malformed AS_PATH"; "subcode N"
/// when unassigned.
std::string error_subcode_name(uint8_t code, uint8_t subcode);

}  // namespace evpnd::codec
