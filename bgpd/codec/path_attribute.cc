#include "bgpd/codec/path_attribute.h"

#include <bitset>
#include <string>

namespace evpnd::codec {
namespace {

// UPDATE Message Error subcodes (RFC 4271 §6.3).
constexpr uint8_t kUpdateError = 3;
constexpr uint8_t kMalformedAttributeList = 1;
constexpr uint8_t kUnrecognizedWellKnown = 2;
constexpr uint8_t kAttributeFlagsError = 4;
constexpr uint8_t kAttributeLengthError = 5;
constexpr uint8_t kInvalidOrigin = 6;
constexpr uint8_t kOptionalAttributeError = 9;
constexpr uint8_t kMalformedAsPath = 11;

// Expected Optional/Transitive bits of a known attribute, or -1 for unknown types.
int expected_flags(uint8_t type) {
  switch (type) {
    case kOrigin:
    case kAsPath:
    case kNextHop:
    case kLocalPref:
    case kAtomicAggregate:
      return kFlagTransitive;
    case kMultiExitDisc:
    case kOriginatorId:
    case kClusterList:
    case kMpReachNlri:
    case kMpUnreachNlri:
      return kFlagOptional;
    case kAggregator:
    case kCommunities:
    case kExtendedCommunities:
    case kAs4Path:
    case kAs4Aggregator:
    case kPmsiTunnel:
    case kLargeCommunities:
      return kFlagOptional | kFlagTransitive;
    default:
      return -1;
  }
}

// The state of decoding one attribute: where it started and its raw octets, for error data.
struct AttrCtx {
  uint8_t flags;
  uint8_t type;
  size_t offset;                   // Of the flags octet.
  std::span<const uint8_t> whole;  // Flags, type, length and value.
  Reader value;

