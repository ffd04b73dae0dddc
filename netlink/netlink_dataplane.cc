#include "netlink/netlink_dataplane.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <deque>
#include <span>

#include "netlink/rtnl_message.h"

namespace evpnd::nl {
namespace {

constexpr int kEventBufferBytes = 32 << 20;    // Event socket receive buffer (asked).
constexpr int kRequestRcvBufBytes = 32 << 20;  // Request socket: ACKs of one chunk and dumps.
constexpr int kRequestSndBufBytes = 1 << 20;
// Requests per sendmsg. 64 KiB: the kernel spent 1.2-1.5x the CPU per FDB entry with 256 KiB
// chunks (bench/kernel/batch_sweep.sh, README.md there).
constexpr size_t kMaxChunkBytes = 64 << 10;
constexpr size_t kMaxChunkMessages = 8192;
constexpr size_t kAckTruesize = 2048;  // Generous kernel accounting of one ACK skb (octets).
constexpr int kReplyTimeoutMs = 5000;
constexpr size_t kMaxQueuedEvents = 2 << 20;  // ~128 octets each; beyond, dropped as lost.
constexpr size_t kEventsPerRound = 4096;      // Events delivered before yielding to the loop.

std::string errno_text(const char* what, int err) {
  return std::string(what) + ": " + std::strerror(err);
}

/// Sets a socket buffer, forcing past the system limit when allowed (CAP_NET_ADMIN).
void set_buffer(int fd, int force_opt, int opt, int bytes) {
  if (::setsockopt(fd, SOL_SOCKET, force_opt, &bytes, sizeof bytes) == 0) return;
  ::setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof bytes);
}

int get_buffer(int fd, int opt) {
  int v = 0;
  socklen_t len = sizeof v;
  if (::getsockopt(fd, SOL_SOCKET, opt, &v, &len) != 0) return 0;
  return v;
}

/// A NETLINK_ROUTE socket bound to a kernel-chosen port id. -errno on failure.
int open_socket(std::string* error) {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd < 0) {
    *error = errno_text("socket(AF_NETLINK)", errno);
    return -1;
  }
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *error = errno_text("bind(AF_NETLINK)", errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Datagrams received with one recvmmsg() into fixed slots (8-octet aligned).
class RecvBatch {
 public:
  RecvBatch(size_t slots, size_t slot_size)
      : slot_size_(slot_size),
        storage_(slots * slot_size / sizeof(uint64_t)),
        msgs_(slots),
        iovs_(slots),
        addrs_(slots) {}

  /// Non-blocking receive. Returns the number of datagrams (> 0) or -errno (-EAGAIN: none).
  int receive(int fd) {
    if (storage_.empty()) return -EINVAL;
    for (size_t i = 0; i < msgs_.size(); ++i) {
      iovs_[i].iov_base = reinterpret_cast<uint8_t*>(storage_.data()) + i * slot_size_;
      iovs_[i].iov_len = slot_size_;
      msgs_[i] = {};
      msgs_[i].msg_hdr.msg_name = &addrs_[i];
      msgs_[i].msg_hdr.msg_namelen = sizeof addrs_[i];
      msgs_[i].msg_hdr.msg_iov = &iovs_[i];
      msgs_[i].msg_hdr.msg_iovlen = 1;
    }
    const int n =
        ::recvmmsg(fd, msgs_.data(), static_cast<unsigned>(msgs_.size()), MSG_DONTWAIT, nullptr);
    return n < 0 ? -errno : n;
  }
  /// Datagram i of the last receive (cut to the slot when truncated).
  std::span<const uint8_t> datagram(size_t i) const {
    const size_t len = std::min<size_t>(msgs_[i].msg_len, slot_size_);
    return {reinterpret_cast<const uint8_t*>(iovs_[i].iov_base), len};
  }
  bool truncated(size_t i) const { return msgs_[i].msg_hdr.msg_flags & MSG_TRUNC; }
  /// Only the kernel (port id 0) is believed; other processes can write to our port.
  bool from_kernel(size_t i) const {
    return msgs_[i].msg_hdr.msg_namelen >= sizeof(sockaddr_nl) && addrs_[i].nl_pid == 0;
  }

 private:
  size_t slot_size_;
  std::vector<uint64_t> storage_;
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
  std::vector<sockaddr_nl> addrs_;
};

/// Calls fn(span of one message) for every well-formed message of a datagram.
template <typename Fn>
void for_each_message(std::span<const uint8_t> datagram, Fn&& fn) {
  size_t off = 0;
  while (datagram.size() - off >= NLMSG_HDRLEN) {
    uint32_t len;
    std::memcpy(&len, datagram.data() + off + offsetof(nlmsghdr, nlmsg_len), sizeof len);
    if (len < NLMSG_HDRLEN || len > datagram.size() - off) return;
    if (!fn(datagram.subspan(off, len))) return;
    off += NLMSG_ALIGN(len);
    if (off >= datagram.size()) return;
  }
}

nlmsghdr header_of(std::span<const uint8_t> message) {
  nlmsghdr h;
  std::memcpy(&h, message.data(), sizeof h);
  return h;
}

/// Waits until fd is readable; false on timeout.
bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  for (;;) {
    const int rc = ::poll(&p, 1, timeout_ms);
    if (rc < 0 && errno == EINTR) continue;
    return rc > 0;
  }
}

}  // namespace

