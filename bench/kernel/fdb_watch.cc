// fdb_watch: the finish line of the kernel benchmark (README.md in this folder). In the current
// network namespace it waits until the bridge FDB of one VXLAN device holds N unicast remote
// entries, i.e. N distinct non-zero MACs with an NTF_SELF entry on that device (what an EVPN
// daemon installs for N type-2 routes, RFC 7432 §7.2 / RFC 8365 §5.1.3; all-zeros MACs are the
// type-3 flood list and do not count), and prints the CLOCK_REALTIME time at which that
// happened.
//
// How it counts (correct before clever):
//  - Events: a NETLINK_ROUTE socket in RTNLGRP_NEIGH with a large receive buffer
//    (SO_RCVBUFFORCE) and a socket filter that keeps only AF_BRIDGE NTF_SELF messages (the
//    bridge's copies and the IPv4/IPv6 neighbor events of MAC+IP routes never reach user
//    space). RTM_NEWNEIGH adds the MAC to a set, RTM_DELNEIGH removes it.
//  - The kernel's answer, used to confirm the finish and to resync after lost events: with
//    --mac-base (the MACs expected: base .. base + N - 1) one RTM_GETNEIGH per MAC (NTF_SELF,
//    the device, NDA_LLADDR; O(1) each in the kernel), 512 per sendmsg; without it a dump
//    (RTM_GETNEIGH NLM_F_DUMP, AF_BRIDGE, filtered to the port). Use --mac-base for large
//    tables: the kernel's FDB dump restarts its walk of the bridge's and the VXLAN device's
//    tables for every 32 KiB reply, so dumping 1 M entries takes minutes (8.5 min measured).
//  - Lost events (ENOBUFS): the set is resynced as above (probe the expected MACs it lacks,
//    or replace it by a dump) at once and then every --resync-interval-ms while events keep
//    being lost; events that arrive in between still count.
//  - The finish is always confirmed by the kernel: when the set reaches N, every expected MAC
//    is probed (or a dump taken); if fewer than N are there, the set is replaced by what the
//    kernel said and watching goes on.
//
// Output, one `event key=value ...` line each, times CLOCK_REALTIME ns:
//   ready t_ns=... ifindex=... count=... rcvbuf=... check=probe|dump   subscribed, initial dump
//   progress t_ns=... count=... events=... enobufs=... resyncs=...     every --progress-ms
//   enobufs t_ns=... count=...                          events were lost: resync
//   unconfirmed t_ns=... count=... confirmed=...        the set said N, the kernel did not
//   done t_ns=... count=... confirmed=... check=probe|dump check_s=... by=events|check
//        events=... enobufs=... resyncs=...             t_ns = when the N-th entry was seen
//   timeout t_ns=... count=... exact=0|1 ... | stopped t_ns=... count=... exact=0|1 ...
//                                                       count from a final check (exact=1)
// Exit status: 0 done, 1 timeout or netlink failure, 2 bad usage, 3 stopped by SIGINT/SIGTERM.
//
// Usage: fdb_watch --dev vxlan100 --count 100000 [--mac-base 02:00:00:00:00:01] [--timeout 120]
//        [--rcvbuf 536870912] [--resync-interval-ms 200] [--progress-ms 1000] [--no-filter]
#include <linux/filter.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "bench/kernel/fdb_message.h"
#include "bench/kernel/nl_socket.h"

namespace {

using evpnd::bench::FdbMessage;
using evpnd::bench::NlSocket;
using evpnd::bench::realtime_ns;
using MacSet = std::unordered_set<uint64_t>;

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr, "fdb_watch: %s (--help)\n", what.c_str());
  std::exit(2);
}

void emit(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void emit(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stdout, fmt, ap);
  va_end(ap);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

struct Options {
  std::string dev = "vxlan100";
  uint64_t count = 0;
  double timeout_s = 0;  // 0: none
  int rcvbuf = 512 << 20;
  std::optional<uint64_t> mac_base;  // expected MACs: base .. base + count - 1
  int resync_interval_ms = 200;
  int progress_ms = 1000;
  bool filter = true;
};

uint64_t number(const std::string& s, const char* what) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno || !end || *end || s.empty()) usage_error(std::string("bad ") + what + ": " + s);
  return v;
}

