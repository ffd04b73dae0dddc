// The "bgp" logger of the session layer (spdlog, key=value fields).
#pragma once

#include <spdlog/spdlog.h>

namespace evpnd::session {

/// The shared "bgp" logger, created on first use.
inline spdlog::logger& log() {
  static std::shared_ptr<spdlog::logger> l = [] {
    if (auto existing = spdlog::get("bgp")) return existing;
    return spdlog::default_logger()->clone("bgp");
  }();
  return *l;
}

}  // namespace evpnd::session
