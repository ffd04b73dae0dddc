// The six states of the BGP finite state machine (RFC 4271 §8.2.2), named as the RFC names
// them, for the FSM itself, logs and `evpnctl show bgp summary`.
#pragma once

#include <cstdint>

namespace evpnd::fsm {

/// A BGP FSM state. The values are the BGP4-MIB bgpPeerState numbers (RFC 4273): idle(1),
/// connect(2), active(3), opensent(4), openconfirm(5), established(6).
enum class State : uint8_t {
  kIdle = 1,
  kConnect = 2,
  kActive = 3,
  kOpenSent = 4,
  kOpenConfirm = 5,
  kEstablished = 6,
};

/// Every state, in RFC order (for tables and tests).
inline constexpr State kAllStates[] = {State::kIdle,     State::kConnect,     State::kActive,
                                       State::kOpenSent, State::kOpenConfirm, State::kEstablished};

/// The RFC 4271 name: "Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established".
const char* to_string(State state);

}  // namespace evpnd::fsm
