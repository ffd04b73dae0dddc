// fib::Dataplane on the Linux kernel over raw rtnetlink (messages built and parsed in
// rtnl_message.h, attributes indexed with libnl-3): batched writes of FDB entries, flood lists,
// neighbors and routes (DESIGN.md "Kernel model", "Netlink facts"; RFC 7432 §9.2.2 remote MACs,
// RFC 8365 §9 head-end replication lists, RFC 9135/9136 symmetric IRB neighbors and routes),
// full dumps, and a monitor of kernel events on the daemon's Asio loop.
//
// What the kernel does with evpnd's FDB entries, found by experiment on Linux 6.18 and checked by
// tests/netns/dataplane_test.cc (KernelFactsOnExtLearnedFdbEntries, BridgeMaster*):
//  - VXLAN all-zeros (flood) entry added with NTF_SELF|NTF_EXT_LEARNED: kept and reported. Dump
//    and events: ndm_flags NTF_SELF|NTF_EXT_LEARNED, state as written, one message per VTEP
//    (NDA_DST), no NDA_MASTER. The flags belong to the MAC entry, not to each VTEP: the last
//    append or replace sets them for every VTEP of the list (an append without NTF_EXT_LEARNED
//    clears it for all of them). Each append of a new VTEP gives one RTM_NEWNEIGH for that VTEP;
//    appending a VTEP already there returns 0 and changes nothing; deleting one VTEP (NDA_DST)
//    gives one RTM_DELNEIGH for it and leaves the others.
//  - VXLAN unicast entry, NTF_SELF|NTF_EXT_LEARNED: kept and reported the same way (state as
//    written; NTF_EXT_LEARNED entries are never aged). A replace with another dst moves it: one
//    RTM_NEWNEIGH with the new dst, no RTM_DELNEIGH for the old one. Delete: one RTM_DELNEIGH.
//  - Bridge entry added with NTF_MASTER|NTF_EXT_LEARNED on the VXLAN port: kept, but the bridge
//    never reports NTF_MASTER (nor NTF_SELF) on its entries: ndm_flags = NTF_EXT_LEARNED,
//    NDA_MASTER = the bridge, state NUD_REACHABLE whatever was written. decode_message() turns
//    that into flags kNtfMaster|kNtfExtLearned with master = the bridge, so that what is written
//    reads back equal (a locally learned entry reads back as kNtfMaster, state REACHABLE).
//    NTF_STICKY is dropped silently when NTF_EXT_LEARNED is set. It replaces a locally learned
//    entry of the same MAC on another port: one RTM_NEWNEIGH (now on the VXLAN port), no
//    RTM_DELNEIGH for the old port. Deleting it via a port it is not on gives -ENOENT.
//  - Bridge-port neigh_suppress comes with the AF_UNSPEC link dump (IFLA_LINKINFO slave data),
//    so no AF_BRIDGE link dump is needed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fib/dataplane.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace evpnd::nl {

class NetlinkDataplane : public fib::Dataplane {
 public:
  /// Opens the netlink sockets in the current network namespace: one for requests (writes,
  /// dumps) and one subscribed to RTNLGRP_LINK, IPV4/IPV6_IFADDR, NEIGH, IPV4/IPV6_ROUTE with a
  /// 32 MiB receive buffer (SO_RCVBUFFORCE, else SO_RCVBUF up to the system's limit). Events are
  /// read on `io` (a non-blocking descriptor on the socket), parsed and delivered to the listener
  /// given to watch(). Returns nullptr and sets *error (if non-null) on failure.
  static std::unique_ptr<NetlinkDataplane> open(boost::asio::io_context& io, std::string* error);
  ~NetlinkDataplane() override;
  NetlinkDataplane(const NetlinkDataplane&) = delete;
  NetlinkDataplane& operator=(const NetlinkDataplane&) = delete;

  /// Encodes every change (rtnl_message.h), packs up to 64 KiB of requests (and no more than
  /// the receive buffer can hold ACKs for) into each sendmsg, then collects the ACKs of that
  /// chunk before sending the next. Results in order: 0 or a negative errno; -EINVAL for a
  /// change that cannot be encoded; -ENOBUFS for one whose ACK the kernel dropped; -ETIMEDOUT
  /// if an ACK never came (5 s). Blocks the calling thread until every ACK is in.
  std::vector<int> apply(const std::vector<fib::Change>& changes) override;
  /// Dumps links, addresses, the AF_BRIDGE FDB, IPv4/IPv6 neighbors and the unicast IPv4/IPv6
  /// routes of every table. A dump the kernel marks interrupted (NLM_F_DUMP_INTR) is retried up
  /// to 3 times, then kept. Empty snapshot and *error set on failure. Blocks. Cost: linear on
  /// our side, but the kernel's FDB dump of one device is O(n²) in its entries (it re-walks its
  /// list for every 32 KiB datagram): ~0.7 s of kernel time for 100 k entries on one VXLAN
  /// device, 79 s for 1 M.
  fib::Snapshot dump(std::string* error = nullptr) override;
  /// Starts (listener non-null) or stops (null) delivering events. Events queued before the
  /// call are dropped. ENOBUFS on the event socket (or a datagram too large to read) calls
  /// listener->on_events_lost() and reading goes on. The listener may call apply(), dump() and
  /// watch() from its callbacks, but must not destroy the dataplane there.
  void watch(fib::DataplaneListener* listener) override;

  /// Counters since open().
  struct Stats {
    uint64_t messages_sent = 0;  ///< Requests written by apply().
    uint64_t sendmsg_calls = 0;  ///< sendmsg() calls of apply().
    uint64_t acks = 0;           ///< ACKs received (success and error).
    uint64_t errors = 0;         ///< Changes that failed (ACK with error, not encodable, lost).
    uint64_t events = 0;         ///< Events delivered to the listener.
    uint64_t events_lost = 0;    ///< Times events were lost (ENOBUFS, oversized datagram).
  };
  Stats stats() const;

  /// Sets the event socket's receive buffer (octets, SO_RCVBUFFORCE); for tests that provoke
  /// ENOBUFS. Returns the size the kernel reports, or a negative errno.
  int set_event_buffer_size(int bytes);

 private:
  struct Impl;
  explicit NetlinkDataplane(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace evpnd::nl
