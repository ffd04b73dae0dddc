#include "fib/entry_key.h"

#include <cstring>
#include <tuple>

namespace evpnd::fib {

namespace {

// Copies the octets of `ip` in use (0, 4 or 16), so that stray octets past an IPv4 address never
// make two keys differ.
void put_addr(EntryKey& k, const IpAddr& ip) {
  const size_t n = ip.size();
  k.family = n ? ip.family : 0;
  std::memcpy(k.addr.data(), ip.octets.data(), n);
}

uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

uint64_t EntryKey::hash() const {
  uint64_t w[4];
  std::memcpy(w, this, sizeof w);
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (uint64_t x : w) h = mix(h ^ x) + 0x9e3779b97f4a7c15ULL;
  return h;
}

bool EntryKey::less(const EntryKey& a, const EntryKey& b) {
  return std::tie(a.kind, a.id, a.vlan, a.mac, a.family, a.addr, a.prefix_length) <
         std::tie(b.kind, b.id, b.vlan, b.mac, b.family, b.addr, b.prefix_length);
}

bool is_flood(const FdbEntry& e) { return !(e.flags & kNtfMaster) && e.mac.is_zero(); }

EntryKey key_of(const FdbEntry& e) {
  EntryKey k;
  k.vlan = e.vlan;
  k.mac = e.mac.octets;
  if (e.flags & kNtfMaster) {
    k.kind = EntryKey::kFdbMaster;
    k.id = static_cast<uint32_t>(e.master ? e.master : e.ifindex);
  } else if (e.mac.is_zero()) {
    k.kind = EntryKey::kFdbFlood;
    k.id = static_cast<uint32_t>(e.ifindex);
    put_addr(k, e.dst);
  } else {
    k.kind = EntryKey::kFdbSelf;
    k.id = static_cast<uint32_t>(e.ifindex);
  }
  return k;
}

EntryKey key_of(const NeighEntry& e) {
  EntryKey k;
  k.kind = EntryKey::kNeigh;
  k.id = static_cast<uint32_t>(e.ifindex);
  put_addr(k, e.ip);
  return k;
}

EntryKey key_of(const RouteEntry& e) {
  EntryKey k;
  k.kind = EntryKey::kRoute;
  k.id = e.table;
  k.prefix_length = e.prefix_length;
  put_addr(k, e.dst);
  return k;
}

EntryKey key_of(const Entry& e) {
  if (const auto* f = std::get_if<FdbEntry>(&e)) return key_of(*f);
  if (const auto* n = std::get_if<NeighEntry>(&e)) return key_of(*n);
  return key_of(std::get<RouteEntry>(e));
}

}  // namespace evpnd::fib
