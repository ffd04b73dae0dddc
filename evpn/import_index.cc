#include "evpn/import_index.h"

#include <algorithm>
#include <variant>

namespace evpnd::evpn {

void ImportIndex::insert(std::vector<uint32_t>& list, uint32_t vni) {
  auto it = std::lower_bound(list.begin(), list.end(), vni);
  if (it == list.end() || *it != vni) list.insert(it, vni);
}

void ImportIndex::erase(std::vector<uint32_t>& list, uint32_t vni) {
  auto it = std::lower_bound(list.begin(), list.end(), vni);
  if (it != list.end() && *it == vni) list.erase(it);
}

void ImportIndex::add(uint32_t vni, const std::vector<codec::RouteTarget>& rts, bool auto_import) {
  remove(vni);
  Entry& e = vnis_[vni];
  e.rts = rts;
  e.auto_import = auto_import;
  for (const auto& rt : rts) insert(exact_[rt], vni);
  if (auto_import) {
    insert(auto_type0_[vni], vni);
    insert(auto_type2_[vni & 0xffff], vni);
  }
}

void ImportIndex::remove(uint32_t vni) {
  auto it = vnis_.find(vni);
  if (it == vnis_.end()) return;
  auto drop = [vni](auto& map, const auto& key) {
    auto m = map.find(key);
    if (m == map.end()) return;
    erase(m->second, vni);
    if (m->second.empty()) map.erase(m);
  };
  for (const auto& rt : it->second.rts) drop(exact_, rt);
  if (it->second.auto_import) {
    drop(auto_type0_, vni);
    drop(auto_type2_, vni & 0xffff);
  }
  vnis_.erase(it);
}

void ImportIndex::match(const codec::ExtendedCommunities& communities,
                        std::vector<uint32_t>& out) const {
  out.clear();
  auto add_all = [&out](const auto& map, const auto& key) {
    auto m = map.find(key);
    if (m != map.end()) out.insert(out.end(), m->second.begin(), m->second.end());
  };
  for (const auto& c : communities.values) {
    const auto* rt = std::get_if<codec::RouteTarget>(&c);
    if (rt == nullptr) continue;
    add_all(exact_, *rt);
    if (rt->value.type == 0) add_all(auto_type0_, rt->value.assigned);
    if (rt->value.type == 2) add_all(auto_type2_, rt->value.assigned);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace evpnd::evpn
