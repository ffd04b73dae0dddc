#include "bgpd/codec/message.h"

#include <algorithm>

namespace evpnd::codec {
namespace {

constexpr uint8_t kHeaderError = 1;
constexpr uint8_t kOpenError = 2;
constexpr uint8_t kUpdateError = 3;
constexpr uint8_t kCease = 6;
constexpr uint8_t kRouteRefreshError = 7;

DecodeError reset(uint8_t code, uint8_t subcode, size_t offset, std::string what,
                  std::vector<uint8_t> data = {}) {
  return DecodeError{
      ErrorAction::kSessionReset, code, subcode, std::move(data), offset, std::move(what)};
}

std::vector<uint8_t> u16_data(uint16_t v) {
  return {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

size_t min_length(uint8_t type) {
  switch (type) {
    case 1:
      return 29;
    case 2:
      return 23;
    case 3:
      return 21;
    case 4:
      return 19;
    case 5:
      return 23;
    default:
      return 0;
  }
}

Result<Message> decode_open(Reader r) {
  OpenMessage m;
  uint32_t id = 0;
  uint8_t opt_len = 0;
  if (!r.u8(m.version) || !r.u16(m.my_as) || !r.u16(m.hold_time) || !r.u32(id) || !r.u8(opt_len)) {
    return reset(kOpenError, 0, r.offset(), "OPEN: truncated");
  }
  if (m.version != 4) {  // RFC 4271 §6.2: data is the largest supported version.
    return reset(kOpenError, 1, kHeaderSize,
                 "OPEN: unsupported version " + std::to_string(m.version), u16_data(4));
  }
  m.bgp_identifier = IpAddress::v4(id);
  if (id == 0) return reset(kOpenError, 3, kHeaderSize + 5, "OPEN: BGP identifier 0.0.0.0");
  if (m.hold_time == 1 || m.hold_time == 2) {
    return reset(kOpenError, 6, kHeaderSize + 3,
                 "OPEN: hold time " + std::to_string(m.hold_time) + " s is neither 0 nor >= 3");
  }
  size_t params_len = opt_len;
  // RFC 9072 §2: length 255 followed by parameter type 255 announces 2-octet lengths.
  if (opt_len == 255 && r.remaining() >= 3 && r.rest()[0] == 255) {
    uint8_t marker = 0;
    uint16_t len16 = 0;
    r.u8(marker);
    r.u16(len16);
    m.extended_parameters = true;
    params_len = len16;
  }
  Reader params({}, 0);
  if (!r.sub(params_len, params) || !r.empty()) {
    return reset(kOpenError, 0, r.offset(),
                 "OPEN: optional parameters length " + std::to_string(params_len) +
                     " does not match the message (" + std::to_string(r.remaining()) +
                     " octets left)");
  }
  while (!params.empty()) {
    const size_t at = params.offset();
    OptionalParameter p;
    uint16_t len = 0;
    uint8_t len8 = 0;
    bool ok = params.u8(p.type) && (m.extended_parameters ? params.u16(len) : params.u8(len8));
    if (!m.extended_parameters) len = len8;
    Reader value({}, 0);
    if (!ok || !params.sub(len, value)) {
      return reset(kOpenError, 0, at, "OPEN: optional parameter overruns the parameters field");
    }
    if (p.type != 2) {  // RFC 5492 §3; type 1 (authentication) is deprecated.
      return reset(kOpenError, 4, at,
                   "OPEN: unsupported optional parameter type " + std::to_string(p.type));
    }
    while (!value.empty()) {
      const size_t cap_at = value.offset();
      uint8_t code = 0;
      uint8_t clen = 0;
      std::span<const uint8_t> cval;
      if (!value.u8(code) || !value.u8(clen) || !value.view(clen, cval)) {
        return reset(kOpenError, 0, cap_at, "OPEN: capability overruns its parameter");
      }
      p.capabilities.push_back(decode_capability(code, cval));
    }
    m.parameters.push_back(std::move(p));
  }
  return Message{std::move(m)};
}

void encode_open(const OpenMessage& m, Writer& w) {
  w.u8(m.version);
  w.u16(m.my_as);
  w.u16(m.hold_time);
  w.u32(m.bgp_identifier.v4_value());
  std::vector<uint8_t> params;
  Writer p(params);
  for (const auto& param : m.parameters) {
    std::vector<uint8_t> value;
    Writer v(value);
    if (param.type == 2) {
      for (const auto& c : param.capabilities) encode(c, v);
    } else {
      v.bytes(param.value);
    }
    p.u8(param.type);
    if (m.extended_parameters) {
      p.u16(static_cast<uint16_t>(value.size()));
    } else {
      p.u8(static_cast<uint8_t>(value.size()));
    }
    p.bytes(value);
  }
  if (m.extended_parameters) {
    w.u8(255);
    w.u8(255);
    w.u16(static_cast<uint16_t>(params.size()));
  } else {
    w.u8(static_cast<uint8_t>(params.size()));
  }
  w.bytes(params);
}

void encode_update(const UpdateMessage& m, const DecodeContext& ctx, Writer& w) {
  const bool ap4 = ctx.add_path_for(Family::kIpv4Unicast);
  const size_t wd_at = w.size();
  w.u16(0);
  for (const auto& p : m.withdrawn_routes) encode(p, ap4, w);
  w.patch_u16(wd_at, static_cast<uint16_t>(w.size() - wd_at - 2));
  const size_t attr_at = w.size();
  w.u16(0);
  for (const auto& a : m.path_attributes) encode(a, ctx, w);
  w.patch_u16(attr_at, static_cast<uint16_t>(w.size() - attr_at - 2));
  for (const auto& p : m.nlri) encode(p, ap4, w);
}

}  // namespace

const char* to_string(ErrorAction action) {
  switch (action) {
    case ErrorAction::kAttributeDiscard:
      return "attribute-discard";
    case ErrorAction::kTreatAsWithdraw:
      return "treat-as-withdraw";
    default:
      return "session-reset";
  }
}

std::vector<Capability> OpenMessage::capabilities() const {
  std::vector<Capability> out;
  for (const auto& p : parameters)
    out.insert(out.end(), p.capabilities.begin(), p.capabilities.end());
  return out;
}

uint32_t OpenMessage::asn() const {
  if (auto c = find_capability<FourOctetAsCapability>()) return c->asn;
  return my_as;
}

bool OpenMessage::advertises(Family f) const {
  for (const auto& p : parameters) {
    for (const auto& c : p.capabilities) {
      auto* mp = std::get_if<MultiprotocolCapability>(&c);
      if (mp && mp->afi == afi_of(f) && mp->safi == safi_of(f)) return true;
    }
  }
  return false;
}

bool UpdateMessage::treat_as_withdraw() const {
  return std::any_of(errors.begin(), errors.end(), [](const DecodeError& e) {
    return e.action == ErrorAction::kTreatAsWithdraw;
  });
}

const PathAttribute* UpdateMessage::attribute(uint8_t type) const {
  for (const auto& a : path_attributes) {
    if (a.type == type) return &a;
  }
  return nullptr;
}

std::optional<std::pair<uint16_t, uint8_t>> UpdateMessage::end_of_rib() const {
  if (!withdrawn_routes.empty() || !nlri.empty()) return std::nullopt;
  if (path_attributes.empty()) return std::pair<uint16_t, uint8_t>{1, 1};
  if (path_attributes.size() == 1) {
    if (auto* u = std::get_if<MpUnreachNlri>(&path_attributes[0].value); u && u->empty()) {
      return std::pair<uint16_t, uint8_t>{u->afi, u->safi};
    }
  }
  return std::nullopt;
}

NotificationMessage NotificationMessage::shutdown(uint8_t subcode, std::string_view text) {
  NotificationMessage n{kCease, subcode, {}};
  const size_t len = std::min<size_t>(text.size(), 255);  // RFC 9003 §2
  n.data.resize(len + 1);
  n.data[0] = static_cast<uint8_t>(len);
  std::copy_n(text.begin(), len, n.data.begin() + 1);
  return n;
}

std::optional<std::string> NotificationMessage::shutdown_communication() const {
  if (code != kCease || (subcode != 2 && subcode != 4) || data.empty()) return std::nullopt;
  if (data[0] + 1u > data.size()) return std::nullopt;
  return std::string(data.begin() + 1, data.begin() + 1 + data[0]);
}

MessageType message_type(const Message& m) { return static_cast<MessageType>(m.index() + 1); }

Result<size_t> frame_length(std::span<const uint8_t> stream, const DecodeContext& ctx) {
  if (stream.size() < kHeaderSize) return size_t{0};
  for (size_t i = 0; i < 16; ++i) {
    if (stream[i] != 0xff) {  // RFC 4271 §6.1
      return reset(kHeaderError, 1, i, "header: marker is not all ones");
    }
  }
  const uint16_t len = static_cast<uint16_t>((stream[16] << 8) | stream[17]);
  const uint8_t type = stream[18];
  const size_t min = min_length(type);
  if (min == 0) {
    return reset(kHeaderError, 3, 18, "header: unknown message type " + std::to_string(type),
                 {type});
  }
  if (len < min || len > ctx.max_message_size() ||
      (type == static_cast<uint8_t>(MessageType::kKeepalive) && len != kHeaderSize)) {
    return reset(kHeaderError, 2, 16,
                 "header: length " + std::to_string(len) + " is invalid for message type " +
                     std::to_string(type),
                 u16_data(len));
  }
  return size_t{len};
}

Result<UpdateMessage> decode_update(std::span<const uint8_t> body, const DecodeContext& ctx) {
  Reader r(body, kHeaderSize);
  UpdateMessage m;
  const bool ap4 = ctx.add_path_for(Family::kIpv4Unicast);
  uint16_t wd_len = 0;
  Reader wd({}, 0);
  if (!r.u16(wd_len) || !r.sub(wd_len, wd)) {
    return reset(
        kUpdateError, 1, kHeaderSize,
        "UPDATE: withdrawn routes length " + std::to_string(wd_len) + " overruns the message");
  }
  if (auto err = decode_prefixes(wd, 4, ap4, m.withdrawn_routes)) {
    return reset(kUpdateError, 10, err->offset, "UPDATE withdrawn routes: " + err->what);
  }
  uint16_t attr_len = 0;
  Reader attrs({}, 0);
  const size_t attr_len_at = r.offset();
  if (!r.u16(attr_len) || !r.sub(attr_len, attrs)) {
    return reset(kUpdateError, 1, attr_len_at,
                 "UPDATE: total path attribute length " + std::to_string(attr_len) +
                     " overruns the message");
  }
  if (auto err = decode_path_attributes(attrs, ctx, m.path_attributes, m.errors)) return *err;
  if (auto err = decode_prefixes(r, 4, ap4, m.nlri)) {
    return reset(kUpdateError, 10, err->offset, "UPDATE NLRI: " + err->what);
  }
  // RFC 7606 §3d: missing well-known mandatory attributes make the UPDATE treat-as-withdraw.
  const bool reach = !m.nlri.empty() || m.attribute(kMpReachNlri) != nullptr;
  if (reach) {
    std::vector<uint8_t> mandatory = {kOrigin, kAsPath};
    if (!m.nlri.empty()) mandatory.push_back(kNextHop);
    for (uint8_t t : mandatory) {
      if (!m.attribute(t)) {
        m.errors.push_back(DecodeError{ErrorAction::kTreatAsWithdraw,
                                       kUpdateError,
                                       3,
                                       {t},
                                       attr_len_at,
                                       "missing well-known attribute " + attribute_name(t)});
      }
    }
  }
  return m;
}

Result<Message> decode_message(std::span<const uint8_t> bytes, const DecodeContext& ctx) {
  auto len = frame_length(bytes, ctx);
  if (!len.ok()) return len.error();
  if (*len == 0 || *len != bytes.size()) {
    return reset(
        kHeaderError, 2, 16,
        "header: message length does not match the " + std::to_string(bytes.size()) +
            " octets given",
        bytes.size() >= 18 ? std::vector<uint8_t>{bytes[16], bytes[17]} : std::vector<uint8_t>{});
  }
  const auto body = bytes.subspan(kHeaderSize);
  Reader r(body, kHeaderSize);
  switch (static_cast<MessageType>(bytes[18])) {
    case MessageType::kOpen:
      return decode_open(r);
    case MessageType::kUpdate: {
      auto u = decode_update(body, ctx);
      if (!u.ok()) return u.error();
      return Message{std::move(*u)};
    }
    case MessageType::kNotification: {
      NotificationMessage n;
      r.u8(n.code);
      r.u8(n.subcode);
      n.data.assign(r.rest().begin(), r.rest().end());
      return Message{std::move(n)};
    }
    case MessageType::kKeepalive:
      return Message{KeepaliveMessage{}};
    case MessageType::kRouteRefresh: {
      RouteRefreshMessage rr;
      r.u16(rr.afi);
      r.u8(rr.subtype);
      r.u8(rr.safi);
      if (!r.empty()) {  // RFC 7313 §5
        return reset(kRouteRefreshError, 1, kHeaderSize,
                     "ROUTE-REFRESH: length " + std::to_string(bytes.size()) + ", expected 23",
                     {bytes.begin(), bytes.end()});
      }
      return Message{rr};
    }
  }
  return reset(kHeaderError, 3, 18, "header: unknown message type");  // Unreachable.
}

void encode(const Message& m, const DecodeContext& ctx, std::vector<uint8_t>& out) {
  const size_t start = out.size();
  Writer w(out);
  for (int i = 0; i < 16; ++i) w.u8(0xff);
  w.u16(0);
  w.u8(static_cast<uint8_t>(message_type(m)));
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, OpenMessage>) {
          encode_open(x, w);
        } else if constexpr (std::is_same_v<T, UpdateMessage>) {
          encode_update(x, ctx, w);
        } else if constexpr (std::is_same_v<T, NotificationMessage>) {
          w.u8(x.code);
          w.u8(x.subcode);
          w.bytes(x.data);
        } else if constexpr (std::is_same_v<T, RouteRefreshMessage>) {
          w.u16(x.afi);
          w.u8(x.subtype);
          w.u8(x.safi);
        }
      },
      m);
  w.patch_u16(start + 16, static_cast<uint16_t>(out.size() - start));
}

