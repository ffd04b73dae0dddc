// Golden tests on real bytes: BGP sessions between FRR 8.4 and GoBGP 3.10, captured with tshark
// by tests/golden/capture.sh. Every captured message must decode, re-encode to the same bytes,
// and yield the same field values as tshark's BGP dissector reported for that very message.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "bgpd/codec/message.h"
#include "tests/unit/codec_test_util.h"

namespace evpnd::codec {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct GoldenMessage {
  std::string source;  // "frame 4: GoBGP 10.0.0.2 -> ..." comment: the sending address.
  testing::Bytes bytes;
  Fields tshark;
};

std::vector<GoldenMessage> load_fixture(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<GoldenMessage> out;
  std::string line;
  std::string source;
  while (std::getline(in, line)) {
    if (line.rfind("# frame ", 0) == 0) {
      auto arrow = line.find(" -> ");
      auto sp = line.rfind(' ', arrow - 1);
      source = arrow == std::string::npos ? "" : line.substr(sp + 1, arrow - sp - 1);
    } else if (line.rfind("msg ", 0) == 0) {
      out.push_back({source, testing::from_hex(line.substr(4)), {}});
    } else if (line.rfind("f ", 0) == 0 && !out.empty()) {
      auto sp = line.find(' ', 2);
      if (sp == std::string::npos) {
        out.back().tshark.emplace_back(line.substr(2), "");
      } else {
        out.back().tshark.emplace_back(line.substr(2, sp - 2), line.substr(sp + 1));
      }
    }
  }
  return out;
}

std::string hex_colons(const uint8_t* p, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ':';
    s += to_hex(p + i, 1);
  }
  return s;
}

