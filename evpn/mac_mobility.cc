#include "evpn/mac_mobility.h"

#include <limits>

namespace evpnd::evpn {

bool preferred(const MacCandidate& a, const MacCandidate& b) {
  if (a.sticky != b.sticky) return a.sticky;
  if (a.sequence != b.sequence) return a.sequence > b.sequence;
  return a.vtep < b.vtep;
}

uint32_t next_sequence(uint32_t highest) {
  return highest == std::numeric_limits<uint32_t>::max() ? highest : highest + 1;
}

uint32_t MoveCounter::record(Clock::time_point now, std::chrono::seconds window) {
  if (moves_ == 0 || now - window_start_ > window) {
    window_start_ = now;
    moves_ = 0;
  }
  return ++moves_;
}

}  // namespace evpnd::evpn
