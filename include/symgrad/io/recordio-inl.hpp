// Definitions of io/recordio.hpp.
#pragma once
#include <atomic>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>
#include "recordio.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_RECORDIO)
namespace SYMGRAD_NS::recordio {

SYMGRAD_INLINE std::string pack(const IRHeader& h, std::string_view payload) {
  IRHeader w = h;
  if (!w.labels.empty()) {
    w.flag = static_cast<std::uint32_t>(w.labels.size());
    w.label = 0;
  } else {
    w.flag = 0;
  }
  std::string out(kIRHeaderBytes + 4 * w.labels.size(), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  detail::store_u32(p, w.flag);
  std::uint32_t lb;
  std::memcpy(&lb, &w.label, 4);
  detail::store_u32(p + 4, lb);
  detail::store_u32(p + 8, static_cast<std::uint32_t>(w.id));
  detail::store_u32(p + 12, static_cast<std::uint32_t>(w.id >> 32));
  detail::store_u32(p + 16, static_cast<std::uint32_t>(w.id2));
  detail::store_u32(p + 20, static_cast<std::uint32_t>(w.id2 >> 32));
  for (std::size_t i = 0; i < w.labels.size(); ++i) {
    std::memcpy(&lb, &w.labels[i], 4);
    detail::store_u32(p + kIRHeaderBytes + 4 * i, lb);
  }
  out.append(payload);
  return out;
}
SYMGRAD_INLINE std::pair<IRHeader, std::string> unpack(std::string_view rec) {
  if (rec.size() < kIRHeaderBytes)
    throw IOError("recordio::unpack: a record of " + std::to_string(rec.size()) +
                  " bytes is shorter than the 24-byte image record header");
  const auto* p = reinterpret_cast<const unsigned char*>(rec.data());
  IRHeader h;
  h.flag = detail::load_u32(p);
  std::uint32_t lb = detail::load_u32(p + 4);
  std::memcpy(&h.label, &lb, 4);
  h.id = std::uint64_t(detail::load_u32(p + 8)) | std::uint64_t(detail::load_u32(p + 12)) << 32;
  h.id2 = std::uint64_t(detail::load_u32(p + 16)) | std::uint64_t(detail::load_u32(p + 20)) << 32;
  std::size_t off = kIRHeaderBytes;
  if (h.flag > 0) {
    if (std::uint64_t(h.flag) * 4 > rec.size() - kIRHeaderBytes)
      throw IOError("recordio::unpack: the header announces " + std::to_string(h.flag) + " labels (" +
                    std::to_string(std::uint64_t(h.flag) * 4) + " bytes) but only " +
                    std::to_string(rec.size() - kIRHeaderBytes) + " bytes follow it");
    h.labels.resize(h.flag);
    for (std::uint32_t i = 0; i < h.flag; ++i) {
      lb = detail::load_u32(p + off + 4 * i);
      std::memcpy(&h.labels[i], &lb, 4);
    }
    off += 4 * std::size_t(h.flag);
  }
  return {std::move(h), std::string(rec.substr(off))};
}
namespace detail {
SYMGRAD_INLINE std::uint32_t load_u32(const unsigned char* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
         std::uint32_t(p[3]) << 24;
}
SYMGRAD_INLINE void store_u32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
SYMGRAD_INLINE std::string errno_text() { return std::strerror(errno); }
}  // namespace detail
SYMGRAD_INLINE MXRecordIO::MXRecordIO(std::string uri, std::string flag)
    : uri_(std::move(uri)), flag_(std::move(flag)) {
  if (flag_ != "r" && flag_ != "w")
    throw ValueError("MXRecordIO('" + uri_ + "'): flag must be \"r\" or \"w\", got \"" + flag_ + "\"");
  open();
}
SYMGRAD_INLINE MXRecordIO& MXRecordIO::operator=(MXRecordIO&& o) noexcept {
  if (this != &o) {
    discard();
    uri_ = std::move(o.uri_);
    flag_ = std::move(o.flag_);
    tmp_ = std::move(o.tmp_);
    f_ = o.f_;
    size_ = o.size_;
    exceptions_ = o.exceptions_;
    o.f_ = nullptr;
  }
  return *this;
}
SYMGRAD_INLINE MXRecordIO::~MXRecordIO() {
  if (f_ && writing() && std::uncaught_exceptions() > exceptions_) {
    discard();
    return;
  }
  try {
    close();
  } catch (...) {
  }
}
SYMGRAD_INLINE void MXRecordIO::close() {
  if (!f_) return;
  std::FILE* f = f_;
  f_ = nullptr;
  if (writing()) {
    bool ok = std::fflush(f) == 0;
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) {
      std::filesystem::remove(tmp_);
      throw IOError("MXRecordIO: writing '" + uri_ + "' failed: " + detail::errno_text());
    }
    std::error_code ec;
    std::filesystem::rename(tmp_, uri_, ec);
    if (ec) {
      std::filesystem::remove(tmp_);
      throw IOError("MXRecordIO: cannot move the finished file to '" + uri_ + "': " + ec.message());
    }
  } else {
    std::fclose(f);
  }
}
SYMGRAD_INLINE void MXRecordIO::reset() {
  close();
  open();
}
SYMGRAD_INLINE void MXRecordIO::write(std::string_view buf) {
  require_mode("w", "write");
  if (buf.size() >= kMaxRecordBytes)
    throw ValueError("MXRecordIO: a record must be smaller than 2^29 bytes (RecordIO's length field); got " +
                     std::to_string(buf.size()) + " bytes for '" + uri_ + "'");
  const auto* b = reinterpret_cast<const unsigned char*>(buf.data());
  const std::uint32_t len = static_cast<std::uint32_t>(buf.size());
  const std::uint32_t aligned_down = len & ~3u;
  std::uint32_t start = 0;
  for (std::uint32_t i = 0; i < aligned_down; i += 4) {
    if (detail::load_u32(b + i) == kMagic) {
      put_part(start == 0 ? 1u : 2u, b + start, i - start);
      start = i + 4;
    }
  }
  put_part(start == 0 ? 0u : 3u, b + start, len - start);
  const std::uint32_t pad = ((len + 3u) & ~3u) - len;
  if (pad) {
    static constexpr unsigned char zeros[4] = {0, 0, 0, 0};
    put(zeros, pad);
  }
}
SYMGRAD_INLINE std::optional<std::string> MXRecordIO::read() {
  require_mode("r", "read");
  std::string out;
  if (!walk(&out)) return std::nullopt;
  return out;
}
SYMGRAD_INLINE std::optional<std::int64_t> MXRecordIO::skip() {
  require_mode("r", "skip");
  const std::int64_t at = tell();
  if (!walk(nullptr)) return std::nullopt;
  return at;
}
SYMGRAD_INLINE std::int64_t MXRecordIO::tell() const {
  if (!f_) throw IOError("MXRecordIO: '" + uri_ + "' is not open");
  return static_cast<std::int64_t>(ftello(f_));
}
SYMGRAD_INLINE void MXRecordIO::seek(std::int64_t pos) {
  require_mode("r", "seek");
  if (pos < 0 || pos > size_)
    throw IOError(where(pos) + "offset outside the file (" + std::to_string(size_) + " bytes)");
  if (fseeko(f_, static_cast<off_t>(pos), SEEK_SET) != 0)
    throw IOError(where(pos) + "cannot seek: " + detail::errno_text());
}
SYMGRAD_INLINE std::string MXRecordIO::temp_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}
SYMGRAD_INLINE void MXRecordIO::require_mode(const char* mode, const char* op) const {
  if (!f_) throw IOError("MXRecordIO: '" + uri_ + "' is not open; call reset() to reopen it");
  if (flag_ != mode)
    throw ValueError(std::string("MXRecordIO: ") + op + " needs a file opened with flag \"" + mode + "\"; '" +
                     uri_ + "' was opened with \"" + flag_ + "\"");
}
SYMGRAD_INLINE bool MXRecordIO::walk(std::string* out) {
  const std::int64_t first = tell();
  bool first_part = true;
  for (;;) {
    const std::int64_t at = tell();
    unsigned char head[8];
    std::size_t got = std::fread(head, 1, 8, f_);
    if (got == 0 && first_part && std::feof(f_)) return false;
    if (got != 8)
      throw IOError(where(at) + "the file ends inside a part header (" + std::to_string(got) +
                    " of 8 bytes); the file is truncated");
    const std::uint32_t magic = detail::load_u32(head);
    if (magic != kMagic) {
      std::ostringstream m;
      m << where(at) << "bad magic word 0x" << std::hex << magic << " (expected 0xced7230a)"
        << (first_part ? "; not a RecordIO file, or the offset is not the start of a record"
                       : " inside a record that started at byte " + std::to_string(first));
      throw IOError(m.str());
    }
    const std::uint32_t word = detail::load_u32(head + 4);
    const std::uint32_t cflag = word >> 29, len = word & (kMaxRecordBytes - 1);
    if (first_part ? (cflag != 0 && cflag != 1) : (cflag != 2 && cflag != 3))
      throw IOError(
          where(at) + "continue flag " + std::to_string(cflag) +
          (first_part
               ? " where a record must start (0 or 1); the offset is not the start of a record"
               : " inside a record that started at byte " + std::to_string(first) + " (expected 2 or 3)") +
          " or the file is corrupt");
    const std::int64_t padded = (std::int64_t(len) + 3) & ~std::int64_t(3);
    if (at + 8 + padded > size_)
      throw IOError(where(at) + "a part of " + std::to_string(len) +
                    " bytes runs past the end of the file (" + std::to_string(size_) +
                    " bytes); the file is truncated or corrupt");
    if (out) {
      const std::size_t old = out->size();
      out->resize(old + static_cast<std::size_t>(padded));
      if (padded &&
          std::fread(out->data() + old, 1, static_cast<std::size_t>(padded), f_) != std::size_t(padded))
        throw IOError(where(at) + "cannot read " + std::to_string(padded) +
                      " bytes: " + detail::errno_text());
      out->resize(old + len);
    } else if (padded && fseeko(f_, static_cast<off_t>(padded), SEEK_CUR) != 0) {
      throw IOError(where(at) + "cannot seek past " + std::to_string(padded) +
                    " bytes: " + detail::errno_text());
    }
    if (cflag == 0 || cflag == 3) return true;
    if (out) {
      unsigned char m[4];
      detail::store_u32(m, kMagic);
      out->append(reinterpret_cast<const char*>(m), 4);
    }
    first_part = false;
  }
}
SYMGRAD_INLINE void MXRecordIO::open() {
  exceptions_ = std::uncaught_exceptions();
  if (writing()) {
    tmp_ = temp_name(uri_);
    f_ = std::fopen(tmp_.c_str(), "wb");
    if (!f_)
      throw IOError("MXRecordIO: cannot write '" + uri_ + "' (creating '" + tmp_ +
                    "'): " + detail::errno_text());
    size_ = 0;
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(uri_, ec))
      throw IOError("MXRecordIO: '" + uri_ + "' is a directory, not a .rec file");
    f_ = std::fopen(uri_.c_str(), "rb");
    if (!f_) throw IOError("MXRecordIO: cannot open '" + uri_ + "' for reading: " + detail::errno_text());
    fseeko(f_, 0, SEEK_END);
    size_ = static_cast<std::int64_t>(ftello(f_));
    fseeko(f_, 0, SEEK_SET);
  }
}
SYMGRAD_INLINE void MXRecordIO::discard() {
  if (!f_) return;
  std::fclose(f_);
  f_ = nullptr;
  if (writing()) {
    std::error_code ec;
    std::filesystem::remove(tmp_, ec);
  }
}
SYMGRAD_INLINE void MXRecordIO::put(const void* p, std::size_t n) {
  if (n && std::fwrite(p, 1, n, f_) != n)
    throw IOError("MXRecordIO: writing '" + uri_ + "' failed: " + detail::errno_text());
  size_ += static_cast<std::int64_t>(n);
}
SYMGRAD_INLINE void MXRecordIO::put_part(std::uint32_t cflag, const unsigned char* p, std::uint32_t n) {
  unsigned char head[8];
  detail::store_u32(head, kMagic);
  detail::store_u32(head + 4, (cflag << 29) | n);
  put(head, 8);
  put(p, n);
}
SYMGRAD_INLINE MXIndexedRecordIO::MXIndexedRecordIO(std::string idx_path, std::string uri, std::string flag)
    : MXRecordIO(std::move(uri), flag), idx_path_(std::move(idx_path)) {
  if (writing()) {
    open_index_writer();
  } else {
    load_index();
  }
}
SYMGRAD_INLINE MXIndexedRecordIO::~MXIndexedRecordIO() {
  if (!idx_out_.is_open()) return;
  if (std::uncaught_exceptions() > exceptions_at_open()) {
    idx_out_.close();
    std::error_code ec;
    std::filesystem::remove(idx_tmp_, ec);
    return;
  }
  try {
    close();
  } catch (...) {
  }
}
SYMGRAD_INLINE std::int64_t MXIndexedRecordIO::offset(std::int64_t key) const {
  auto it = idx_.find(key);
  if (it == idx_.end())
    throw IOError("MXIndexedRecordIO: key " + std::to_string(key) + " is not in the index '" + idx_path_ +
                  "' (" + std::to_string(keys_.size()) + " keys)");
  return it->second;
}
SYMGRAD_INLINE void MXIndexedRecordIO::write_idx(std::int64_t key, std::string_view buf) {
  require_mode("w", "write_idx");
  if (idx_.count(key))
    throw ValueError("MXIndexedRecordIO: key " + std::to_string(key) + " was written twice to '" + uri() +
                     "'");
  const std::int64_t pos = tell();
  write(buf);
  idx_out_ << key << '\t' << pos << '\n';
  if (!idx_out_) throw IOError("MXIndexedRecordIO: writing the index '" + idx_path_ + "' failed");
  idx_[key] = pos;
  keys_.push_back(key);
}
SYMGRAD_INLINE std::string MXIndexedRecordIO::read_idx(std::int64_t key) {
  const std::int64_t pos = offset(key);
  if (pos >= file_size())
    throw IOError("MXIndexedRecordIO: the index '" + idx_path_ + "' puts key " + std::to_string(key) +
                  " at byte " + std::to_string(pos) + ", past the end of '" + uri() + "' (" +
                  std::to_string(file_size()) + " bytes)");
  seek(pos);
  try {
    auto r = read();
    if (!r) throw IOError(where(pos) + "no record there");
    return *std::move(r);
  } catch (const IOError& e) {
    throw IOError(std::string(e.what()).substr(9) + " (record for key " + std::to_string(key) +
                  " from the index '" + idx_path_ + "')");
  }
}
SYMGRAD_INLINE void MXIndexedRecordIO::close() {
  if (!idx_out_.is_open()) {
    MXRecordIO::close();
    return;
  }
  idx_out_.close();
  std::error_code ec;
  if (!idx_out_) {
    std::filesystem::remove(idx_tmp_, ec);
    throw IOError("MXIndexedRecordIO: writing the index '" + idx_path_ + "' failed");
  }
  try {
    MXRecordIO::close();
  } catch (...) {
    std::filesystem::remove(idx_tmp_, ec);
    throw;
  }
  std::filesystem::rename(idx_tmp_, idx_path_, ec);
  if (ec) {
    std::filesystem::remove(idx_tmp_, ec);
    throw IOError("MXIndexedRecordIO: cannot move the index to '" + idx_path_ + "': " + ec.message());
  }
}
SYMGRAD_INLINE void MXIndexedRecordIO::reset() {
  close();
  MXRecordIO::reset();
  if (writing()) {
    idx_.clear();
    keys_.clear();
    open_index_writer();
  }
}
SYMGRAD_INLINE void MXIndexedRecordIO::open_index_writer() {
  idx_tmp_ = temp_name(idx_path_);
  idx_out_.open(idx_tmp_, std::ios::binary | std::ios::trunc);
  if (!idx_out_)
    throw IOError("MXIndexedRecordIO: cannot write the index '" + idx_path_ + "' (creating '" + idx_tmp_ +
                  "')");
}
SYMGRAD_INLINE void MXIndexedRecordIO::load_index() {
  std::ifstream in(idx_path_, std::ios::binary);
  if (!in) throw IOError("MXIndexedRecordIO: cannot open the index '" + idx_path_ + "'");
  std::string line;
  std::int64_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::istringstream ls(line);
    std::int64_t key = 0, pos = 0;
    std::string rest;
    if (!(ls >> key >> pos) || (ls >> rest))
      throw IOError("MXIndexedRecordIO: '" + idx_path_ + "' line " + std::to_string(lineno) +
                    ": expected \"<integer key>\\t<byte offset>\", got \"" + line.substr(0, 80) + "\"");
    if (pos < 0)
      throw IOError("MXIndexedRecordIO: '" + idx_path_ + "' line " + std::to_string(lineno) +
                    ": negative offset " + std::to_string(pos));
    if (!idx_.emplace(key, pos).second)
      throw IOError("MXIndexedRecordIO: '" + idx_path_ + "' line " + std::to_string(lineno) + ": key " +
                    std::to_string(key) + " appears twice");
    keys_.push_back(key);
  }
}

}  // namespace SYMGRAD_NS::recordio
#endif