struct NetlinkDataplane::Impl {
  Impl(boost::asio::io_context& io_context, int request, int event)
      : io(io_context), request_fd(request), events(io_context, event) {}
  ~Impl() {
    alive.reset();
    if (request_fd >= 0) ::close(request_fd);
  }

  // Writes.
  void apply_chunk(const std::vector<size_t>& pending, uint32_t base, std::vector<int>& results);
  // Dumps.
  bool dump_kind(uint16_t type, uint8_t family, fib::Snapshot& snap, std::string* error);
  void add_to_snapshot(fib::Event&& event, fib::Snapshot& snap);
  // Events.
  int pump_events(size_t max_datagrams);
  void drain_events();
  void start_wait();
  void post_delivery();
  void deliver();
  void queue_lost();

  struct Queued {
    bool lost = false;
    fib::Event event;
  };

  boost::asio::io_context& io;
  int request_fd;
  boost::asio::posix::stream_descriptor events;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  std::vector<uint8_t> send_buffer;
  RecvBatch ack_batch{256, 4096};
  RecvBatch dump_batch{16, 64 << 10};
  RecvBatch event_batch{32, 64 << 10};
  uint32_t next_seq = 1;
  size_t max_chunk_bytes = kMaxChunkBytes;
  size_t max_chunk_messages = kMaxChunkMessages;
  fib::DataplaneListener* listener = nullptr;
  bool waiting = false;
  bool delivery_posted = false;
  std::deque<Queued> queue;
  Stats stats;
};

std::unique_ptr<NetlinkDataplane> NetlinkDataplane::open(boost::asio::io_context& io,
                                                         std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  const int request = open_socket(error);
  if (request < 0) return nullptr;
  const int event = open_socket(error);
  if (event < 0) {
    ::close(request);
    return nullptr;
  }
  // Requests: large buffers so that one chunk's requests fit one sendmsg and its ACKs the
  // receive queue; errors carry only the header of the failed request (NETLINK_CAP_ACK).
  set_buffer(request, SO_SNDBUFFORCE, SO_SNDBUF, kRequestSndBufBytes);
  set_buffer(request, SO_RCVBUFFORCE, SO_RCVBUF, kRequestRcvBufBytes);
  const int one = 1;
  ::setsockopt(request, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  set_buffer(event, SO_RCVBUFFORCE, SO_RCVBUF, kEventBufferBytes);
  for (int group : {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_NEIGH,
                    RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE}) {
    if (::setsockopt(event, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) != 0) {
      *error = errno_text("NETLINK_ADD_MEMBERSHIP", errno);
      ::close(request);
      ::close(event);
      return nullptr;
    }
  }
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(io, request, event);
  } catch (const std::exception& e) {
    *error = std::string("event descriptor: ") + e.what();
    ::close(request);
    ::close(event);
    return nullptr;
  }
  // sendmsg refuses more than sk_sndbuf - 32 octets; ACKs of a chunk must fit the receive queue.
  const int sndbuf = get_buffer(request, SO_SNDBUF);
  const int rcvbuf = get_buffer(request, SO_RCVBUF);
  if (sndbuf > 4096) {
    impl->max_chunk_bytes = std::min(kMaxChunkBytes, static_cast<size_t>(sndbuf) - 1024);
  } else {
    impl->max_chunk_bytes = 2048;
  }
  impl->max_chunk_messages = std::clamp(static_cast<size_t>(std::max(rcvbuf, 0)) / kAckTruesize,
                                        size_t{16}, kMaxChunkMessages);
  impl->send_buffer.reserve(impl->max_chunk_bytes + 4096);
  return std::unique_ptr<NetlinkDataplane>(new NetlinkDataplane(std::move(impl)));
}

