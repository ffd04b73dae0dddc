#include "daemon/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bgpd/codec/address.h"
#include "bgpd/codec/extended_community.h"
#include "bgpd/codec/route_distinguisher.h"

namespace evpnd::daemon {
namespace {

namespace pb = ::evpnd::config;
using Keys = std::span<const std::string_view>;

constexpr uint32_t kMaxVni = (1u << 24) - 1;
constexpr size_t kMaxPasswordBytes = 80;     // TCP_MD5SIG_MAXKEYLEN
constexpr size_t kMaxSocketPathBytes = 107;  // sizeof(sockaddr_un::sun_path) - 1
constexpr size_t kMaxDeviceNameBytes = 15;   // IFNAMSIZ - 1

// ---- errors -------------------------------------------------------------------------------

// Thrown inside this file only; load_config_string() turns it into its result and adds the file.
struct Failure {
  ConfigError error;
};

[[noreturn]] void fail(int line, std::string key, std::string message) {
  throw Failure{ConfigError{"", line, std::move(key), std::move(message)}};
}

// 1-based line of a node; nodes without a position (an empty document) count as line 1.
int line_of(const YAML::Node& node) { return std::max(1, node.Mark().line + 1); }
int line_of(const YAML::Mark& mark) { return std::max(1, mark.line + 1); }

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Lowercase, with '_' and ' ' read as '-': "Router_ID" is close to "router-id".
std::string normalized(std::string_view word) {
  std::string out(word);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '_' || c == ' ') c = '-';
  }
  return out;
}

