// The EVPN instances of one host (RFC 7432 §6 EVIs, one per L2VNI under RFC 8365 §5.1.2): the
// translator between the global EVPN table (the Loc-RIB's L2VPN EVPN destinations) and each
// VNI's kernel state. Per VNI it derives the RD and route targets (auto as FRR does), originates
// the inclusive multicast route (type 3, §11.1, ingress replication) and MAC/IP routes (type 2,
// §9.1.1) for local MACs and neighbors, imports received routes by route target (§9.1.2), picks
// the winner of every MAC with the MAC mobility rules (§15, §15.1), and freezes MACs that move
// too often (duplicate address detection, as FRR's dup-addr-detection). Pure single-threaded
// code: no sockets, no logging, time comes in as parameters.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bgpd/codec/address.h"
#include "bgpd/codec/extended_community.h"
#include "bgpd/codec/route_distinguisher.h"
#include "bgpd/rib/rib.h"

namespace evpnd::evpn {

using Clock = std::chrono::steady_clock;

/// One configured L2VNI.
struct VniSettings {
  uint32_t vni = 0;
  /// "auto" -> auto_rd(router_id, vni), else RD text ("10.0.0.1:3", "65000:7"); text that does
  /// not parse falls back to auto (config validation is the daemon's).
  std::string rd = "auto";
  /// "auto" or RT text ("65000:100"). Unparsable entries are skipped; an empty list is "auto".
  std::vector<std::string> imports{"auto"}, exports{"auto"};
};

struct EvpnOptions {
  uint32_t asn = 0;
  codec::IpAddress router_id;  ///< IPv4; the administrator field of auto RDs.
  /// Next hop of our routes and PMSI tunnel endpoint. None: nothing is originated (import only).
  codec::IpAddress vtep;
  bool advertise_all_vni = false;  ///< Any VNI reported by vni_up is active; else only `vnis`.
  std::vector<VniSettings> vnis;
  bool dup_detection = true;             ///< Duplicate address detection on/off.
  uint32_t dup_max_moves = 5;            ///< Duplicate detection: more than this many moves ...
  std::chrono::seconds dup_window{180};  ///< ... within this window freezes the MAC.
  std::chrono::seconds dup_freeze{180};  ///< Frozen MACs recover after this; 0 = until cleared.
  /// How long a MAC gone from everywhere (no local entry, no remote route) keeps its highest
  /// sequence number and move count, so that coming back it is advertised with highest + 1.
  std::chrono::seconds mac_hold{600};
};

/// Where the kernel should send frames for a remote MAC.
struct RemoteMac {
  codec::IpAddress vtep;
  uint32_t sequence = 0;
  bool sticky = false;
  bool operator==(const RemoteMac&) const = default;
};

/// What the EVPN layer wants in the kernel; the daemon turns it into fib entries. Calls are
/// changes only: an entry is never set twice to the same value, never removed unless set.
class KernelSink {
 public:
  virtual ~KernelSink() = default;
  /// Remote MAC of `vni` behind `where->vtep` (FDB on the VXLAN device + bridge entry);
  /// nullopt: remove.
  virtual void set_remote_mac(uint32_t vni, const codec::MacAddress& mac,
                              const std::optional<RemoteMac>& where) = 0;
  /// Head-end replication: `vtep` in the flood list of `vni` (present) or not.
  virtual void set_flood_vtep(uint32_t vni, const codec::IpAddress& vtep, bool present) = 0;
  /// Remote MAC+IP binding (neighbor entry on the VNI's SVI, ARP/ND suppression); nullopt:
  /// remove.
  virtual void set_remote_neigh(uint32_t vni, const codec::IpAddress& ip,
                                const std::optional<codec::MacAddress>& mac) = 0;
};

/// The EVPN instances. Calls Rib::originate/withdraw_local for its own routes from inside
/// vni_up, vni_down, local_mac, local_neigh, on_best_path_change, tick and clear_frozen: do not
/// call them from inside Rib::drain_changes's visitor (drain into a vector first, then feed the
/// changes in order; our writes touch only local paths, so the remote paths the drained views
/// point at stay alive).
class Evpn {
 public:
  Evpn(rib::Rib& rib, KernelSink& sink, EvpnOptions options);
  ~Evpn();
  Evpn(const Evpn&) = delete;
  Evpn& operator=(const Evpn&) = delete;

