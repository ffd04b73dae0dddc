// evpnctl, the command-line client of evpnd: `evpnctl [--socket PATH] COMMAND [ARGS...]`.
// Global options come before the command; each command parses its own arguments.
#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/decode_command.h"
#include "cli/show_command.h"

namespace {

namespace po = boost::program_options;

constexpr int kUsageError = 2;
constexpr const char* kDefaultSocket = "/run/evpnd/evpnd.sock";

/// Options that apply to every command.
struct GlobalOptions {
  std::string socket = kDefaultSocket;  ///< evpnd's management API socket.
};

/// One `evpnctl` command. `run` is null for commands not implemented yet.
struct Command {
  const char* name;
  const char* summary;
  int (*run)(const GlobalOptions& global, const std::vector<std::string>& args);
};

int run_decode(const GlobalOptions& /*global*/, const std::vector<std::string>& args) {
  return evpnd::cli::run_decode_command(args, std::cin, std::cout, std::cerr);
}

int run_show(const GlobalOptions& global, const std::vector<std::string>& args) {
  return evpnd::cli::run_show_command(global.socket, args, std::cout, std::cerr);
}

constexpr Command kCommands[] = {
    {"decode", "decode captured BGP messages to JSON (offline, no daemon needed)", run_decode},
    {"show", "show the daemon's BGP and EVPN state (see below)", run_show},
    {"check", "compare the daemon's desired state with the kernel (not implemented yet)", nullptr},
};

po::options_description global_options() {
  po::options_description opts("Global options");
  // clang-format off
  opts.add_options()
      ("socket,s", po::value<std::string>()->value_name("PATH"),
       "evpnd API socket (default /run/evpnd/evpnd.sock)")
      ("help,h", "show this help");
  // clang-format on
  return opts;
}

void print_usage(std::ostream& out) {
  out << "Usage: evpnctl [--socket PATH] COMMAND [ARGS...]\n\n"
         "The command-line client of evpnd.\n\nCommands:\n";
  for (const auto& c : kCommands) {
    std::string name = c.name;
    name.resize(10, ' ');
    out << "  " << name << c.summary << '\n';
  }
  out << "\nShow commands:\n" << evpnd::cli::show_commands_help();
  out << '\n' << global_options() << "\nRun 'evpnctl COMMAND --help' for a command's options.\n";
}

int usage_error(const std::string& what) {
  std::cerr << "evpnctl: " << what << "\nTry 'evpnctl --help'.\n";
  return kUsageError;
}

// Index in `args` of the command: the first argument that is neither a global option nor the
// value of one. args.size() if there is none.
size_t find_command(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--") return i + 1;
    if (a.empty() || a[0] != '-' || a == "-") return i;
    if (a == "--socket" || a == "-s") ++i;  // Its value is the next argument.
  }
  return args.size();
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const size_t at = find_command(args);
  std::vector<std::string> global_args(args.begin(), args.begin() + static_cast<long>(at));
  if (!global_args.empty() && global_args.back() == "--") global_args.pop_back();

  GlobalOptions global;
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(global_args).options(global_options()).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(e.what());
  }
  if (vm.count("help")) {
    print_usage(std::cout);
    return 0;
  }
  if (vm.count("socket")) global.socket = vm["socket"].as<std::string>();
  if (at >= args.size()) {
    print_usage(std::cerr);
    return kUsageError;
  }

  const std::string& name = args[at];
  const std::vector<std::string> command_args(args.begin() + static_cast<long>(at) + 1, args.end());
  for (const auto& c : kCommands) {
    if (name != c.name) continue;
    if (c.run == nullptr) {
      std::cerr << "evpnctl: '" << name << "' is not implemented yet\n";
      return kUsageError;
    }
    try {
      return c.run(global, command_args);
    } catch (const std::exception& e) {
      std::cerr << "evpnctl " << name << ": internal error: " << e.what() << '\n';
      return 1;
    }
  }
  return usage_error("unknown command '" + name + "'");
}
