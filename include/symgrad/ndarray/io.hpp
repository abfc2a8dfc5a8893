// nd::save / nd::load in MXNet's NDArray-list format (the .params files of checkpoints):
//   u64 0x112, u64 0, u64 N, N arrays (u32 magic 0xF993FAC9, i32 storage type 0, i32 ndim,
//   i64 dims, i32 dev_type, i32 dev_id, i32 type flag, raw C-order data), u64 K, K names
//   (u64 length + bytes), K = 0 or N. Little-endian. Files are written to a temporary name and
//   renamed, so a failed save never leaves a partial file.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ndarray.hpp"

namespace SYMGRAD_NS::nd {

// Saves named arrays (as mx.nd.save with a dict: names in the map's order).
void save(const std::string& path, const std::map<std::string, NDArray>& arrays);
// Saves an unnamed list.
void save(const std::string& path, const std::vector<NDArray>& arrays);

struct LoadResult {
  std::vector<NDArray> arrays;
  std::vector<std::string> names;  // empty for an unnamed list
  // name -> array; throws if the file has no names
  std::map<std::string, NDArray> dict() const;
};

LoadResult load_list(const std::string& path);
// Loads named arrays (mx.nd.load of a dict file).
std::map<std::string, NDArray> load(const std::string& path);

// One array as MXNDArraySaveRawBytes writes it (the bytes an NDArray pickles to): the V2 record
// above without the list header. load_raw_bytes reads V1-V3 records; `what` names the bytes in
// errors (IOError for anything truncated, corrupt or followed by extra bytes).
std::string save_raw_bytes(const NDArray& a);
NDArray load_raw_bytes(std::string_view bytes, const std::string& what);

}  // namespace SYMGRAD_NS::nd
