// RecordIO files as MXNet 1.9.1 writes and reads them (mx.recordio; dmlc-core's recordio):
// * a record is one or more parts; each part is the magic word 0xCED7230A, a word holding the
//   continue flag (top 3 bits) and the part's length (low 29 bits), the payload, and zero padding
//   to a multiple of 4 bytes;
// * the writer cuts a record wherever the magic word appears in the payload at an offset that is a
//   multiple of 4 and drops that word; flags are 1 (first part), 2 (middle), 3 (last), 0 (only
//   part); the reader puts the magic words back;
// * the `.idx` file beside an indexed file has one text line per record: key, a tab, and the byte
//   offset of the record's first part.
// Differences: every malformed file is an IOError naming the file and the byte offset (or the
// `.idx` line) and saying what is wrong, before anything is allocated for it; a writer writes to
// a temporary name and renames the file when closed, so a failed run leaves no half-written file.
#pragma once
#include <unistd.h>
#include <cstdio>
#include <utility>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../core/error.hpp"

namespace SYMGRAD_NS::recordio {

inline constexpr std::uint32_t kMagic = 0xCED7230Au;
inline constexpr std::uint32_t kMaxRecordBytes = 1u << 29;

namespace detail {

std::uint32_t load_u32(const unsigned char* p);
void store_u32(unsigned char* p, std::uint32_t v);
std::string errno_text();

}  // namespace detail

// Sequential reader or writer of one `.rec` file (mx.recordio.MXRecordIO). flag "r" or "w".
class MXRecordIO {
 public:
  MXRecordIO() = default;
  MXRecordIO(std::string uri, std::string flag);
  MXRecordIO(const MXRecordIO&) = delete;
  MXRecordIO& operator=(const MXRecordIO&) = delete;
  MXRecordIO(MXRecordIO&& o) noexcept { *this = std::move(o); }
  MXRecordIO& operator=(MXRecordIO&& o) noexcept;
  // A writer that is destroyed while an exception unwinds the stack removes its temporary file;
  // otherwise it is closed (and renamed into place) as close() does.
  virtual ~MXRecordIO();

  const std::string& uri() const { return uri_; }
  const std::string& flag() const { return flag_; }
  bool is_open() const { return f_ != nullptr; }
  bool writing() const { return flag_ == "w"; }

  // Closes the file; a writer's file appears under its name only now.
  virtual void close();
  // Reopens the file: a reader starts again from the beginning, a writer starts an empty file.
  virtual void reset();

  // Appends one record. Records of 2^29 bytes or more cannot be stored (the length field has 29 bits).
  void write(std::string_view buf);

  // The next record, or nothing at the end of the file.
  std::optional<std::string> read();
  // Moves past the next record without reading its payload (the same checks as read()); returns
  // the record's byte offset, or nothing at the end of the file.
  std::optional<std::int64_t> skip();

  // Byte offset of the next record (a writer: where the next record will start).
  std::int64_t tell() const;
  // Moves a reader to a byte offset, which must be the start of a record.
  void seek(std::int64_t pos);
  // Size of the file in bytes (a reader: when opened).
  std::int64_t file_size() const { return size_; }

 protected:
  int exceptions_at_open() const { return exceptions_; }
  static std::string temp_name(const std::string& path);
  std::string where(std::int64_t at) const {
    return "RecordIO file '" + uri_ + "', byte " + std::to_string(at) + ": ";
  }

  void require_mode(const char* mode, const char* op) const;

 private:
  // Goes through the parts of the next record, checking each header; appends the payload to
  // *out (magic words put back between parts), or seeks past it when out is null. False at the end.
  bool walk(std::string* out);
  void open();
  void discard();
  void put(const void* p, std::size_t n);
  void put_part(std::uint32_t cflag, const unsigned char* p, std::uint32_t n);

  std::string uri_, flag_, tmp_;
  std::FILE* f_ = nullptr;
  std::int64_t size_ = 0;
  int exceptions_ = 0;
};

// A `.rec` file with its `.idx` (mx.recordio.MXIndexedRecordIO with integer keys): records are
// written with a key and read back by key in any order.
class MXIndexedRecordIO : public MXRecordIO {
 public:
  MXIndexedRecordIO(std::string idx_path, std::string uri, std::string flag);
  // Destroyed while an exception unwinds the stack, a writer removes both temporary files (the
  // base class removes the .rec one); otherwise both files are closed and renamed into place.
  ~MXIndexedRecordIO() override;

  const std::string& idx_path() const { return idx_path_; }
  // Keys in the order of the index file.
  const std::vector<std::int64_t>& keys() const { return keys_; }
  bool contains(std::int64_t key) const { return idx_.count(key) != 0; }
  // Byte offset of the record with this key.
  std::int64_t offset(std::int64_t key) const;

  void write_idx(std::int64_t key, std::string_view buf);
  // The record with this key. A key whose offset is not the start of a record is an IOError.
  std::string read_idx(std::int64_t key);
  // Closes both files; a writer's files appear under their names only now.
  void close() override;
  // A reader starts again from the first record; a writer starts both files empty.
  void reset() override;

 private:
  void open_index_writer();

  void load_index();

  std::string idx_path_, idx_tmp_;
  std::ofstream idx_out_;
  std::unordered_map<std::int64_t, std::int64_t> idx_;
  std::vector<std::int64_t> keys_;
};

// The header of an image record (mx.recordio.IRHeader, struct 'IfQQ', 24 bytes, little-endian):
// flag = 0 with one label in `label`, or flag = k > 0 with k float32 labels that follow the
// header (then `label` is 0 and `labels` holds them).
struct IRHeader {
  std::uint32_t flag = 0;
  float label = 0;
  std::uint64_t id = 0;
  std::uint64_t id2 = 0;
  std::vector<float> labels = {};  // the label array when flag > 0

  // All labels: `labels` when flag > 0, else {label}.
  std::vector<float> all_labels() const { return flag > 0 ? labels : std::vector<float>{label}; }
};

inline constexpr std::size_t kIRHeaderBytes = 24;

// Header and payload as one record (mx.recordio.pack). A header with `labels` (two or more, or
// one with flag > 0) stores them as an array: flag = their count and label = 0.
std::string pack(const IRHeader& h, std::string_view payload);

// Splits a record into its header and payload (mx.recordio.unpack). A record too short for its
// header or its label array is an IOError.
std::pair<IRHeader, std::string> unpack(std::string_view rec);

}  // namespace SYMGRAD_NS::recordio
