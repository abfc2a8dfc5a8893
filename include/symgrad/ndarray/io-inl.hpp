// nd::save / nd::load (ndarray/io.hpp).
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>
#include <utility>

#include "../core/atomic_file.hpp"
#include "io.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_NDARRAY_IO)
namespace SYMGRAD_NS::nd {

namespace detail {
inline constexpr std::uint64_t kListMagic = 0x112;
inline constexpr std::uint32_t kV1Magic = 0xF993FAC8, kV2Magic = 0xF993FAC9, kV3Magic = 0xF993FACA;

class Reader {
 public:
  Reader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_) throw IOError("cannot open '" + path + "' for reading");
    in_.seekg(0, std::ios::end);
    auto end = in_.tellg();
    in_.seekg(0, std::ios::beg);
    size_ = end < 0 ? 0 : static_cast<std::uint64_t>(end);
  }
  // Bytes between the read position and the end of the file: what a header may still declare.
  std::uint64_t remaining() {
    auto pos = in_.tellg();
    std::uint64_t p = pos < 0 ? size_ : static_cast<std::uint64_t>(pos);
    return p < size_ ? size_ - p : 0;
  }
  template <class T>
  T get(const char* what) {
    T v{};
    if (!in_.read(reinterpret_cast<char*>(&v), sizeof v))
      fail(std::string("truncated while reading ") + what);
    return v;
  }
  void bytes(void* dst, std::size_t n, const char* what) {
    if (n && !in_.read(static_cast<char*>(dst), static_cast<std::streamsize>(n)))
      fail(std::string("truncated while reading ") + what);
  }
  [[noreturn]] void fail(const std::string& why) {
    throw IOError("'" + path_ + "' is not a valid NDArray file: " + why);
  }
  bool at_end() { return in_.peek() == std::char_traits<char>::eof(); }

 private:
  std::string path_;
  std::ifstream in_;
  std::uint64_t size_ = 0;
};

// The Reader interface over bytes in memory (one array of MXNDArraySaveRawBytes).
class BytesReader {
 public:
  BytesReader(std::string_view data, const std::string& what) : data_(data), what_(what) {}
  std::uint64_t remaining() const { return data_.size() - pos_; }
  template <class T>
  T get(const char* what) {
    T v{};
    bytes(&v, sizeof v, what);
    return v;
  }
  void bytes(void* dst, std::size_t n, const char* what) {
    if (n > remaining()) fail(std::string("truncated while reading ") + what);
    if (n) std::memcpy(dst, data_.data() + pos_, n);
    pos_ += n;
  }
  [[noreturn]] void fail(const std::string& why) { throw IOError(what_ + " is not a valid NDArray: " + why); }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
  std::string what_;
};

template <class R>
NDArray read_array(R& r) {
  auto magic = r.template get<std::uint32_t>("array magic");
  if (magic != kV2Magic && magic != kV3Magic && magic != kV1Magic)
    r.fail("unsupported array format (magic 0x" + [&] {
      char b[16];
      std::snprintf(b, sizeof b, "%08X", magic);
      return std::string(b);
    }() + "); symgrad reads MXNet's V1-V3 dense arrays");
  if (magic != kV1Magic) {
    auto stype = r.template get<std::int32_t>("storage type");
    if (stype != 0) r.fail("sparse arrays (storage type " + std::to_string(stype) + ") are not supported");
  }
  auto ndim = r.template get<std::int32_t>("ndim");
  if (ndim < 0 || ndim > kMaxRank) r.fail("bad ndim " + std::to_string(ndim));
  Shape s = Shape::unknown_dims(0);
  for (int i = 0; i < ndim; ++i) {
    auto d = r.template get<std::int64_t>("shape");
    if (d < 0) r.fail("negative dimension");
    s.push_back(d);
  }
  if (ndim == 0 && magic != kV3Magic) return NDArray();  // a "none" array in legacy files
  r.template get<std::int32_t>("dev_type");
  r.template get<std::int32_t>("dev_id");
  auto flag = r.template get<std::int32_t>("type flag");
  DType t;
  switch (flag) {
    case 0:
      t = DType::float32;
      break;
    case 1:
      t = DType::float64;
      break;
    case 2:
      t = DType::float16;
      break;
    case 3:
      t = DType::uint8;
      break;
    case 4:
      t = DType::int32;
      break;
    case 6:
      t = DType::int64;
      break;
    default:
      r.fail("unsupported dtype code " + std::to_string(flag));
  }
  // The bytes the header declares must be in the file before anything is allocated.
  std::uint64_t bytes = dtype_size(t);
  bool overflow = false;
  for (auto d : s)
    overflow = overflow || __builtin_mul_overflow(bytes, static_cast<std::uint64_t>(d), &bytes);
  if (overflow || bytes > r.remaining())
    r.fail("an array of shape " + s.str() + " (" + std::string(dtype_name(t)) + ") needs " +
           (overflow ? std::string("more than 2^64") : std::to_string(bytes)) + " bytes but only " +
           std::to_string(r.remaining()) + " remain in the file (truncated or corrupt)");
  NDArray a(s, cpu(), t);
  r.bytes(a.raw_data(), a.nbytes(), "array data");
  return a;
}