std::vector<uint8_t> encode(const Message& m, const DecodeContext& ctx) {
  std::vector<uint8_t> out;
  encode(m, ctx, out);
  return out;
}

std::string error_code_name(uint8_t code) {
  static const char* const kNames[] = {"",
                                       "Message Header Error",
                                       "OPEN Message Error",
                                       "UPDATE Message Error",
                                       "Hold Timer Expired",
                                       "Finite State Machine Error",
                                       "Cease",
                                       "ROUTE-REFRESH Message Error"};
  if (code >= 1 && code <= 7) return kNames[code];
  return "code " + std::to_string(code);
}

std::string error_subcode_name(uint8_t code, uint8_t subcode) {
  static const char* const kHeader[] = {"Unspecific", "Connection Not Synchronized",
                                        "Bad Message Length", "Bad Message Type"};
  static const char* const kOpen[] = {"Unspecific",
                                      "Unsupported Version Number",
                                      "Bad Peer AS",
                                      "Bad BGP Identifier",
                                      "Unsupported Optional Parameter",
                                      "Authentication Failure (deprecated)",
                                      "Unacceptable Hold Time",
                                      "Unsupported Capability",
                                      "",
                                      "",
                                      "",
                                      "Role Mismatch"};
  static const char* const kUpdate[] = {"Unspecific",
                                        "Malformed Attribute List",
                                        "Unrecognized Well-known Attribute",
                                        "Missing Well-known Attribute",
                                        "Attribute Flags Error",
                                        "Attribute Length Error",
                                        "Invalid ORIGIN Attribute",
                                        "AS Routing Loop (deprecated)",
                                        "Invalid NEXT_HOP Attribute",
                                        "Optional Attribute Error",
                                        "Invalid Network Field",
                                        "Malformed AS_PATH"};
  static const char* const kFsm[] = {"Unspecified Error",
                                     "Receive Unexpected Message in OpenSent State",
                                     "Receive Unexpected Message in OpenConfirm State",
                                     "Receive Unexpected Message in Established State"};
  static const char* const kCeaseNames[] = {"Unspecific",
                                            "Maximum Number of Prefixes Reached",
                                            "Administrative Shutdown",
                                            "Peer De-configured",
                                            "Administrative Reset",
                                            "Connection Rejected",
                                            "Other Configuration Change",
                                            "Connection Collision Resolution",
                                            "Out of Resources",
                                            "Hard Reset",
                                            "BFD Down"};
  static const char* const kRouteRefresh[] = {"Reserved", "Invalid Message Length"};
  auto pick = [&](const char* const* names, size_t n) -> std::string {
    if (subcode < n && names[subcode][0] != '\0') return names[subcode];
    return "subcode " + std::to_string(subcode);
  };
  switch (code) {
    case 1:
      return pick(kHeader, std::size(kHeader));
    case 2:
      return pick(kOpen, std::size(kOpen));
    case 3:
      return pick(kUpdate, std::size(kUpdate));
    case 4:
      return subcode == 0 ? "Unspecific" : "subcode " + std::to_string(subcode);
    case 5:
      return pick(kFsm, std::size(kFsm));
    case 6:
      return pick(kCeaseNames, std::size(kCeaseNames));
    case 7:
      return pick(kRouteRefresh, std::size(kRouteRefresh));
    default:
      return "subcode " + std::to_string(subcode);
  }
}

}  // namespace evpnd::codec
