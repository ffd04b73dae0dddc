#include "bgpd/fsm/timers.h"

#include <algorithm>
#include <limits>

namespace evpnd::fsm {

std::optional<HoldTimes> negotiate_hold_time(uint16_t local_hold, uint16_t local_keepalive,
                                             uint16_t peer_hold) {
  if (peer_hold == 1 || peer_hold == 2) return std::nullopt;
  if (local_hold == 1 || local_hold == 2) local_hold = 3;
  HoldTimes t;
  t.hold_time = std::min(local_hold, peer_hold);
  if (t.hold_time == 0) return t;
  const uint16_t third = std::max<uint16_t>(static_cast<uint16_t>(t.hold_time / 3), 1);
  t.keepalive_time = (local_keepalive == 0 || local_keepalive > third) ? third : local_keepalive;
  return t;
}

bool is_jittered(Timer timer) {
  switch (timer) {
    case Timer::kConnectRetry:
    case Timer::kKeepalive:
    case Timer::kIdleHold:
      return true;
    case Timer::kHold:
    case Timer::kDelayOpen:
      return false;
  }
  return false;
}

std::chrono::milliseconds apply_jitter(uint16_t base_seconds, uint32_t random) {
  // base * (0.75 + 0.25 * random / UINT32_MAX), exactly: a multiple of 1000 ms is divisible by 4.
  constexpr uint64_t kMax = std::numeric_limits<uint32_t>::max();
  const uint64_t base_ms = uint64_t{base_seconds} * 1000;
  const uint64_t ms = base_ms / 4 * 3 + base_ms * random / (4 * kMax);
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(ms));
}

uint16_t next_idle_hold_time(const Config& config, uint16_t current) {
  const uint32_t base = std::max<uint16_t>(config.idle_hold_time, 1);
  const uint32_t cap = std::max<uint32_t>(config.max_idle_hold_time, base);
  const uint32_t next = current == 0 ? base : std::max<uint32_t>(uint32_t{current} * 2, base);
  return static_cast<uint16_t>(std::min(next, cap));
}

}  // namespace evpnd::fsm