// `; did you mean "X"?` for the closest candidate within a small edit distance, else "".
std::string did_you_mean(std::string_view word, Keys candidates) {
  const std::string w = normalized(word);
  std::string_view best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (std::string_view c : candidates) {
    const size_t d = edit_distance(w, c);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // A longer spelling of a candidate ("warning" for "warn") is close too.
  for (std::string_view c : candidates) {
    if (best_distance > 2 && c.size() >= 3 && w.starts_with(c)) {
      best = c;
      best_distance = 0;
    }
  }
  if (best.empty() || best_distance > 2 || best_distance * 3 > best.size()) return "";
  return "; did you mean \"" + std::string(best) + "\"?";
}

// "a, b, c".
std::string joined(Keys words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

// ---- YAML values with their key path and line ----------------------------------------------

// A YAML value, the path of the key that holds it ("neighbors[0].address") and the line an error
// about it points at (for an empty value, the line of its key).
struct Field {
  YAML::Node node;
  std::string path;
  int line = 1;

  [[noreturn]] void fail(std::string message) const {
    ::evpnd::daemon::fail(line, path, std::move(message));
  }
  // The path and line of a key of this map that is missing.
  [[noreturn]] void missing(std::string_view key, std::string_view what) const {
    ::evpnd::daemon::fail(line, child_path(key), "missing (" + std::string(what) + ")");
  }
  std::string child_path(std::string_view key) const {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
};

// Which keys a map had, as fields.
class Entries {
 public:
  void add(std::string_view key, Field f) { fields_.emplace(std::string(key), std::move(f)); }
  bool has(std::string_view key) const { return fields_.contains(std::string(key)); }
  const Field* find(std::string_view key) const {
    auto it = fields_.find(std::string(key));
    return it == fields_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, Field> fields_;
};

// Calls fn(key, value) for each entry of a map, in file order, after checking that the key is
// one of `known` and not repeated. An empty value counts as an empty map.
template <class Fn>
Entries for_each_entry(const Field& map, Keys known, Fn&& fn) {
  Entries seen;
  if (map.node.IsNull()) return seen;
  if (!map.node.IsMap()) map.fail("expected a map");
  for (const auto& entry : map.node) {  // (it-> trips GCC 12's dangling-pointer warning)
    const YAML::Node& key_node = entry.first;
    const int key_line = line_of(key_node);
    if (!key_node.IsScalar()) fail(key_line, map.path, "expected a plain key");
    const std::string& key = key_node.Scalar();
    const std::string path = map.child_path(key);
    if (const Field* first = seen.find(key)) {
      fail(key_line, path, "duplicate key (first on line " + std::to_string(first->line) + ")");
    }
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      fail(key_line, path, "unknown key" + did_you_mean(key, known));
    }
    const YAML::Node& value = entry.second;
    Field f{value, path, value.IsNull() ? key_line : line_of(value)};
    seen.add(key, f);
    fn(std::string_view(key), f);
  }
  return seen;
}

// The items of a list; an empty value counts as an empty list.
std::vector<Field> items(const Field& list) {
  std::vector<Field> out;
  if (list.node.IsNull()) return out;
  if (!list.node.IsSequence()) list.fail("expected a list");
  size_t i = 0;
  for (const YAML::Node& item : list.node) {
    out.push_back(Field{item, list.path + "[" + std::to_string(i++) + "]", line_of(item)});
  }
  return out;
}

// The text of a scalar; anything else fails with `expected` ("expected a number").
std::string scalar(const Field& f, std::string_view expected) {
  if (!f.node.IsScalar()) f.fail(std::string(expected));
  return f.node.Scalar();
}

std::string text(const Field& f) { return scalar(f, "expected a string"); }

// A non-empty decimal number, saturating at UINT64_MAX.
uint64_t number(const Field& f) {
  const std::string s = scalar(f, "expected a number");
  if (s.empty()) f.fail("expected a number");
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') f.fail("expected a number");
    const auto digit = static_cast<uint64_t>(c - '0');
    v = v > (std::numeric_limits<uint64_t>::max() - digit) / 10
            ? std::numeric_limits<uint64_t>::max()
            : v * 10 + digit;
  }
  return v;
}

uint32_t number_in(const Field& f, uint64_t min, uint64_t max) {
  const uint64_t v = number(f);
  if (v < min || v > max) f.fail("must be " + std::to_string(min) + ".." + std::to_string(max));
  return static_cast<uint32_t>(v);
}

bool boolean(const Field& f) {
  const std::string s = scalar(f, "expected true or false");
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  f.fail("expected true or false");
}

// One of a few names, with a suggestion when the value is close to one.
template <class T, size_t N>
T choose(const Field& f, const std::array<std::pair<std::string_view, T>, N>& choices,
         const std::string& expected) {
  std::array<std::string_view, N> names;
  for (size_t i = 0; i < N; ++i) names[i] = choices[i].first;
  const std::string s = scalar(f, "expected " + expected);
  for (const auto& [name, value] : choices) {
    if (s == name) return value;
  }
  f.fail("expected " + expected + did_you_mean(s, names));
}

// ---- addresses and BGP values --------------------------------------------------------------

codec::IpAddress ip_address(const Field& f) {
  auto a = codec::IpAddress::parse(scalar(f, "expected an IP address"));
  if (!a) f.fail("expected an IP address");
  return *a;
}

codec::IpAddress ipv4_address(const Field& f) {
  auto a = codec::IpAddress::parse(scalar(f, "expected an IPv4 address"));
  if (!a || a->family != 4) f.fail("expected an IPv4 address");
  return *a;
}

const char* family_name(const codec::IpAddress& a) { return a.family == 4 ? "IPv4" : "IPv6"; }

// A prefix whose bits past its length are zero.
codec::IpPrefix ip_prefix(const Field& f) {
  auto p = codec::IpPrefix::parse(scalar(f, "expected an IP prefix such as 10.0.0.0/24"));
  if (!p) f.fail("expected an IP prefix such as 10.0.0.0/24");
  codec::IpPrefix masked = *p;
  for (size_t i = 0; i < masked.address.bytes.size(); ++i) {
    const size_t first_bit = i * 8;
    if (first_bit >= masked.length) {
      masked.address.bytes[i] = 0;
    } else if (first_bit + 8 > masked.length) {
      masked.address.bytes[i] &= static_cast<uint8_t>(0xff << (first_bit + 8 - masked.length));
    }
  }
  if (masked != *p) f.fail("has host bits set; did you mean " + masked.to_string() + "?");
  return *p;
}

codec::MacAddress unicast_mac(const Field& f) {
  auto m = codec::MacAddress::parse(scalar(f, "expected a MAC address such as 02:00:00:aa:bb:cc"));
  if (!m) f.fail("expected a MAC address such as 02:00:00:aa:bb:cc");
  if ((m->bytes[0] & 1) != 0 || *m == codec::MacAddress{}) f.fail("must be a unicast MAC address");
  return *m;
}

uint32_t vni(const Field& f) { return number_in(f, 1, kMaxVni); }

std::string route_distinguisher(const Field& f) {
  static constexpr std::string_view kExpected =
      "expected \"auto\" or a route distinguisher such as 10.0.0.11:100 or 65011:100";
  const std::string s = scalar(f, kExpected);
  if (s == "auto") return s;
  auto rd = codec::RouteDistinguisher::parse(s);
  if (!rd) f.fail(std::string(kExpected));
  return rd->to_string();
}

void route_target_list(const Field& list, google::protobuf::RepeatedPtrField<std::string>& out) {
  static constexpr std::string_view kExpected =
      "expected \"auto\" or a route target such as 65000:100";
  out.Clear();
  for (const Field& item : items(list)) {
    std::string s = scalar(item, kExpected);
    if (s != "auto") {
      auto rt = codec::RouteTarget::parse(s);
      if (!rt) item.fail(std::string(kExpected));
      s = rt->to_string();
    }
    if (std::find(out.begin(), out.end(), s) != out.end()) item.fail("duplicate route target");
    *out.Add() = std::move(s);
  }
}

// Both lists default to ["auto"]: derived from the ASN and the VNI by the EVPN layer.
pb::RouteTargets default_route_targets() {
  pb::RouteTargets rts;
  rts.add_imports("auto");
  rts.add_exports("auto");
  return rts;
}

pb::RouteTargets route_targets(const Field& f) {
  static constexpr std::array<std::string_view, 2> kKeys = {"import", "export"};
  pb::RouteTargets rts = default_route_targets();
  for_each_entry(f, kKeys, [&](std::string_view key, const Field& v) {
    route_target_list(v, key == "import" ? *rts.mutable_imports() : *rts.mutable_exports());
  });
  return rts;
}

// Seconds of a hold timer: 0 (no keepalives) or 3..65535 (RFC 4271 §4.2).
uint32_t hold_time(const Field& f) {
  const uint64_t v = number(f);
  if ((v != 0 && v < 3) || v > 65535) f.fail("must be 0 or 3..65535 (seconds)");
  return static_cast<uint32_t>(v);
}

uint32_t keepalive(const Field& f) {
  const uint64_t v = number(f);
  if (v > 65535) f.fail("must be 0..65535 (seconds)");
  return static_cast<uint32_t>(v);
}

uint32_t connect_retry(const Field& f) {
  const uint64_t v = number(f);
  if (v < 1 || v > 65535) f.fail("must be 1..65535 (seconds)");
  return static_cast<uint32_t>(v);
}

// A keepalive given next to a hold time must fit it (RFC 4271 §10: hold / 3 is advised).
void check_keepalive(const Field& f, uint32_t keepalive_s, uint32_t hold_s) {
  if (hold_s == 0 && keepalive_s != 0) f.fail("must be 0 when hold-time is 0");
  if (hold_s != 0 && keepalive_s >= hold_s) {
    f.fail("must be less than hold-time (" + std::to_string(hold_s) + ")");
  }
}

uint32_t default_keepalive(uint32_t hold_s) { return std::min(kDefaultKeepalive, hold_s / 3); }

uint32_t port(const Field& f) { return number_in(f, 1, 65535); }

// The config spells families as the codec does.
const std::array<std::pair<std::string_view, pb::Family>, 3> kFamilies = {{
    {codec::to_string(codec::Family::kL2vpnEvpn), pb::FAMILY_L2VPN_EVPN},
    {codec::to_string(codec::Family::kIpv4Unicast), pb::FAMILY_IPV4_UNICAST},
    {codec::to_string(codec::Family::kIpv6Unicast), pb::FAMILY_IPV6_UNICAST},
}};

void families(const Field& list, google::protobuf::RepeatedField<int>& out) {
  out.Clear();
  for (const Field& item : items(list)) {
    const pb::Family family = choose(item, kFamilies, "l2vpn-evpn, ipv4-unicast or ipv6-unicast");
    if (std::find(out.begin(), out.end(), family) != out.end()) item.fail("duplicate family");
    out.Add(family);
  }
  if (out.empty()) list.fail("must name at least one family");
}

void default_families(google::protobuf::RepeatedField<int>& out) {
  out.Add(pb::FAMILY_L2VPN_EVPN);
  out.Add(pb::FAMILY_IPV4_UNICAST);
}

std::string password(const Field& f) {
  std::string s = text(f);
  if (s.empty()) f.fail("must not be empty (leave the key out for no password)");
  if (s.size() > kMaxPasswordBytes) f.fail("longer than 80 bytes, the TCP MD5 key limit");
  return s;
}

// ---- peers: neighbors and listen ranges ----------------------------------------------------

// The settings of a neighbor or listen range that can only be resolved once the whole file is
// read (the local ASN and the global timers may come later in the file).
struct PeerDraft {
  enum class As { kNumber, kInternal, kExternal };
  As as = As::kNumber;
  uint32_t as_number = 0;
  std::optional<Field> hold_time;
  std::optional<Field> keepalive;
  std::optional<Field> connect_retry;
  std::optional<Field> ebgp_multihop;
  std::optional<Field> route_reflector_client;
};

void remote_as(const Field& f, PeerDraft& draft) {
  static constexpr std::string_view kExpected = R"(expected a number, "internal" or "external")";
  const std::string s = scalar(f, kExpected);
  if (s == "internal") {
    draft.as = PeerDraft::As::kInternal;
  } else if (s == "external") {
    draft.as = PeerDraft::As::kExternal;
  } else if (!s.empty() &&
             std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    draft.as = PeerDraft::As::kNumber;
    draft.as_number = number_in(f, 1, std::numeric_limits<uint32_t>::max());
  } else {
    static constexpr std::array<std::string_view, 2> kWords = {"internal", "external"};
    f.fail(std::string(kExpected) + did_you_mean(s, kWords));
  }
}

struct Resolved {
  uint32_t remote_as = 0;
  pb::PeerType type = pb::PEER_TYPE_UNSPECIFIED;
  uint32_t hold_time = 0;
  uint32_t keepalive = 0;
  uint32_t connect_retry = 0;
};

Resolved resolve(const PeerDraft& d, const pb::Config& c) {
  Resolved r;
  switch (d.as) {
    case PeerDraft::As::kNumber:
      r.remote_as = d.as_number;
      r.type = d.as_number == c.asn() ? pb::PEER_TYPE_INTERNAL : pb::PEER_TYPE_EXTERNAL;
      break;
    case PeerDraft::As::kInternal:
      r.remote_as = c.asn();
      r.type = pb::PEER_TYPE_INTERNAL;
      break;
    case PeerDraft::As::kExternal:
      r.remote_as = 0;
      r.type = pb::PEER_TYPE_EXTERNAL;
      break;
  }
  if (d.ebgp_multihop && r.type == pb::PEER_TYPE_INTERNAL) {
    d.ebgp_multihop->fail("applies to external neighbors only");
  }
  if (d.route_reflector_client && r.type == pb::PEER_TYPE_EXTERNAL &&
      boolean(*d.route_reflector_client)) {
    d.route_reflector_client->fail("applies to internal neighbors only");
  }
  r.hold_time = d.hold_time ? hold_time(*d.hold_time) : c.hold_time();
  if (d.keepalive) {
    r.keepalive = keepalive(*d.keepalive);
    check_keepalive(*d.keepalive, r.keepalive, r.hold_time);
  } else if (d.hold_time) {
    r.keepalive = std::min(c.keepalive(), r.hold_time / 3);
  } else {
    r.keepalive = c.keepalive();
  }
  r.connect_retry = d.connect_retry ? connect_retry(*d.connect_retry) : c.connect_retry();
  return r;
}

// ---- the loader ----------------------------------------------------------------------------

class Loader {
 public:
  pb::Config load(const YAML::Node& root);

 private:
  void graceful_restart(const Field& f);
  void listen(const Field& f);
  void listen_range(const Field& f);
  void neighbor(const Field& f);
  void networks(const Field& f);
  void evpn(const Field& f);
  void vni_entry(const Field& f);
  void vrf(const Field& f);
  void static_route(const Field& f);
  void api(const Field& f);
  void log(const Field& f);
  void dup_addr_detection(const Field& f);
  void kernel(const Field& f);
  void claim_vni(const Field& f, uint32_t value, const std::string& owner);

  pb::Config c_;
  std::optional<Field> keepalive_;
  std::vector<std::pair<pb::Neighbor*, PeerDraft>> neighbor_drafts_;
  std::vector<std::pair<pb::ListenRange*, PeerDraft>> range_drafts_;
  std::map<std::string, std::string> neighbor_paths_;  // canonical address -> first path
  std::map<uint32_t, std::string> vni_paths_;          // VNI or L3VNI -> first path
};

pb::Config Loader::load(const YAML::Node& root) {
  static constexpr std::array<std::string_view, 15> kKeys = {"router-id",
                                                             "asn",
                                                             "vtep-ip",
                                                             "hold-time",
                                                             "keepalive",
                                                             "connect-retry",
                                                             "graceful-restart",
                                                             "listen",
                                                             "neighbors",
                                                             "route-reflector",
                                                             "networks",
                                                             "evpn",
                                                             "api",
                                                             "log",
                                                             "kernel"};
  const Field top{root, "", line_of(root)};
  if (!root.IsNull() && !root.IsMap()) fail(top.line, "", "expected a map of settings");

  c_.set_hold_time(kDefaultHoldTime);
  c_.set_connect_retry(kDefaultConnectRetry);
  c_.mutable_graceful_restart()->set_enabled(true);
  c_.mutable_graceful_restart()->set_restart_time(kDefaultRestartTime);
  c_.mutable_graceful_restart()->set_stale_time(kDefaultStaleTime);
  c_.mutable_listen()->set_address("::");
  c_.mutable_listen()->set_port(kDefaultBgpPort);
  c_.mutable_api()->set_socket(std::string(kDefaultApiSocket));
  c_.mutable_log()->set_level(pb::LOG_LEVEL_INFO);
  c_.mutable_evpn();
  c_.mutable_evpn()->mutable_dup_addr_detection()->set_enabled(true);
  c_.mutable_evpn()->mutable_dup_addr_detection()->set_max_moves(5);
  c_.mutable_evpn()->mutable_dup_addr_detection()->set_time(180);
  c_.mutable_evpn()->mutable_dup_addr_detection()->set_freeze_time(180);
  c_.mutable_kernel()->set_enabled(true);
  c_.mutable_kernel()->set_route_table(254);
  c_.mutable_route_reflector();

  const Entries seen = for_each_entry(top, kKeys, [&](std::string_view key, const Field& f) {
    if (key == "router-id") {
      const codec::IpAddress id = ipv4_address(f);
      if (id.v4_value() == 0) f.fail("must not be 0.0.0.0");
      c_.set_router_id(id.to_string());
    } else if (key == "asn") {
      c_.set_asn(number_in(f, 1, std::numeric_limits<uint32_t>::max()));
    } else if (key == "vtep-ip") {
      c_.set_vtep_ip(ip_address(f).to_string());
    } else if (key == "hold-time") {
      c_.set_hold_time(hold_time(f));
    } else if (key == "keepalive") {
      c_.set_keepalive(keepalive(f));
      keepalive_ = f;
    } else if (key == "connect-retry") {
      c_.set_connect_retry(connect_retry(f));
    } else if (key == "graceful-restart") {
      graceful_restart(f);
    } else if (key == "listen") {
      listen(f);
    } else if (key == "neighbors") {
      for (const Field& item : items(f)) neighbor(item);
    } else if (key == "route-reflector") {
      static constexpr std::array<std::string_view, 1> kRrKeys = {"cluster-id"};
      for_each_entry(f, kRrKeys, [&](std::string_view, const Field& id) {
        const std::string s = scalar(id, "expected an IPv4 address or a number");
        auto a = codec::IpAddress::parse(s);
        if (a && a->family == 4) {
          c_.mutable_route_reflector()->set_cluster_id(a->to_string());
        } else if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
          const uint32_t n = number_in(id, 1, std::numeric_limits<uint32_t>::max());
          c_.mutable_route_reflector()->set_cluster_id(codec::IpAddress::v4(n).to_string());
        } else {
          id.fail("expected an IPv4 address or a number");
        }
      });
    } else if (key == "networks") {
      networks(f);
    } else if (key == "evpn") {
      evpn(f);
    } else if (key == "api") {
      api(f);
    } else if (key == "log") {
      log(f);
    } else if (key == "kernel") {
      kernel(f);
    }
  });

  if (!seen.has("router-id")) top.missing("router-id", "the BGP identifier, an IPv4 address");
  if (!seen.has("asn")) top.missing("asn", "the local AS number, 1..4294967295");
  if (c_.vtep_ip().empty()) c_.set_vtep_ip(c_.router_id());
  if (keepalive_) {
    check_keepalive(*keepalive_, c_.keepalive(), c_.hold_time());
  } else {
    c_.set_keepalive(default_keepalive(c_.hold_time()));
  }
  if (c_.route_reflector().cluster_id().empty()) {
    c_.mutable_route_reflector()->set_cluster_id(c_.router_id());
  }
  for (auto& [range, draft] : range_drafts_) {
    const Resolved r = resolve(draft, c_);
    range->set_remote_as(r.remote_as);
    range->set_peer_type(r.type);
    range->set_hold_time(r.hold_time);
    range->set_keepalive(r.keepalive);
  }
  for (auto& [n, draft] : neighbor_drafts_) {
    const Resolved r = resolve(draft, c_);
    n->set_remote_as(r.remote_as);
    n->set_peer_type(r.type);
    n->set_hold_time(r.hold_time);
    n->set_keepalive(r.keepalive);
    n->set_connect_retry(r.connect_retry);
  }
  return std::move(c_);
}

void Loader::graceful_restart(const Field& f) {
  static constexpr std::array<std::string_view, 3> kKeys = {"enabled", "restart-time",
                                                            "stale-time"};
  pb::GracefulRestart& gr = *c_.mutable_graceful_restart();
  for_each_entry(f, kKeys, [&](std::string_view key, const Field& v) {
    if (key == "enabled") {
      gr.set_enabled(boolean(v));
    } else if (key == "restart-time") {
      gr.set_restart_time(number_in(v, 0, 4095));  // 12 bits (RFC 4724 §3)
    } else {
      gr.set_stale_time(number_in(v, 1, 4095));
    }
  });
}

void Loader::dup_addr_detection(const Field& f) {
  static constexpr std::array<std::string_view, 4> kKeys = {"enabled", "max-moves", "time",
                                                            "freeze-time"};
  pb::DupAddrDetection& d = *c_.mutable_evpn()->mutable_dup_addr_detection();
  for_each_entry(f, kKeys, [&](std::string_view key, const Field& v) {
    if (key == "enabled") {
      d.set_enabled(boolean(v));
    } else if (key == "max-moves") {
      d.set_max_moves(number_in(v, 2, 1000));
    } else if (key == "time") {
      d.set_time(number_in(v, 2, 1800));
    } else if (v.node.IsScalar() && v.node.Scalar() == "permanent") {
      d.set_freeze_time(0);
    } else {
      d.set_freeze_time(number_in(v, 30, 3600));
    }
  });
}

void Loader::kernel(const Field& f) {
  static constexpr std::array<std::string_view, 2> kKeys = {"enabled", "route-table"};
  pb::Kernel& k = *c_.mutable_kernel();
  for_each_entry(f, kKeys, [&](std::string_view key, const Field& v) {
    if (key == "enabled") {
      k.set_enabled(boolean(v));
    } else {
      const uint32_t t = number_in(v, 1, 4294967295u);
      if (t == 253 || t == 255) v.fail("tables 253 (default) and 255 (local) are the kernel's");
      k.set_route_table(t);
    }
  });
}

void Loader::listen(const Field& f) {
  static constexpr std::array<std::string_view, 3> kKeys = {"address", "port", "ranges"};
  pb::Listen& l = *c_.mutable_listen();
  for_each_entry(f, kKeys, [&](std::string_view key, const Field& v) {
    if (key == "address") {
      if (v.node.IsScalar() && v.node.Scalar() == "any") {
        l.set_address("::");
      } else {
        auto a = codec::IpAddress::parse(scalar(v, "expected \"any\" or an IP address"));
        if (!a) v.fail("expected \"any\" or an IP address");
        l.set_address(a->to_string());
      }
    } else if (key == "port") {
      l.set_port(port(v));
    } else {
      for (const Field& item : items(v)) listen_range(item);
    }
  });
}

void Loader::listen_range(const Field& f) {
  static constexpr std::array<std::string_view, 6> kKeys = {"prefix",   "remote-as", "families",
                                                            "password", "hold-time", "keepalive"};
  if (!f.node.IsMap()) f.fail("expected a map");
  pb::ListenRange& r = *c_.mutable_listen()->add_ranges();
  PeerDraft draft;
  const Entries seen = for_each_entry(f, kKeys, [&](std::string_view key, const Field& v) {
    if (key == "prefix") {
      const std::string p = ip_prefix(v).to_string();
      for (const pb::ListenRange& other : c_.listen().ranges()) {
        if (other.prefix() == p) v.fail("duplicate range " + p);
      }
      r.set_prefix(p);
    } else if (key == "remote-as") {
      remote_as(v, draft);
    } else if (key == "families") {
      families(v, *r.mutable_families());
    } else if (key == "password") {
      r.set_password(password(v));
    } else if (key == "hold-time") {
      hold_time(v);
      draft.hold_time = v;
    } else {
      keepalive(v);
      draft.keepalive = v;
    }
  });
  if (!seen.has("prefix")) f.missing("prefix", "an IP prefix such as 10.1.0.0/24");
  if (!seen.has("remote-as")) f.missing("remote-as", R"(a number, "internal" or "external")");
  if (!seen.has("families")) default_families(*r.mutable_families());
  range_drafts_.emplace_back(&r, std::move(draft));
}

void Loader::neighbor(const Field& f) {
  static constexpr std::array<std::string_view, 16> kKeys = {"address",
                                                             "remote-as",
                                                             "description",
                                                             "families",
                                                             "password",
                                                             "ebgp-multihop",
                                                             "ttl-security",
                                                             "local-address",
                                                             "port",
                                                             "passive",
                                                             "route-reflector-client",
                                                             "hold-time",
                                                             "keepalive",
                                                             "connect-retry",
                                                             "shutdown",
                                                             "next-hop-self"};
  if (!f.node.IsMap()) f.fail("expected a map");
  pb::Neighbor& n = *c_.add_neighbors();
  n.set_port(kDefaultBgpPort);
  PeerDraft draft;
  std::optional<codec::IpAddress> address;
  std::optional<Field> ttl_security;
  std::optional<Field> local_address;
  std::optional<Field> next_hop_self;
  const Entries seen = for_each_entry(f, kKeys, [&](std::string_view key, const Field& v) {
    if (key == "address") {
      address = ip_address(v);
      const std::string a = address->to_string();
      if (auto [it, fresh] = neighbor_paths_.emplace(a, f.path); !fresh) {
        v.fail("duplicate neighbor " + a + " (also " + it->second + ")");
      }
      n.set_address(a);
    } else if (key == "remote-as") {
      remote_as(v, draft);
    } else if (key == "description") {
      n.set_description(text(v));
    } else if (key == "families") {
      families(v, *n.mutable_families());
    } else if (key == "password") {
      n.set_password(password(v));
    } else if (key == "ebgp-multihop") {
      n.set_ebgp_multihop(number_in(v, 1, 255));
      draft.ebgp_multihop = v;
    } else if (key == "ttl-security") {
      n.set_ttl_security(number_in(v, 1, 254));
      ttl_security = v;
    } else if (key == "local-address") {
      n.set_local_address(ip_address(v).to_string());
      local_address = v;
    } else if (key == "port") {
      n.set_port(port(v));
    } else if (key == "passive") {
      n.set_passive(boolean(v));
    } else if (key == "route-reflector-client") {
      n.set_route_reflector_client(boolean(v));
      draft.route_reflector_client = v;
    } else if (key == "hold-time") {
      hold_time(v);
      draft.hold_time = v;
    } else if (key == "keepalive") {
      keepalive(v);
      draft.keepalive = v;
    } else if (key == "connect-retry") {
      connect_retry(v);
      draft.connect_retry = v;
    } else if (key == "shutdown") {
      n.set_shutdown(boolean(v));
    } else {
      n.set_next_hop_self(boolean(v));
      next_hop_self = v;
    }
  });
  if (!address) f.missing("address", "the neighbor's IP address");
  if (!seen.has("remote-as")) f.missing("remote-as", R"(a number, "internal" or "external")");
  if (!seen.has("families")) default_families(*n.mutable_families());
  if (ttl_security && draft.ebgp_multihop) {
    ttl_security->fail("cannot be combined with ebgp-multihop");
  }
  if (local_address) {
    if (codec::IpAddress::parse(n.local_address())->family != address->family) {
      local_address->fail(std::string("must be an ") + family_name(*address) +
                          " address like the neighbor's address");
    }
  }
  if (next_hop_self && n.next_hop_self() &&
      std::find(n.families().begin(), n.families().end(), pb::FAMILY_IPV4_UNICAST) ==
          n.families().end()) {
    next_hop_self->fail("applies to ipv4-unicast, which this neighbor does not carry");
  }
  neighbor_drafts_.emplace_back(&n, std::move(draft));
}

void Loader::networks(const Field& f) {
  std::map<std::string, std::string> first;
  for (const Field& item : items(f)) {
    const std::string p = ip_prefix(item).to_string();
    if (auto [it, fresh] = first.emplace(p, item.path); !fresh) {
      item.fail("duplicate prefix (also " + it->second + ")");
    }
    c_.add_networks(p);
  }
}

void Loader::evpn(const Field& f) {
  static constexpr std::array<std::string_view, 5> kKeys = {"advertise-all-vni", "vnis", "vrfs",
                                                            "static-routes", "dup-addr-detection"};
  for_each_entry(f, kKeys, [&](std::string_view key, const Field& v) {
    if (key == "advertise-all-vni") {
      c_.mutable_evpn()->set_advertise_all_vni(boolean(v));
    } else if (key == "dup-addr-detection") {
      dup_addr_detection(v);
    } else if (key == "vnis") {
      for (const Field& item : items(v)) vni_entry(item);
    } else if (key == "vrfs") {
      for (const Field& item : items(v)) vrf(item);
    } else {
      for (const Field& item : items(v)) static_route(item);
    }
  });
}

// VNIs and L3VNIs share one 24-bit space on a VTEP: each may be used once.
void Loader::claim_vni(const Field& f, uint32_t value, const std::string& owner) {
  if (auto [it, fresh] = vni_paths_.emplace(value, owner); !fresh) {
    f.fail("duplicate VNI " + std::to_string(value) + " (also " + it->second + ")");
  }
}

void Loader::vni_entry(const Field& f) {
  static constexpr std::array<std::string_view, 3> kKeys = {"vni", "rd", "route-targets"};
  if (!f.node.IsMap()) f.fail("expected a map");
  pb::Vni& v = *c_.mutable_evpn()->add_vnis();
  v.set_rd("auto");
  *v.mutable_route_targets() = default_route_targets();
  const Entries seen = for_each_entry(f, kKeys, [&](std::string_view key, const Field& x) {
    if (key == "vni") {
      v.set_vni(vni(x));
      claim_vni(x, v.vni(), f.path);
    } else if (key == "rd") {
      v.set_rd(route_distinguisher(x));
    } else {
      *v.mutable_route_targets() = route_targets(x);
    }
  });
  if (!seen.has("vni")) f.missing("vni", "1..16777215");
}

void Loader::vrf(const Field& f) {
  static constexpr std::array<std::string_view, 7> kKeys = {
      "name", "l3vni", "table", "router-mac", "advertise", "rd", "route-targets"};
  static constexpr std::array<std::pair<std::string_view, pb::AdvertiseSource>, 2> kSources = {{
      {"connected", pb::ADVERTISE_SOURCE_CONNECTED},
      {"static", pb::ADVERTISE_SOURCE_STATIC},
  }};
  if (!f.node.IsMap()) f.fail("expected a map");
  const int index = c_.evpn().vrfs_size();
  pb::Vrf& v = *c_.mutable_evpn()->add_vrfs();
  v.set_rd("auto");
  *v.mutable_route_targets() = default_route_targets();
  const Entries seen = for_each_entry(f, kKeys, [&](std::string_view key, const Field& x) {
    if (key == "name") {
      const std::string name = text(x);
      if (name.empty() || name.size() > kMaxDeviceNameBytes || name == "." || name == ".." ||
          name.find_first_of("/: \t") != std::string::npos) {
        x.fail("expected a Linux device name: 1..15 bytes, no '/', ':' or spaces");
      }
      for (int i = 0; i < index; ++i) {
        if (c_.evpn().vrfs(i).name() == name) x.fail("duplicate VRF name " + name);
      }
      v.set_name(name);
    } else if (key == "l3vni") {
      v.set_l3vni(vni(x));
      claim_vni(x, v.l3vni(), f.path);
    } else if (key == "table") {
      const uint64_t t = number(x);
      if (t == 0 || (t >= 253 && t <= 255) || t > std::numeric_limits<uint32_t>::max()) {
        x.fail("must be 1..4294967295 other than 253, 254 and 255 (the kernel's own tables)");
      }
      for (int i = 0; i < index; ++i) {
        if (c_.evpn().vrfs(i).table() == t) {
          x.fail("duplicate table " + std::to_string(t) + " (also vrf " + c_.evpn().vrfs(i).name() +
                 ")");
        }
      }
      v.set_table(static_cast<uint32_t>(t));
    } else if (key == "router-mac") {
      v.set_router_mac(unicast_mac(x).to_string());
    } else if (key == "advertise") {
      for (const Field& item : items(x)) {
        const pb::AdvertiseSource s = choose(item, kSources, "connected or static");
        if (std::find(v.advertise().begin(), v.advertise().end(), s) != v.advertise().end()) {
          item.fail("duplicate entry");
        }
        v.add_advertise(s);
      }
    } else if (key == "rd") {
      v.set_rd(route_distinguisher(x));
    } else {
      *v.mutable_route_targets() = route_targets(x);
    }
  });
  if (!seen.has("name")) f.missing("name", "the VRF's device name");
  if (!seen.has("l3vni")) f.missing("l3vni", "1..16777215");
  if (!seen.has("table")) f.missing("table", "the VRF's kernel routing table");
}

void Loader::static_route(const Field& f) {
  static constexpr std::array<std::string_view, 5> kType2 = {"type", "vni", "mac", "ip", "sticky"};
  static constexpr std::array<std::string_view, 2> kType3 = {"type", "vni"};
  static constexpr std::array<std::string_view, 4> kType5 = {"type", "prefix", "l3vni", "gateway"};
  static constexpr std::string_view kTypes = "2 (MAC/IP), 3 (inclusive multicast) or 5 (IP prefix)";
  if (!f.node.IsMap()) f.fail("expected a map");
  const YAML::Node type_node = f.node["type"];
  if (!type_node) f.missing("type", kTypes);
  const Field type_field{type_node, f.child_path("type"),
                         type_node.IsNull() ? line_of(f.node) : line_of(type_node)};
  const uint64_t type = number(type_field);
  if (type != 2 && type != 3 && type != 5) type_field.fail("must be " + std::string(kTypes));
  const Keys known = type == 2 ? Keys(kType2) : type == 3 ? Keys(kType3) : Keys(kType5);
  // A key of another route type gets a more helpful message than "unknown key".
  for (const auto& entry : f.node) {
    if (!entry.first.IsScalar()) continue;
    const std::string& key = entry.first.Scalar();
    const bool elsewhere = std::find(kType2.begin(), kType2.end(), key) != kType2.end() ||
                           std::find(kType5.begin(), kType5.end(), key) != kType5.end();
    if (elsewhere && std::find(known.begin(), known.end(), key) == known.end()) {
      fail(line_of(entry.first), f.child_path(key),
           "not a key of a type-" + std::to_string(type) + " route (keys: " + joined(known) + ")");
    }
  }
  pb::StaticRoute& route = *c_.mutable_evpn()->add_static_routes();
  if (type == 2) {
    pb::StaticMacIpRoute& r = *route.mutable_mac_ip();
    const Entries seen = for_each_entry(f, known, [&](std::string_view key, const Field& x) {
      if (key == "vni") {
        r.set_vni(vni(x));
      } else if (key == "mac") {
        r.set_mac(unicast_mac(x).to_string());
      } else if (key == "ip") {
        r.set_ip(ip_address(x).to_string());
      } else if (key == "sticky") {
        r.set_sticky(boolean(x));
      }
    });
    if (!seen.has("vni")) f.missing("vni", "1..16777215");
    if (!seen.has("mac")) f.missing("mac", "a MAC address");
  } else if (type == 3) {
    pb::StaticInclusiveMulticastRoute& r = *route.mutable_inclusive_multicast();
    const Entries seen = for_each_entry(f, known, [&](std::string_view key, const Field& x) {
      if (key == "vni") r.set_vni(vni(x));
    });
    if (!seen.has("vni")) f.missing("vni", "1..16777215");
  } else {
    pb::StaticIpPrefixRoute& r = *route.mutable_ip_prefix();
    std::optional<codec::IpPrefix> prefix;
    std::optional<std::pair<codec::IpAddress, Field>> gateway;
    const Entries seen = for_each_entry(f, known, [&](std::string_view key, const Field& x) {
      if (key == "prefix") {
        prefix = ip_prefix(x);
        r.set_prefix(prefix->to_string());
      } else if (key == "l3vni") {
        r.set_l3vni(vni(x));
      } else if (key == "gateway") {
        gateway.emplace(ip_address(x), x);
        r.set_gateway(gateway->first.to_string());
      }
    });
    if (!prefix) f.missing("prefix", "an IP prefix");
    if (!seen.has("l3vni")) f.missing("l3vni", "1..16777215");
    if (gateway && gateway->first.family != prefix->address.family) {
      gateway->second.fail(std::string("must be an ") + family_name(prefix->address) +
                           " address like the prefix");
    }
  }
}

void Loader::api(const Field& f) {
  static constexpr std::array<std::string_view, 2> kKeys = {"socket", "listen"};
  pb::Api& a = *c_.mutable_api();
  for_each_entry(f, kKeys, [&](std::string_view key, const Field& v) {
    if (key == "socket") {
      const std::string path = scalar(v, "expected an absolute path");
      if (path.empty() || path[0] != '/') v.fail("expected an absolute path");
      if (path.size() > kMaxSocketPathBytes) {
        v.fail("longer than 107 bytes, the limit of a Unix socket path");
      }
      a.set_socket(path);
      return;
    }
    static constexpr std::string_view kExpected =
        "expected ADDRESS:PORT such as 127.0.0.1:8179 or [::1]:8179";
    const std::string s = scalar(v, kExpected);
    const size_t colon = s.rfind(':');
    if (colon == std::string::npos) v.fail(std::string(kExpected));
    std::string host = s.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
      v.fail(std::string(kExpected));
    }
    auto address = codec::IpAddress::parse(host);
    const std::string port_text = s.substr(colon + 1);
    if (!address || port_text.empty() ||
        port_text.find_first_not_of("0123456789") != std::string::npos) {
      v.fail(std::string(kExpected));
    }
    const bool loopback = address->family == 4 ? address->bytes[0] == 127
                                               : *address == *codec::IpAddress::parse("::1");
    if (!loopback) v.fail("must be a loopback address (127.0.0.0/8 or ::1)");
    const uint32_t p = port_text.size() > 5 ? 0 : static_cast<uint32_t>(std::stoul(port_text));
    if (p < 1 || p > 65535) v.fail("port must be 1..65535");
    a.mutable_listen()->set_address(address->to_string());
    a.mutable_listen()->set_port(p);
  });
}