std::string hex8(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

// A label as it appears in the packet, compared to tshark's "vni", "mpls_ls1/2" (label >> 4)
// or "mpls_label_value" depending on what tshark knew of the encapsulation at that point.
struct Label {
  uint32_t value;
};

// Produces, from a decoded message, the tshark fields evpnd can state with certainty.
class FieldEmitter {
 public:
  explicit FieldEmitter(const DecodeContext& ctx) : ctx_(ctx) {}

  void message(const Message& m, size_t length) {
    add("bgp.length", length);
    add("bgp.type", static_cast<unsigned>(message_type(m)));
    std::visit([&](const auto& x) { body(x); }, m);
  }

  Fields fields;
  std::vector<Label> labels;

 private:
  template <class T>
  void add(const std::string& name, const T& v) {
    if constexpr (std::is_convertible_v<T, std::string>) {
      fields.emplace_back(name, v);
    } else {
      fields.emplace_back(name, std::to_string(v));
    }
  }

  void body(const OpenMessage& o) {
    add("bgp.open.version", unsigned{o.version});
    add("bgp.open.myas", unsigned{o.my_as});
    add("bgp.open.holdtime", unsigned{o.hold_time});
    add("bgp.open.identifier", o.bgp_identifier.to_string());
    size_t opt_len = 0;
    for (const auto& p : o.parameters) {
      std::vector<uint8_t> v;
      Writer w(v);
      for (const auto& c : p.capabilities) encode(c, w);
      add("bgp.open.opt.param.type", unsigned{p.type});
      add("bgp.open.opt.param.len", v.size());
      opt_len += 2 + v.size();
      for (const auto& c : p.capabilities) capability(c);
    }
    if (!o.extended_parameters) add("bgp.open.opt.len", opt_len);
  }

  void capability(const Capability& c) {
    std::vector<uint8_t> v;
    Writer w(v);
    encode(c, w);
    add("bgp.cap.type", unsigned{v[0]});
    add("bgp.cap.length", unsigned{v[1]});
    if (auto* mp = std::get_if<MultiprotocolCapability>(&c)) {
      add("bgp.cap.mp.afi", unsigned{mp->afi});
      add("bgp.cap.mp.safi", unsigned{mp->safi});
    } else if (auto* as4 = std::get_if<FourOctetAsCapability>(&c)) {
      add("bgp.cap.4as", as4->asn);
    } else if (auto* gr = std::get_if<GracefulRestartCapability>(&c)) {
      add("bgp.cap.gr.timers.restart_time", unsigned{gr->restart_time});
      for (const auto& f : gr->families) {
        add("bgp.cap.gr.afi", unsigned{f.afi});
        add("bgp.cap.gr.safi", unsigned{f.safi});
      }
    } else if (auto* ap = std::get_if<AddPathCapability>(&c)) {
      for (const auto& f : ap->families) {
        add("bgp.cap.ap.afi", unsigned{f.afi});
        add("bgp.cap.ap.safi", unsigned{f.safi});
        add("bgp.cap.ap.sendreceive", unsigned{f.send_receive});
      }
    } else if (auto* en = std::get_if<ExtendedNextHopCapability>(&c)) {
      for (const auto& e : en->entries) {
        add("bgp.cap.enh.afi", unsigned{e.afi});
        add("bgp.cap.enh.safi", unsigned{e.safi});
        add("bgp.cap.enh.nhafi", unsigned{e.next_hop_afi});
      }
    } else if (auto* h = std::get_if<HostnameCapability>(&c)) {
      add("bgp.cap.orf.fqdn.hostname", h->hostname);
      add("bgp.cap.orf.fqdn.domain_name", h->domain);
    }
  }

  void prefix(const PrefixNlri& p, bool add_path, const std::string& name) {
    if (add_path) add("bgp.nlri_path_id", p.path_id);
    add("bgp.prefix_length", unsigned{p.prefix.length});
    add(name, p.prefix.address.to_string());
  }

  void evpn(const EvpnNlri& n) {
    std::vector<uint8_t> wire;
    Writer w(wire);
    encode(n, false, w);
    add("bgp.evpn.nlri.rt", unsigned{route_type(n.route)});
    add("bgp.evpn.nlri.len", unsigned{wire[1]});
    if (auto rd = route_distinguisher(n.route)) {
      std::vector<uint8_t> b;
      Writer rw(b);
      rd->encode(rw);
      add("bgp.evpn.nlri.rd", hex_colons(b.data(), b.size()));
    }
    auto esi = [&](const EthernetSegmentId& e) {
      add("bgp.evpn.nlri.esi.type", unsigned{e.bytes[0]});
      add("bgp.evpn.nlri.esi.value", hex_colons(e.bytes.data() + 1, 9));
    };
    auto ip = [&](const IpAddress& a) {
      add(a.family == 6 ? "bgp.evpn.nlri.ipv6.addr" : "bgp.evpn.nlri.ip.addr", a.to_string());
    };
    std::visit(
        [&](const auto& r) {
          using T = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<T, EthernetAutoDiscoveryRoute>) {
            esi(r.esi);
            add("bgp.evpn.nlri.etag", r.ethernet_tag);
            labels.push_back({r.label});
          } else if constexpr (std::is_same_v<T, MacIpAdvertisementRoute>) {
            esi(r.esi);
            add("bgp.evpn.nlri.etag", r.ethernet_tag);
            add("bgp.evpn.nlri.maclen", 48u);
            add("bgp.evpn.nlri.mac_addr", r.mac.to_string());
            add("bgp.evpn.nlri.iplen", unsigned{r.ip.size()} * 8);
            if (!r.ip.is_none()) ip(r.ip);
            labels.push_back({r.label1});
            if (r.has_label2) labels.push_back({r.label2});
          } else if constexpr (std::is_same_v<T, InclusiveMulticastRoute>) {
            add("bgp.evpn.nlri.etag", r.ethernet_tag);
            add("bgp.evpn.nlri.iplen", unsigned{r.originating_router.size()} * 8);
            ip(r.originating_router);
          } else if constexpr (std::is_same_v<T, EthernetSegmentRoute>) {
            esi(r.esi);
            add("bgp.evpn.nlri.iplen", unsigned{r.originating_router.size()} * 8);
            ip(r.originating_router);
          } else if constexpr (std::is_same_v<T, IpPrefixRoute>) {
            esi(r.esi);
            add("bgp.evpn.nlri.etag", r.ethernet_tag);
            add("bgp.evpn.nlri.prefix_len", unsigned{r.prefix.length});
            ip(r.prefix.address);
            add(r.gateway.family == 6 ? "bgp.evpn.nlri.ipv6.gtw_addr"
                                      : "bgp.evpn.nlri.ipv4.gtw_addr",
                r.gateway.to_string());
            labels.push_back({r.label});
          }
        },
        n.route);
  }

  void ext_community(const ExtendedCommunity& c) {
    std::vector<uint8_t> b;
    Writer w(b);
    encode(c, w);
    add("bgp.ext_com.type", hex8(b[0]));
    if (auto* rt = std::get_if<RouteTarget>(&c); rt && rt->value.type == 0) {
      add("bgp.ext_com.value_as2", rt->value.administrator);
      add("bgp.ext_com.value_an4", rt->value.assigned);
    } else if (auto* e = std::get_if<EncapsulationCommunity>(&c)) {
      add("bgp.ext_com.tunnel_type", unsigned{e->tunnel_type});
    } else if (auto* rm = std::get_if<RouterMac>(&c)) {
      add("bgp.ext_com_evpn.esi.router_mac", rm->mac.to_string());
    } else if (auto* mm = std::get_if<MacMobility>(&c)) {
      add("bgp.ext_com_evpn.mmac.seq", mm->sequence);
    }
  }

  void body(const UpdateMessage& u) {
    std::vector<uint8_t> wd;
    Writer ww(wd);
    const bool ap4 = ctx_.add_path_for(Family::kIpv4Unicast);
    for (const auto& p : u.withdrawn_routes) encode(p, ap4, ww);
    add("bgp.update.withdrawn_routes.length", wd.size());
    for (const auto& p : u.withdrawn_routes) prefix(p, ap4, "bgp.withdrawn_prefix");
    size_t attr_len = 0;
    for (const auto& a : u.path_attributes) {
      std::vector<uint8_t> b;
      Writer w(b);
      encode(a, ctx_, w);
      attr_len += b.size();
      const size_t hdr = (a.flags & kFlagExtendedLength) ? 4 : 3;
      add("bgp.update.path_attribute.flags", hex8(a.flags));
      add("bgp.update.path_attribute.type_code", unsigned{a.type});
      add("bgp.update.path_attribute.length", b.size() - hdr);
      attribute(a);
    }
    add("bgp.update.path_attributes.length", attr_len);
    for (const auto& p : u.nlri) prefix(p, ap4, "bgp.nlri_prefix");
  }

  void attribute(const PathAttribute& a) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, Origin>) {
            add("bgp.update.path_attribute.origin", unsigned{x.value});
          } else if constexpr (std::is_same_v<T, AsPath>) {
            if (a.type != kAsPath) return;
            for (const auto& s : x.segments) {
              add("bgp.update.path_attribute.as_path_segment.type", unsigned{s.type});
              add("bgp.update.path_attribute.as_path_segment.length", s.asns.size());
              for (uint32_t asn : s.asns) {
                add(ctx_.four_octet_as ? "bgp.update.path_attribute.as_path_segment.as4"
                                       : "bgp.update.path_attribute.as_path_segment.as2",
                    asn);
              }
            }
          } else if constexpr (std::is_same_v<T, NextHop>) {
            add("bgp.update.path_attribute.next_hop", x.address.to_string());
          } else if constexpr (std::is_same_v<T, MultiExitDisc>) {
            add("bgp.update.path_attribute.multi_exit_disc", x.value);
          } else if constexpr (std::is_same_v<T, LocalPref>) {
            add("bgp.update.path_attribute.local_pref", x.value);
          } else if constexpr (std::is_same_v<T, Communities>) {
            for (uint32_t c : x.values) {
              if ((c >> 16) == 0xffff) {
                char buf[12];
                std::snprintf(buf, sizeof buf, "0x%08x", c);
                add("bgp.update.path_attribute.community_wellknown", std::string(buf));
              } else {
                add("bgp.update.path_attribute.community_as", c >> 16);
                add("bgp.update.path_attribute.community_value", c & 0xffff);
              }
            }
          } else if constexpr (std::is_same_v<T, LargeCommunities>) {
            for (const auto& c : x.values) {
              add("bgp.large_communities.ga", c.global_administrator);
              add("bgp.large_communities.ldp1", c.local_data1);
              add("bgp.large_communities.ldp2", c.local_data2);
            }
          } else if constexpr (std::is_same_v<T, MpReachNlri>) {
            add("bgp.update.path_attribute.mp_reach_nlri.afi", unsigned{x.afi});
            add("bgp.update.path_attribute.mp_reach_nlri.safi", unsigned{x.safi});
            const IpAddress nh = x.next_hop_address();
            add(nh.family == 4 ? "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv4"
                               : "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6",
                nh.to_string());
            if (!x.link_local_next_hop().is_none()) {
              add("bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6.link_local",
                  x.link_local_next_hop().to_string());
            }
            add("bgp.update.path_attribute.mp_reach_nlri.nbr_snpa", unsigned{x.reserved});
            const auto fam = x.family();
            const bool ap = fam && ctx_.add_path_for(*fam);
            for (const auto& p : x.prefixes) {
              prefix(
                  p, ap,
                  x.afi == 1 ? "bgp.mp_reach_nlri_ipv4_prefix" : "bgp.mp_reach_nlri_ipv6_prefix");
            }
            for (const auto& e : x.evpn) evpn(e);
          } else if constexpr (std::is_same_v<T, MpUnreachNlri>) {
            add("bgp.update.path_attribute.mp_unreach_nlri.afi", unsigned{x.afi});
            add("bgp.update.path_attribute.mp_unreach_nlri.safi", unsigned{x.safi});
            const auto fam = x.family();
            const bool ap = fam && ctx_.add_path_for(*fam);
            for (const auto& p : x.prefixes) {
              prefix(p, ap,
                     x.afi == 1 ? "bgp.mp_unreach_nlri_ipv4_prefix"
                                : "bgp.mp_unreach_nlri_ipv6_prefix");
            }
            for (const auto& e : x.evpn) evpn(e);
          } else if constexpr (std::is_same_v<T, ExtendedCommunities>) {
            for (const auto& c : x.values) ext_community(c);
          } else if constexpr (std::is_same_v<T, PmsiTunnel>) {
            add("bgp.update.path_attribute.pmsi.tunnel.flags", unsigned{x.flags});
            add("bgp.update.path_attribute.pmsi.tunnel.type", unsigned{x.tunnel_type});
            labels.push_back({x.label});
            if (!x.tunnel_endpoint().is_none()) {
              add("bgp.update.path_attribute.pmsi.ingress_rep_ip", x.tunnel_endpoint().to_string());
            }
          }
        },
        a.value);
  }

  void body(const NotificationMessage& n) {
    add("bgp.notify.major_error", unsigned{n.code});
    if (n.code == 6) add("bgp.notify.minor_error_cease", unsigned{n.subcode});
    if (auto text = n.shutdown_communication()) {
      add("bgp.notify.communication_length", text->size());
      add("bgp.notify.communication", *text);
    }
  }
  void body(const KeepaliveMessage&) {}
  void body(const RouteRefreshMessage& r) {
    add("bgp.route_refresh.afi", unsigned{r.afi});
    add("bgp.route_refresh.subtype", unsigned{r.subtype});
    add("bgp.route_refresh.safi", unsigned{r.safi});
  }

  const DecodeContext& ctx_;
};

