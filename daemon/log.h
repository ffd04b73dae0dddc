// Logging for evpnd: spdlog, one logger per module ("bgp", "rib", "evpn", "fib", "api",
// "daemon"), lines made of a message and key=value fields, e.g.
//   [2026-11-22 10:00:00.123] [bgp] [info] session established peer=10.1.0.1 as=65100
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace evpnd::daemon {

/// Creates the module loggers on stderr at `level` ("trace", "debug", "info", "warn",
/// "error"). Returns false for an unknown level.
bool init_logging(const std::string& level);

/// The logger of a module; created at the current level if it does not exist yet.
std::shared_ptr<spdlog::logger> logger(const std::string& module);

}  // namespace evpnd::daemon
