// Bounds-checked big-endian reading and writing of BGP wire bytes. Every read reports failure
// instead of running past the end; offsets are absolute within the message being decoded so
// that errors can say where they were found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace evpnd::codec {

/// A read cursor over a byte span. `offset()` is the absolute offset of the next byte, counted
/// from the start of the enclosing message (the base given at construction).
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data, size_t base_offset = 0)
      : data_(data), base_(base_offset) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ == data_.size(); }
  /// Absolute offset of the next unread byte.
  size_t offset() const { return base_ + pos_; }

  bool u8(uint8_t& v) {
    if (remaining() < 1) return false;
    v = data_[pos_++];
    return true;
  }
  bool u16(uint16_t& v) {
    if (remaining() < 2) return false;
    v = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  /// Reads 3 octets (an MPLS label field or a VNI).
  bool u24(uint32_t& v) {
    if (remaining() < 3) return false;
    v = (uint32_t{data_[pos_]} << 16) | (uint32_t{data_[pos_ + 1]} << 8) | data_[pos_ + 2];
    pos_ += 3;
    return true;
  }
  bool u32(uint32_t& v) {
    if (remaining() < 4) return false;
    v = (uint32_t{data_[pos_]} << 24) | (uint32_t{data_[pos_ + 1]} << 16) |
        (uint32_t{data_[pos_ + 2]} << 8) | data_[pos_ + 3];
    pos_ += 4;
    return true;
  }
  /// Copies exactly `out.size()` bytes.
  bool copy(std::span<uint8_t> out) {
    if (remaining() < out.size()) return false;
    if (!out.empty()) std::memcpy(out.data(), data_.data() + pos_, out.size());
    pos_ += out.size();
    return true;
  }
  /// Views the next `n` bytes without copying.
  bool view(size_t n, std::span<const uint8_t>& out) {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  /// Splits off the next `n` bytes as a reader of their own (offsets stay absolute).
  bool sub(size_t n, Reader& out) {
    if (remaining() < n) return false;
    out = Reader(data_.subspan(pos_, n), base_ + pos_);
    pos_ += n;
    return true;
  }
  /// Everything not yet read.
  std::span<const uint8_t> rest() const { return data_.subspan(pos_); }

 private:
  std::span<const uint8_t> data_;
  size_t base_ = 0;
  size_t pos_ = 0;
};

/// An append-only big-endian writer into a caller-owned vector.
class Writer {
 public:
  explicit Writer(std::vector<uint8_t>& out) : out_(out) {}

  size_t size() const { return out_.size(); }
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v));
  }
  void u24(uint32_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 16));
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 24));
    out_.push_back(static_cast<uint8_t>(v >> 16));
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v));
  }
  void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  /// Patches a 16-bit value written earlier at absolute position `at`.
  void patch_u16(size_t at, uint16_t v) {
    out_[at] = static_cast<uint8_t>(v >> 8);
    out_[at + 1] = static_cast<uint8_t>(v);
  }
  void patch_u8(size_t at, uint8_t v) { out_[at] = v; }

 private:
  std::vector<uint8_t>& out_;
};

}  // namespace evpnd::codec
