// Internal to bgpd/rib: an open-addressing hash map from 32-bit ids to small values (linear
// probing, backward-shift deletion, no tombstones), for per-peer Adj-RIB-Out state. One slot
// is 4 octets plus the value; the table stays between 40% and 80% full.
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

#include "bgpd/rib/hash.h"

namespace evpnd::rib::detail {

template <class V>
class U32Map {
 public:
  static constexpr uint32_t kEmpty = UINT32_MAX;  ///< Not a valid key.

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

  V* find(uint32_t key) {
    if (slots_.empty()) return nullptr;
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == kEmpty) return nullptr;
    }
  }
  const V* find(uint32_t key) const { return const_cast<U32Map*>(this)->find(key); }

  /// The value for `key`, inserted value-initialised if absent (`inserted` tells).
  V& insert(uint32_t key, bool& inserted) {
    assert(key != kEmpty);
    if ((size_ + 1) * 5 > slots_.size() * 4) grow();
    for (size_t i = home(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) {
        inserted = false;
        return slots_[i].value;
      }
      if (slots_[i].key == kEmpty) {
        slots_[i].key = key;
        slots_[i].value = V{};
        ++size_;
        inserted = true;
        return slots_[i].value;
      }
    }
  }

  bool erase(uint32_t key) {
    if (slots_.empty()) return false;
    size_t i = home(key);
    while (slots_[i].key != key) {
      if (slots_[i].key == kEmpty) return false;
      i = (i + 1) & mask_;
    }
    // Backward-shift: pull later entries of the cluster into the hole when that keeps them
    // reachable from their home slot.
    for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      if (slots_[j].key == kEmpty) break;
      const size_t h = home(slots_[j].key);
      const bool movable = i <= j ? (h <= i || h > j) : (h <= i && h > j);
      if (movable) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i].key = kEmpty;
    --size_;
    return true;
  }

  /// Calls f(key, value&) for every entry. The map must not change during the walk.
  template <class F>
  void for_each(F&& f) {
    for (auto& s : slots_) {
      if (s.key != kEmpty) f(s.key, s.value);
    }
  }
  template <class F>
  void for_each(F&& f) const {
    for (const auto& s : slots_) {
      if (s.key != kEmpty) f(s.key, s.value);
    }
  }

  void clear() {
    slots_.clear();
    slots_.shrink_to_fit();
    mask_ = 0;
    size_ = 0;
  }

 private:
  struct Slot {
    uint32_t key = kEmpty;
    V value{};
  };

  size_t home(uint32_t key) const { return mix64(key) & mask_; }

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    const size_t n = old.empty() ? 16 : old.size() * 2;
    slots_.assign(n, Slot{});
    mask_ = n - 1;
    for (const auto& s : old) {
      if (s.key == kEmpty) continue;
      size_t i = home(s.key);
      while (slots_[i].key != kEmpty) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace evpnd::rib::detail
