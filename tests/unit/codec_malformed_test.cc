// Malformed input, one case per RFC 7606 rule (and the RFC 4271 §6 header/OPEN checks): each
// case names the handling the decoder must prescribe — session reset with NOTIFICATION
// code/subcode, treat-as-withdraw, or attribute discard — and where applicable what survives.
#include <gtest/gtest.h>

#include "bgpd/codec/message.h"
#include "tests/unit/codec_test_util.h"

namespace evpnd::codec {
namespace {

using namespace evpnd::codec::testing;  // NOLINT: test helpers

enum class Expect { kClean, kDiscard, kWithdraw, kReset };

struct Case {
  std::string name;
  Bytes message;
  Expect expect;
  uint8_t code = 0;
  uint8_t subcode = 0;
  DecodeContext ctx = {};
};

// A valid EVPN route of each type, as (type, length, value).
Bytes evpn_route(int type) {
  const Bytes rd = from_hex("0001 0a000001 0002");
  const Bytes esi(10, 0);
  const Bytes tag = {0, 0, 0, 0};
  switch (type) {
    case 1:
      return cat({{1, 25}, rd, esi, tag, {0, 0, 100}});
    case 2:
      return cat(
          {{2, 37}, rd, esi, tag, {48, 0, 0, 0x5e, 0, 0x53, 1, 32, 192, 0, 2, 1, 0, 0, 100}});
    case 3:
      return cat({{3, 17}, rd, tag, {32, 10, 0, 0, 1}});
    case 4:
      return cat({{4, 23}, rd, esi, {32, 10, 0, 0, 1}});
    default:
      return cat({{5, 34}, rd, esi, tag, {24, 10, 1, 0, 0, 0, 0, 0, 0, 0, 0x13, 0x88}});
  }
}

// The same route with its length one short and its last octet gone.
Bytes truncated(Bytes route) {
  route[1] = static_cast<uint8_t>(route[1] - 1);
  route.pop_back();
  return route;
}

Bytes evpn_update(const Bytes& nlri) {
  return update({}, cat({mp_reach_evpn(nlri), origin_igp(), as_path_65001()}), {});
}

Bytes ipv4_update(const Bytes& extra_attrs) {
  return update({}, cat({origin_igp(), as_path_65001(), next_hop_10_0_0_1(), extra_attrs}),
                nlri_10_1_0_0_16());
}

std::vector<Case> cases() {
  std::vector<Case> c;
  const auto ok_ipv4 = ipv4_update({});
  c.push_back({"well-formed IPv4 UPDATE", ok_ipv4, Expect::kClean});
  c.push_back({"well-formed EVPN UPDATE, types 1-5",
               evpn_update(cat(
                   {evpn_route(1), evpn_route(2), evpn_route(3), evpn_route(4), evpn_route(5)})),
               Expect::kClean});
  c.push_back({"unknown EVPN route type is kept, not an error",
               evpn_update(cat({{9, 3, 1, 2, 3}, evpn_route(3)})), Expect::kClean});
  c.push_back({"unknown optional transitive attribute is kept", ipv4_update(attr(0xc0, 99, {1, 2})),
               Expect::kClean});

  // RFC 4271 §6.1 message header.
  Bytes bad_marker = ok_ipv4;
  bad_marker[3] = 0;
  c.push_back({"header: marker not all ones", bad_marker, Expect::kReset, 1, 1});
  c.push_back({"header: length 18", from_hex("ffffffffffffffffffffffffffffffff 0012 04"),
               Expect::kReset, 1, 2});
  c.push_back({"header: KEEPALIVE of length 20",
               from_hex("ffffffffffffffffffffffffffffffff 0014 04 00"), Expect::kReset, 1, 2});
  c.push_back({"header: unknown type 9", from_hex("ffffffffffffffffffffffffffffffff 0013 09"),
               Expect::kReset, 1, 3});
  c.push_back({"header: over 4096 without extended message",
               update({},
                      cat({origin_igp(), as_path_65001(), next_hop_10_0_0_1(),
                           attr(0xd0, 99, Bytes(4100, 0))}),
                      nlri_10_1_0_0_16()),
               Expect::kReset, 1, 2});
  DecodeContext ext;
  ext.extended_message = true;
  c.push_back({"header: over 4096 with extended message (RFC 8654)",
               update({},
                      cat({origin_igp(), as_path_65001(), next_hop_10_0_0_1(),
                           attr(0xd0, 99, Bytes(4100, 0))}),
                      nlri_10_1_0_0_16()),
               Expect::kClean, 0, 0, ext});

  // RFC 4271 §6.2 OPEN.
  c.push_back(
      {"OPEN: version 3", message(1, from_hex("03 fde9 0009 0a00000b 00")), Expect::kReset, 2, 1});
  c.push_back({"OPEN: hold time 2", message(1, from_hex("04 fde9 0002 0a00000b 00")),
               Expect::kReset, 2, 6});
  c.push_back({"OPEN: BGP identifier 0", message(1, from_hex("04 fde9 0009 00000000 00")),
               Expect::kReset, 2, 3});
  c.push_back({"OPEN: optional parameter type 1",
               message(1, from_hex("04 fde9 0009 0a00000b 03 01 01 00")), Expect::kReset, 2, 4});
  c.push_back({"OPEN: capability overruns its parameter",
               message(1, from_hex("04 fde9 0009 0a00000b 04 02 02 01 04")), Expect::kReset, 2, 0});
  c.push_back({"ROUTE-REFRESH of length 24 (RFC 7313 §5)", message(5, from_hex("0019 00 46 00")),
               Expect::kReset, 7, 1});

  // RFC 7606 §3, §4, §5: UPDATE structure.
  c.push_back({"withdrawn routes length overruns the message",
               message(2, from_hex("0010 1800 0000")), Expect::kReset, 3, 1});
  c.push_back({"total path attribute length overruns the message",
               message(2, from_hex("0000 0040 400101 00")), Expect::kReset, 3, 1});
  c.push_back({"attribute overruns the attributes, no MP_REACH seen (§4)",
               update({}, cat({origin_igp(), as_path_65001(), {0x40, 3, 9, 10, 0, 0, 1}}),
                      nlri_10_1_0_0_16()),
               Expect::kReset, 3, 1});
  c.push_back(
      {"attribute overruns the attributes after MP_REACH (§4)",
       update({}, cat({mp_reach_evpn(evpn_route(3)), origin_igp(), {0x40, 2, 9, 2, 1}}), {}),
       Expect::kWithdraw, 3, 5});
  c.push_back(
      {"two trailing octets after MP_REACH, too few for a header (§4)",
       update({}, cat({mp_reach_evpn(evpn_route(3)), origin_igp(), as_path_65001(), {0x40, 1}}),
              {}),
       Expect::kWithdraw, 3, 5});
  c.push_back({"MP_REACH_NLRI twice (§3g)",
               update({},
                      cat({mp_reach_evpn(evpn_route(3)), mp_reach_evpn(evpn_route(3)), origin_igp(),
                           as_path_65001()}),
                      {}),
               Expect::kReset, 3, 1});
  c.push_back({"MED twice: later ones discarded (§3g)",
               ipv4_update(cat({attr(0x80, 4, {0, 0, 0, 1}), attr(0x80, 4, {0, 0, 0, 2})})),
               Expect::kDiscard, 3, 1});
  c.push_back({"ORIGIN with the Optional bit (§3c)",
               update({}, cat({attr(0xc0, 1, {0}), as_path_65001(), next_hop_10_0_0_1()}),
                      nlri_10_1_0_0_16()),
               Expect::kWithdraw, 3, 4});
  c.push_back({"unrecognized well-known attribute (RFC 4271 §6.3)",
               ipv4_update(attr(0x40, 99, {1})), Expect::kReset, 3, 2});
  c.push_back({"missing ORIGIN (§3d)",
               update({}, cat({as_path_65001(), next_hop_10_0_0_1()}), nlri_10_1_0_0_16()),
               Expect::kWithdraw, 3, 3});
  c.push_back({"missing NEXT_HOP with IPv4 NLRI (§3d)",
               update({}, cat({origin_igp(), as_path_65001()}), nlri_10_1_0_0_16()),
               Expect::kWithdraw, 3, 3});
  c.push_back({"missing AS_PATH with MP_REACH_NLRI (§3d)",
               update({}, cat({mp_reach_evpn(evpn_route(2)), origin_igp()}), {}), Expect::kWithdraw,
               3, 3});
  c.push_back(
      {"withdrawal only needs no attributes", update(nlri_10_1_0_0_16(), {}, {}), Expect::kClean});
  c.push_back({"NLRI prefix length 33 (§5.3)", ipv4_update({}), Expect::kReset, 3, 10});
  c.back().message.back() = 0;  // placeholder fixed below
  c.back().message =
      update({}, cat({origin_igp(), as_path_65001(), next_hop_10_0_0_1()}), {33, 10, 1, 0, 0, 0});
  c.push_back({"NLRI overruns the message (§5.3)",
               update({}, cat({origin_igp(), as_path_65001(), next_hop_10_0_0_1()}), {24, 10, 1}),
               Expect::kReset, 3, 10});

  // RFC 7606 §7: per attribute.
  c.push_back({"ORIGIN length 2 (§7.1)",
               update({}, cat({attr(0x40, 1, {0, 0}), as_path_65001(), next_hop_10_0_0_1()}),
                      nlri_10_1_0_0_16()),
               Expect::kWithdraw, 3, 5});
  c.push_back({"ORIGIN value 3 (§7.1)",
               update({}, cat({attr(0x40, 1, {3}), as_path_65001(), next_hop_10_0_0_1()}),
                      nlri_10_1_0_0_16()),
               Expect::kWithdraw, 3, 6});
  c.push_back(
      {"AS_PATH segment overruns (§7.2)",
       update({}, cat({origin_igp(), attr(0x40, 2, {2, 2, 0, 0, 0xfd, 0xe9}), next_hop_10_0_0_1()}),
              nlri_10_1_0_0_16()),
       Expect::kWithdraw, 3, 11});
  c.push_back(
      {"AS_PATH segment type 7 (§7.2)",
       update({}, cat({origin_igp(), attr(0x40, 2, {7, 1, 0, 0, 0xfd, 0xe9}), next_hop_10_0_0_1()}),
              nlri_10_1_0_0_16()),
       Expect::kWithdraw, 3, 11});
  c.push_back({"NEXT_HOP length 5 (§7.3)",
               update({}, cat({origin_igp(), as_path_65001(), attr(0x40, 3, {10, 0, 0, 1, 0})}),
                      nlri_10_1_0_0_16()),
               Expect::kWithdraw, 3, 5});
  c.push_back({"MULTI_EXIT_DISC length 3 (§7.4)", ipv4_update(attr(0x80, 4, {0, 0, 1})),
               Expect::kWithdraw, 3, 5});
  c.push_back(
      {"LOCAL_PREF length 2 (§7.5)", ipv4_update(attr(0x40, 5, {0, 1})), Expect::kWithdraw, 3, 5});
  c.push_back({"ATOMIC_AGGREGATE length 1 (§7.6)", ipv4_update(attr(0x40, 6, {1})),
               Expect::kDiscard, 3, 5});
  c.push_back({"AGGREGATOR length 7 (§7.7)", ipv4_update(attr(0xc0, 7, Bytes(7, 1))),
               Expect::kDiscard, 3, 5});
  c.push_back({"AS4_AGGREGATOR length 6 (RFC 6793 §6)", ipv4_update(attr(0xc0, 18, Bytes(6, 1))),
               Expect::kDiscard, 3, 5});
  c.push_back({"AS4_PATH empty segment (RFC 6793 §6)", ipv4_update(attr(0xc0, 17, {2, 0})),
               Expect::kDiscard, 3, 9});
  c.push_back({"COMMUNITIES length 5 (§7.8)", ipv4_update(attr(0xc0, 8, Bytes(5, 1))),
               Expect::kWithdraw, 3, 5});
  c.push_back({"ORIGINATOR_ID length 3 (§7.9)", ipv4_update(attr(0x80, 9, {1, 2, 3})),
               Expect::kWithdraw, 3, 5});
  c.push_back({"CLUSTER_LIST length 6 (§7.10)", ipv4_update(attr(0x80, 10, Bytes(6, 1))),
               Expect::kWithdraw, 3, 5});
  c.push_back({"EXTENDED_COMMUNITIES length 12 (§7.14)", ipv4_update(attr(0xc0, 16, Bytes(12, 1))),
               Expect::kWithdraw, 3, 5});
  c.push_back({"LARGE_COMMUNITIES length 8 (RFC 8092 §6)", ipv4_update(attr(0xc0, 32, Bytes(8, 1))),
               Expect::kWithdraw, 3, 5});
  c.push_back(
      {"PMSI_TUNNEL length 3", ipv4_update(attr(0xc0, 22, {0, 6, 0})), Expect::kWithdraw, 3, 5});
  c.push_back(
      {"MP_REACH_NLRI truncated before the NLRI (§7.11)",
       update({}, cat({attr(0x80, 14, {0, 25, 70, 4, 10, 0}), origin_igp(), as_path_65001()}), {}),
       Expect::kReset, 3, 9});
  c.push_back({"MP_REACH_NLRI EVPN next hop of 5 octets (§7.11)",
               update({},
                      cat({attr(0x80, 14, {0, 25, 70, 5, 10, 0, 0, 1, 1, 0}), origin_igp(),
                           as_path_65001()}),
                      {}),
               Expect::kReset, 3, 9});
  c.push_back({"MP_UNREACH_NLRI of 2 octets (§7.11)", update({}, attr(0x80, 15, {0, 25}), {}),
               Expect::kReset, 3, 9});
  c.push_back({"MP_REACH_NLRI marked transitive (§3c): NLRI withdrawn",
               update({},
                      cat({attr(0xd0, 14, cat({{0, 25, 70, 4, 10, 0, 0, 1, 0}, evpn_route(3)})),
                           origin_igp(), as_path_65001()}),
                      {}),
               Expect::kWithdraw, 3, 4});

  // Truncated EVPN routes, one per type (RFC 7432 §7, RFC 9136 §3.1): the route's length is
  // consistent with the NLRI field but impossible for its type, so the NLRI cannot be trusted.
  for (int t = 1; t <= 5; ++t) {
    c.push_back({"EVPN type " + std::to_string(t) + " truncated by one octet",
                 evpn_update(truncated(evpn_route(t))), Expect::kReset, 3, 9});
  }
  c.push_back({"EVPN route length overruns MP_REACH_NLRI",
               evpn_update(cat({{2, 60}, Bytes(37, 0)})), Expect::kReset, 3, 9});
  Bytes bad_mac = evpn_route(2);
  bad_mac[24] = 47;
  c.push_back({"EVPN type 2 MAC length 47", evpn_update(bad_mac), Expect::kReset, 3, 9});
  Bytes bad_ip = evpn_route(2);
  bad_ip[31] = 24;
  c.push_back({"EVPN type 2 IP length 24", evpn_update(bad_ip), Expect::kReset, 3, 9});
  Bytes bad_t5 = evpn_route(5);
  bad_t5[24] = 33;
  c.push_back({"EVPN type 5 IPv4 prefix length 33", evpn_update(bad_t5), Expect::kReset, 3, 9});
  return c;
}

class CodecMalformed : public ::testing::TestWithParam<Case> {};

TEST_P(CodecMalformed, PrescribesTheRfcHandling) {
  const Case& c = GetParam();
  auto m = decode_message(c.message, c.ctx);
  if (c.expect == Expect::kReset) {
    ASSERT_FALSE(m.ok()) << "decoded, expected a session reset";
    EXPECT_EQ(m.error().action, ErrorAction::kSessionReset);
    EXPECT_EQ(m.error().code, c.code) << m.error().what;
    EXPECT_EQ(m.error().subcode, c.subcode) << m.error().what;
    EXPECT_FALSE(m.error().what.empty());
    EXPECT_LE(m.error().offset, c.message.size());
    return;
  }
  ASSERT_TRUE(m.ok()) << m.error().what;
  if (c.expect == Expect::kClean) {
    if (auto* u = std::get_if<UpdateMessage>(&*m)) {
      EXPECT_TRUE(u->errors.empty()) << u->errors[0].what;
    }
    EXPECT_EQ(encode(*m, c.ctx), c.message) << "encode(decode(x)) != x";
    return;
  }
  const auto& u = std::get<UpdateMessage>(*m);
  const ErrorAction want = c.expect == Expect::kWithdraw ? ErrorAction::kTreatAsWithdraw
                                                         : ErrorAction::kAttributeDiscard;
  ASSERT_FALSE(u.errors.empty());
  bool found = false;
  for (const auto& e : u.errors) {
    if (e.action == want && e.code == c.code && e.subcode == c.subcode) found = true;
    EXPECT_FALSE(e.what.empty());
  }
  EXPECT_TRUE(found) << "first error: " << to_string(u.errors[0].action) << " "
                     << int{u.errors[0].code} << "/" << int{u.errors[0].subcode} << " "
                     << u.errors[0].what;
  EXPECT_EQ(u.treat_as_withdraw(), c.expect == Expect::kWithdraw);
}

INSTANTIATE_TEST_SUITE_P(Rfc7606, CodecMalformed, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& p) {
                           std::string n;
                           for (char ch : p.param.name) {
                             n += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           }
                           return std::to_string(p.index) + "_" + n;
                         });

TEST(CodecMalformedDetail, DiscardKeepsTheRoutesAndTheFirstDuplicate) {
  auto m = decode_message(ipv4_update(cat({attr(0x80, 4, {0, 0, 0, 1}), attr(0x80, 4, {0, 0, 0, 2}),
                                           attr(0x40, 6, {1})})),
                          {});
  ASSERT_TRUE(m.ok());
  const auto& u = std::get<UpdateMessage>(*m);
  EXPECT_FALSE(u.treat_as_withdraw());
  ASSERT_EQ(u.nlri.size(), 1u);
  EXPECT_EQ(u.get<MultiExitDisc>(kMultiExitDisc)->value, 1u);
  EXPECT_EQ(u.attribute(kAtomicAggregate), nullptr);
}

TEST(CodecMalformedDetail, TreatAsWithdrawStillLocatesMpReachNlri) {
  // ORIGIN is malformed, but the EVPN routes of MP_REACH_NLRI are decoded so they can be
  // withdrawn (RFC 7606 §2).
  auto m = decode_message(
      update({}, cat({mp_reach_evpn(evpn_route(2)), attr(0x40, 1, {5}), as_path_65001()}), {}), {});
  ASSERT_TRUE(m.ok());
  const auto& u = std::get<UpdateMessage>(*m);
  EXPECT_TRUE(u.treat_as_withdraw());
  ASSERT_NE(u.get<MpReachNlri>(kMpReachNlri), nullptr);
  EXPECT_EQ(u.get<MpReachNlri>(kMpReachNlri)->evpn.size(), 1u);
}

TEST(CodecMalformedDetail, ErrorsCarryOffsetAndNotificationData) {
  // The bad NEXT_HOP starts at offset 19 (header) + 2 + 2 + 4 (ORIGIN) + 9 (AS_PATH) = 36.
  Bytes msg = update({}, cat({origin_igp(), as_path_65001(), attr(0x40, 3, {10, 0, 0, 1, 0})}),
                     nlri_10_1_0_0_16());
  auto m = decode_message(msg, {});
  ASSERT_TRUE(m.ok());
  const auto& e = std::get<UpdateMessage>(*m).errors.at(0);
  EXPECT_EQ(e.offset, 36u);
  EXPECT_EQ(e.data, (Bytes{0x40, 3, 5, 10, 0, 0, 1, 0}));
  EXPECT_EQ(e.what, "NEXT_HOP: length 5, expected 4");
  // OPEN version error carries the version we support (RFC 4271 §6.2).
  auto o = decode_message(message(1, from_hex("03 fde9 0009 0a00000b 00")), {});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().data, (Bytes{0, 4}));
}

}  // namespace
}  // namespace evpnd::codec
