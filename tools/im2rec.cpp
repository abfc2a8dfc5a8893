// im2rec: image lists and RecordIO image files, with the flags and outputs of MXNet's
// tools/im2rec.py. See include/symgrad/io/im2rec.hpp for what differs.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <symgrad/image.hpp>
#include <vector>

namespace {

namespace ir = symgrad::im2rec;

const char* kUsage = R"(usage: im2rec [-h] [--list] [--exts EXT [EXT ...]] [--chunks N] [--train-ratio R]
              [--test-ratio R] [--recursive] [--no-shuffle] [--pass-through] [--resize N]
              [--center-crop] [--quality Q] [--num-thread N] [--color {-1,0,1}]
              [--encoding {.jpg,.png}] [--pack-label] [--inter {linear,area}]
              prefix root

Create an image list or make a RecordIO file from a list (MXNet's im2rec).

positional arguments:
  prefix            prefix of the input/output .lst and .rec files
  root              path to the folder of images

list mode (--list):
  --list            write image lists (.lst) instead of record files
  --exts EXT...     accepted file extensions (default: .jpeg .jpg .png)
  --chunks N        number of chunks (default 1)
  --train-ratio R   share of images for training (default 1.0)
  --test-ratio R    share of images for testing (default 0)
  --recursive       walk sub-folders; each folder of images gets its own label
  --no-shuffle      keep the folder order (default: shuffled with seed 100)
  --shuffle         shuffle (the default)

record mode (without --list; packs every prefix*.lst):
  --pass-through    store the image files unchanged (no decode, resize or re-encode)
  --resize N        resize the shorter edge to N pixels (default 0: off)
  --center-crop     crop the centred square before resizing
  --quality Q       JPEG quality 1-100 or PNG compression 0-9 (default 95)
  --num-thread N    threads for decoding and encoding (default 1); the output is the same
  --color C         1 colour, 0 greyscale, -1 unchanged (default 1)
  --encoding E      .jpg or .png (default .jpg)
  --pack-label      store every label column of the list (default: the first only)
  --inter F         resize filter: linear (default, as MXNet) or area (better for shrinking)
)";

[[noreturn]] void usage_error(const std::string& m) {
  std::fprintf(stderr, "%s\nim2rec: error: %s\n", kUsage, m.c_str());
  std::exit(2);
}

int to_int(const std::string& flag, const std::string& v) {
  std::size_t used = 0;
  int r = 0;
  try {
    r = std::stoi(v, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != v.size()) usage_error("argument " + flag + ": invalid int value: '" + v + "'");
  return r;
}
double to_double(const std::string& flag, const std::string& v) {
  std::size_t used = 0;
  double r = 0;
  try {
    r = std::stod(v, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != v.size()) usage_error("argument " + flag + ": invalid float value: '" + v + "'");
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  ir::Options o;
  bool list = false;
  std::vector<std::string> pos;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i], val;
    bool has_eq = false;
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      val = a.substr(a.find('=') + 1);
      a = a.substr(0, a.find('='));
      has_eq = true;
    }
    auto value = [&]() -> std::string {
      if (has_eq) return val;
      if (i + 1 >= args.size()) usage_error("argument " + a + ": expected one argument");
      return args[++i];
    };
    auto no_value = [&] {
      if (has_eq) usage_error("argument " + a + ": takes no value (a flag: give it or leave it out)");
    };
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--list") {
      no_value(), list = true;
    } else if (a == "--exts") {
      o.exts.clear();
      if (has_eq) o.exts.push_back(val);
      while (i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0) o.exts.push_back(args[++i]);
      if (o.exts.empty()) usage_error("argument --exts: expected at least one argument");
      for (auto& e : o.exts) e = ir::detail::lower(e);
    } else if (a == "--chunks") {
      o.chunks = to_int(a, value());
    } else if (a == "--train-ratio") {
      o.train_ratio = to_double(a, value());
    } else if (a == "--test-ratio") {
      o.test_ratio = to_double(a, value());
    } else if (a == "--recursive") {
      no_value(), o.recursive = true;
    } else if (a == "--no-shuffle") {
      no_value(), o.shuffle = false;
    } else if (a == "--shuffle") {
      no_value(), o.shuffle = true;
    } else if (a == "--pass-through") {
      no_value(), o.pass_through = true;
    } else if (a == "--resize") {
      o.resize = to_int(a, value());
    } else if (a == "--center-crop") {
      no_value(), o.center_crop = true;
    } else if (a == "--quality") {
      o.quality = to_int(a, value());
    } else if (a == "--num-thread") {
      o.num_thread = to_int(a, value());
    } else if (a == "--color") {
      o.color = to_int(a, value());
      if (o.color < -1 || o.color > 1)
        usage_error("argument --color: invalid choice: " + std::to_string(o.color) +
                    " (choose from -1, 0, 1)");
    } else if (a == "--encoding") {
      o.encoding = value();
      if (o.encoding != ".jpg" && o.encoding != ".png")
        usage_error("argument --encoding: invalid choice: '" + o.encoding + "' (choose from '.jpg', '.png')");
    } else if (a == "--pack-label") {
      no_value(), o.pack_label = true;
    } else if (a == "--inter") {
      std::string v = value();
      if (v == "linear")
        o.interp = symgrad::image::Interp::linear;
      else if (v == "area")
        o.interp = symgrad::image::Interp::area;
      else
        usage_error("argument --inter: invalid choice: '" + v + "' (choose from 'linear', 'area')");
    } else if (a.size() > 1 && a[0] == '-' &&
               !(a.size() > 1 && std::isdigit(static_cast<unsigned char>(a[1])))) {
      usage_error("unrecognized argument: " + a);
    } else {
      pos.push_back(args[i]);
    }
  }
  if (pos.size() != 2)
    usage_error("expected the two arguments prefix and root, got " + std::to_string(pos.size()));
  if (o.resize < 0) usage_error("argument --resize: must be 0 (off) or a positive size");
  if (o.num_thread < 1) usage_error("argument --num-thread: must be at least 1");
  const std::string prefix = std::filesystem::absolute(pos[0]).string(),
                    root = std::filesystem::absolute(pos[1]).string();
  try {
    if (list) {
      ir::make_list(prefix, root, o);
      return 0;
    }
    auto lists = ir::lists_for_prefix(prefix);
    if (lists.empty()) {
      std::fprintf(stderr, "im2rec: did not find any list file with prefix %s (make one with --list)\n",
                   prefix.c_str());
      return 1;
    }
    std::int64_t skipped = 0;
    for (auto& l : lists) {
      std::printf("Creating .rec file from %s in %s\n", l.c_str(),
                  std::filesystem::path(l).parent_path().c_str());
      std::fflush(stdout);
      auto st = ir::pack_list(l, root, o);
      std::printf("wrote %lld records in %.2f s (%.0f images/s)%s\n", static_cast<long long>(st.written),
                  st.seconds, st.seconds > 0 ? double(st.written + st.skipped) / st.seconds : 0.0,
                  st.skipped
                      ? (", skipped " + std::to_string(st.skipped) + " images that could not be read").c_str()
                      : "");
      skipped += st.skipped;
    }
    if (skipped)
      std::fprintf(stderr, "im2rec: %lld images could not be read and were skipped\n",
                   static_cast<long long>(skipped));
    return 0;
  } catch (const symgrad::Error& e) {
    std::fprintf(stderr, "im2rec: %s\n", e.what());
    return 1;
  }
}
