// A compact hash index from a 64-bit key hash to a 32-bit slot number, for the FIB's million-entry
// tables: open addressing with linear probing and backward-shift deletion, 8 octets per bucket,
// at most 3/4 full. It stores no keys: lookups ask the caller whether a candidate slot holds the
// key. Internal to fib/ (the desired state of DESIGN.md "fib/"); no RFC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace evpnd::fib {

class KeyIndex {
 public:
  static constexpr uint32_t kNone = 0xffffffffu;

  /// The slot whose key has `hash` and for which `is_key(slot)` is true, or kNone.
  template <class IsKey>
  uint32_t find(uint64_t hash, IsKey&& is_key) const {
    if (buckets_.empty()) return kNone;
    const auto tag = static_cast<uint32_t>(hash);
    for (size_t i = tag & mask_;; i = (i + 1) & mask_) {
      const Bucket& b = buckets_[i];
      if (b.slot == kNone) return kNone;
      if (b.tag == tag && is_key(b.slot)) return b.slot;
    }
  }
  /// Adds `slot` under `hash` (the caller checked that its key is absent). `slot` != kNone.
  void insert(uint64_t hash, uint32_t slot);
  /// Removes `slot`, inserted under `hash`. No-op if absent.
  void erase(uint64_t hash, uint32_t slot);
  /// Makes room for `n` slots without rehashing.
  void reserve(size_t n);
  void clear();
  size_t size() const { return size_; }
  /// Heap octets in use.
  size_t memory_bytes() const { return buckets_.capacity() * sizeof(Bucket); }

 private:
  struct Bucket {
    uint32_t tag = 0;  ///< Low 32 bits of the hash: home bucket and a cheap first compare.
    uint32_t slot = kNone;
  };
  void rehash(size_t buckets);
  void place(Bucket b);

  std::vector<Bucket> buckets_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace evpnd::fib