  /// The kernel has VNI `vni` (a VXLAN device enslaved to a bridge). Activates the EVPN
  /// instance if advertise_all_vni or configured: originates the type-3 route (PMSI ingress
  /// replication), imports remote routes already in the Loc-RIB. Returns false if not active.
  /// Again for an active VNI: updates the device names only (true).
  bool vni_up(uint32_t vni, const std::string& vxlan_device, const std::string& bridge);
  /// The VXLAN device went away: withdraws every local route of the VNI and removes its remote
  /// state from the sink. The instance forgets its MACs (frozen ones included).
  void vni_down(uint32_t vni);
  /// A MAC learned (present) or gone on a local bridge port (not the VXLAN device) of `vni`.
  /// Ignored for inactive VNIs, all-zero and group MACs, and for a removal naming another port
  /// than the one the MAC was last learned on (the MAC moved between local ports).
  void local_mac(uint32_t vni, const codec::MacAddress& mac, const std::string& port, bool present,
                 Clock::time_point now);
  /// A local neighbor (IP -> MAC) on the VNI's SVI, learned by the kernel (not one evpnd
  /// installed). A removal naming another MAC than the current one is ignored.
  void local_neigh(uint32_t vni, const codec::IpAddress& ip, const codec::MacAddress& mac,
                   bool present, Clock::time_point now);
  /// A best-path change drained from the Rib. Non-EVPN families and kLocalPeer paths are
  /// ignored (a destination whose best becomes local stops being a remote candidate). Type 2
  /// and 3 are imported; other route types are ignored.
  void on_best_path_change(const rib::BestPathChange& change, Clock::time_point now);
  /// Timers: recovery of frozen MACs, forgetting MACs gone for mac_hold. Returns when it next
  /// needs a call (nullopt: never).
  std::optional<Clock::time_point> tick(Clock::time_point now);
  /// Unfreezes a frozen MAC now and re-evaluates it (`clear evpn dup-addr`). False if the MAC
  /// is not frozen.
  bool clear_frozen(uint32_t vni, const codec::MacAddress& mac, Clock::time_point now);

  // Views for the API (`evpnctl show evpn vni|mac|arp`), sorted by VNI, then MAC / IP:
  struct VniView {
    uint32_t vni;
    std::string vxlan_device, bridge;
    codec::RouteDistinguisher rd;
    std::vector<codec::RouteTarget> import_rts, export_rts;  ///< import_rts: the explicit ones.
    bool import_auto;
    size_t local_macs, remote_macs;              ///< MACs shown local / remote by macs().
    std::vector<codec::IpAddress> remote_vteps;  ///< The flood list (ascending).
  };
  struct MacView {
    uint32_t vni;
    codec::MacAddress mac;
    bool local;
    std::string port;       ///< Local: the bridge port.
    codec::IpAddress vtep;  ///< Remote: the VTEP in the kernel.
    uint32_t sequence;      ///< Local: the sequence advertised; remote: the winner's.
    bool sticky;
    bool frozen;
    uint32_t moves;                     ///< Moves in the current detection window.
    std::vector<codec::IpAddress> ips;  ///< Local neighbors / the winner's MAC+IP routes.
  };
  struct ArpView {
    uint32_t vni;
    codec::IpAddress ip;
    codec::MacAddress mac;
    bool local;             ///< Local neighbor (learned by the kernel) or one evpnd installed.
    codec::IpAddress vtep;  ///< Remote: the MAC's VTEP; local: none.
  };
  std::vector<VniView> vnis() const;
  std::vector<MacView> macs(std::optional<uint32_t> vni = std::nullopt) const;
  std::vector<ArpView> arps(std::optional<uint32_t> vni = std::nullopt) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace evpnd::evpn
