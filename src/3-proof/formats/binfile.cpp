#include "formats/binfile.hpp"

#include <cstdio>
#include <cstring>
#include <optional>

#include "base/error.hpp"
#include "base/parallel.hpp"

namespace pm::formats {

std::string hex_offset(std::uint64_t off) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(off));
  return buf;
}

namespace {

std::uint32_t load_u32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
std::uint64_t load_u64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

}  // namespace

BinFile::BinFile(std::span<const std::uint8_t> data, std::string kind, std::string name,
                 std::string_view magic, std::uint32_t min_version, std::uint32_t max_version)
    : data_(data), kind_(std::move(kind)), name_(std::move(name)) {
  if (data.size() < 12)
    fail(Errc::format, 0, "file too short for a header (" + std::to_string(data.size()) + " bytes)");
  if (std::memcmp(data.data(), magic.data(), 4) != 0) {
    fail(Errc::format, 0, "bad magic: expected '" + std::string(magic) + "'");
  }
  version_ = load_u32(data.data() + 4);
  if (version_ < min_version || version_ > max_version) {
    fail(Errc::format, 4, "unsupported version " + std::to_string(version_));
  }
  std::uint32_t n = load_u32(data.data() + 8);
  std::uint64_t pos = 12;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (data.size() - pos < 12) {
      fail(Errc::format, pos,
           "truncated: section header " + std::to_string(i + 1) + " of " + std::to_string(n) +
               " runs past the end of the file");
    }
    Section s;
    s.type = load_u32(data.data() + pos);
    s.size = load_u64(data.data() + pos + 4);
    s.offset = pos + 12;
    if (s.size > data.size() - s.offset) {
      fail(Errc::format, pos,
           "truncated: section " + std::to_string(s.type) + " declares " + std::to_string(s.size) +
               " bytes but only " + std::to_string(data.size() - s.offset) + " remain");
    }
    sections_.push_back(s);
    pos = s.offset + s.size;
  }
}

void BinFile::fail(Errc code, std::uint64_t offset, const std::string& msg) const {
  throw Error(code, kind_ + " '" + name_ + "' at offset " + hex_offset(offset) + ": " + msg);
}

bool BinFile::has_section(std::uint32_t type) const {
  for (const auto& s : sections_) {
    if (s.type == type) return true;
  }
  return false;
}

const Section& BinFile::section(std::uint32_t type, std::string_view what) const {
  const Section* found = nullptr;
  for (const auto& s : sections_) {
    if (s.type != type) continue;
    if (found != nullptr)
      fail(Errc::format, s.offset - 12,
           "section " + std::to_string(type) + " (" + std::string(what) + ") appears twice");
    found = &s;
  }
  if (found == nullptr) {
    throw Error(Errc::format, kind_ + " '" + name_ + "': missing section " + std::to_string(type) + " (" +
                                  std::string(what) + ")");
  }
  return *found;
}

Reader BinFile::reader(const Section& s, std::string_view what) const {
  return Reader(*this, s, what, body(s));
}

void Reader::fail_at(Errc code, std::uint64_t pos, const std::string& msg) const {
  throw Error(code, file_->kind() + " '" + file_->name() + "' section " + std::to_string(section_.type) +
                        " (" + what_ + ") at offset " + hex_offset(section_.offset + pos) + ": " + msg);
}

void Reader::fail(Errc code, const std::string& msg) const { fail_at(code, pos_, msg); }

void Reader::need(std::size_t n) {
  if (data_.size() - pos_ < n) {
    fail(Errc::format, "truncated: need " + std::to_string(n) + " bytes, " +
                           std::to_string(data_.size() - pos_) + " left in the section");
  }
}

std::uint32_t Reader::u32() {
  need(4);
  std::uint32_t v = load_u32(data_.data() + pos_);
  pos_ += 4;
  return v;
}

void Reader::prime(const ff::u256& expected, const char* which) {
  std::uint32_t n8 = u32();
  if (n8 != 32)
    fail(Errc::format,
         std::string(which) + " has " + std::to_string(n8) + " bytes; only BN254 (32) is supported");
  if (ff::load_le(bytes(32).data()) != expected) {
    fail(Errc::mismatch, std::string(which) + " is not BN254's (only bn128/BN254 files are supported)");
  }
}

std::uint64_t Reader::u64() {
  need(8);
  std::uint64_t v = load_u64(data_.data() + pos_);
  pos_ += 8;
  return v;
}

std::span<const std::uint8_t> Reader::bytes(std::size_t n) {
  need(n);
  auto s = data_.subspan(pos_, n);
  pos_ += n;
  return s;
}

ff::Fr Reader::fr_canonical() {
  need(32);
  auto v = ff::Fr::from_le_bytes(data_.data() + pos_);
  if (!v) fail(Errc::out_of_range, "field element >= r");
  pos_ += 32;
  return *v;
}

ff::Fq Reader::fq_mont() {
  need(32);
  auto v = ff::Fq::from_mont_le_bytes(data_.data() + pos_);
  if (!v) fail(Errc::out_of_range, "coordinate >= q");
  pos_ += 32;
  return *v;
}

ff::Fr Reader::fr_mont() {
  need(32);
  auto v = ff::Fr::from_mont_le_bytes(data_.data() + pos_);
  if (!v) fail(Errc::out_of_range, "field element >= r");
  pos_ += 32;
  return *v;
}

ec::G1Affine Reader::g1_mont() {
  std::size_t at = pos_;
  ec::G1Affine p;
  p.x = fq_mont();
  p.y = fq_mont();
  if (!p.is_on_curve()) fail_at(Errc::invalid_point, at, "G1 point is not on the curve");
  return p;
}

