// The `evpnctl decode` command: its options, input reading and output; the decoding itself is
// in decode.h.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace evpnd::cli {

/// Runs `evpnctl decode ARGS...` (ARGS without the command name), reading standard input from
/// `in` when no FILE is given. Returns the exit status: 0 all messages decoded, 1 a message
/// failed or the stream was cut, 2 usage error or unreadable input.
int run_decode_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                       std::ostream& err);

}  // namespace evpnd::cli
