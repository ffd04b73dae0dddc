// `evpnctl decode [FILE] [--hex] [--as2] [--add-path FAMILY]... [--extended-message] [--pretty]`:
// option parsing with Boost.Program_options, reading FILE or stdin, JSON Lines on stdout.
#include "cli/decode_command.h"

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <system_error>

#include "cli/decode.h"

namespace evpnd::cli {
namespace {

namespace po = boost::program_options;

constexpr int kUsageError = 2;

constexpr const char* kUsage = "Usage: evpnctl decode [FILE] [options]\n";

constexpr const char* kDescription = R"(
Decodes BGP messages captured from a session and prints each as one JSON object per line
(JSON Lines), or indented with --pretty. Reads FILE, or standard input when FILE is absent or
"-". The input is either the raw bytes of a TCP stream (Wireshark: Follow > TCP Stream, show
data as "Raw", Save as), or hex text (--hex; detected automatically when the input holds only
hex digits, whitespace and comment lines): whitespace and newlines are ignored, and lines
starting with '#' are comments.

Decode context: 4-octet AS numbers, messages up to 4096 octets and no add-path until an OPEN
shows up in the stream; OPENs then set it for the messages after them. A lone OPEN (a capture
of one direction) is taken as negotiated: 4-octet AS iff it has four-octet-as, extended
messages iff it has extended-message, add-path for each family its add-path capability marks
send (2) or both (3). Two consecutive OPENs with different BGP identifiers (both directions
in one capture) give what they negotiate: 4-octet AS and extended messages iff both have
them, add-path where one side sends and the other receives. --as2, --as4, --add-path and
--extended-message pin their setting: OPENs no longer change it.
)";

constexpr const char* kOutput = R"(
Output, one object per message, keys in this order:
  {"offset": <octet offset in the stream>, "length": N,
   "type": "OPEN"|"UPDATE"|"NOTIFICATION"|"KEEPALIVE"|"ROUTE-REFRESH", ...}
  OPEN           version, my_as, asn (the effective one), hold_time, bgp_identifier,
                 capabilities: [{code, name, typed fields; unknown ones "value" in hex}]
  UPDATE         withdrawn_routes, attributes: [{type, name, flags, value, ...}], nlri,
                 end_of_rib (the family, when it is one), treat_as_withdraw,
                 errors (the RFC 7606 problems that did not stop decoding)
  NOTIFICATION   code, subcode, code_name, subcode_name, data (hex), shutdown_communication
  ROUTE-REFRESH  afi, safi, family, subtype, subtype_name
  Attribute values: ORIGIN "igp"; AS_PATH "65001 65002" plus segments; communities
  "65000:100"; large communities "a:b:c"; EXTENDED_COMMUNITIES FRR-style strings plus
  "typed" objects; PMSI_TUNNEL and MP_(UN)REACH_NLRI objects; unknown attributes hex.
  Prefixes are "10.0.0.0/24" strings, or {prefix, path_id} objects under add-path.
  EVPN routes: {route_type, name, rd, esi, ethernet_tag, mac, ip, label1, vni, label2,
  originating_router, ip_prefix, gateway, label, prefix, path_id} as the type has them; "vni"
  is the 24-bit label field read as a VXLAN VNI (RFC 8365 §5.1.3).
A message that does not decode gives {offset, length, type, error: {action, code, subcode,
code_name, subcode_name, offset (within the message), what, data}, hex}. After a bad header
the object has "stopped": true and nothing further can be framed. A stream that ends inside
a message gives {offset, error: {what}, hex}.

Exit status: 0 when every message decoded (RFC 7606 soft errors included), 1 when a message
did not decode or the stream ended inside a message, 2 on a usage error, an unreadable FILE
or malformed hex text.
)";

po::options_description visible_options() {
  po::options_description opts("Options");
  // clang-format off
  opts.add_options()
      ("help,h", "show this help")
      ("hex", "the input is hex text")
      ("raw", "the input is raw bytes (no hex detection)")
      ("pretty", "indented JSON instead of one line per message")
      ("as2", "AS_PATH and AGGREGATOR carry 2-octet ASNs")
      ("as4", "AS_PATH and AGGREGATOR carry 4-octet ASNs")
      ("add-path", po::value<std::vector<std::string>>()->value_name("FAMILY"),
       "NLRI of FAMILY carry add-path identifiers (repeatable; ipv4-unicast, ipv6-unicast, "
       "l2vpn-evpn)")
      ("extended-message", "messages may be up to 65535 octets (RFC 8654)")
      ("ignore-open", "OPENs in the stream do not change the decode context");
  // clang-format on
  return opts;
}

void print_help(std::ostream& out) {
  out << kUsage << kDescription << '\n' << visible_options() << kOutput;
}

int usage_error(std::ostream& err, const std::string& what) {
  err << "evpnctl decode: " << what << "\nTry 'evpnctl decode --help'.\n";
  return kUsageError;
}

// Reads the whole of `in`; false on a read error.
bool read_all(std::istream& in, std::string& data) {
  std::vector<char> buf(1 << 16);
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
    data.append(buf.data(), static_cast<size_t>(in.gcount()));
  }
  return !in.bad();
}

}  // namespace

int run_decode_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                       std::ostream& err) {
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::string>(), "input file");
  po::options_description all;
  all.add(visible_options()).add(hidden);
  po::positional_options_description positional;
  positional.add("file", 1);

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

  DecodeOptions options;
  options.pretty = vm.count("pretty") > 0;
  options.follow_open = vm.count("ignore-open") == 0;
  options.force_extended_message = vm.count("extended-message") > 0;
  if (vm.count("as2") && vm.count("as4")) return usage_error(err, "--as2 and --as4 conflict");
  if (vm.count("as2")) options.force_four_octet_as = false;
  if (vm.count("as4")) options.force_four_octet_as = true;
  if (vm.count("add-path")) {
    for (const auto& name : vm["add-path"].as<std::vector<std::string>>()) {
      const auto family = parse_family(name);
      if (!family) {
        return usage_error(err, "--add-path: unknown family '" + name +
                                    "' (expected ipv4-unicast, ipv6-unicast or l2vpn-evpn)");
      }
      options.force_add_path[static_cast<size_t>(*family)] = true;
    }
  }
  if (vm.count("hex") && vm.count("raw")) return usage_error(err, "--hex and --raw conflict");
  const InputFormat format = vm.count("hex")   ? InputFormat::kHex
                             : vm.count("raw") ? InputFormat::kRaw
                                               : InputFormat::kAuto;

  std::string data;
  const std::string file = vm.count("file") ? vm["file"].as<std::string>() : "-";
  if (file == "-") {
    if (!read_all(in, data)) {
      err << "evpnctl decode: cannot read standard input\n";
      return kUsageError;
    }
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
      err << "evpnctl decode: cannot read " << file << ": it is a directory\n";
      return kUsageError;
    }
    std::ifstream f(file, std::ios::binary);
    if (!f || !read_all(f, data)) {
      err << "evpnctl decode: cannot read " << file << ": " << std::strerror(errno) << '\n';
      return kUsageError;
    }
  }

  const Input input = parse_input(data, format);
  if (!input.error.empty()) {
    err << "evpnctl decode: " << (file == "-" ? "<stdin>" : file) << ": " << input.error << '\n';
    return kUsageError;
  }
  const StreamSummary summary =
      decode_stream(input.bytes, options, [&](const std::string& json) { out << json << '\n'; });
  out.flush();
  return summary.exit_status();
}

}  // namespace evpnd::cli