ec::G2Affine Reader::g2_mont() {
  std::size_t at = pos_;
  ec::G2Affine p;
  p.x.c0 = fq_mont();
  p.x.c1 = fq_mont();
  p.y.c0 = fq_mont();
  p.y.c1 = fq_mont();
  if (!p.is_on_curve()) fail_at(Errc::invalid_point, at, "G2 point is not on the twist curve");
  return p;
}

namespace {

// Decodes n points (each `point_bytes` long) in parallel into `out`, or only checks them when
// `out` is null; returns the first bad one, if any.
template <class Point, class Decode>
std::optional<BadPoint> decode_points(std::span<const std::uint8_t> all, std::size_t n,
                                      std::size_t point_bytes, Decode decode, Point* out) {
  auto one = [&](std::size_t i) {
    Point scratch;
    return decode(all.data() + i * point_bytes, out != nullptr ? out[i] : scratch);
  };
  auto bad = parallel_find_first(n, 4096, [&](std::size_t i) { return one(i) != 0; });
  if (!bad) return std::nullopt;
  return BadPoint{*bad, one(*bad)};
}

int decode_g1(const std::uint8_t* p, ec::G1Affine& out) {
  auto x = ff::Fq::from_mont_le_bytes(p), y = ff::Fq::from_mont_le_bytes(p + 32);
  if (!x || !y) return 1;
  out = ec::G1Affine::from_xy(*x, *y);
  return out.is_on_curve() ? 0 : 2;
}

int decode_g2(const std::uint8_t* p, ec::G2Affine& out) {
  ff::Fq c[4];
  for (int k = 0; k < 4; ++k) {
    auto v = ff::Fq::from_mont_le_bytes(p + 32 * k);
    if (!v) return 1;
    c[k] = *v;
  }
  out = ec::G2Affine::from_xy({c[0], c[1]}, {c[2], c[3]});
  return out.is_on_curve() ? 0 : 2;
}

}  // namespace

void Reader::check_points(std::span<const std::uint8_t> all, std::size_t point_bytes,
                          const std::optional<BadPoint>& bad, const char* group, const char* curve) {
  if (!bad) return;
  fail_at(bad->kind == 1 ? Errc::out_of_range : Errc::invalid_point,
          static_cast<std::size_t>(all.data() - data_.data()) + bad->index * point_bytes,
          std::string(group) + " point " + std::to_string(bad->index) +
              (bad->kind == 1 ? ": coordinate >= q" : std::string(" is not on the ") + curve));
}

void Reader::g1_array(std::span<ec::G1Affine> out) {
  auto all = bytes(out.size() * 64);
  check_points(all, 64, decode_points(all, out.size(), 64, decode_g1, out.data()), "G1", "curve");
}

void Reader::g2_array(std::span<ec::G2Affine> out) {
  auto all = bytes(out.size() * 128);
  check_points(all, 128, decode_points(all, out.size(), 128, decode_g2, out.data()), "G2", "twist curve");
}

std::span<const std::uint8_t> Reader::g1_array_checked(std::size_t n) {
  auto all = bytes(n * 64);
  check_points(all, 64, decode_points<ec::G1Affine>(all, n, 64, decode_g1, nullptr), "G1", "curve");
  return all;
}

std::span<const std::uint8_t> Reader::g2_array_checked(std::size_t n) {
  auto all = bytes(n * 128);
  check_points(all, 128, decode_points<ec::G2Affine>(all, n, 128, decode_g2, nullptr), "G2", "twist curve");
  return all;
}

void Reader::expect_end() {
  if (pos_ != data_.size()) {
    fail(Errc::format, "section has " + std::to_string(data_.size() - pos_) + " unexpected trailing bytes");
  }
}

BinWriter::BinWriter(std::string_view magic, std::uint32_t version, std::uint32_t n_sections) {
  bytes({reinterpret_cast<const std::uint8_t*>(magic.data()), 4});
  u32(version);
  u32(n_sections);
}

void BinWriter::begin_section(std::uint32_t type) {
  PM_ASSERT(!in_section_);
  u32(type);
  u64(0);
  section_start_ = buf_.size();
  in_section_ = true;
}

void BinWriter::end_section() {
  PM_ASSERT(in_section_);
  std::uint64_t size = buf_.size() - section_start_;
  std::memcpy(buf_.data() + section_start_ - 8, &size, 8);
  in_section_ = false;
}

void BinWriter::u32(std::uint32_t v) {
  std::uint8_t b[4];
  std::memcpy(b, &v, 4);
  bytes(b);
}
void BinWriter::u64(std::uint64_t v) {
  std::uint8_t b[8];
  std::memcpy(b, &v, 8);
  bytes(b);
}
void BinWriter::bytes(std::span<const std::uint8_t> b) {
  if (b.empty()) return;
  std::size_t at = buf_.size();
  buf_.resize(at + b.size());
  std::memcpy(buf_.data() + at, b.data(), b.size());
}
void BinWriter::prime(const ff::u256& p) {
  u32(32);
  std::uint8_t b[32];
  ff::store_le(p, b);
  bytes(b);
}
void BinWriter::fr_canonical(const ff::Fr& x) {
  std::uint8_t b[32];
  x.to_le_bytes(b);
  bytes(b);
}
void BinWriter::fq_mont(const ff::Fq& x) {
  std::uint8_t b[32];
  x.to_mont_le_bytes(b);
  bytes(b);
}
void BinWriter::g1_mont(const ec::G1Affine& p) {
  fq_mont(p.x);
  fq_mont(p.y);
}
void BinWriter::g2_mont(const ec::G2Affine& p) {
  fq_mont(p.x.c0);
  fq_mont(p.x.c1);
  fq_mont(p.y.c0);
  fq_mont(p.y.c1);
}

}  // namespace pm::formats
