// The `evpnctl show ...` commands: argument parsing, one GET on the management API, and the
// answer printed as FRR-style text (show_format.h) or, with --json, as the API's JSON.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace evpnd::cli {

/// Runs `evpnctl show ARGS...` (ARGS without "show") against the API socket `socket_path`.
/// Returns the exit status: 0 shown, 1 no daemon, no answer in time, an API error or an
/// unparsable answer (one line on `err`), 2 usage error (with a hint on `err`).
int run_show_command(const std::string& socket_path, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err);

/// The lines listing the show commands, for `evpnctl --help` and `evpnctl show --help`.
std::string show_commands_help();

}  // namespace evpnd::cli
