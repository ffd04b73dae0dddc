#include "daemon/log.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace evpnd::daemon {
namespace {
spdlog::level::level_enum g_level = spdlog::level::info;
}

bool init_logging(const std::string& level) {
  for (const char* m : {"bgp", "rib", "evpn", "fib", "api", "daemon"}) logger(m);
  const auto l = spdlog::level::from_str(level);
  if (l == spdlog::level::off && level != "off") return false;
  g_level = l;
  spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %v");
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& lg) { lg->set_level(l); });
  return true;
}

std::shared_ptr<spdlog::logger> logger(const std::string& module) {
  if (auto l = spdlog::get(module)) return l;
  auto l = spdlog::stderr_logger_mt(module);
  l->set_level(g_level);
  l->flush_on(spdlog::level::info);
  return l;
}

}  // namespace evpnd::daemon
