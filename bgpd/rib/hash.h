// Internal to bgpd/rib: a small, fast 64-bit hash over octets for the RIB's hash tables
// (destination index, attribute and extras interning). Not a cryptographic hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace evpnd::rib::detail {

/// The splitmix64 finaliser: a bijective mix of all 64 bits.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/// Hashes `n` octets, 8 at a time.
inline uint64_t hash_bytes(const void* data, size_t n, uint64_t seed = 0) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ mix64(w)) * 0x9e3779b97f4a7c15ULL;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  std::memcpy(&w, p, n);
  h = (h ^ mix64(w ^ n)) * 0x9e3779b97f4a7c15ULL;
  return mix64(h);
}

}  // namespace evpnd::rib::detail
