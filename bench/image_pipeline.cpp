// Image pipeline benchmark helpers (bench/compare.py images runs them against MXNet):
//
//   image_pipeline --make-folder DIR [--count 2000] [--size 128]
//       writes Fashion-MNIST training images, upscaled to size x size, as JPEG files in one
//       folder per class (DIR/<class>/<n>.jpg), with symgrad's own encoder
//   image_pipeline --iter REC [--threads 2] [--batch 64] [--crop 56] [--epochs 6]
//       reads REC with ImageRecordIter (random crop and mirror, mean/std) and prints
//       RESULT symgrad_iter <images/s> images/s (epochs after the first, which warms up)
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <symgrad/image.hpp>
#include <symgrad/io/mnist_iter.hpp>

namespace sg = symgrad;

int main(int argc, char** argv) {
  std::string folder, rec, fashion = "/usr/share/datasets/fashion-mnist";
  int count = 2000, size = 128, threads = 2, batch = 64, crop = 56, epochs = 6;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--make-folder")
      folder = v;
    else if (a == "--iter")
      rec = v;
    else if (a == "--count")
      count = std::atoi(v.c_str());
    else if (a == "--size")
      size = std::atoi(v.c_str());
    else if (a == "--threads")
      threads = std::atoi(v.c_str());
    else if (a == "--batch")
      batch = std::atoi(v.c_str());
    else if (a == "--crop")
      crop = std::atoi(v.c_str());
    else if (a == "--epochs")
      epochs = std::atoi(v.c_str());
    else if (a == "--fashion")
      fashion = v;
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  if (!folder.empty()) {
    sg::io::MNISTIter it({.image = fashion + "/train-images-idx3-ubyte.gz",
                          .label = fashion + "/train-labels-idx1-ubyte.gz",
                          .batch_size = 1,
                          .shuffle = false,
                          .silent = true,
                          .limit = count});
    int n = 0;
    while (it.next()) {
      const float* px = it.value().data[0].data<float>();
      const int label = int(it.value().label[0].data<float>()[0]);
      sg::image::Image g(28, 28, 1);
      for (int k = 0; k < 28 * 28; ++k)
        g.pixels[std::size_t(k)] =
            std::uint8_t(std::lround(px[k] * 256.0f) > 255 ? 255 : std::lround(px[k] * 256.0f));
      auto rgb = sg::image::resize(sg::image::detail::convert(g, 3), size, size);
      const auto dir = std::filesystem::path(folder) / ("class" + std::to_string(label));
      std::filesystem::create_directories(dir);
      const auto bytes = sg::image::encode(rgb, ".jpg", 95);
      std::ofstream((dir / (std::to_string(n) + ".jpg")).string(), std::ios::binary)
          .write(bytes.data(), std::streamsize(bytes.size()));
      ++n;
    }
    std::cout << "wrote " << n << " images of " << size << "x" << size << " into " << folder << "\n";
    return 0;
  }
  if (!rec.empty()) {
    sg::io::ImageRecordIter it({.path_imgrec = rec,
                                .data_shape = {3, crop, crop},
                                .batch_size = batch,
                                .shuffle = true,
                                .preprocess_threads = threads,
                                .rand_crop = true,
                                .rand_mirror = true,
                                .mean_r = 123,
                                .mean_g = 117,
                                .mean_b = 104,
                                .std_r = 58,
                                .std_g = 57,
                                .std_b = 57});
    while (it.next()) {
    }
    std::int64_t images = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (int e = 1; e < epochs; ++e) {
      it.reset();
      while (it.next()) images += batch;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "RESULT symgrad_iter " << double(images) / s << " images/s\n";
    return 0;
  }
  std::cerr << "give --make-folder DIR or --iter REC\n";
  return 2;
}