  DecodeError error(ErrorAction action, uint8_t subcode, const std::string& why) const {
    DecodeError e;
    e.action = action;
    e.code = kUpdateError;
    e.subcode = subcode;
    e.data.assign(whole.begin(), whole.end());
    e.offset = offset;
    e.what = attribute_name(type) + ": " + why;
    return e;
  }
  DecodeError bad_length(ErrorAction action, const std::string& expected) const {
    return error(action, kAttributeLengthError,
                 "length " + std::to_string(value.remaining()) + ", expected " + expected);
  }
};

bool decode_as_path(Reader r, bool four_octet, AsPath& out, std::string& why) {
  while (!r.empty()) {
    AsPathSegment seg;
    uint8_t count = 0;
    if (!r.u8(seg.type) || !r.u8(count)) {
      why = "truncated segment header";
      return false;
    }
    if (seg.type < 1 || seg.type > 4) {
      why = "unknown segment type " + std::to_string(seg.type);
      return false;
    }
    if (count == 0) {
      why = "empty segment";
      return false;
    }
    seg.asns.resize(count);
    for (auto& asn : seg.asns) {
      bool ok = false;
      if (four_octet) {
        ok = r.u32(asn);
      } else {
        uint16_t a2 = 0;
        ok = r.u16(a2);
        asn = a2;
      }
      if (!ok) {
        why = "segment overruns the attribute";
        return false;
      }
    }
    out.segments.push_back(std::move(seg));
  }
  return true;
}

void encode_as_path(const AsPath& p, bool four_octet, Writer& w) {
  for (const auto& seg : p.segments) {
    w.u8(seg.type);
    w.u8(static_cast<uint8_t>(seg.asns.size()));
    for (uint32_t asn : seg.asns) {
      if (four_octet) {
        w.u32(asn);
      } else {
        w.u16(static_cast<uint16_t>(asn));
      }
    }
  }
}

IpAddress read_v4(Reader& r) {
  std::array<uint8_t, 4> b{};
  r.copy(b);
  return IpAddress::v4(b);
}

// Next-hop lengths a known family accepts (RFC 4760 §3, RFC 8950 §3, RFC 7432 §7).
bool next_hop_length_ok(Family f, size_t len) {
  switch (f) {
    case Family::kIpv4Unicast:
      return len == 4 || len == 16 || len == 32;
    case Family::kIpv6Unicast:
      return len == 16 || len == 32;
    default:
      return len == 4 || len == 16;
  }
}

// Decodes the NLRI of one family into the matching vector of an MP attribute.
template <class Mp>
std::optional<DecodeError> decode_mp_nlri(Reader nlri, const DecodeContext& ctx, Mp& mp) {
  auto fam = family_of(mp.afi, mp.safi);
  if (!fam) {
    auto rest = nlri.rest();
    mp.opaque_nlri.assign(rest.begin(), rest.end());
    return std::nullopt;
  }
  const bool add_path = ctx.add_path_for(*fam);
  if (*fam == Family::kL2vpnEvpn) return decode_evpn_nlri(nlri, add_path, mp.evpn);
  return decode_prefixes(nlri, *fam == Family::kIpv4Unicast ? 4 : 6, add_path, mp.prefixes);
}

template <class Mp>
void encode_mp_nlri(const Mp& mp, const DecodeContext& ctx, Writer& w) {
  auto fam = family_of(mp.afi, mp.safi);
  const bool add_path = fam && ctx.add_path_for(*fam);
  for (const auto& p : mp.prefixes) encode(p, add_path, w);
  for (const auto& e : mp.evpn) encode(e, add_path, w);
  w.bytes(mp.opaque_nlri);
}

// Decodes the value of one attribute. Returns a session-reset error, or records soft errors;
// `keep` is cleared when the attribute must be discarded.
std::optional<DecodeError> decode_value(AttrCtx& a, const DecodeContext& ctx, PathAttribute& out,
                                        bool& keep, std::vector<DecodeError>& soft) {
  Reader& v = a.value;
  const size_t len = v.remaining();
  constexpr auto kWithdraw = ErrorAction::kTreatAsWithdraw;
  constexpr auto kDiscard = ErrorAction::kAttributeDiscard;
  auto soft_fail = [&](DecodeError e) {
    keep = false;
    soft.push_back(std::move(e));
    return std::nullopt;
  };
  switch (a.type) {
    case kOrigin: {  // RFC 7606 §7.1
      if (len != 1) return soft_fail(a.bad_length(kWithdraw, "1"));
      Origin o;
      v.u8(o.value);
      if (o.value > 2) {
        return soft_fail(
            a.error(kWithdraw, kInvalidOrigin, "undefined value " + std::to_string(o.value)));
      }
      out.value = o;
      return std::nullopt;
    }
    case kAsPath:
    case kAs4Path: {  // RFC 7606 §7.2; RFC 6793 §6 (AS4_PATH errors: discard)
      AsPath p;
      std::string why;
      const bool four = a.type == kAs4Path || ctx.four_octet_as;
      if (!decode_as_path(v, four, p, why)) {
        if (a.type == kAs4Path) {
          return soft_fail(a.error(kDiscard, kOptionalAttributeError, why));
        }
        return soft_fail(a.error(kWithdraw, kMalformedAsPath, why));
      }
      out.value = std::move(p);
      return std::nullopt;
    }
    case kNextHop:  // RFC 7606 §7.3
      if (len != 4) return soft_fail(a.bad_length(kWithdraw, "4"));
      out.value = NextHop{read_v4(v)};
      return std::nullopt;
    case kMultiExitDisc:  // RFC 7606 §7.4
    case kLocalPref: {    // RFC 7606 §7.5
      if (len != 4) return soft_fail(a.bad_length(kWithdraw, "4"));
      uint32_t x = 0;
      v.u32(x);
      if (a.type == kMultiExitDisc) {
        out.value = MultiExitDisc{x};
      } else {
        out.value = LocalPref{x};
      }
      return std::nullopt;
    }
    case kAtomicAggregate:  // RFC 7606 §7.6
      if (len != 0) return soft_fail(a.bad_length(kDiscard, "0"));
      out.value = AtomicAggregate{};
      return std::nullopt;
    case kAggregator:       // RFC 7606 §7.7
    case kAs4Aggregator: {  // RFC 6793 §6
      const bool four = a.type == kAs4Aggregator || ctx.four_octet_as;
      if (len != (four ? 8u : 6u)) return soft_fail(a.bad_length(kDiscard, four ? "8" : "6"));
      Aggregator g;
      if (four) {
        v.u32(g.asn);
      } else {
        uint16_t a2 = 0;
        v.u16(a2);
        g.asn = a2;
      }
      g.address = read_v4(v);
      out.value = g;
      return std::nullopt;
    }
    case kCommunities:    // RFC 7606 §7.8
    case kClusterList: {  // RFC 7606 §7.10
      if (len == 0 || len % 4 != 0) {
        return soft_fail(a.bad_length(kWithdraw, "a non-zero multiple of 4"));
      }
      std::vector<uint32_t> xs(len / 4);
      for (auto& x : xs) v.u32(x);
      if (a.type == kCommunities) {
        out.value = Communities{std::move(xs)};
      } else {
        out.value = ClusterList{std::move(xs)};
      }
      return std::nullopt;
    }
    case kOriginatorId:  // RFC 7606 §7.9
      if (len != 4) return soft_fail(a.bad_length(kWithdraw, "4"));
      out.value = OriginatorId{read_v4(v)};
      return std::nullopt;
    case kMpReachNlri: {  // RFC 4760 §3, RFC 7606 §7.11
      MpReachNlri mp;
      uint8_t nh_len = 0;
      std::span<const uint8_t> nh;
      if (!v.u16(mp.afi) || !v.u8(mp.safi) || !v.u8(nh_len) || !v.view(nh_len, nh) ||
          !v.u8(mp.reserved)) {
        return a.error(ErrorAction::kSessionReset, kOptionalAttributeError,
                       "truncated before the NLRI (length " + std::to_string(len) + ")");
      }
      mp.next_hop.assign(nh.begin(), nh.end());
      if (auto fam = mp.family(); fam && !next_hop_length_ok(*fam, nh_len)) {
        return a.error(
            ErrorAction::kSessionReset, kOptionalAttributeError,
            "next hop length " + std::to_string(nh_len) + " is invalid for " + to_string(*fam));
      }
      if (auto err = decode_mp_nlri(v, ctx, mp)) {
        auto e = a.error(ErrorAction::kSessionReset, kOptionalAttributeError, err->what);
        e.offset = err->offset;
        return e;
      }
      out.value = std::move(mp);
      return std::nullopt;
    }
    case kMpUnreachNlri: {  // RFC 4760 §4
      MpUnreachNlri mp;
      if (!v.u16(mp.afi) || !v.u8(mp.safi)) {
        return a.error(ErrorAction::kSessionReset, kOptionalAttributeError,
                       "length " + std::to_string(len) + ", expected at least 3");
      }
      if (auto err = decode_mp_nlri(v, ctx, mp)) {
        auto e = a.error(ErrorAction::kSessionReset, kOptionalAttributeError, err->what);
        e.offset = err->offset;
        return e;
      }
      out.value = std::move(mp);
      return std::nullopt;
    }
    case kExtendedCommunities: {  // RFC 7606 §7.14
      if (len == 0 || len % 8 != 0) {
        return soft_fail(a.bad_length(kWithdraw, "a non-zero multiple of 8"));
      }
      ExtendedCommunities ec;
      ec.values.reserve(len / 8);
      std::span<const uint8_t> b;
      while (v.view(8, b)) ec.values.push_back(decode_extended_community(b.first<8>()));
      out.value = std::move(ec);
      return std::nullopt;
    }
    case kPmsiTunnel: {  // RFC 6514 §5
      PmsiTunnel t;
      if (len < 5) return soft_fail(a.bad_length(kWithdraw, "at least 5"));
      v.u8(t.flags);
      v.u8(t.tunnel_type);
      v.u24(t.label);
      auto rest = v.rest();
      t.tunnel_id.assign(rest.begin(), rest.end());
      out.value = std::move(t);
      return std::nullopt;
    }
    case kLargeCommunities: {  // RFC 8092 §6
      if (len == 0 || len % 12 != 0) {
        return soft_fail(a.bad_length(kWithdraw, "a non-zero multiple of 12"));
      }
      LargeCommunities lc;
      lc.values.resize(len / 12);
      for (auto& c : lc.values) {
        v.u32(c.global_administrator);
        v.u32(c.local_data1);
        v.u32(c.local_data2);
      }
      out.value = std::move(lc);
      return std::nullopt;
    }
    default: {
      if (!(a.flags & kFlagOptional)) {  // RFC 4271 §6.3
        return a.error(ErrorAction::kSessionReset, kUnrecognizedWellKnown,
                       "unrecognized well-known attribute");
      }
      auto rest = v.rest();
      out.value = UnknownAttribute{{rest.begin(), rest.end()}};
      return std::nullopt;
    }
  }
}

}  // namespace

size_t AsPath::length() const {
  size_t n = 0;
  for (const auto& s : segments) {
    if (s.type == 2) n += s.asns.size();
    if (s.type == 1) n += 1;
  }
  return n;
}

std::string AsPath::to_string() const {
  std::string out;
  for (const auto& s : segments) {
    if (!out.empty()) out += ' ';
    const bool set = s.type == 1 || s.type == 4;
    const bool confed = s.type == 3 || s.type == 4;
    if (confed) out += '(';
    if (set) out += '{';
    for (size_t i = 0; i < s.asns.size(); ++i) {
      if (i) out += set ? "," : " ";
      out += std::to_string(s.asns[i]);
    }
    if (set) out += '}';
    if (confed) out += ')';
  }
  return out;
}

IpAddress MpReachNlri::next_hop_address() const {
  IpAddress a;
  if (next_hop.size() == 4) {
    a.family = 4;
  } else if (next_hop.size() == 16 || next_hop.size() == 32) {
    a.family = 6;
  } else {
    return a;
  }
  for (size_t i = 0; i < a.size(); ++i) a.bytes[i] = next_hop[i];
  return a;
}

IpAddress MpReachNlri::link_local_next_hop() const {
  IpAddress a;
  if (next_hop.size() != 32) return a;
  a.family = 6;
  for (size_t i = 0; i < 16; ++i) a.bytes[i] = next_hop[16 + i];
  return a;
}

void MpReachNlri::set_next_hop(const IpAddress& a) {
  next_hop.assign(a.bytes.begin(), a.bytes.begin() + a.size());
}

IpAddress PmsiTunnel::tunnel_endpoint() const {
  IpAddress a;
  if (tunnel_id.size() != 4 && tunnel_id.size() != 16) return a;
  a.family = tunnel_id.size() == 4 ? 4 : 6;
  for (size_t i = 0; i < tunnel_id.size(); ++i) a.bytes[i] = tunnel_id[i];
  return a;
}

PathAttribute make_attribute(AttributeType type, AttributeValue value) {
  const int f = expected_flags(type);
  return PathAttribute{static_cast<uint8_t>(f < 0 ? kFlagOptional | kFlagTransitive : f), type,
                       std::move(value)};
}

std::optional<DecodeError> decode_path_attributes(Reader r, const DecodeContext& ctx,
                                                  std::vector<PathAttribute>& out,
                                                  std::vector<DecodeError>& soft_errors) {
  std::bitset<256> seen;
  bool saw_mp = false;
  while (!r.empty()) {
    const size_t start = r.offset();
    const auto rest = r.rest();
    uint8_t flags = 0;
    uint8_t type = 0;
    uint16_t len = 0;
    bool header_ok = r.u8(flags) && r.u8(type);
    if (header_ok) {
      uint8_t len8 = 0;
      header_ok = (flags & kFlagExtendedLength) ? r.u16(len) : r.u8(len8);
      if (!(flags & kFlagExtendedLength)) len = len8;
    }
    Reader value({}, 0);
    if (!header_ok || !r.sub(len, value)) {
      // RFC 7606 §4: the Total Attribute Length still locates the NLRI field, so the UPDATE is
      // treat-as-withdraw. An MP_REACH_NLRI could hide in the unparsed rest, though: when none
      // was found yet, its NLRI could not be withdrawn, so the session must be reset.
      DecodeError e;
      e.code = kUpdateError;
      e.subcode = kAttributeLengthError;
      e.offset = start;
      e.data.assign(rest.begin(), rest.end());
      e.what = header_ok ? attribute_name(type) + ": length " + std::to_string(len) +
                               " overruns the path attributes (" + std::to_string(r.remaining()) +
                               " octets left)"
                         : "path attributes: " + std::to_string(rest.size()) +
                               " trailing octets are too few for an attribute header";
      if (saw_mp) {
        e.action = ErrorAction::kTreatAsWithdraw;
        soft_errors.push_back(std::move(e));
        return std::nullopt;
      }
      e.subcode = kMalformedAttributeList;
      e.action = ErrorAction::kSessionReset;
      return e;
    }
    AttrCtx a{flags, type, start, rest.first(r.offset() - start), value};
    if (seen[type]) {  // RFC 7606 §3g
      if (type == kMpReachNlri || type == kMpUnreachNlri) {
        return a.error(ErrorAction::kSessionReset, kMalformedAttributeList,
                       "appears more than once");
      }
      soft_errors.push_back(a.error(ErrorAction::kAttributeDiscard, kMalformedAttributeList,
                                    "appears more than once; later occurrences discarded"));
      continue;
    }
    seen[type] = true;
    if (type == kMpReachNlri || type == kMpUnreachNlri) saw_mp = true;
    const int expected = expected_flags(type);
    bool flags_ok = true;
    if (expected >= 0 && (flags & (kFlagOptional | kFlagTransitive)) != expected) {
      // RFC 7606 §3c: conflicting Optional/Transitive bits make the attribute malformed.
      soft_errors.push_back(a.error(ErrorAction::kTreatAsWithdraw, kAttributeFlagsError,
                                    "flags 0x" + to_hex(&flags, 1) + " conflict with the type"));
      flags_ok = false;
    }
    PathAttribute attr{flags, type, {}};
    bool keep = true;
    if (auto err = decode_value(a, ctx, attr, keep, soft_errors)) return err;
    // A malformed attribute is not kept, except MP attributes whose NLRI must be withdrawn.
    if (keep && (flags_ok || type == kMpReachNlri || type == kMpUnreachNlri)) {
      out.push_back(std::move(attr));
    }
  }
  return std::nullopt;
}

void encode(const PathAttribute& a, const DecodeContext& ctx, Writer& w) {
  std::vector<uint8_t> value;
  Writer v(value);
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Origin>) {
          v.u8(x.value);
        } else if constexpr (std::is_same_v<T, AsPath>) {
          encode_as_path(x, a.type == kAs4Path || ctx.four_octet_as, v);
        } else if constexpr (std::is_same_v<T, NextHop>) {
          v.bytes(std::span<const uint8_t>(x.address.bytes.data(), 4));
        } else if constexpr (std::is_same_v<T, MultiExitDisc> || std::is_same_v<T, LocalPref>) {
          v.u32(x.value);
        } else if constexpr (std::is_same_v<T, AtomicAggregate>) {
        } else if constexpr (std::is_same_v<T, Aggregator>) {
          if (a.type == kAs4Aggregator || ctx.four_octet_as) {
            v.u32(x.asn);
          } else {
            v.u16(static_cast<uint16_t>(x.asn));
          }
          v.bytes(std::span<const uint8_t>(x.address.bytes.data(), 4));
        } else if constexpr (std::is_same_v<T, Communities>) {
          for (uint32_t c : x.values) v.u32(c);
        } else if constexpr (std::is_same_v<T, ClusterList>) {
          for (uint32_t c : x.ids) v.u32(c);
        } else if constexpr (std::is_same_v<T, OriginatorId>) {
          v.bytes(std::span<const uint8_t>(x.id.bytes.data(), 4));
        } else if constexpr (std::is_same_v<T, MpReachNlri>) {
          v.u16(x.afi);
          v.u8(x.safi);
          v.u8(static_cast<uint8_t>(x.next_hop.size()));
          v.bytes(x.next_hop);
          v.u8(x.reserved);
          encode_mp_nlri(x, ctx, v);
        } else if constexpr (std::is_same_v<T, MpUnreachNlri>) {
          v.u16(x.afi);
          v.u8(x.safi);
          encode_mp_nlri(x, ctx, v);
        } else if constexpr (std::is_same_v<T, ExtendedCommunities>) {
          for (const auto& c : x.values) codec::encode(c, v);
        } else if constexpr (std::is_same_v<T, PmsiTunnel>) {
          v.u8(x.flags);
          v.u8(x.tunnel_type);
          v.u24(x.label);
          v.bytes(x.tunnel_id);
        } else if constexpr (std::is_same_v<T, LargeCommunities>) {
          for (const auto& c : x.values) {
            v.u32(c.global_administrator);
            v.u32(c.local_data1);
            v.u32(c.local_data2);
          }
        } else {
          v.bytes(x.value);
        }
      },
      a.value);
  uint8_t flags = a.flags;
  if (value.size() > 255) flags |= kFlagExtendedLength;
  w.u8(flags);
  w.u8(a.type);
  if (flags & kFlagExtendedLength) {
    w.u16(static_cast<uint16_t>(value.size()));
  } else {
    w.u8(static_cast<uint8_t>(value.size()));
  }
  w.bytes(value);
}

