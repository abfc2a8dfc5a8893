// Files written whole or not at all: write_file_atomically(path, write) lets write(std::ostream&)
// fill a temporary file beside `path` and renames it into place only when everything was
// written, so that a reader never sees a partial file and a failed write (an exception from
// `write`, a full disk) leaves none behind.
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <system_error>

#include "error.hpp"

namespace SYMGRAD_NS {

template <class Write>
void write_file_atomically(const std::string& path, Write&& write) {
  namespace fs = std::filesystem;
  fs::path tmp = path;
  tmp += ".tmp-" + std::to_string(reinterpret_cast<std::uintptr_t>(&path));
  auto discard = [&] {
    std::error_code ec;
    fs::remove(tmp, ec);
  };
  {
    std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
    if (!o) throw IOError("cannot open '" + tmp.string() + "' for writing");
    try {
      write(static_cast<std::ostream&>(o));
    } catch (...) {
      o.close();
      discard();
      throw;
    }
    o.flush();
    if (!o) {
      o.close();
      discard();
      throw IOError("writing '" + path + "' failed (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    discard();
    throw IOError("cannot move the finished file into place at '" + path + "'");
  }
}

}  // namespace SYMGRAD_NS