template <class T>
void put(std::ostream& o, T v) {
  o.write(reinterpret_cast<const char*>(&v), sizeof v);
}

// One array in MXNet's V2 dense format.
inline void write_array(std::ostream& o, const NDArray& a) {
  NDArray h = a.context() == cpu() ? a : a.copy_to(cpu());
  put<std::uint32_t>(o, kV2Magic);
  put<std::int32_t>(o, 0);
  put<std::int32_t>(o, h.ndim());
  for (auto d : h.shape()) put<std::int64_t>(o, d);
  put<std::int32_t>(o, 1);
  put<std::int32_t>(o, 0);
  put<std::int32_t>(o, static_cast<std::int32_t>(h.dtype()));
  o.write(static_cast<const char*>(h.raw_data()), static_cast<std::streamsize>(h.nbytes()));
}

inline void write_arrays(const std::string& path, const std::vector<NDArray>& arrays,
                         const std::vector<std::string>& names) {
  write_file_atomically(path, [&](std::ostream& o) {
    put<std::uint64_t>(o, kListMagic);
    put<std::uint64_t>(o, 0);
    put<std::uint64_t>(o, arrays.size());
    for (const auto& a : arrays) {
      if (a.is_none()) throw ValueError("nd::save: cannot save an empty (none) array");
      write_array(o, a);
    }
    put<std::uint64_t>(o, names.size());
    for (const auto& n : names) {
      put<std::uint64_t>(o, n.size());
      o.write(n.data(), static_cast<std::streamsize>(n.size()));
    }
  });
}
}  // namespace detail

SYMGRAD_INLINE void save(const std::string& path, const std::map<std::string, NDArray>& arrays) {
  std::vector<NDArray> a;
  std::vector<std::string> n;
  for (const auto& [k, v] : arrays) n.push_back(k), a.push_back(v);
  detail::write_arrays(path, a, n);
}
SYMGRAD_INLINE void save(const std::string& path, const std::vector<NDArray>& arrays) {
  detail::write_arrays(path, arrays, {});
}

SYMGRAD_INLINE std::map<std::string, NDArray> LoadResult::dict() const {
  if (names.empty() && !arrays.empty())
    throw ValueError("the NDArray file holds an unnamed list; use .arrays");
  std::map<std::string, NDArray> m;
  for (std::size_t i = 0; i < names.size(); ++i) m[names[i]] = arrays[i];
  return m;
}

SYMGRAD_INLINE LoadResult load_list(const std::string& path) {
  detail::Reader r(path);
  if (r.get<std::uint64_t>("header") != detail::kListMagic) r.fail("bad header magic (expected 0x112)");
  r.get<std::uint64_t>("reserved");
  auto n = r.get<std::uint64_t>("array count");
  // Each array takes at least 12 bytes (magic, ndim, type flag), so the file bounds the count.
  if (n > (1u << 24) || n > r.remaining() / 12)
    r.fail("implausible array count " + std::to_string(n) + " for " + std::to_string(r.remaining()) +
           " bytes of data");
  LoadResult res;
  for (std::uint64_t i = 0; i < n; ++i) res.arrays.push_back(detail::read_array(r));
  auto k = r.get<std::uint64_t>("name count");
  if (k != 0 && k != n)
    r.fail("name count " + std::to_string(k) + " differs from array count " + std::to_string(n));
  for (std::uint64_t i = 0; i < k; ++i) {
    auto len = r.get<std::uint64_t>("name length");
    if (len > (1u << 20) || len > r.remaining())
      r.fail("implausible name length " + std::to_string(len) + " (" + std::to_string(r.remaining()) +
             " bytes remain in the file)");
    std::string s(len, '\0');
    r.bytes(s.data(), len, "name");
    res.names.push_back(std::move(s));
  }
  return res;
}
SYMGRAD_INLINE std::map<std::string, NDArray> load(const std::string& path) { return load_list(path).dict(); }

SYMGRAD_INLINE std::string save_raw_bytes(const NDArray& a) {
  if (a.is_none()) throw ValueError("nd::save_raw_bytes: cannot save an empty (none) array");
  std::ostringstream o(std::ios::binary);
  detail::write_array(o, a);
  return std::move(o).str();
}
SYMGRAD_INLINE NDArray load_raw_bytes(std::string_view bytes, const std::string& what) {
  detail::BytesReader r(bytes, what);
  NDArray a = detail::read_array(r);
  if (a.is_none()) r.fail("it is an empty (none) array");
  if (r.remaining() != 0) r.fail(std::to_string(r.remaining()) + " bytes follow the array's data");
  return a;
}

}  // namespace SYMGRAD_NS::nd
#endif
