// Definitions of io/im2rec.hpp.
#pragma once
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <new>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>
#include "im2rec.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_IM2REC)
namespace SYMGRAD_NS::im2rec {

SYMGRAD_INLINE std::vector<ListItem> list_image(const std::string& root, const Options& o) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw IOError("im2rec: the image root '" + root + "' is not a folder");
  std::vector<ListItem> out;
  const fs::path base = fs::absolute(root);
  if (o.recursive) {
    std::vector<std::pair<std::string, int>> cats;
    detail::walk(base, [&](const fs::path& dir, const std::vector<fs::path>& files) {
      for (auto& f : files) {
        std::error_code e;
        if (!fs::is_regular_file(f, e) || !detail::wanted(f, o)) continue;
        if (cats.empty() || cats.back().first != dir.string())
          cats.emplace_back(dir.string(), int(cats.size()));
        out.push_back(
            {std::int64_t(out.size()), {float(cats.back().second)}, fs::relative(f, base).string()});
      }
    });
    for (auto& [d, l] : cats) {
      std::string rel = fs::relative(d, base).string();
      o.log((rel.empty() ? "." : rel) + " " + std::to_string(l));
    }
  } else {
    for (auto& f : detail::sorted_entries(base)) {
      std::error_code e;
      if (fs::is_regular_file(f, e) && detail::wanted(f, o))
        out.push_back({std::int64_t(out.size()), {0.0f}, f.filename().string()});
    }
  }
  return out;
}
SYMGRAD_INLINE std::string format_list(const std::vector<ListItem>& items) {
  std::string s;
  for (auto& it : items) {
    s += std::to_string(it.index) + "\t";
    for (float l : it.labels) s += detail::fmt_label(l) + "\t";
    s += it.path + "\n";
  }
  return s;
}
SYMGRAD_INLINE std::vector<std::string> make_list(const std::string& prefix, const std::string& root,
                                                  const Options& o) {
  if (o.chunks < 1) throw ValueError("im2rec: --chunks must be at least 1, got " + std::to_string(o.chunks));
  if (o.train_ratio < 0 || o.train_ratio > 1 || o.test_ratio < 0 || o.test_ratio > 1)
    throw ValueError("im2rec: --train-ratio and --test-ratio must lie in [0, 1]");
  auto items = list_image(root, o);
  if (items.empty()) {
    std::string exts;
    for (auto& e : o.exts) exts += (exts.empty() ? "" : " ") + e;
    throw IOError(
        "im2rec: no images (" + exts + ") in '" + root + "'" +
        (o.recursive ? " or its sub-folders" : "; to take the images in sub-folders, give --recursive"));
  }
  if (o.shuffle) detail::PyRandom(100).shuffle(items);
  const std::size_t n = items.size(), chunk = (n + std::size_t(o.chunks) - 1) / std::size_t(o.chunks);
  std::vector<std::string> written;
  auto write = [&](const std::string& path, std::size_t b, std::size_t e) {
    b = std::min(b, n);
    e = std::min(std::max(e, b), n);
    detail::write_text_atomically(
        path, format_list({items.begin() + std::ptrdiff_t(b), items.begin() + std::ptrdiff_t(e)}));
    written.push_back(path);
  };
  for (int i = 0; i < o.chunks; ++i) {
    const std::size_t lo = std::min(n, std::size_t(i) * chunk), hi = std::min(n, lo + chunk);
    const std::string tag = o.chunks > 1 ? "_" + std::to_string(i) : "";
    const auto sep = std::size_t(double(chunk) * o.train_ratio),
               sep_test = std::size_t(double(chunk) * o.test_ratio);
    if (o.train_ratio == 1.0) {
      write(prefix + tag + ".lst", lo, hi);
      continue;
    }
    if (o.test_ratio > 0) write(prefix + tag + "_test.lst", lo, std::min(hi, lo + sep_test));
    if (o.train_ratio + o.test_ratio < 1.0)
      write(prefix + tag + "_val.lst", std::min(hi, lo + sep_test + sep), hi);
    write(prefix + tag + "_train.lst", std::min(hi, lo + sep_test), std::min(hi, lo + sep_test + sep));
  }
  return written;
}
SYMGRAD_INLINE std::vector<ListItem> read_list(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IOError("im2rec: cannot open the list '" + path + "'");
  std::vector<ListItem> out;
  std::string line;
  std::int64_t no = 0;
  auto trim = [](std::string s) {
    const auto b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  while (std::getline(f, line)) {
    ++no;
    const std::string t = trim(line);
    if (t.empty()) continue;
    std::vector<std::string> parts;
    std::stringstream ss(t);
    for (std::string p; std::getline(ss, p, '\t');) parts.push_back(trim(p));
    auto bad = [&](const std::string& why) {
      return IOError("im2rec: '" + path + "' line " + std::to_string(no) + ": " + why + " in \"" +
                     t.substr(0, 120) + "\"; a line is index<TAB>label[<TAB>label...]<TAB>path");
    };
    if (parts.size() < 3)
      throw bad("expected at least 3 tab-separated fields, found " + std::to_string(parts.size()));
    ListItem it;
    std::size_t used = 0;
    try {
      it.index = std::stoll(parts[0], &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != parts[0].size()) throw bad("the index \"" + parts[0] + "\" is not an integer");
    for (std::size_t k = 1; k + 1 < parts.size(); ++k) {
      float v = 0;
      try {
        v = std::stof(parts[k], &used);
      } catch (...) {
        used = 0;
      }
      if (used == 0 || used != parts[k].size()) throw bad("the label \"" + parts[k] + "\" is not a number");
      it.labels.push_back(v);
    }
    it.path = parts.back();
    out.push_back(std::move(it));
  }
  return out;
}
SYMGRAD_INLINE std::optional<std::string> encode_item(const ListItem& item, const std::string& root,
                                                      const Options& o, std::string& why) {
  recordio::IRHeader h;
  h.id = static_cast<std::uint64_t>(item.index);
  if (item.labels.size() > 1 && o.pack_label)
    h.labels = item.labels;
  else
    h.label = item.labels.empty() ? 0.0f : item.labels[0];
  const std::string full = (fs::path(root) / item.path).string();
  try {
    std::string bytes = image::read_bytes(full);
    if (o.pass_through) return recordio::pack(h, bytes);
    image::Image img = image::decode(bytes, o.color, "'" + full + "'");
    if (o.center_crop) img = image::center_crop_square(img);
    if (o.resize > 0) img = image::resize_short(img, o.resize, o.interp);
    return recordio::pack_img(h, img, o.quality, o.encoding);
  } catch (const Error& e) {
    why = e.what();
    return std::nullopt;
  } catch (const std::bad_alloc&) {  // skipped and counted like any other bad image
    why = "out of memory while processing the image";
    return std::nullopt;
  } catch (const std::exception& e) {
    why = e.what();
    return std::nullopt;
  }
}
SYMGRAD_INLINE PackStats pack_list(const std::string& lst, const std::string& root, const Options& o) {
  if (o.num_thread < 1) throw ValueError("im2rec: --num-thread must be at least 1");
  if (o.encoding != ".jpg" && o.encoding != ".png")
    throw ValueError("im2rec: --encoding must be .jpg or .png, got " + o.encoding);
  if (o.color < -1 || o.color > 1) throw ValueError("im2rec: --color must be -1, 0 or 1");
  auto items = read_list(lst);
  const fs::path stem = fs::path(lst).replace_extension("");
  recordio::MXIndexedRecordIO rec(stem.string() + ".idx", stem.string() + ".rec", "w");
  const std::size_t n = items.size();
  const std::size_t window = std::size_t(o.num_thread) * 8 + 16;
  std::vector<std::optional<std::string>> slots(n);
  std::vector<std::string> whys(n);
  std::vector<char> done(n, 0);
  std::mutex mu;
  std::condition_variable cv_done, cv_room;
  std::size_t next = 0, written_upto = 0;
  bool stop = false;
  auto worker = [&] {
    for (;;) {
      std::size_t i;
      {
        std::unique_lock lk(mu);
        cv_room.wait(lk, [&] { return stop || next >= n || next < written_upto + window; });
        if (stop || next >= n) return;
        i = next++;
      }
      std::string why;
      auto r = encode_item(items[i], root, o, why);
      {
        std::lock_guard lk(mu);
        slots[i] = std::move(r);
        whys[i] = std::move(why);
        done[i] = 1;
      }
      cv_done.notify_all();
    }
  };
  PackStats st;
  const auto t0 = std::chrono::steady_clock::now();
  auto last = t0;
  std::vector<std::thread> pool;
  for (int t = 0; t < o.num_thread; ++t) pool.emplace_back(worker);
  try {
    for (std::size_t i = 0; i < n; ++i) {
      std::optional<std::string> r;
      {
        std::unique_lock lk(mu);
        cv_done.wait(lk, [&] { return done[i] != 0; });
        r = std::move(slots[i]);
        slots[i].reset();
        written_upto = i + 1;
      }
      cv_room.notify_all();
      if (!r) {
        ++st.skipped;
        o.warn("im2rec: skipping '" + items[i].path + "': " + whys[i]);
        continue;
      }
      rec.write_idx(items[i].index, *r);
      ++st.written;
      auto now = std::chrono::steady_clock::now();
      if (st.written % 1000 == 0) {
        const double dt = std::chrono::duration<double>(now - last).count();
        const double all = std::chrono::duration<double>(now - t0).count();
        char b[160];
        std::snprintf(b, sizeof b, "time: %.3f  count: %lld  (%.0f images/s)", dt,
                      static_cast<long long>(st.written), all > 0 ? double(st.written) / all : 0.0);
        o.log(b);
        last = now;
      }
    }
  } catch (...) {
    {
      std::lock_guard lk(mu);
      stop = true;
    }
    cv_room.notify_all();
    for (auto& t : pool) t.join();
    throw;
  }
  for (auto& t : pool) t.join();
  rec.close();
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}
SYMGRAD_INLINE std::vector<std::string> lists_for_prefix(const std::string& prefix) {
  const fs::path p = fs::absolute(prefix);
  std::error_code ec;
  const fs::path dir = fs::is_directory(p, ec) ? p : p.parent_path();
  std::vector<std::string> out;
  for (auto& f : detail::sorted_entries(dir)) {
    const std::string s = f.string();
    if (fs::is_regular_file(f, ec) && s.rfind(p.string(), 0) == 0 && s.size() >= 4 &&
        s.substr(s.size() - 4) == ".lst")
      out.push_back(s);
  }
  return out;
}
namespace detail {
SYMGRAD_INLINE std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
SYMGRAD_INLINE bool wanted(const fs::path& p, const Options& o) {
  const std::string ext = lower(p.extension().string());
  return std::find(o.exts.begin(), o.exts.end(), ext) != o.exts.end();
}
SYMGRAD_INLINE std::vector<fs::path> sorted_entries(const fs::path& dir) {
  std::vector<fs::path> v;
  std::error_code ec;
  for (fs::directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end;
       !ec && it != end; it.increment(ec))
    v.push_back(it->path());
  if (ec) throw IOError("im2rec: cannot list '" + dir.string() + "': " + ec.message());
  std::sort(v.begin(), v.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return v;
}
SYMGRAD_INLINE void walk(const fs::path& dir,
                         const std::function<void(const fs::path&, const std::vector<fs::path>&)>& f,
                         int depth) {
  if (depth > 64)
    throw IOError("im2rec: folders nested more than 64 deep under '" + dir.string() + "' (a link cycle?)");
  std::vector<fs::path> files, dirs;
  for (auto& p : sorted_entries(dir)) {
    std::error_code ec;
    if (fs::is_directory(p, ec))
      dirs.push_back(p);
    else
      files.push_back(p);
  }
  f(dir, files);
  for (auto& d : dirs) walk(d, f, depth + 1);
}
SYMGRAD_INLINE std::string fmt_label(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%f", v);
  return b;
}
SYMGRAD_INLINE void write_text_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw IOError("im2rec: cannot write '" + path + "'");
    f << text;
    f.close();
    if (!f) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw IOError("im2rec: writing '" + path + "' failed");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw IOError("im2rec: cannot move the finished list to '" + path + "': " + ec.message());
}
SYMGRAD_INLINE PyRandom::PyRandom(std::uint32_t seed) {
  init(19650218u);
  const std::uint32_t key[1] = {seed};
  int i = 1, j = 0;
  for (int k = N; k; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525u)) + key[j] + std::uint32_t(j);
    ++i;
    ++j;
    if (i >= N) mt_[0] = mt_[N - 1], i = 1;
    if (j >= 1) j = 0;
  }
  for (int k = N - 1; k; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941u)) - std::uint32_t(i);
    ++i;
    if (i >= N) mt_[0] = mt_[N - 1], i = 1;
  }
  mt_[0] = 0x80000000u;
  pos_ = N;
}
SYMGRAD_INLINE std::uint32_t PyRandom::next() {
  if (pos_ >= N) twist();
  std::uint32_t y = mt_[pos_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}
SYMGRAD_INLINE std::uint64_t PyRandom::below(std::uint64_t n) {  // _randbelow_with_getrandbits, n < 2^32
  int k = 0;
  while ((n >> k) != 0) ++k;
  std::uint64_t r;
  do r = next() >> (32 - k);
  while (r >= n);
  return r;
}
SYMGRAD_INLINE void PyRandom::init(std::uint32_t s) {
  mt_[0] = s;
  for (int i = 1; i < N; ++i) mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + std::uint32_t(i);
}
SYMGRAD_INLINE void PyRandom::twist() {
  for (int i = 0; i < N; ++i) {
    std::uint32_t y = (mt_[i] & 0x80000000u) | (mt_[(i + 1) % N] & 0x7fffffffu);
    mt_[i] = mt_[(i + M) % N] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
  }
  pos_ = 0;
}
}  // namespace detail

}  // namespace SYMGRAD_NS::im2rec
#endif
