#include "fib/key_index.h"

namespace evpnd::fib {

void KeyIndex::place(Bucket b) {
  for (size_t i = b.tag & mask_;; i = (i + 1) & mask_) {
    if (buckets_[i].slot == kNone) {
      buckets_[i] = b;
      return;
    }
  }
}

void KeyIndex::rehash(size_t buckets) {
  std::vector<Bucket> old;
  old.swap(buckets_);
  buckets_.assign(buckets, Bucket{});
  mask_ = buckets - 1;
  for (const Bucket& b : old) {
    if (b.slot != kNone) place(b);
  }
}

void KeyIndex::reserve(size_t n) {
  size_t buckets = buckets_.empty() ? 16 : buckets_.size();
  while (n + 1 > buckets / 4 * 3) buckets *= 2;
  if (buckets != buckets_.size()) rehash(buckets);
}

void KeyIndex::insert(uint64_t hash, uint32_t slot) {
  reserve(size_ + 1);
  place(Bucket{static_cast<uint32_t>(hash), slot});
  ++size_;
}

void KeyIndex::erase(uint64_t hash, uint32_t slot) {
  if (buckets_.empty()) return;
  size_t i = static_cast<uint32_t>(hash) & mask_;
  while (buckets_[i].slot != slot) {
    if (buckets_[i].slot == kNone) return;
    i = (i + 1) & mask_;
  }
  // Backward shift: pull later members of the probe run into the hole when their home bucket is
  // not between the hole and where they sit (cyclically), so lookups never stop early.
  for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
    const Bucket& b = buckets_[j];
    if (b.slot == kNone) break;
    const size_t home = b.tag & mask_;
    if (((j - home) & mask_) >= ((j - i) & mask_)) {
      buckets_[i] = b;
      i = j;
    }
  }
  buckets_[i] = Bucket{};
  --size_;
}

void KeyIndex::clear() {
  buckets_.clear();
  buckets_.shrink_to_fit();
  mask_ = 0;
  size_ = 0;
}

}  // namespace evpnd::fib
