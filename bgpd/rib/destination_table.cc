#include "bgpd/rib/destination_table.h"

#include <cstring>

namespace evpnd::rib {

int Destination::find_path(PeerId peer, uint32_t path_id) const {
  for (size_t i = 0; i < count; ++i) {
    const Path& p = path(i);
    if (p.peer == peer && p.path_id == path_id) return static_cast<int>(i);
  }
  return -1;
}

size_t Destination::add_path(const Path& p) {
  if (count == 0) {
    first = p;
    count = 1;
    return 0;
  }
  if (static_cast<size_t>(count - 1) == more_cap) {
    const uint16_t cap = static_cast<uint16_t>(more_cap == 0 ? 2 : more_cap * 2);
    Path* grown = new Path[cap];
    if (more_cap) std::memcpy(grown, more, sizeof(Path) * more_cap);
    delete[] more;
    more = grown;
    more_cap = cap;
  }
  more[count - 1] = p;
  return count++;
}

void Destination::remove_path(size_t i) {
  assert(i < count);
  const size_t last = count - 1u;
  if (i != last) path(i) = path(last);
  --count;
  if (count <= 1 && more) release_paths();
}

void Destination::release_paths() {
  delete[] more;
  more = nullptr;
  more_cap = 0;
}

DestinationTable::~DestinationTable() {
  for (DestId id = 0; id < next_id_; ++id) at(id).release_paths();
}

DestId DestinationTable::find(const RouteKey& key) const {
  if (slots_.empty()) return kNoDest;
  const auto h = static_cast<uint32_t>(key.hash());
  for (size_t i = home(h);; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.id == kNoDest) return kNoDest;
    if (s.hash == h && at(s.id).key == key) return s.id;
  }
}

DestId DestinationTable::find_or_insert(const RouteKey& key, bool& inserted) {
  if ((size_ + 1) * 5 > slots_.size() * 4) grow();
  const auto h = static_cast<uint32_t>(key.hash());
  size_t i = home(h);
  for (;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.id == kNoDest) break;
    if (s.hash == h && at(s.id).key == key) {
      inserted = false;
      return s.id;
    }
  }
  DestId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = next_id_++;
    if ((id >> kChunkBits) >= chunks_.size()) {
      chunks_.push_back(std::make_unique<Destination[]>(size_t{1} << kChunkBits));
    }
  }
  Destination& d = at(id);
  d = Destination{};
  d.key = key;
  d.flags = Destination::kAlive;
  slots_[i] = Slot{h, id};
  ++size_;
  inserted = true;
  return id;
}

void DestinationTable::erase(DestId id) {
  Destination& d = at(id);
  assert(d.count == 0 && d.out_refs == 0);
  const auto h = static_cast<uint32_t>(d.key.hash());
  size_t i = home(h);
  while (slots_[i].id != id) i = (i + 1) & mask_;
  for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
    if (slots_[j].id == kNoDest) break;
    const size_t hj = home(slots_[j].hash);
    const bool movable = i <= j ? (hj <= i || hj > j) : (hj <= i && hj > j);
    if (movable) {
      slots_[i] = slots_[j];
      i = j;
    }
  }
  slots_[i] = Slot{};
  d.release_paths();
  d = Destination{};
  free_.push_back(id);
  --size_;
}

void DestinationTable::grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  const size_t n = old.empty() ? 1024 : old.size() * 2;
  slots_.assign(n, Slot{});
  mask_ = n - 1;
  for (const auto& s : old) {
    if (s.id == kNoDest) continue;
    size_t i = home(s.hash);
    while (slots_[i].id != kNoDest) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

size_t DestinationTable::memory_bytes() const {
  size_t n = chunks_.size() * (sizeof(Destination) << kChunkBits) +
             slots_.capacity() * sizeof(Slot) + free_.capacity() * sizeof(DestId);
  for (DestId id = 0; id < next_id_; ++id) n += at(id).more_cap * sizeof(Path);
  return n;
}

}  // namespace evpnd::rib
