// mx.io.ImageRecordIter: batches of decoded, augmented images from a RecordIO image file, as
// MXNet 1.9.1's ImageRecordIter (v2):
// * per image: decode (colour for 3 channels, grey for 1), resize the shorter edge to `resize`
//   when > 0, the augmentations below when asked for (MXNet's default augmenter: affine warp,
//   pad, random resized crop or random square crop, colour jitter, HLS shift, PCA noise), else
//   upscale an image still smaller than data_shape and crop data_shape (random with rand_crop,
//   else centred); mirror (always with `mirror`, half the time with rand_mirror), then
//   value = (pixel - mean_c) * scale / std_c;
// * data (batch, C, H, W) float32 in RGB order; labels (batch,) or (batch, label_width);
// * a record with k > 0 labels needs label_width == k, a record with one label label_width == 1;
//   a .lst given as path_imglist supplies the labels instead (looked up by the record's id);
// * round_batch completes the last batch from the start of the data and sets pad;
// * decoding and augmentation run on preprocess_threads threads, prefetch_buffer batches ahead.
// Differences: the random draws come from symgrad's generator, so the augmented images are not
// MXNet's for the same seed (the distributions are MXNet's); contrast and saturation take the grey
// level from (R, G, B) with the usual weights, where MXNet weighs OpenCV's BGR pixels as if they
// were RGB; inter_method 2 (cubic) and 4 (Lanczos) are not available. Also: round_batch = false gives the
// last batch with pad set and the missing rows zero (MXNet reports pad 0 and leaves stale rows); shuffling
// permutes all records each epoch with symgrad's seeded generator, with or without an index; random crops and
// mirrors depend only on (seed, epoch, position), so the batches do not depend on the number of threads;
// num_parts / part_index split the records into contiguous parts.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../core/world.hpp"
#include "../ndarray/random.hpp"
#include "data_iter.hpp"
#include "im2rec.hpp"
#include "image.hpp"
#include "image_augment.hpp"
#include "recordio.hpp"

namespace SYMGRAD_NS::io {

struct ImageRecordIterOptions {
  std::string path_imgrec = {};
  std::string path_imgidx = {};               // optional: record offsets from the index instead of a scan
  std::string path_imglist = {};              // optional: labels from a .lst, by record id
  std::vector<std::int64_t> data_shape = {};  // (C, H, W), C = 1, 3 or 4
  std::int64_t batch_size = 0;
  int label_width = 1;
  bool shuffle = false;
  std::uint64_t seed = 0;
  int preprocess_threads = 4;
  int prefetch_buffer = 4;
  bool round_batch = true;
  int resize = -1;
  bool rand_crop = false;
  // Augmentations, with MXNet's names, defaults and order of application (resize, affine warp,
  // pad, crop, colour jitter in a random order, HLS shift, PCA noise, mirror):
  bool random_resized_crop = false;            // a random area and aspect, resized to data_shape
  int max_rotate_angle = 0;                    // degrees, drawn from [-v, v]
  float max_aspect_ratio = 0;                  // aspect from [1 - v, 1 + v], or [min, max] with min set
  std::optional<float> min_aspect_ratio = {};  // (both also shape random_resized_crop's boxes)
  float max_shear_ratio = 0;                   // (x, y) -> (x + m y, y), m from [-v, v]
  int max_crop_size = -1, min_crop_size = -1;  // a random square, resized to data_shape
  float max_random_scale = 1, min_random_scale = 1;
  float max_random_area = 1, min_random_area = 1;      // fractions of the area (random_resized_crop)
  float max_img_size = 1e10f, min_img_size = 0;        // bounds of the warped image's sides
  float brightness = 0, contrast = 0, saturation = 0;  // factors from [1 - v, 1 + v]
  float pca_noise = 0;                                 // AlexNet's lighting noise, N(0, v) per eigenvector
  int random_h = 0, random_s = 0, random_l = 0;        // shifts of the 8-bit HLS values, about [-v, v]
  int rotate = -1;                                     // a fixed angle when > 0 (overrides max_rotate_angle)
  int fill_value = 255;                                // border colour of the warp and the padding
  int inter_method = 1;                                // 1 bilinear, 3 area, 9 area to shrink else bilinear
  int pad = 0;                                         // pixels of fill_value added on every side
  bool rand_mirror = false;
  bool mirror = false;
  float mean_r = 0, mean_g = 0, mean_b = 0, mean_a = 0;
  float std_r = 1, std_g = 1, std_b = 1, std_a = 1;
  float scale = 1;
  int num_parts = -1, part_index = -1;  // -1: this process's share under an MPI launcher (kv::world())
  std::string data_name = "data";
  std::string label_name = "softmax_label";
};

class ImageRecordIter : public DataIter {
 public:
  explicit ImageRecordIter(ImageRecordIterOptions o);
  ~ImageRecordIter() override;

  std::vector<DataDesc> provide_data() const override;
  std::vector<DataDesc> provide_label() const override;
  std::int64_t num_batches() const override;
  // Records this iterator reads (its part).
  std::int64_t count() const { return static_cast<std::int64_t>(offsets_.size()); }

  void reset() override;

  bool next() override;

 private:
  struct Slot {
    std::vector<float> data, label;
    std::vector<std::int64_t> index;
    std::int64_t filled = 0;
    std::exception_ptr error;
  };

  Shape label_shape() const {
    return o_.label_width == 1 ? Shape{batch_size_} : Shape{batch_size_, o_.label_width};
  }

  void validate();

  void index_records();

  void stop_workers();

  void work();

  void fail_all(std::exception_ptr e);

  // The aspect ratio range of the affine warp and of random_resized_crop (MXNet's rule).
  std::pair<float, float> aspect_range() const {
    if (o_.min_aspect_ratio) return {*o_.min_aspect_ratio, o_.max_aspect_ratio};
    return {1 - o_.max_aspect_ratio, 1 + o_.max_aspect_ratio};
  }
  bool colour_jitter() const {
    return o_.brightness > 0 || o_.contrast > 0 || o_.saturation > 0 || o_.random_h != 0 ||
           o_.random_s != 0 || o_.random_l != 0 || o_.pca_noise > 0;
  }
  // The filter of a resize (inter_method 3, or 9 when shrinking: area; else bilinear).
  image::Interp interp(bool shrink) const {
    return o_.inter_method == 3 || (o_.inter_method == 9 && shrink) ? image::Interp::area
                                                                    : image::Interp::linear;
  }
  // The augmentations before the crop, and the crop when they make one; returns whether the
  // image is now data_shape's size.
  bool warp_and_crop(image::Image& img, nd::random::Generator& g) const;
  // The colour augmentations.
  void jitter_colours(image::Image& img, nd::random::Generator& g) const;

  // Decodes and augments the image at epoch position `pos` into row j of the slot.
  void fill(recordio::MXRecordIO& reader, Slot& s, std::int64_t pos, std::int64_t j);

  ImageRecordIterOptions o_;
  std::vector<std::int64_t> offsets_, order_;
  std::unordered_map<std::int64_t, std::vector<float>> list_labels_;
  std::vector<Slot> slots_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_filled_, cv_room_;
  std::int64_t next_task_ = 0, consumed_ = 0, cur_ = 0;
  std::uint64_t epoch_ = 0;
  bool stopping_ = false;
};

}  // namespace SYMGRAD_NS::io