NetlinkDataplane::NetlinkDataplane(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

NetlinkDataplane::~NetlinkDataplane() = default;

NetlinkDataplane::Stats NetlinkDataplane::stats() const { return impl_->stats; }

int NetlinkDataplane::set_event_buffer_size(int bytes) {
  const int fd = impl_->events.native_handle();
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0 &&
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0) {
    return -errno;
  }
  return get_buffer(fd, SO_RCVBUF);
}

// ---------------------------------------------------------------------------------------------
// apply()

std::vector<int> NetlinkDataplane::apply(const std::vector<fib::Change>& changes) {
  Impl& d = *impl_;
  std::vector<int> results(changes.size(), 0);
  std::vector<size_t> pending;  // Index of the change sent with sequence number base + i.
  size_t i = 0;
  while (i < changes.size()) {
    d.send_buffer.clear();
    pending.clear();
    const uint32_t base = d.next_seq;
    while (i < changes.size() && pending.size() < d.max_chunk_messages) {
      const size_t before = d.send_buffer.size();
      const int rc =
          encode_change(changes[i], base + static_cast<uint32_t>(pending.size()), d.send_buffer);
      if (rc < 0) {
        results[i++] = rc;
        ++d.stats.errors;
        continue;
      }
      if (d.send_buffer.size() > d.max_chunk_bytes && !pending.empty()) {
        d.send_buffer.resize(before);  // Goes first in the next chunk.
        break;
      }
      pending.push_back(i++);
    }
    d.next_seq += static_cast<uint32_t>(pending.size());
    if (pending.empty()) continue;
    d.apply_chunk(pending, base, results);
    // Events of this chunk are queued in user space, so that the event socket does not
    // overflow while a large batch is written.
    if (d.listener) {
      d.pump_events(SIZE_MAX);
      d.post_delivery();
    }
  }
  return results;
}

void NetlinkDataplane::Impl::apply_chunk(const std::vector<size_t>& pending, uint32_t base,
                                         std::vector<int>& results) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  iovec iov{send_buffer.data(), send_buffer.size()};
  msghdr msg{};
  msg.msg_name = &kernel;
  msg.msg_namelen = sizeof kernel;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  ssize_t sent;
  do {
    sent = ::sendmsg(request_fd, &msg, 0);
  } while (sent < 0 && errno == EINTR);
  ++stats.sendmsg_calls;
  if (sent < 0) {
    const int err = errno;
    for (size_t idx : pending) results[idx] = -err;
    stats.errors += pending.size();
    return;
  }
  stats.messages_sent += pending.size();

  // rtnetlink handles the requests inside sendmsg(): every ACK that will come is queued now,
  // unless the receive queue overflowed (then the kernel dropped some and reports ENOBUFS).
  std::vector<bool> done(pending.size(), false);
  size_t remaining = pending.size();
  int missing_error = -ETIMEDOUT;
  while (remaining > 0) {
    const int n = ack_batch.receive(request_fd);
    if (n == -EINTR) continue;
    if (n == -ENOBUFS) {
      missing_error = -ENOBUFS;
      continue;
    }
    if (n == -EAGAIN || n == -EWOULDBLOCK) {
      if (missing_error == -ENOBUFS) break;
      if (!wait_readable(request_fd, kReplyTimeoutMs)) break;
      continue;
    }
    if (n < 0) {
      missing_error = n;
      break;
    }
    for (int k = 0; k < n; ++k) {
      if (!ack_batch.from_kernel(static_cast<size_t>(k))) continue;
      for_each_message(ack_batch.datagram(static_cast<size_t>(k)), [&](auto message) {
        const nlmsghdr h = header_of(message);
        if (h.nlmsg_type != NLMSG_ERROR || message.size() < NLMSG_LENGTH(sizeof(int))) {
          return true;
        }
        const uint32_t off = h.nlmsg_seq - base;
        if (off >= pending.size() || done[off]) return true;
        int error;
        std::memcpy(&error, message.data() + NLMSG_HDRLEN, sizeof error);
        done[off] = true;
        --remaining;
        results[pending[off]] = error;
        ++stats.acks;
        if (error != 0) ++stats.errors;
        return true;
      });
    }
  }
  if (remaining == 0) return;
  for (size_t k = 0; k < pending.size(); ++k) {
    if (!done[k]) results[pending[k]] = missing_error;
  }
  stats.errors += remaining;
}

