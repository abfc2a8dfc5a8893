// Shared by the fuzz targets: the contract they check is that bad input gives an sg::Error and
// nothing else (any other exception escapes and libFuzzer reports it as a crash).
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace fuzz {

// A file holding `bytes`, for readers that take a path; one per process and slot, rewritten per input.
inline std::string temp_file(std::string_view bytes, int slot = 0) {
  std::string path = "/tmp/symgrad_fuzz_" + std::to_string(getpid()) + "_" + std::to_string(slot);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  return path;
}

inline std::string_view as_view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace fuzz
