// `evpnctl show bgp summary|neighbor ADDR|evpn routes|ipv4 routes|ipv6 routes`,
// `evpnctl show evpn vni|mac|arp` and `evpnctl show fib`, each with [--json]:
// the words pick an API resource, the answer is parsed into its proto/api.proto message with
// protobuf's JSON parser and formatted by show_format.h; --json prints the body unchanged.
#include "cli/show_command.h"

#include <google/protobuf/util/json_util.h>

#include <boost/program_options.hpp>
#include <functional>
#include <iostream>
#include <regex>

#include "cli/api_client.h"
#include "cli/show_format.h"
#include "proto/api.pb.h"

namespace evpnd::cli {
namespace {

namespace po = boost::program_options;

constexpr int kUsageError = 2;
constexpr int kFailure = 1;
constexpr uint32_t kMaxVni = (1u << 24) - 1;
constexpr unsigned kHelpWidth = 100;  // Columns of the option list in --help.

constexpr const char* kUsage = "Usage: evpnctl [--socket PATH] show COMMAND... [options]\n";

constexpr const char* kDescription = R"(
Shows the state of the running evpnd, read from its management API, laid out as FRR's vtysh
shows it. With --json, prints the API's answer (proto/api.proto in protobuf's JSON mapping,
snake_case keys) instead, for scripts.
)";

constexpr const char* kExit = R"(
Exit status: 0 shown, 1 evpnd is not running, did not answer within 5 seconds or answered
with an error (e.g. no such neighbor), 2 usage error.
)";

po::options_description visible_options() {
  po::options_description opts("Options", kHelpWidth);
  // clang-format off
  opts.add_options()
      ("json", "print the API's JSON answer instead of the table")
      ("type", po::value<unsigned>()->value_name("N"),
       "evpn routes: only route type N (2 MAC/IP, 3 IMET, 5 IP prefix; 1-5)")
      ("rd", po::value<std::string>()->value_name("RD"),
       "evpn routes: only this route distinguisher (10.0.0.1:2, 65001:100)")
      ("vni", po::value<uint32_t>()->value_name("N"),
       "evpn routes, evpn mac, evpn arp: only VNI N")
      ("help,h", "show this help");
  // clang-format on
  return opts;
}

void print_help(std::ostream& out) {
  out << kUsage << kDescription << "\nCommands:\n"
      << show_commands_help() << '\n'
      << visible_options() << kExit;
}

int usage_error(std::ostream& err, const std::string& what) {
  err << "evpnctl show: " << what << "\nTry 'evpnctl show --help'.\n";
  return kUsageError;
}

bool valid_rd(const std::string& rd) {
  static const std::regex kRd(R"(^([0-9]{1,10}|[0-9]{1,3}(\.[0-9]{1,3}){3}):[0-9]{1,10}$)");
  return std::regex_match(rd, kRd);
}

// A resource to GET and how to show its answer.
struct Request {
  std::string target;
  std::function<bool(const std::string& body, std::string& text, std::string& error)> format;
};

// Parses `body` into M and formats it with `f`.
template <class M>
std::function<bool(const std::string&, std::string&, std::string&)> formatter(
    std::string (*f)(const M&)) {
  return [f](const std::string& body, std::string& text, std::string& error) {
    M message;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const auto status = google::protobuf::util::JsonStringToMessage(body, &message, options);
    if (!status.ok()) {
      error = std::string(status.message());
      return false;
    }
    text = f(message);
    return true;
  };
}

// What an error answer says: the message of its evpnd.api.Error, else the HTTP status.
std::string api_error_text(const ApiReply& reply) {
  api::Error e;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (google::protobuf::util::JsonStringToMessage(reply.body, &e, options).ok() &&
      !e.message().empty()) {
    return e.message();
  }
  return "the API answered HTTP " + std::to_string(reply.status);
}

}  // namespace

std::string show_commands_help() {
  return "  show bgp summary               neighbors, their state and prefix counts per family\n"
         "  show bgp neighbor ADDRESS      one neighbor: timers, capabilities, last error\n"
         "  show bgp evpn routes [--type 1-5] [--rd RD] [--vni N]\n"
         "                                 the EVPN table, grouped by route distinguisher\n"
         "  show bgp ipv4 routes           the IPv4 unicast table\n"
         "  show bgp ipv6 routes           the IPv6 unicast table\n"
         "  show evpn vni                  the L2VNIs: devices, MAC counts, remote VTEPs, RD, RTs\n"
         "  show evpn mac [--vni N]        local and remote MACs, sequence numbers, frozen ones\n"
         "  show evpn arp [--vni N]        MAC+IP bindings (ARP/ND suppression)\n"
         "  show fib                       what evpnd installed in the kernel, with its state\n"
         "  Every show command takes --json: the API's answer as JSON.\n";
}

