// raw_fdb_writer: the kernel's own limit for the kernel benchmark (README.md in this folder). In
// the current network namespace it installs N remote MACs on a VXLAN device exactly as an EVPN
// daemon does for N type-2 routes (RFC 7432 §7.2 over VXLAN, RFC 8365 §5.1.3; DESIGN.md "Netlink
// facts"): per MAC one RTM_NEWNEIGH AF_BRIDGE NTF_SELF|NTF_EXT_LEARNED with NDA_DST = the remote
// VTEP (the VXLAN device's table) and one NTF_MASTER|NTF_EXT_LEARNED on the same device (the
// bridge's entry), NUD_REACHABLE, NLM_F_CREATE|NLM_F_REPLACE. Messages are packed into
// --batch-bytes buffers, one sendmsg(2) each; every message is ACKed and the ACKs of a batch are
// read before the next batch goes out (NETLINK_CAP_ACK keeps them short). The default, 16 KiB
// (~370 messages), gave the shortest wall time measured; 64 KiB cost the same CPU, 256 KiB
// 1.2-1.5x the CPU per entry (README.md, "Batch size"; batch_sweep.sh measures it).
//
// MAC i (0-based) = --mac-base + i; the default base 02:00:00:00:00:01 gives the MACs of
// bench/speaker/route_sender's routes, so the kernel work is the same as for a daemon fed by it.
// With --neigh-dev SVI it also adds, per MAC, the IPv4 neighbor entry a daemon installs for a
// MAC+IP route (ARP suppression): RTM_NEWNEIGH AF_INET on the SVI, NDA_DST = --ip-base + i
// (route_sender's IPs by default), NDA_LLADDR = the MAC, NTF_EXT_LEARNED, NUD_NOARP,
// NDA_PROTOCOL --neigh-protocol (199, evpnd's). That is all the kernel work of a type-2 route.
//
// Output, one `event key=value ...` line each, times CLOCK_REALTIME ns:
//   start t_ns=... ifindex=... macs=... messages=... batch_bytes=...
//   done t_ns=... elapsed_s=... cpu_s=... sys_s=... wait_s=... macs=... messages=...
//        sendmsgs=... errors=... macs_per_s=... messages_per_s=...   (cpu_s: user + system
//        time of the process, nearly all of it the kernel's work on the messages; wait_s: time
//        it was runnable but had no CPU, from /proc/self/schedstat; -1 if unknown)
//   error mac=... flags=... errno=... text="..." [ext="..."]   (the first 10 failures)
// Exit status 0 when every message was ACKed without error, 1 otherwise, 2 on bad usage.
//
// Usage: raw_fdb_writer --dev vxlan100 --dst 10.9.0.1 --count 100000 [--mac-base MAC]
//        [--self-only] [--neigh-dev br100 [--ip-base 10.0.0.1] [--neigh-protocol 199]]
//        [--delete] [--batch-bytes 16384] [--state reachable|noarp|permanent]
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "bench/kernel/fdb_message.h"
#include "bench/kernel/nl_socket.h"

namespace {

using evpnd::bench::FdbMessage;
using evpnd::bench::NlSocket;

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr, "raw_fdb_writer: %s (--help)\n", what.c_str());
  std::exit(2);
}

struct Options {
  std::string dev = "vxlan100";
  std::string dst = "10.9.0.1";
  uint64_t count = 0;
  uint64_t mac_base = 0x020000000001;  // route_sender's first MAC
  bool self_only = false;
  std::string neigh_dev;          // "" = no IP neighbor entries
  uint32_t ip_base = 0x0a000001;  // route_sender's first IP, 10.0.0.1 (host order)
  uint8_t neigh_protocol = 199;
  bool remove = false;
  size_t batch_bytes = 16 * 1024;
  uint16_t state = NUD_REACHABLE;
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
    } else if (a == "--dst") {
      o.dst = need(i);
    } else if (a == "--count") {
      o.count = number(need(i), "count");
    } else if (a == "--mac-base") {
      const std::string text = need(i);
      const auto mac = evpnd::bench::parse_mac(text);
      if (!mac) usage_error("bad --mac-base: " + text);
      o.mac_base = *mac;
    } else if (a == "--self-only") {
      o.self_only = true;
    } else if (a == "--neigh-dev") {
      o.neigh_dev = need(i);
    } else if (a == "--ip-base") {
      const std::string text = need(i);
      in_addr addr{};
      if (inet_pton(AF_INET, text.c_str(), &addr) != 1) usage_error("bad --ip-base: " + text);
      o.ip_base = ntohl(addr.s_addr);
    } else if (a == "--neigh-protocol") {
      const uint64_t p = number(need(i), "neigh-protocol");
      if (p > 255) usage_error("--neigh-protocol must be 0..255");
      o.neigh_protocol = static_cast<uint8_t>(p);
    } else if (a == "--delete") {
      o.remove = true;
    } else if (a == "--batch-bytes") {
      o.batch_bytes = number(need(i), "batch-bytes");
    } else if (a == "--state") {
      const std::string s = need(i);
      if (s == "reachable") {
        o.state = NUD_REACHABLE;
      } else if (s == "noarp") {
        o.state = NUD_NOARP;
      } else if (s == "permanent") {
        o.state = NUD_PERMANENT;
      } else {
        usage_error("bad --state: " + s);
      }
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "raw_fdb_writer --count N [--dev vxlan100] [--dst 10.9.0.1] [--mac-base "
          "02:00:00:00:00:01]\n"
          "  [--self-only] [--neigh-dev SVI [--ip-base 10.0.0.1] [--neigh-protocol 199]]\n"
          "  [--delete] [--batch-bytes 16384] [--state reachable|noarp|permanent]\n"
          "Installs N remote MACs on a VXLAN device in the current namespace: per MAC an\n"
          "NTF_SELF entry with dst VTEP and an NTF_MASTER entry (not with --self-only), both\n"
          "extern_learn, and with --neigh-dev an IPv4 neighbor (extern_learn, noarp) on the\n"
          "SVI. Prints the rate.\n");
      std::exit(0);
    } else {
      usage_error("unknown argument: " + std::string(a));
    }
  }
  if (o.count == 0) usage_error("--count is required and must be > 0");
  if (o.mac_base + o.count - 1 > 0xffffffffffffULL) usage_error("--mac-base + --count overflows");
  if (o.ip_base + (o.count - 1) > 0xffffffffULL) usage_error("--ip-base + --count overflows");
  if (o.batch_bytes < 4096 || o.batch_bytes > (64u << 20)) {
    usage_error("--batch-bytes must be 4096..67108864");
  }
  return o;
}

