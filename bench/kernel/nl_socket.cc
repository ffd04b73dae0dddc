// NlSocket: see nl_socket.h.
#include "bench/kernel/nl_socket.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>

namespace evpnd::bench {

int64_t realtime_ns() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

NlSocket::~NlSocket() {
  if (fd_ >= 0) ::close(fd_);
}

NlSocket::NlSocket(NlSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), seq_(other.seq_), port_id_(other.port_id_) {}

NlSocket& NlSocket::operator=(NlSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    seq_ = other.seq_;
    port_id_ = other.port_id_;
  }
  return *this;
}

bool NlSocket::open(uint32_t groups, std::string* error) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd_ < 0) {
    if (error) *error = std::string("socket(AF_NETLINK): ") + std::strerror(errno);
    return false;
  }
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = groups;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    if (error) *error = std::string("bind(AF_NETLINK): ") + std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  socklen_t len = sizeof local;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len) == 0) port_id_ = local.nl_pid;
  return true;
}

namespace {

int set_buffer(int fd, int force_option, int option, int bytes) {
  if (::setsockopt(fd, SOL_SOCKET, force_option, &bytes, sizeof bytes) != 0) {
    ::setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof bytes);
  }
  int actual = 0;
  socklen_t len = sizeof actual;
  if (::getsockopt(fd, SOL_SOCKET, option, &actual, &len) != 0) return 0;
  return actual;
}

}  // namespace

int NlSocket::set_receive_buffer(int bytes) {
  return set_buffer(fd_, SO_RCVBUFFORCE, SO_RCVBUF, bytes);
}

int NlSocket::set_send_buffer(int bytes) {
  return set_buffer(fd_, SO_SNDBUFFORCE, SO_SNDBUF, bytes);
}

bool NlSocket::set_netlink_option(int option, int value) {
  return ::setsockopt(fd_, SOL_NETLINK, option, &value, sizeof value) == 0;
}

ssize_t NlSocket::send(const void* data, size_t len) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  iovec iov{const_cast<void*>(data), len};
  msghdr msg{};
  msg.msg_name = &kernel;
  msg.msg_namelen = sizeof kernel;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  ssize_t n;
  do {
    n = ::sendmsg(fd_, &msg, 0);
  } while (n < 0 && errno == EINTR);
  return n;
}

ssize_t NlSocket::receive(void* buf, size_t len, int flags) {
  ssize_t n;
  do {
    n = ::recv(fd_, buf, len, flags);
  } while (n < 0 && errno == EINTR);
  return n;
}

}  // namespace evpnd::bench