std::vector<PathAttribute> for_readvertisement(const std::vector<PathAttribute>& attrs) {
  std::vector<PathAttribute> out;
  out.reserve(attrs.size());
  for (const auto& a : attrs) {
    if (std::holds_alternative<UnknownAttribute>(a.value)) {
      if (!(a.flags & kFlagTransitive)) continue;
      PathAttribute copy = a;
      copy.flags |= kFlagPartial;
      out.push_back(std::move(copy));
    } else {
      out.push_back(a);
    }
  }
  return out;
}

std::string attribute_name(uint8_t type) {
  switch (type) {
    case kOrigin:
      return "ORIGIN";
    case kAsPath:
      return "AS_PATH";
    case kNextHop:
      return "NEXT_HOP";
    case kMultiExitDisc:
      return "MULTI_EXIT_DISC";
    case kLocalPref:
      return "LOCAL_PREF";
    case kAtomicAggregate:
      return "ATOMIC_AGGREGATE";
    case kAggregator:
      return "AGGREGATOR";
    case kCommunities:
      return "COMMUNITIES";
    case kOriginatorId:
      return "ORIGINATOR_ID";
    case kClusterList:
      return "CLUSTER_LIST";
    case kMpReachNlri:
      return "MP_REACH_NLRI";
    case kMpUnreachNlri:
      return "MP_UNREACH_NLRI";
    case kExtendedCommunities:
      return "EXTENDED_COMMUNITIES";
    case kAs4Path:
      return "AS4_PATH";
    case kAs4Aggregator:
      return "AS4_AGGREGATOR";
    case kPmsiTunnel:
      return "PMSI_TUNNEL";
    case kLargeCommunities:
      return "LARGE_COMMUNITIES";
    default:
      return "type " + std::to_string(type);
  }
}

}  // namespace evpnd::codec