void Loader::log(const Field& f) {
  static constexpr std::array<std::string_view, 1> kKeys = {"level"};
  static constexpr std::array<std::pair<std::string_view, pb::LogLevel>, 5> kLevels = {{
      {"trace", pb::LOG_LEVEL_TRACE},
      {"debug", pb::LOG_LEVEL_DEBUG},
      {"info", pb::LOG_LEVEL_INFO},
      {"warn", pb::LOG_LEVEL_WARN},
      {"error", pb::LOG_LEVEL_ERROR},
  }};
  for_each_entry(f, kKeys, [&](std::string_view, const Field& v) {
    c_.mutable_log()->set_level(choose(v, kLevels, "trace, debug, info, warn or error"));
  });
}

}  // namespace

std::string ConfigError::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

ConfigResult load_config_string(std::string_view yaml, std::string_view name) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    return Loader().load(root);
  } catch (Failure& f) {
    f.error.file = name;
    return std::move(f.error);
  } catch (const YAML::ParserException& e) {
    return ConfigError{std::string(name), line_of(e.mark), "", "syntax error: " + e.msg};
  } catch (const YAML::Exception& e) {
    return ConfigError{std::string(name), line_of(e.mark), "", e.msg};
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return ConfigError{std::string(name), 1, "", e.what()};
  }
}

ConfigResult load_config_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ConfigError{path, 0, "", std::string("cannot open: ") + std::strerror(errno)};
  std::string text;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return ConfigError{path, 0, "", "cannot read: is a directory"};
  }
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return ConfigError{path, 0, "", std::string("cannot read: ") + std::strerror(err)};
    }
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return load_config_string(text, path);
}

}  // namespace evpnd::daemon
