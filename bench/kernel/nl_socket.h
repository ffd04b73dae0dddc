// NlSocket: a raw NETLINK_ROUTE socket (rtnetlink, RFC 3549 §2.3.3) for the kernel benchmark's
// tools (raw_fdb_writer, fdb_watch; README.md in this folder). It only opens, sizes, sends and
// receives: message layout is fdb_message.h's business. No libnl, no evpnd code, so that the
// tools measure the kernel and nothing of ours.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace evpnd::bench {

/// CLOCK_REALTIME in nanoseconds since the epoch (comparable with `date +%s%N`).
int64_t realtime_ns();

/// A NETLINK_ROUTE socket, closed on destruction. Movable, not copyable.
class NlSocket {
 public:
  NlSocket() = default;
  ~NlSocket();
  NlSocket(NlSocket&& other) noexcept;
  NlSocket& operator=(NlSocket&& other) noexcept;
  NlSocket(const NlSocket&) = delete;
  NlSocket& operator=(const NlSocket&) = delete;

  /// Opens the socket and binds it with the multicast groups `groups` (RTMGRP_* bits, 0 = none).
  /// False with `*error` set (strerror text) on failure.
  bool open(uint32_t groups, std::string* error);

  /// Receive buffer of `bytes`: SO_RCVBUFFORCE (root, ignores net.core.rmem_max), else
  /// SO_RCVBUF. Returns the size the kernel reports afterwards (it doubles the request), 0 on
  /// failure.
  int set_receive_buffer(int bytes);
  /// Send buffer, the same way (SO_SNDBUFFORCE, else SO_SNDBUF).
  int set_send_buffer(int bytes);
  /// setsockopt(SOL_NETLINK, option, value), e.g. NETLINK_CAP_ACK. False on failure.
  bool set_netlink_option(int option, int value);

  /// One sendmsg(2) of `len` bytes (one or more netlink messages) to the kernel. Returns bytes
  /// sent or -1 with errno set.
  ssize_t send(const void* data, size_t len);
  /// One recv(2) into `buf`; `flags` as for recv (e.g. MSG_DONTWAIT). -1 with errno on error
  /// (ENOBUFS: multicast messages were lost, EAGAIN: nothing there).
  ssize_t receive(void* buf, size_t len, int flags);

  int fd() const { return fd_; }
  /// Next sequence number for a request (starts at 1).
  uint32_t next_seq() { return ++seq_; }
  /// The netlink port id the kernel assigned at bind time.
  uint32_t port_id() const { return port_id_; }

 private:
  int fd_ = -1;
  uint32_t seq_ = 0;
  uint32_t port_id_ = 0;
};

}  // namespace evpnd::bench
