// Route-target import of EVPN routes into L2VNIs (RFC 7432 §9.1.1, RFC 8365 §5.1.2.1): which
// local EVPN instances a received route belongs to, from its route-target extended communities.
// An instance imports with explicit RTs (exact match) and/or "auto": any RT whose
// assigned-number field is the VNI (type 0, ASN2:VNI) or the VNI's low 16 bits (type 2,
// ASN4:VNI), whatever the ASN, so that eBGP fabrics with one ASN per leaf work as with FRR.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "bgpd/codec/extended_community.h"
#include "bgpd/codec/path_attribute.h"

namespace evpnd::evpn {

class ImportIndex {
 public:
  /// Registers (or replaces) the import list of `vni`: `rts` matched exactly, plus the auto
  /// rule when `auto_import`.
  void add(uint32_t vni, const std::vector<codec::RouteTarget>& rts, bool auto_import);
  /// Forgets `vni`; nothing if unknown.
  void remove(uint32_t vni);
  /// The VNIs (ascending, each once) whose import list matches one of the route targets among
  /// `communities` (other extended communities are skipped). Clears `out` first.
  void match(const codec::ExtendedCommunities& communities, std::vector<uint32_t>& out) const;
  bool empty() const { return vnis_.empty(); }

 private:
  struct Entry {
    std::vector<codec::RouteTarget> rts;
    bool auto_import = false;
  };
  static void insert(std::vector<uint32_t>& list, uint32_t vni);
  static void erase(std::vector<uint32_t>& list, uint32_t vni);

  std::map<uint32_t, Entry> vnis_;
  std::map<codec::RouteTarget, std::vector<uint32_t>> exact_;
  std::map<uint32_t, std::vector<uint32_t>> auto_type0_;  ///< Assigned number -> VNIs.
  std::map<uint32_t, std::vector<uint32_t>> auto_type2_;  ///< Low 16 bits of VNI -> VNIs.
};

}  // namespace evpnd::evpn
