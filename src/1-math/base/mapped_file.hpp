#pragma once
/// \file Read-only memory-mapped files: large zkeys and witnesses are mapped, never copied.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace pm {

class MappedFile {
 public:
  MappedFile() = default;
  /// Maps `path` read-only; throws Error(Errc::io) naming the file on failure.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
  /// Drops the whole pages inside `range` (a part of bytes()) from this process's resident
  /// memory; they stay readable (the kernel reads them back from the page cache on access).
  /// Used once a section has been decoded into its own arrays.
  void release(std::span<const std::uint8_t> range) const noexcept;
  const std::string& path() const { return path_; }

 private:
  void reset() noexcept;
  std::string path_;
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Writes `data` to `path` atomically (temporary file, then rename); throws Error(Errc::io).
void write_file(const std::string& path, std::span<const std::uint8_t> data);
void write_file(const std::string& path, const std::string& text);

}  // namespace pm
