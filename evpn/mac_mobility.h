// MAC mobility for one MAC of one EVPN instance: which advertisement of a MAC wins (RFC 7432
// §15: sticky MACs first, then the higher MAC Mobility sequence number, then, §15.1, the lower
// VTEP IP), the sequence number a PE uses when it learns a MAC that another PE advertised
// (§15, "highest + 1", with wrap-around kept at the maximum), and the move counter behind
// duplicate address detection (RFC 7432 §15.1; the N moves in M seconds rule of FRR's
// dup-addr-detection).
#pragma once

#include <chrono>
#include <cstdint>

#include "bgpd/codec/address.h"

namespace evpnd::evpn {

/// One place a MAC is advertised from: a remote VTEP (the route's next hop) or this host (its
/// own VTEP IP, `local`).
struct MacCandidate {
  codec::IpAddress vtep;
  uint32_t sequence = 0;  ///< MAC Mobility sequence number; 0 when the community is absent.
  bool sticky = false;    ///< Static MAC (RFC 7432 §7.7 sticky flag).
  bool local = false;
};

/// Whether `a` wins over `b` per RFC 7432 §15/§15.1: a sticky MAC wins over a non-sticky one;
/// then the higher sequence number; then the lower VTEP IP (families compared 4 < 6, then
/// bytes). Equal candidates: false (the incumbent stays).
bool preferred(const MacCandidate& a, const MacCandidate& b);

/// The sequence number to advertise a MAC with when it was last seen elsewhere with sequence
/// `highest`: highest + 1, or the maximum if highest already is (the sequence never wraps back
/// below a remote one).
uint32_t next_sequence(uint32_t highest);

/// Counts the moves of one MAC within a sliding window that opens at the first move and
/// restarts with the first move after it closes (as FRR's dup-addr-detection does).
class MoveCounter {
 public:
  using Clock = std::chrono::steady_clock;
  /// Records one move at `now`; returns the moves counted in the current window, this one
  /// included (so "more than max_moves" is `record(...) > max_moves`). `window` in seconds.
  uint32_t record(Clock::time_point now, std::chrono::seconds window);
  /// Moves in the current window (0 after reset()).
  uint32_t moves() const { return moves_; }
  void reset() { moves_ = 0; }

 private:
  uint32_t moves_ = 0;
  Clock::time_point window_start_{};
};

}  // namespace evpnd::evpn