Options parse_args(int argc, char** argv) {
  Options o;
  auto need = [&](int& i) -> std::string {
    if (i + 1 >= argc) usage_error(std::string("missing value for ") + argv[i]);
    return argv[++i];
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--dev") {
      o.dev = need(i);
    } else if (a == "--count") {
      o.count = number(need(i), "count");
    } else if (a == "--timeout") {
      o.timeout_s = static_cast<double>(number(need(i), "timeout"));
    } else if (a == "--rcvbuf") {
      o.rcvbuf = static_cast<int>(std::min<uint64_t>(number(need(i), "rcvbuf"), 1u << 30));
    } else if (a == "--mac-base") {
      const std::string text = need(i);
      o.mac_base = evpnd::bench::parse_mac(text);
      if (!o.mac_base) usage_error("bad --mac-base: " + text);
    } else if (a == "--resync-interval-ms") {
      o.resync_interval_ms = static_cast<int>(std::min<uint64_t>(number(need(i), "ms"), 60000));
    } else if (a == "--progress-ms") {
      o.progress_ms = static_cast<int>(std::min<uint64_t>(number(need(i), "ms"), 3600000));
    } else if (a == "--no-filter") {
      o.filter = false;
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "fdb_watch --count N [--dev vxlan100] [--mac-base MAC] [--timeout S]\n"
          "  [--rcvbuf BYTES] [--resync-interval-ms 200] [--progress-ms 1000] [--no-filter]\n"
          "Waits until the FDB of the device holds N non-zero-MAC NTF_SELF entries; prints\n"
          "the CLOCK_REALTIME ns at which it happened, confirmed by the kernel (a get per\n"
          "expected MAC with --mac-base, else a dump).\n");
      std::exit(0);
    } else {
      usage_error("unknown argument: " + std::string(a));
    }
  }
  if (o.count == 0) usage_error("--count is required and must be > 0");
  if (o.resync_interval_ms < 10) o.resync_interval_ms = 10;
  if (o.mac_base && *o.mac_base + o.count - 1 > 0xffffffffffffULL) {
    usage_error("--mac-base + --count overflows");
  }
  if (o.progress_ms < 10) o.progress_ms = 10;
  return o;
}

class Watch {
 public:
  Watch(const Options& o, int ifindex) : o_(o), ifindex_(ifindex) {}