int run_show_command(const std::string& socket_path, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err) {
  po::options_description hidden;
  hidden.add_options()("words", po::value<std::vector<std::string>>(), "command words");
  po::options_description all;
  all.add(visible_options()).add(hidden);
  po::positional_options_description positional;
  positional.add("words", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(err, e.what());
  }
  if (vm.count("help")) {
    print_help(out);
    return 0;
  }
  const auto words =
      vm.count("words") ? vm["words"].as<std::vector<std::string>>() : std::vector<std::string>{};
  auto said = [&](std::initializer_list<const char*> expected) {
    if (words.size() != expected.size()) return false;
    size_t i = 0;
    for (const char* w : expected) {
      if (words[i++] != w) return false;
    }
    return true;
  };
  const std::string joined = [&] {
    std::string s;
    for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
    return s;
  }();
  if (words.empty()) return usage_error(err, "what to show? e.g. 'evpnctl show bgp summary'");

  Request request;
  const bool evpn =
      said({"bgp", "evpn", "routes"}) || said({"bgp", "evpn"}) || said({"bgp", "l2vpn", "evpn"});
  const bool evpn_mac = said({"evpn", "mac"}) || said({"evpn", "macs"});
  const bool evpn_arp = said({"evpn", "arp"}) || said({"evpn", "arp-cache"});
  if (!evpn && (vm.count("type") || vm.count("rd"))) {
    return usage_error(err, "--type and --rd apply to 'show bgp evpn routes' only");
  }
  if (!evpn && !evpn_mac && !evpn_arp && vm.count("vni")) {
    return usage_error(err,
                       "--vni applies to 'show bgp evpn routes', 'show evpn mac' and "
                       "'show evpn arp' only");
  }
  std::string vni_query;
  if (vm.count("vni")) {
    const uint32_t vni = vm["vni"].as<uint32_t>();
    if (vni < 1 || vni > kMaxVni) return usage_error(err, "--vni: expected 1 to 16777215");
    vni_query = "?vni=" + std::to_string(vni);
  }
  if (said({"bgp", "summary"})) {
    request = {"/v1/bgp/summary", formatter(&format_bgp_summary)};
  } else if (words.size() == 3 && words[0] == "bgp" &&
             (words[1] == "neighbor" || words[1] == "neighbors")) {
    request = {"/v1/bgp/neighbors/" + url_encode(words[2]), formatter(&format_neighbor_detail)};
  } else if (said({"bgp", "neighbor"}) || said({"bgp", "neighbors"})) {
    return usage_error(err, "'show bgp neighbor' needs the neighbor's ADDRESS");
  } else if (evpn) {
    std::string query;
    auto add = [&](const std::string& key, const std::string& value) {
      query += (query.empty() ? "?" : "&") + key + "=" + url_encode(value);
    };
    if (vm.count("type")) {
      const unsigned type = vm["type"].as<unsigned>();
      if (type < 1 || type > 5) return usage_error(err, "--type: expected 1 to 5");
      add("type", std::to_string(type));
    }
    if (vm.count("rd")) {
      const std::string rd = vm["rd"].as<std::string>();
      if (!valid_rd(rd)) {
        return usage_error(err, "--rd: '" + rd + "' is not a route distinguisher (IP:N or ASN:N)");
      }
      add("rd", rd);
    }
    if (vm.count("vni")) {
      const uint32_t vni = vm["vni"].as<uint32_t>();
      if (vni < 1 || vni > kMaxVni) return usage_error(err, "--vni: expected 1 to 16777215");
      add("vni", std::to_string(vni));
    }
    request = {"/v1/bgp/evpn/routes" + query, formatter(&format_evpn_routes)};
  } else if (said({"evpn", "vni"}) || said({"evpn", "vnis"})) {
    request = {"/v1/evpn/vnis", formatter(&format_evpn_vnis)};
  } else if (evpn_mac) {
    request = {"/v1/evpn/macs" + vni_query, formatter(&format_evpn_macs)};
  } else if (evpn_arp) {
    request = {"/v1/evpn/arps" + vni_query, formatter(&format_evpn_arps)};
  } else if (said({"fib"})) {
    request = {"/v1/fib", formatter(&format_fib)};
  } else if (said({"bgp", "ipv4", "routes"}) || said({"bgp", "ipv4", "unicast"}) ||
             said({"bgp", "ipv4"})) {
    request = {"/v1/bgp/ipv4/routes", formatter(&format_unicast_routes)};
  } else if (said({"bgp", "ipv6", "routes"}) || said({"bgp", "ipv6", "unicast"}) ||
             said({"bgp", "ipv6"})) {
    request = {"/v1/bgp/ipv6/routes", formatter(&format_unicast_routes)};
  } else {
    return usage_error(err, "unknown command 'show " + joined + "'");
  }

  const ApiReply reply = api_get(socket_path, request.target);
  if (!reply.transport_error.empty()) {
    err << "evpnctl: " << reply.transport_error << '\n';
    return kFailure;
  }
  if (reply.status != 200) {
    err << "evpnctl: " << api_error_text(reply) << '\n';
    return kFailure;
  }
  if (vm.count("json")) {
    out << reply.body;
    if (reply.body.empty() || reply.body.back() != '\n') out << '\n';
    out.flush();
    return 0;
  }
  std::string text;
  std::string error;
  if (!request.format(reply.body, text, error)) {
    err << "evpnctl: cannot parse the answer to GET " << request.target << ": " << error << '\n';
    return kFailure;
  }
  out << text;
  out.flush();
  return 0;
}

}  // namespace evpnd::cli
