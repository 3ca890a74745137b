#pragma once
/// \file The binary container shared by circom's .r1cs/.wtns and snarkjs's .zkey/.ptau files:
/// 4-byte magic, u32 version, u32 section count, then sections of (u32 type, u64 size, body),
/// all little-endian. Every read is bounds-checked; errors name the file, section and offset.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.hpp"
#include "ec/bn254.hpp"
#include "ff/bn254.hpp"

namespace pm::formats {

struct Section {
  std::uint32_t type = 0;
  std::uint64_t offset = 0;  ///< of the body, from the start of the file
  std::uint64_t size = 0;
};

class Reader;

class BinFile {
 public:
  /// Parses the container header and section table of `data` (not owned). `kind` ("zkey") and
  /// `name` (the path) appear in error messages.
  BinFile(std::span<const std::uint8_t> data, std::string kind, std::string name, std::string_view magic,
          std::uint32_t min_version, std::uint32_t max_version);

  std::uint32_t version() const { return version_; }
  const std::vector<Section>& sections() const { return sections_; }
  /// The unique section of this type; throws if missing or repeated.
  const Section& section(std::uint32_t type, std::string_view what) const;
  bool has_section(std::uint32_t type) const;
  Reader reader(const Section& s, std::string_view what) const;
  std::span<const std::uint8_t> body(const Section& s) const { return data_.subspan(s.offset, s.size); }
  [[noreturn]] void fail(Errc code, std::uint64_t offset, const std::string& msg) const;
  const std::string& name() const { return name_; }
  const std::string& kind() const { return kind_; }

 private:
  std::span<const std::uint8_t> data_;
  std::string kind_, name_;
  std::uint32_t version_ = 0;
  std::vector<Section> sections_;
};

/// The first invalid point of an array: kind 1 a coordinate >= q, kind 2 off the curve.
struct BadPoint {
  std::size_t index;
  int kind;
};

/// A cursor over one section body.
class Reader {
 public:
  Reader(const BinFile& file, const Section& s, std::string_view what, std::span<const std::uint8_t> data)
      : file_(&file), section_(s), what_(what), data_(data) {}

  std::uint32_t u32();
  std::uint64_t u64();
  std::span<const std::uint8_t> bytes(std::size_t n);
  /// A field size (u32, must be 32) then that many bytes of prime, which must be `expected`.
  void prime(const ff::u256& expected, const char* which);
  /// A 32-byte standard-form element; rejects values >= the modulus.
  ff::Fr fr_canonical();
  /// A 32-byte Montgomery-form element; rejects values >= the modulus.
  ff::Fq fq_mont();
  ff::Fr fr_mont();
  /// Affine points in Montgomery form, (0, 0) for infinity; rejects points off the curve.
  ec::G1Affine g1_mont();
  ec::G2Affine g2_mont();
  /// Bulk reads of `n` points, validated on the curve in parallel.
  void g1_array(std::span<ec::G1Affine> out);
  void g2_array(std::span<ec::G2Affine> out);
  /// The same checks on `n` points without decoding them: returns their bytes, whose layout
  /// is our in-memory one (for tables that view the file).
  std::span<const std::uint8_t> g1_array_checked(std::size_t n);
  std::span<const std::uint8_t> g2_array_checked(std::size_t n);

  std::uint64_t position() const { return section_.offset + pos_; }
  std::uint64_t remaining() const { return data_.size() - pos_; }
  /// Throws unless the whole section was consumed.
  void expect_end();
  [[noreturn]] void fail(Errc code, const std::string& msg) const;
  [[noreturn]] void fail_at(Errc code, std::uint64_t pos, const std::string& msg) const;

 private:
  void need(std::size_t n);
  void check_points(std::span<const std::uint8_t> all, std::size_t point_bytes,
                    const std::optional<BadPoint>& bad, const char* group, const char* curve);
  const BinFile* file_;
  Section section_;
  std::string what_;
  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
};

/// Writer for the same container: sections are appended whole.
class BinWriter {
 public:
  BinWriter(std::string_view magic, std::uint32_t version, std::uint32_t n_sections);
  void begin_section(std::uint32_t type);
  void end_section();
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void bytes(std::span<const std::uint8_t> b);
  /// A field size (u32 32) then the 32-byte little-endian prime, as Reader::prime reads it.
  void prime(const ff::u256& p);
  void fr_canonical(const ff::Fr& x);
  void fq_mont(const ff::Fq& x);
  void g1_mont(const ec::G1Affine& p);
  void g2_mont(const ec::G2Affine& p);
  const std::vector<std::uint8_t>& data() const { return buf_; }

 private:
  std::vector<std::uint8_t> buf_;
  std::size_t section_start_ = 0;
  bool in_section_ = false;
};

std::string hex_offset(std::uint64_t off);

}  // namespace pm::formats