  // Opens the sockets. False with a message on stderr on failure.
  bool open() {
    std::string error;
    if (!events_.open(0, &error) || !queries_.open(0, &error)) {
      std::fprintf(stderr, "fdb_watch: %s\n", error.c_str());
      return false;
    }
    rcvbuf_ = events_.set_receive_buffer(o_.rcvbuf);
    if (o_.filter && !attach_filter()) {
      std::fprintf(stderr, "fdb_watch: SO_ATTACH_FILTER: %s\n", std::strerror(errno));
      return false;
    }
    // Join the group after the filter is in place, so that no unfiltered message is queued.
    const int group = RTNLGRP_NEIGH;
    if (::setsockopt(events_.fd(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group)) {
      std::fprintf(stderr, "fdb_watch: NETLINK_ADD_MEMBERSHIP: %s\n", std::strerror(errno));
      return false;
    }
    // Replies to a batch of gets wait here until read; each is a page-sized skb.
    queries_.set_receive_buffer(64 << 20);
    queries_.set_netlink_option(NETLINK_GET_STRICT_CHK, 1);  // dumps filtered by port
    return true;
  }

  int run() {
    // Initial state: a dump (the benchmark starts from an empty FDB, where a dump is cheap).
    MacSet initial;
    bool interrupted = false;
    if (!dump(&initial, &interrupted)) return 1;
    macs_ = std::move(initial);
    macs_.reserve(o_.count + o_.count / 4);
    const int64_t start = realtime_ns();
    emit("ready t_ns=%lld ifindex=%d count=%zu rcvbuf=%d check=%s", static_cast<long long>(start),
         ifindex_, macs_.size(), rcvbuf_, o_.mac_base ? "probe" : "dump");
    const int64_t deadline =
        o_.timeout_s > 0 ? start + static_cast<int64_t>(o_.timeout_s * 1e9) : INT64_MAX;
    int64_t next_progress = start + int64_t{o_.progress_ms} * 1'000'000;
    int64_t next_resync = 0;  // while events are being lost
    const char* reached_by = "events";
    if (macs_.size() >= o_.count) {
      reached_ns_ = start;
      reached_by = "check";
    }

    for (;;) {
      if (g_stop) return finish("stopped", 3);
      if (reached_ns_) {
        // Confirm with the kernel's own answer (probe or dump), never with events alone.
        const int64_t c0 = realtime_ns();
        MacSet present;
        if (!check_all(&present)) return g_stop ? finish("stopped", 3) : 1;
        const double check_s = static_cast<double>(realtime_ns() - c0) / 1e9;
        if (present.size() >= o_.count) {
          emit(
              "done t_ns=%lld count=%zu confirmed=%zu check=%s check_s=%.3f by=%s events=%llu "
              "enobufs=%llu resyncs=%llu",
              static_cast<long long>(reached_ns_), macs_.size(), present.size(),
              o_.mac_base ? "probe" : "dump", check_s, reached_by,
              static_cast<unsigned long long>(events_seen_),
              static_cast<unsigned long long>(enobufs_), static_cast<unsigned long long>(resyncs_));
          return 0;
        }
        emit("unconfirmed t_ns=%lld count=%zu confirmed=%zu", static_cast<long long>(realtime_ns()),
             macs_.size(), present.size());
        macs_ = std::move(present);
        reached_ns_ = 0;
        lost_ = true;  // the set was wrong: keep checking until it is right
        next_resync = realtime_ns() + int64_t{o_.resync_interval_ms} * 1'000'000;
        continue;
      }
      int64_t now = realtime_ns();
      if (now >= deadline) return finish("timeout", 1);
      if (lost_ && now >= next_resync) {
        lost_ = false;  // set again by drain() if events keep being lost
        if (!resync()) return g_stop ? finish("stopped", 3) : 1;
        now = realtime_ns();
        next_resync = now + int64_t{o_.resync_interval_ms} * 1'000'000;
        if (macs_.size() >= o_.count) {
          reached_ns_ = now;
          reached_by = "check";
          continue;
        }
      }
      if (now >= next_progress) {
        emit("progress t_ns=%lld count=%zu events=%llu enobufs=%llu resyncs=%llu",
             static_cast<long long>(now), macs_.size(),
             static_cast<unsigned long long>(events_seen_),
             static_cast<unsigned long long>(enobufs_), static_cast<unsigned long long>(resyncs_));
        next_progress = now + int64_t{o_.progress_ms} * 1'000'000;
      }
      int64_t wake = std::min(deadline, next_progress);
      if (lost_) wake = std::min(wake, next_resync);
      const int timeout_ms =
          static_cast<int>(std::clamp<int64_t>((wake - now) / 1'000'000, 0, 1000));
      pollfd p{events_.fd(), POLLIN, 0};
      const int r = ::poll(&p, 1, timeout_ms);
      if (r < 0 && errno != EINTR) {
        std::fprintf(stderr, "fdb_watch: poll: %s\n", std::strerror(errno));
        return 1;
      }
      if (r > 0 && !drain()) return 1;
      if (!reached_ns_ && macs_.size() >= o_.count) {
        reached_ns_ = realtime_ns();
        reached_by = "events";
      }
    }
  }

 private:
  static constexpr size_t kSlots = 256, kSlotSize = 8192;

  // Keeps AF_BRIDGE messages with NTF_SELF; drops the rest in the kernel before they take room
  // in the receive buffer. Offsets: ndmsg follows the 16-octet nlmsghdr; ndm_family is its
  // octet 0, ndm_flags its octet 10.
  bool attach_filter() {
    static sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, NLMSG_HDRLEN + 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_BRIDGE, 0, 3),
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, NLMSG_HDRLEN + 10),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NTF_SELF, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
    return ::setsockopt(events_.fd(), SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0;
  }

  // An FDB message, event or reply, that counts: NTF_SELF on our device, non-zero MAC.
  bool counts(const FdbMessage& m) const {
    return m.ifindex == ifindex_ && (m.flags & NTF_SELF) && m.has_mac && m.mac != 0;
  }

