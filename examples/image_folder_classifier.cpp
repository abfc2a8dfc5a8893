// Packs a folder of images (one sub-folder per class) into RecordIO files with im2rec and trains a
// small classifier from ImageRecordIter, the MXNet way: `im2rec --list --recursive
// --train-ratio 0.8`, then `im2rec --resize N` on the lists, then ImageRecordIter with random
// crops and mirrors into Module.fit.
//
// The photographs: the Art4Apps drawings (585 JPEGs, 12 classes, CC BY-SA) from Debian's
// pysiogame package, fetched without installing it:
//   apt-get download pysiogame && dpkg-deb -x pysiogame_*.deb pysiogame
//   build/examples/image_folder_classifier --images pysiogame/usr/share/games/pysiogame/res/images/art4apps
//
//   build/examples/image_folder_classifier --images DIR [--work DIR] [--size 32] [--epochs 40]
//       [--batch 32] [--threads 2] [--lr 0.001] [--hidden 256] [--min-accuracy A] [--metric-on train|val]
//
// Exits non-zero if the accuracy (on the validation split, or the training data with
// --metric-on train) stays below --min-accuracy.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <symgrad/image.hpp>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

namespace sg = symgrad;
using namespace sg::sym;

int main(int argc, char** argv) {
  std::string images, work = (std::filesystem::temp_directory_path() / "symgrad_image_folder").string(),
                      metric_on = "val";
  int size = 32, epochs = 40, batch = 32, threads = 2, hidden = 256;
  double lr = 0.001, min_accuracy = 0.0, train_ratio = 0.8;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--images")
      images = v;
    else if (a == "--work")
      work = v;
    else if (a == "--size")
      size = std::atoi(v.c_str());
    else if (a == "--epochs")
      epochs = std::atoi(v.c_str());
    else if (a == "--batch")
      batch = std::atoi(v.c_str());
    else if (a == "--threads")
      threads = std::atoi(v.c_str());
    else if (a == "--hidden")
      hidden = std::atoi(v.c_str());
    else if (a == "--lr")
      lr = std::atof(v.c_str());
    else if (a == "--min-accuracy")
      min_accuracy = std::atof(v.c_str());
    else if (a == "--train-ratio")
      train_ratio = std::atof(v.c_str());
    else if (a == "--metric-on")
      metric_on = v;
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  if (images.empty() || !std::filesystem::is_directory(images)) {
    std::cerr << "give a folder of images with one sub-folder per class: --images DIR\n"
                 "(for example: apt-get download pysiogame && dpkg-deb -x pysiogame_*.deb pysiogame, then\n"
                 " --images pysiogame/usr/share/games/pysiogame/res/images/art4apps)\n";
    return 2;
  }
  std::filesystem::create_directories(work);
  const std::string prefix = work + "/images";

  // 1. im2rec --list --recursive --train-ratio 0.8, then im2rec --resize size (both lists)
  sg::im2rec::Options o;
  o.recursive = true;
  o.train_ratio = train_ratio;
  o.resize = size;
  o.num_thread = threads;
  o.interp = sg::image::Interp::area;
  auto lists = sg::im2rec::make_list(prefix, images, o);
  int classes = 0;
  for (auto& l : lists)
    for (auto& it : sg::im2rec::read_list(l)) classes = std::max(classes, int(it.labels.at(0)) + 1);
  for (auto& l : lists) {
    auto st = sg::im2rec::pack_list(l, images, o);
    std::cout << "packed " << st.written << " images from " << l << " (" << st.skipped << " skipped) in "
              << st.seconds << " s\n";
  }
  const bool has_val = train_ratio < 1.0;
  const std::string train_rec = has_val ? prefix + "_train.rec" : prefix + ".rec";

  // 2. ImageRecordIter: random crops of size x size from the resized images, random mirrors
  sg::io::ImageRecordIter train({.path_imgrec = train_rec,
                                 .data_shape = {3, size, size},
                                 .batch_size = batch,
                                 .shuffle = true,
                                 .seed = 1,
                                 .preprocess_threads = threads,
                                 .rand_crop = true,
                                 .rand_mirror = true,
                                 .mean_r = 128,
                                 .mean_g = 128,
                                 .mean_b = 128,
                                 .std_r = 64,
                                 .std_g = 64,
                                 .std_b = 64});
  std::unique_ptr<sg::io::ImageRecordIter> val;
  if (has_val)
    val = std::make_unique<sg::io::ImageRecordIter>(
        sg::io::ImageRecordIterOptions{.path_imgrec = prefix + "_val.rec",
                                       .data_shape = {3, size, size},
                                       .batch_size = batch,
                                       .preprocess_threads = threads,
                                       .mean_r = 128,
                                       .mean_g = 128,
                                       .mean_b = 128,
                                       .std_r = 64,
                                       .std_g = 64,
                                       .std_b = 64});

  // 3. a small classifier: two hidden layers on the pixels
  Symbol data = var("data");
  Symbol h = activation(fully_connected(flatten(data), {.num_hidden = hidden, .name = "fc1"}),
                        {.act_type = "relu", .name = "relu1"});
  h = dropout(h, {.p = 0.3, .name = "drop1"});
  h = activation(fully_connected(h, {.num_hidden = hidden / 2, .name = "fc2"}),
                 {.act_type = "relu", .name = "relu2"});
  Symbol net =
      softmax_output(fully_connected(h, {.num_hidden = classes, .name = "fc3"}), {.name = "softmax"});
  sg::Module mod(net);
  mod.fit(train, {.eval_data = val.get(),
                  .eval_metric = std::string("acc"),
                  .optimizer = "sgd",
                  .optimizer_params = {{"learning_rate", lr}, {"momentum", 0.9}, {"wd", 1e-4}},
                  .initializer = std::make_shared<sg::init::Xavier>(),
                  .num_epoch = epochs});
  sg::io::DataIter& scored = (metric_on == "train" || !val) ? static_cast<sg::io::DataIter&>(train) : *val;
  const double acc = mod.score(scored, std::string("acc")).at(0).second;
  std::cout << classes << " classes, " << (&scored == &train ? "training" : "validation") << " accuracy "
            << acc << " after " << epochs << " epochs\n";
  if (acc < min_accuracy) {
    std::cerr << "accuracy below " << min_accuracy << "\n";
    return 1;
  }
  return 0;
}