const std::set<std::string> kLabelFields = {"bgp.evpn.nlri.vni", "bgp.evpn.nlri.mpls_ls1",
                                            "bgp.evpn.nlri.mpls_ls2",
                                            "bgp.update.path_attribute.mpls_label_value"};

// The decode context of each direction, from the two OPENs of the session (RFC 6793 §3,
// RFC 7911 §4: a path identifier is sent when the sender may send and the receiver receive).
std::map<std::string, DecodeContext> session_contexts(const std::vector<GoldenMessage>& msgs) {
  std::map<std::string, OpenMessage> opens;
  for (const auto& m : msgs) {
    auto d = decode_message(m.bytes, {});
    if (d.ok() && std::holds_alternative<OpenMessage>(*d)) {
      opens[m.source] = std::get<OpenMessage>(*d);
    }
  }
  std::map<std::string, DecodeContext> out;
  for (const auto& [src, open] : opens) {
    DecodeContext ctx;
    for (const auto& [dst, other] : opens) {
      if (dst == src) continue;
      ctx.four_octet_as = open.find_capability<FourOctetAsCapability>().has_value() &&
                          other.find_capability<FourOctetAsCapability>().has_value();
      auto mine = open.find_capability<AddPathCapability>();
      auto theirs = other.find_capability<AddPathCapability>();
      if (!mine || !theirs) continue;
      for (const auto& a : mine->families) {
        for (const auto& b : theirs->families) {
          auto fam = family_of(a.afi, a.safi);
          if (fam && a.afi == b.afi && a.safi == b.safi && (a.send_receive & 2) &&
              (b.send_receive & 1)) {
            ctx.add_path[static_cast<size_t>(*fam)] = true;
          }
        }
      }
    }
    out[src] = ctx;
  }
  return out;
}