  // One recvmmsg(2) of up to kSlots datagrams from `fd`; calls on_msg(const nlmsghdr*) for every
  // whole netlink message in them. Returns the datagrams read, or -1 with errno set.
  template <class F>
  int receive_batch(int fd, int flags, F&& on_msg) {
    if (slab_.empty()) slab_.resize(kSlots * kSlotSize);
    iovec iov[kSlots];
    mmsghdr msgs[kSlots];
    for (size_t i = 0; i < kSlots; ++i) {
      iov[i] = {slab_.data() + i * kSlotSize, kSlotSize};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = ::recvmmsg(fd, msgs, kSlots, flags, nullptr);
    for (int k = 0; k < n; ++k) {
      if (msgs[k].msg_hdr.msg_flags & MSG_TRUNC) {  // cannot happen at 8 KiB; be safe
        lost_ = true;
        continue;
      }
      size_t left = msgs[k].msg_len;
      const auto* p = static_cast<const uint8_t*>(iov[k].iov_base);
      while (left >= sizeof(nlmsghdr)) {
        const auto* h = reinterpret_cast<const nlmsghdr*>(p);
        if (h->nlmsg_len < sizeof(nlmsghdr) || h->nlmsg_len > left) break;
        on_msg(h);
        const size_t step = std::min<size_t>(left, NLMSG_ALIGN(h->nlmsg_len));
        p += step;
        left -= step;
      }
    }
    return n;
  }

  // Reads every queued event. ENOBUFS marks the set as lost. False only if the socket failed
  // otherwise.
  bool drain() {
    for (;;) {
      const int n = receive_batch(events_.fd(), MSG_DONTWAIT, [this](const nlmsghdr* h) {
        const auto m = FdbMessage::decode(h);
        if (!m || !counts(*m)) return;
        ++events_seen_;
        if (m->removed) {
          macs_.erase(m->mac);
        } else {
          macs_.insert(m->mac);
        }
      });
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return true;
        if (errno == ENOBUFS) {
          ++enobufs_;
          if (!lost_) {
            emit("enobufs t_ns=%lld count=%zu", static_cast<long long>(realtime_ns()),
                 macs_.size());
          }
          lost_ = true;
          continue;
        }
        std::fprintf(stderr, "fdb_watch: recvmmsg: %s\n", std::strerror(errno));
        return false;
      }
      if (static_cast<size_t>(n) < kSlots) return true;
    }
  }

  // After lost events: with --mac-base, probe the expected MACs the set lacks and add those
  // present; without, replace the set by a dump. Events queued meanwhile are applied later.
  bool resync() {
    ++resyncs_;
    if (o_.mac_base) {
      std::vector<uint64_t> missing;
      for (uint64_t i = 0; i < o_.count; ++i) {
        if (!macs_.contains(*o_.mac_base + i)) missing.push_back(*o_.mac_base + i);
      }
      return probe(missing, &macs_);
    }
    MacSet fresh;
    bool interrupted = false;
    if (!dump(&fresh, &interrupted)) return false;
    fresh.reserve(o_.count + o_.count / 4);
    macs_ = std::move(fresh);
    if (interrupted) lost_ = true;
    return true;
  }

  // The kernel's answer for the whole set: probe every expected MAC, or dump.
  bool check_all(MacSet* present) {
    present->clear();
    if (o_.mac_base) {
      std::vector<uint64_t> all(o_.count);
      for (uint64_t i = 0; i < o_.count; ++i) all[i] = *o_.mac_base + i;
      return probe(all, present);
    }
    bool interrupted = false;
    return dump(present, &interrupted);
  }