// ---------------------------------------------------------------------------------------------
// dump()

void NetlinkDataplane::Impl::add_to_snapshot(fib::Event&& event, fib::Snapshot& snap) {
  if (event.removed) return;
  std::visit(
      [&](auto&& object) {
        using T = std::decay_t<decltype(object)>;
        if constexpr (std::is_same_v<T, fib::Link>) {
          snap.links.push_back(std::move(object));
        } else if constexpr (std::is_same_v<T, fib::Address>) {
          snap.addresses.push_back(object);
        } else if constexpr (std::is_same_v<T, fib::FdbEntry>) {
          snap.fdb.push_back(object);
        } else if constexpr (std::is_same_v<T, fib::NeighEntry>) {
          snap.neighbors.push_back(object);
        } else {
          snap.routes.push_back(std::move(object));
        }
      },
      std::move(event.object));
}

bool NetlinkDataplane::Impl::dump_kind(uint16_t type, uint8_t family, fib::Snapshot& snap,
                                       std::string* error) {
  const size_t sizes[] = {snap.links.size(), snap.addresses.size(), snap.fdb.size(),
                          snap.neighbors.size(), snap.routes.size()};
  for (int attempt = 0;; ++attempt) {
    const uint32_t seq = next_seq++;
    send_buffer.clear();
    encode_dump_request(type, family, seq, send_buffer);
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    ssize_t sent;
    do {
      sent = ::sendto(request_fd, send_buffer.data(), send_buffer.size(), 0,
                      reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
      *error = errno_text("netlink dump request", errno);
      return false;
    }
    bool finished = false;
    bool interrupted = false;
    int failure = 0;
    while (!finished) {
      const int n = dump_batch.receive(request_fd);
      if (n == -EINTR) continue;
      if (n == -EAGAIN || n == -EWOULDBLOCK) {
        if (!wait_readable(request_fd, kReplyTimeoutMs)) {
          *error = "netlink dump: no answer from the kernel";
          return false;
        }
        continue;
      }
      if (n < 0) {
        *error = errno_text("netlink dump", -n);
        return false;
      }
      for (int k = 0; k < n && !finished; ++k) {
        if (!dump_batch.from_kernel(static_cast<size_t>(k))) continue;
        for_each_message(dump_batch.datagram(static_cast<size_t>(k)), [&](auto message) {
          const nlmsghdr h = header_of(message);
          if (h.nlmsg_seq != seq) return true;  // A late answer to something earlier.
          if (h.nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
          if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR) {
            int code = 0;
            if (message.size() >= NLMSG_LENGTH(sizeof(int))) {
              std::memcpy(&code, message.data() + NLMSG_HDRLEN, sizeof code);
            } else if (h.nlmsg_type == NLMSG_ERROR) {
              code = -EIO;  // An error without its code: the dump is not whole.
            }
            if (code < 0) failure = code;
            finished = true;
            return false;
          }
          if (auto event = decode_message(message)) add_to_snapshot(std::move(*event), snap);
          return true;
        });
      }
    }
    if (failure == -EINTR || (interrupted && failure == 0)) {
      if (attempt < 3) {
        snap.links.resize(sizes[0]);
        snap.addresses.resize(sizes[1]);
        snap.fdb.resize(sizes[2]);
        snap.neighbors.resize(sizes[3]);
        snap.routes.resize(sizes[4]);
        continue;
      }
      if (failure == 0) return true;  // Still interrupted: keep what came; events repair it.
    }
    if (failure < 0) {
      *error = errno_text("netlink dump", -failure);
      return false;
    }
    return true;
  }
}

fib::Snapshot NetlinkDataplane::dump(std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  fib::Snapshot snap;
  const struct {
    uint16_t type;
    uint8_t family;
  } kinds[] = {
      {RTM_GETLINK, AF_UNSPEC}, {RTM_GETADDR, AF_UNSPEC}, {RTM_GETNEIGH, AF_BRIDGE},
      {RTM_GETNEIGH, AF_INET},  {RTM_GETNEIGH, AF_INET6}, {RTM_GETROUTE, AF_INET},
      {RTM_GETROUTE, AF_INET6},
  };
  for (const auto& k : kinds) {
    if (!impl_->dump_kind(k.type, k.family, snap, error)) return {};
  }
  return snap;
}

// ---------------------------------------------------------------------------------------------
// Events

void NetlinkDataplane::watch(fib::DataplaneListener* listener) {
  Impl& d = *impl_;
  const bool starting = listener && !d.listener;
  d.listener = listener;
  if (!listener) {
    d.queue.clear();
    return;
  }
  if (starting) d.drain_events();
  d.start_wait();
}

void NetlinkDataplane::Impl::queue_lost() {
  ++stats.events_lost;
  if (!queue.empty() && queue.back().lost) return;
  queue.push_back(Queued{true, {}});
}

int NetlinkDataplane::Impl::pump_events(size_t max_datagrams) {
  const int fd = events.native_handle();
  size_t got = 0;
  while (got < max_datagrams) {
    const int n = event_batch.receive(fd);
    if (n == -EINTR) continue;
    if (n == -ENOBUFS) {
      queue_lost();
      continue;
    }
    if (n < 0) return n;
    for (int k = 0; k < n; ++k) {
      const auto slot = static_cast<size_t>(k);
      if (!event_batch.from_kernel(slot)) continue;
      if (event_batch.truncated(slot)) {
        queue_lost();
        continue;
      }
      for_each_message(event_batch.datagram(slot), [&](auto message) {
        if (auto event = decode_message(message)) {
          if (queue.size() >= kMaxQueuedEvents) {
            queue_lost();
          } else {
            queue.push_back(Queued{false, std::move(*event)});
          }
        }
        return true;
      });
    }
    got += static_cast<size_t>(n);
  }
  return 0;
}

void NetlinkDataplane::Impl::drain_events() {
  queue.clear();
  const int fd = events.native_handle();
  for (;;) {
    const int n = event_batch.receive(fd);
    if (n > 0 || n == -EINTR || n == -ENOBUFS) continue;
    break;
  }
}

void NetlinkDataplane::Impl::start_wait() {
  if (waiting || !listener) return;
  waiting = true;
  std::weak_ptr<bool> token = alive;
  events.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                    [this, token](const boost::system::error_code& ec) {
                      if (token.expired()) return;
                      waiting = false;
                      if (ec || !listener) return;
                      pump_events(256);
                      deliver();
                      start_wait();
                    });
}

void NetlinkDataplane::Impl::post_delivery() {
  if (delivery_posted || queue.empty()) return;
  delivery_posted = true;
  std::weak_ptr<bool> token = alive;
  boost::asio::post(io, [this, token] {
    if (token.expired()) return;
    delivery_posted = false;
    deliver();
  });
}

void NetlinkDataplane::Impl::deliver() {
  size_t budget = kEventsPerRound;
  while (listener && !queue.empty() && budget-- > 0) {
    Queued q = std::move(queue.front());
    queue.pop_front();
    if (q.lost) {
      listener->on_events_lost();
    } else {
      ++stats.events;
      listener->on_event(q.event);
    }
  }
  if (!listener) {
    queue.clear();
    return;
  }
  post_delivery();  // What is left, after other work of the loop.
}

}  // namespace evpnd::nl
