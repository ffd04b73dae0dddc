// Pure timer arithmetic of the BGP FSM: Hold Time negotiation (RFC 4271 §4.2, §6.2), the
// KeepaliveTime derived from it (§4.4, §10), timer jitter (§10) and the growing restart delay
// of peer oscillation damping (§8.1.1 DampPeerOscillations/IdleHoldTime). No clocks, no
// randomness: the caller passes the random value in.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "bgpd/fsm/action.h"
#include "bgpd/fsm/session.h"

namespace evpnd::fsm {

/// Negotiated timers of a session, in whole seconds; 0/0 means no KEEPALIVEs and no HoldTimer.
struct HoldTimes {
  uint16_t hold_time = 0;
  uint16_t keepalive_time = 0;
  bool operator==(const HoldTimes&) const = default;
};

/// RFC 4271 §4.2: the hold time is the smaller of ours (`local_hold`) and the one in the peer's
/// OPEN (`peer_hold`); 0 means no keepalives at all. The keepalive time is one third of the
/// hold time (§10), rounded down with a floor of 1 s, or `local_keepalive` when that is smaller
/// and not 0. Returns nullopt when the peer's value is 1 or 2, which §6.2 requires to reject:
/// the caller sends OPEN Message Error / Unacceptable Hold Time (2/6). A `local_hold` of 1 or 2
/// (refused by config validation) counts as 3.
std::optional<HoldTimes> negotiate_hold_time(uint16_t local_hold, uint16_t local_keepalive,
                                             uint16_t peer_hold);

/// Whether the caller jitters this timer: the ConnectRetryTimer and KeepaliveTimer as RFC 4271
/// §10 asks, and the IdleHoldTimer so that peers restarted together (a ToR reboot) do not
/// reconnect in lockstep. Hold and DelayOpen are deadlines and stay exact.
bool is_jittered(Timer timer);

/// RFC 4271 §10 jitter: `base_seconds` times a factor uniformly distributed in [0.75, 1.0],
/// taken from `random` (uniform over all uint32_t values: 0 gives 0.75, UINT32_MAX gives 1.0).
/// Pick a new random value each time a timer is set. Exact integer arithmetic, in milliseconds.
std::chrono::milliseconds apply_jitter(uint16_t base_seconds, uint32_t random);

/// Peer oscillation damping: the IdleHoldTime of the next automatic restart after one more
/// failure, given the current one (0 = no failure yet): config.idle_hold_time for the first
/// failure, then twice the current value, capped at config.max_idle_hold_time (figures in
/// session.h: 1, 2, 4, ... 64, 120, 120 s by default). Seconds.
uint16_t next_idle_hold_time(const Config& config, uint16_t current);

}  // namespace evpnd::fsm