  // One RTM_GETNEIGH (AF_BRIDGE, NTF_SELF, the device, NDA_LLADDR) per MAC, 512 per sendmsg;
  // the MACs the kernel has are added to `present`. A single get costs O(1) in the kernel,
  // where an FDB dump restarts its walk for every 32 KiB reply (minutes at 1 M entries).
  // False on failure (e.g. a kernel without FDB get, EOPNOTSUPP).
  bool probe(const std::vector<uint64_t>& macs, MacSet* present) {
    constexpr size_t kBatch = 512;
    std::vector<uint8_t> req;
    for (size_t i = 0; i < macs.size(); i += kBatch) {
      if (g_stop) return false;
      const size_t n = std::min(kBatch, macs.size() - i);
      req.clear();
      const uint32_t first = queries_.next_seq();
      uint32_t seq = first;
      for (size_t j = 0; j < n; ++j) {
        FdbMessage m;
        m.ifindex = ifindex_;
        m.flags = NTF_SELF;
        m.mac = macs[i + j];
        if (j > 0) seq = queries_.next_seq();
        m.append_to(req, RTM_GETNEIGH, NLM_F_REQUEST, seq);
      }
      if (queries_.send(req.data(), req.size()) < 0) {
        std::fprintf(stderr, "fdb_watch: probe: %s\n", std::strerror(errno));
        return false;
      }
      size_t pending = n;
      int failure = 0;
      while (pending > 0) {
        const int r = receive_batch(queries_.fd(), MSG_WAITFORONE, [&](const nlmsghdr* h) {
          if (h->nlmsg_seq < first || h->nlmsg_seq > seq) return;
          --pending;
          if (h->nlmsg_type == NLMSG_ERROR) {
            int error = 0;
            if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(nlmsgerr))) {
              error = static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error;
            }
            if (error != -ENOENT && error != 0) failure = error;
            return;
          }
          const auto m = FdbMessage::decode(h);
          if (m && counts(*m)) present->insert(m->mac);
        });
        if (r < 0 && errno != EINTR) {
          std::fprintf(stderr, "fdb_watch: probe replies: %s\n", std::strerror(errno));
          return false;
        }
      }
      if (failure) {
        std::fprintf(stderr, "fdb_watch: probe: %s\n", std::strerror(-failure));
        return false;
      }
    }
    return true;
  }

  // A full dump of the device's FDB into `out` (NTF_SELF, non-zero MACs). `*interrupted` is set
  // if the kernel flagged the dump as inconsistent (NLM_F_DUMP_INTR). False on failure.
  bool dump(MacSet* out, bool* interrupted) {
    *interrupted = false;
    out->clear();
    std::vector<uint8_t> req;
    const uint32_t seq = queries_.next_seq();
    evpnd::bench::append_fdb_dump_request(req, ifindex_, seq);
    if (queries_.send(req.data(), req.size()) < 0) {
      std::fprintf(stderr, "fdb_watch: dump request: %s\n", std::strerror(errno));
      return false;
    }
    bool done = false;
    int failure = 0;
    while (!done) {
      const int r = receive_batch(queries_.fd(), MSG_WAITFORONE, [&](const nlmsghdr* h) {
        if (h->nlmsg_seq != seq || done) return;
        if (h->nlmsg_flags & NLM_F_DUMP_INTR) *interrupted = true;
        if (h->nlmsg_type == NLMSG_DONE) {
          done = true;
        } else if (h->nlmsg_type == NLMSG_ERROR) {
          failure = h->nlmsg_len >= NLMSG_LENGTH(sizeof(nlmsgerr))
                        ? static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error
                        : -EPROTO;
          done = true;
        } else if (const auto m = FdbMessage::decode(h); m && !m->removed && counts(*m)) {
          out->insert(m->mac);
        }
      });
      if (r < 0 && errno != EINTR) {
        std::fprintf(stderr, "fdb_watch: dump: %s\n", std::strerror(errno));
        return false;
      }
    }
    if (failure) {
      std::fprintf(stderr, "fdb_watch: dump: %s\n", std::strerror(-failure));
      return false;
    }
    return true;
  }

  // A final check, then "<what> t_ns count" and the exit status. If the check cannot be made
  // (stopped again, or failed) the count is the event set's, marked exact=0.
  int finish(const char* what, int status) {
    g_stop = 0;  // a second signal aborts the check
    MacSet present;
    const bool exact = check_all(&present);
    emit("%s t_ns=%lld count=%zu exact=%d events=%llu enobufs=%llu resyncs=%llu", what,
         static_cast<long long>(realtime_ns()), exact ? present.size() : macs_.size(),
         exact ? 1 : 0, static_cast<unsigned long long>(events_seen_),
         static_cast<unsigned long long>(enobufs_), static_cast<unsigned long long>(resyncs_));
    return status;
  }

  const Options& o_;
  const int ifindex_;
  NlSocket events_, queries_;
  int rcvbuf_ = 0;
  MacSet macs_;
  bool lost_ = false;
  int64_t reached_ns_ = 0;
  uint64_t events_seen_ = 0, enobufs_ = 0, resyncs_ = 0;
  std::vector<uint8_t> slab_;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_args(argc, argv);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  const unsigned ifindex = if_nametoindex(o.dev.c_str());
  if (ifindex == 0) {
    std::fprintf(stderr, "fdb_watch: no device %s: %s\n", o.dev.c_str(), std::strerror(errno));
    return 2;
  }
  Watch w(o, static_cast<int>(ifindex));
  if (!w.open()) return 1;
  return w.run();
}