std::vector<std::filesystem::path> fixtures() {
  std::vector<std::filesystem::path> out;
  const std::filesystem::path dir = std::filesystem::path(EVPND_SOURCE_DIR) / "tests/golden/data";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".txt") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class CodecGolden : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(CodecGolden, DecodesLikeTsharkAndReencodesExactly) {
  const auto msgs = load_fixture(GetParam());
  ASSERT_GE(msgs.size(), 10u) << "fixture too small: " << GetParam();
  const auto contexts = session_contexts(msgs);
  ASSERT_EQ(contexts.size(), 2u) << "expected the OPENs of both speakers";
  size_t compared = 0;
  std::set<std::string> names_seen;
  for (size_t i = 0; i < msgs.size(); ++i) {
    const auto& gm = msgs[i];
    SCOPED_TRACE("message " + std::to_string(i) + " from " + gm.source);
    const DecodeContext& ctx = contexts.at(gm.source);
    auto m = decode_message(gm.bytes, ctx);
    ASSERT_TRUE(m.ok()) << m.error().what;
    if (auto* u = std::get_if<UpdateMessage>(&*m)) {
      EXPECT_TRUE(u->errors.empty()) << u->errors[0].what;
    }
    EXPECT_EQ(encode(*m, ctx), gm.bytes) << "encode(decode(x)) != x";

    FieldEmitter ours(ctx);
    ours.message(*m, gm.bytes.size());
    std::map<std::string, std::vector<std::string>> mine;
    std::map<std::string, std::vector<std::string>> theirs;
    for (const auto& [k, v] : ours.fields) mine[k].push_back(v);
    std::vector<std::pair<std::string, uint32_t>> tshark_labels;
    for (const auto& [k, v] : gm.tshark) {
      if (kLabelFields.count(k)) {
        tshark_labels.emplace_back(k, static_cast<uint32_t>(std::stoul(v)));
      } else if (mine.count(k)) {
        theirs[k].push_back(v);
      }
    }
    for (const auto& [k, v] : mine) {
      EXPECT_EQ(v, theirs[k]) << "field " << k;
      compared += v.size();
      names_seen.insert(k);
    }
    // Every label tshark shows must be the next label in the packet, in its notation.
    ASSERT_LE(tshark_labels.size(), ours.labels.size());
    for (size_t j = 0; j < tshark_labels.size(); ++j) {
      const auto& [k, v] = tshark_labels[j];
      const uint32_t label = ours.labels[j].value;
      EXPECT_EQ(v, k.find("mpls_ls") != std::string::npos ? label >> 4 : label) << k;
      ++compared;
    }
  }
  // The fixture must actually exercise what the codec is for.
  for (const char* must : {"bgp.evpn.nlri.mac_addr", "bgp.evpn.nlri.rd", "bgp.cap.mp.afi",
                           "bgp.update.path_attribute.mp_reach_nlri.afi"}) {
    EXPECT_TRUE(names_seen.count(must)) << "fixture never shows " << must;
  }
  std::printf("%s: %zu messages, %zu field values equal to tshark's\n",
              GetParam().filename().c_str(), msgs.size(), compared);
}

INSTANTIATE_TEST_SUITE_P(Captures, CodecGolden, ::testing::ValuesIn(fixtures()),
                         [](const ::testing::TestParamInfo<std::filesystem::path>& p) {
                           std::string n = p.param.stem().string();
                           for (char& ch : n) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace evpnd::codec
