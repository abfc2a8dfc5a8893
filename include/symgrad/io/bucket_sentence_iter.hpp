// BucketSentenceIter: batches of encoded sentences grouped by length, as MXNet 1.9.1's
// mx.rnn.BucketSentenceIter, for a BucketingModule language model.
//
//   sg::io::BucketSentenceIter it(sentences, 32, {.buckets = {10, 20, 30}, .invalid_label = 0});
//   // batches of (32, 10), (32, 20) or (32, 30): each sentence in the smallest bucket that holds
//   // it, padded with invalid_label; the label is the sentence shifted left by one token.
//
// As MXNet: a sentence longer than the largest bucket is dropped (counted by num_discarded() and
// logged once); buckets that receive no sentence are dropped; a bucket's last partial batch is
// not used; with no buckets given, every length that at least batch_size sentences have is one.
// Each reset() shuffles the order of the batches and the sentences within each bucket. Unlike
// MXNet (which draws from Python's and NumPy's global generators), the shuffles draw from a
// generator seeded with `seed`: the same seed gives the same batches on every machine.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "data_iter_base.hpp"

namespace SYMGRAD_NS::io {

struct BucketSentenceIterOptions {
  std::vector<std::int64_t> buckets = {};  // sentence lengths; empty: chosen from the data
  double invalid_label = -1;               // the padding, and the label after each sentence's end
  std::string data_name = "data";
  std::string label_name = "softmax_label";
  DType dtype = DType::float32;
  std::string layout = "NT";  // NT: (batch, length); TN: (length, batch)
  std::uint64_t seed = 0;
  // Where the count of discarded sentences goes (MXNet prints it); default std::clog.
  std::function<void(const std::string&)> logger = {};
};

class BucketSentenceIter : public DataIter {
 public:
  BucketSentenceIter(const std::vector<std::vector<int>>& sentences, std::int64_t batch_size,
                     BucketSentenceIterOptions o = {});

  // The buckets that hold sentences, ascending; the default bucket key is the largest.
  const std::vector<std::int64_t>& buckets() const { return buckets_; }
  BucketKey default_bucket_key() const { return buckets_.back(); }
  // Sentences longer than the largest bucket, left out.
  std::int64_t num_discarded() const { return num_discarded_; }
  // Sentences in each bucket (buckets() order).
  std::vector<std::int64_t> bucket_sizes() const;

  // The default (largest) bucket's shapes, as MXNet; each batch carries its own.
  std::vector<DataDesc> provide_data() const override;
  std::vector<DataDesc> provide_label() const override;
  void reset() override;
  bool next() override;
  std::int64_t num_batches() const override { return static_cast<std::int64_t>(idx_.size()); }

 private:
  Shape shape_of(std::int64_t len) const;

  BucketSentenceIterOptions o_;
  std::vector<std::int64_t> buckets_;
  std::vector<std::vector<float>> data_;                   // per bucket: sentences x length, padded
  std::vector<std::vector<std::int64_t>> order_;           // per bucket: its sentences, shuffled
  std::vector<std::pair<std::size_t, std::int64_t>> idx_;  // (bucket, first row) of every batch
  std::vector<NDArray> data_arrays_, label_arrays_;        // per bucket, reused by every batch
  std::int64_t num_discarded_ = 0;
  std::size_t cursor_ = 0;
  bool time_major_ = false;
  nd::random::Generator gen_;
};

}  // namespace SYMGRAD_NS::io

namespace SYMGRAD_NS::rnn {
using io::BucketSentenceIter;  // MXNet's name: mx.rnn.BucketSentenceIter
using io::BucketSentenceIterOptions;
}  // namespace SYMGRAD_NS::rnn