// Reads ACKs until every sequence number in [first, last] was answered. Errors are counted and
// the first ones reported with the MAC they belong to. False if the socket failed.
bool read_acks(NlSocket& nl, std::vector<uint8_t>& buf, uint32_t first, uint32_t last,
               const std::vector<uint64_t>& mac_of, const std::vector<uint8_t>& flags_of,
               uint64_t* errors) {
  uint64_t pending = last - first + 1;
  while (pending > 0) {
    const ssize_t n = nl.receive(buf.data(), buf.size(), 0);
    if (n < 0) {
      std::fprintf(stderr, "raw_fdb_writer: recv: %s\n", std::strerror(errno));
      return false;
    }
    size_t left = static_cast<size_t>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, left);
         h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_type != NLMSG_ERROR) continue;
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) continue;
      const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
      if (h->nlmsg_seq < first || h->nlmsg_seq > last) continue;  // not ours (late, stray)
      --pending;
      if (e->error == 0) continue;
      ++*errors;
      if (*errors <= 10) {
        // Extended ACK text (NLMSGERR_ATTR_MSG) if the kernel sent one.
        std::string ext;
        if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
          const auto* base = reinterpret_cast<const uint8_t*>(h);
          size_t pos = NLMSG_LENGTH(sizeof(nlmsgerr));
          while (pos + sizeof(nlattr) <= h->nlmsg_len) {
            nlattr a;
            std::memcpy(&a, base + pos, sizeof a);
            if (a.nla_len < sizeof(nlattr) || pos + a.nla_len > h->nlmsg_len) break;
            if ((a.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
              ext.assign(reinterpret_cast<const char*>(base + pos + NLA_HDRLEN),
                         a.nla_len - NLA_HDRLEN);
              while (!ext.empty() && ext.back() == '\0') ext.pop_back();
            }
            pos += NLA_ALIGN(a.nla_len);
          }
        }
        const size_t index = h->nlmsg_seq - first;
        std::printf("error mac=%s flags=0x%02x errno=%d text=\"%s\"%s%s%s\n",
                    evpnd::bench::mac_to_string(mac_of[index]).c_str(), flags_of[index], -e->error,
                    std::strerror(-e->error), ext.empty() ? "" : " ext=\"", ext.c_str(),
                    ext.empty() ? "" : "\"");
      }
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_args(argc, argv);
  const unsigned ifindex = if_nametoindex(o.dev.c_str());
  if (ifindex == 0) {
    std::fprintf(stderr, "raw_fdb_writer: no device %s: %s\n", o.dev.c_str(), std::strerror(errno));
    return 2;
  }
  FdbMessage self;
  self.ifindex = static_cast<int>(ifindex);
  self.state = o.state;
  self.flags = NTF_SELF | NTF_EXT_LEARNED;
  if (!self.set_dst(o.dst)) usage_error("--dst: not an IP address: " + o.dst);
  FdbMessage master = self;
  master.flags = NTF_MASTER | NTF_EXT_LEARNED;
  master.dst_family = 0;  // the bridge's entry points at the port, not at a VTEP
  FdbMessage neigh;
  if (!o.neigh_dev.empty()) {
    const unsigned svi = if_nametoindex(o.neigh_dev.c_str());
    if (svi == 0) {
      std::fprintf(stderr, "raw_fdb_writer: no device %s: %s\n", o.neigh_dev.c_str(),
                   std::strerror(errno));
      return 2;
    }
    neigh.family = AF_INET;
    neigh.ifindex = static_cast<int>(svi);
    neigh.flags = NTF_EXT_LEARNED;
    neigh.state = NUD_NOARP;
    neigh.dst_family = AF_INET;
    neigh.protocol = o.neigh_protocol;
  }

  NlSocket nl;
  std::string error;
  if (!nl.open(0, &error)) {
    std::fprintf(stderr, "raw_fdb_writer: %s\n", error.c_str());
    return 1;
  }
  nl.set_send_buffer(static_cast<int>(o.batch_bytes * 2));
  // ACKs of one batch wait in the receive buffer until read; each costs a small skb.
  nl.set_receive_buffer(64 << 20);
  nl.set_netlink_option(NETLINK_CAP_ACK, 1);
  nl.set_netlink_option(NETLINK_EXT_ACK, 1);

  const uint64_t per_mac = (o.self_only ? 1 : 2) + (o.neigh_dev.empty() ? 0 : 1);
  const uint64_t messages = o.count * per_mac;
  const uint16_t nl_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK |
                                                  (o.remove ? 0 : NLM_F_CREATE | NLM_F_REPLACE));

  std::vector<uint8_t> batch;
  batch.reserve(o.batch_bytes + 256);
  std::vector<uint8_t> rbuf(1 << 20);
  std::vector<uint64_t> mac_of;
  std::vector<uint8_t> flags_of;
  uint64_t errors = 0, sendmsgs = 0, sent_messages = 0;

  const int64_t t0 = evpnd::bench::realtime_ns();
  std::printf("start t_ns=%lld ifindex=%u macs=%llu messages=%llu batch_bytes=%zu\n",
              static_cast<long long>(t0), ifindex, static_cast<unsigned long long>(o.count),
              static_cast<unsigned long long>(messages), o.batch_bytes);
  std::fflush(stdout);
  uint64_t i = 0;
  while (i < o.count) {
    batch.clear();
    mac_of.clear();
    flags_of.clear();
    const uint32_t first_seq = nl.next_seq();
    uint32_t seq = first_seq;
    bool first_in_batch = true;
    // Fill up to batch_bytes with whole MACs (all entries of a MAC in the same batch).
    while (i < o.count && batch.size() + 3 * 64 <= o.batch_bytes) {
      const uint64_t mac = o.mac_base + i;
      for (const FdbMessage* m : {&self, &master, &neigh}) {
        if (m == &master && o.self_only) continue;
        if (m == &neigh && o.neigh_dev.empty()) continue;
        FdbMessage entry = *m;
        entry.mac = mac;
        if (m == &neigh) {
          const uint32_t ip = htonl(static_cast<uint32_t>(o.ip_base + i));
          std::memcpy(entry.dst.data(), &ip, 4);
        }
        if (!first_in_batch) seq = nl.next_seq();
        first_in_batch = false;
        entry.append_to(batch, o.remove ? RTM_DELNEIGH : RTM_NEWNEIGH, nl_flags, seq);
        mac_of.push_back(mac);
        flags_of.push_back(entry.flags);
      }
      ++i;
    }
    if (nl.send(batch.data(), batch.size()) < 0) {
      std::fprintf(stderr, "raw_fdb_writer: sendmsg: %s\n", std::strerror(errno));
      return 1;
    }
    ++sendmsgs;
    sent_messages += mac_of.size();
    if (!read_acks(nl, rbuf, first_seq, seq, mac_of, flags_of, &errors)) return 1;
  }
  const int64_t t1 = evpnd::bench::realtime_ns();
  const double s = static_cast<double>(t1 - t0) / 1e9;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  // Time spent runnable but waiting for a CPU (/proc/self/schedstat, field 2, ns): what other
  // load on the machine cost this run.
  double wait_s = -1;
  if (FILE* f = std::fopen("/proc/self/schedstat", "r")) {
    unsigned long long run_ns = 0, wait_ns = 0;
    if (std::fscanf(f, "%llu %llu", &run_ns, &wait_ns) == 2) {
      wait_s = static_cast<double>(wait_ns) / 1e9;
    }
    std::fclose(f);
  }
  std::printf(
      "done t_ns=%lld elapsed_s=%.6f cpu_s=%.3f sys_s=%.3f wait_s=%.3f macs=%llu messages=%llu "
      "sendmsgs=%llu errors=%llu macs_per_s=%.0f messages_per_s=%.0f\n",
      static_cast<long long>(t1), s, seconds(ru.ru_utime) + seconds(ru.ru_stime),
      seconds(ru.ru_stime), wait_s, static_cast<unsigned long long>(o.count),
      static_cast<unsigned long long>(sent_messages), static_cast<unsigned long long>(sendmsgs),
      static_cast<unsigned long long>(errors), static_cast<double>(o.count) / s,
      static_cast<double>(sent_messages) / s);
  return errors ? 1 : 0;
}
