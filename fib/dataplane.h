// The kernel as fib/ sees it: value types for the forwarding entries evpnd installs (bridge FDB of
// VXLAN devices, flood lists, neighbors, routes) and the devices it follows, and the abstract
// `Dataplane` that writes, dumps and watches them. netlink/ implements it with libnl-3; unit
// tests use an in-memory fake. No BGP here, no codec types: plain octets and ifindexes.
// The netlink encoding of each entry is in DESIGN.md ("Kernel model", "Netlink facts").
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace evpnd::fib {

/// An Ethernet MAC address, network order.
struct Mac {
  std::array<uint8_t, 6> octets{};
  bool is_zero() const;
  /// "aa:bb:cc:dd:ee:ff".
  std::string to_string() const;
  /// Parses "aa:bb:cc:dd:ee:ff"; nullopt otherwise.
  static std::optional<Mac> parse(const std::string& text);
  auto operator<=>(const Mac&) const = default;
};

/// An IPv4 or IPv6 address, or none (family 0). IPv4 uses the first 4 octets; the rest are zero.
struct IpAddr {
  uint8_t family = 0;  ///< 0 (none), AF_INET (2) or AF_INET6 (10).
  std::array<uint8_t, 16> octets{};
  bool empty() const { return family == 0; }
  /// Octets in use: 0, 4 or 16.
  size_t size() const;
  std::string to_string() const;
  /// Parses dotted IPv4 or IPv6 text; nullopt otherwise.
  static std::optional<IpAddr> parse(const std::string& text);
  static IpAddr v4(uint32_t host_order);
  auto operator<=>(const IpAddr&) const = default;
};

// Flags and states, as in <linux/neighbour.h> (repeated so that fib/ needs no kernel headers).
inline constexpr uint8_t kNtfSelf = 0x02;        ///< NTF_SELF: the device's own table (VXLAN).
inline constexpr uint8_t kNtfMaster = 0x04;      ///< NTF_MASTER: the bridge's table.
inline constexpr uint8_t kNtfExtLearned = 0x10;  ///< NTF_EXT_LEARNED: installed by a daemon.
inline constexpr uint8_t kNtfSticky = 0x40;      ///< NTF_STICKY (bridge entries).
inline constexpr uint16_t kNudReachable = 0x02;  ///< NUD_REACHABLE
inline constexpr uint16_t kNudStale = 0x04;      ///< NUD_STALE
inline constexpr uint16_t kNudNoArp = 0x40;      ///< NUD_NOARP
inline constexpr uint16_t kNudPermanent = 0x80;  ///< NUD_PERMANENT
/// NDA_PROTOCOL on neighbors and rtm_protocol on routes evpnd installs: what marks them as its own
/// (RTPROT_* values 0..4 and 8..192 are taken by the kernel, routing daemons and FRR's zebra).
inline constexpr uint8_t kProtocolEvpnd = 199;

/// One bridge-family FDB entry (RTM_NEWNEIGH, AF_BRIDGE). Remote MACs are two entries: one
/// NTF_SELF on the VXLAN device with `dst` (the VXLAN table) and one NTF_MASTER on the same
/// device (the bridge's table, pointing at the VXLAN port). A flood-list (type-3) entry is
/// NTF_SELF with an all-zeros MAC and `dst`, added with NLM_F_APPEND: one per remote VTEP.
struct FdbEntry {
  int ifindex = 0;  ///< The port: a VXLAN device for remote entries, else a bridge port.
  Mac mac;
  uint16_t vlan = 0;   ///< NDA_VLAN on VLAN-aware bridges; 0 = none.
  IpAddr dst;          ///< NDA_DST: the remote VTEP (NTF_SELF entries on VXLAN devices).
  uint8_t flags = 0;   ///< kNtf* bits.
  uint16_t state = 0;  ///< kNud* bits.
  int master = 0;      ///< NDA_MASTER in dumps/events: the bridge's ifindex (0 if not reported).
  bool operator==(const FdbEntry&) const = default;
};

/// One IPv4/IPv6 neighbor (RTM_NEWNEIGH, AF_INET/AF_INET6) on an SVI (the bridge or a VLAN on it).
/// evpnd's: NTF_EXT_LEARNED, NUD_NOARP, protocol kProtocolEvpnd.
struct NeighEntry {
  int ifindex = 0;
  IpAddr ip;
  Mac mac;  ///< All zeros when the kernel has no link-layer address (e.g. NUD_FAILED).
  uint8_t flags = 0;
  uint16_t state = 0;
  uint8_t protocol = 0;  ///< NDA_PROTOCOL; 0 = unset.
  bool operator==(const NeighEntry&) const = default;
};

/// One next hop of a route.
struct NextHop {
  IpAddr gateway;
  int ifindex = 0;  ///< 0 = resolved by the kernel from the gateway.
  bool onlink = false;
  auto operator<=>(const NextHop&) const = default;
};

/// One unicast route (RTM_NEWROUTE). ECMP routes carry several next hops (RTA_MULTIPATH).
struct RouteEntry {
  uint32_t table = 254;  ///< RT_TABLE_MAIN by default.
  IpAddr dst;
  uint8_t prefix_length = 0;
  std::vector<NextHop> next_hops;  ///< Sorted by the writer's caller; compared as given.
  uint8_t protocol = 0;            ///< rtm_protocol.
  uint32_t metric = 0;             ///< RTA_PRIORITY.
  bool operator==(const RouteEntry&) const = default;
};

/// A network device, as RTM_NEWLINK reports it.
struct Link {
  int ifindex = 0;
  std::string name;
  std::string kind;  ///< IFLA_INFO_KIND: "vxlan", "bridge", "veth", "vlan", "" (none).
  int master = 0;    ///< IFLA_MASTER: the bridge (or VRF) it is enslaved to; 0 = none.
  bool up = false;   ///< IFF_UP and operationally not down.
  Mac mac;
  // VXLAN devices only (IFLA_VXLAN_*).
  uint32_t vni = 0;
  IpAddr local;  ///< IFLA_VXLAN_LOCAL(6): the local VTEP address.
  bool learning = true;
  // Bridge ports only (IFLA_PROTINFO / IFLA_BRPORT_*), when reported.
  bool neigh_suppress = false;
  // VLAN devices only: the parent and VLAN id.
  int link = 0;
  uint16_t vlan_id = 0;
  bool operator==(const Link&) const = default;
};

/// An interface address (RTM_NEWADDR).
struct Address {
  int ifindex = 0;
  IpAddr ip;
  uint8_t prefix_length = 0;
  bool operator==(const Address&) const = default;
};

/// What a write does. kReplace = NLM_F_CREATE|NLM_F_REPLACE; kAppend = NLM_F_CREATE|NLM_F_APPEND
/// (flood-list entries); kDelete = RTM_DEL*.
enum class Op : uint8_t { kReplace, kAppend, kDelete };
using Entry = std::variant<FdbEntry, NeighEntry, RouteEntry>;

/// One write.
struct Change {
  Op op = Op::kReplace;
  Entry entry;
};

/// Everything a dump returns. Entries of every owner are listed; callers filter on flags and
/// protocol.
struct Snapshot {
  std::vector<Link> links;
  std::vector<Address> addresses;
  std::vector<FdbEntry> fdb;
  std::vector<NeighEntry> neighbors;
  std::vector<RouteEntry> routes;  ///< Unicast routes of every table.
};

/// A kernel event. `removed` = RTM_DEL* (or a neighbor that went NUD_FAILED/INCOMPLETE is
/// reported as it is; callers decide).
struct Event {
  std::variant<Link, Address, FdbEntry, NeighEntry, RouteEntry> object;
  bool removed = false;
};

/// Receives kernel events, on the thread that owns the Dataplane.
class DataplaneListener {
 public:
  virtual ~DataplaneListener() = default;
  virtual void on_event(const Event& event) = 0;
  /// Events were lost (ENOBUFS on the monitor socket): the listener must dump and resync.
  virtual void on_events_lost() = 0;
};

/// The kernel's forwarding state: write in batches, dump, watch.
class Dataplane {
 public:
  virtual ~Dataplane() = default;
  /// Writes `changes` in order, as few sendmsg calls as the socket allows, and waits for every
  /// ACK. Returns one result per change: 0 or a negative errno (-EEXIST, -ENOENT, ...). Deleting
  /// what is already gone reports -ENOENT; callers treat it as done.
  virtual std::vector<int> apply(const std::vector<Change>& changes) = 0;
  /// A full dump of links, addresses, FDB, neighbors and routes. Empty on failure, with
  /// `error` set to a message.
  virtual Snapshot dump(std::string* error = nullptr) = 0;
  /// Starts delivering events to `listener` (null stops). Events are those after this call.
  virtual void watch(DataplaneListener* listener) = 0;
};

/// Text of an entry for logs and the API, e.g. "fdb vxlan100(7) aa:bb:cc:dd:ee:ff dst 10.0.0.12
/// self extern_learn". ifindexes appear as numbers.
std::string to_string(const Entry& entry);

}  // namespace evpnd::fib
