// The notebook's full two-stream network: an audio stream and a face stream, fused for a 6-class
// decision.
//   audio_data (128, 49, 75) → LSTMCell(256, 'lstm1_') unrolled 49 steps → LSTMCell(256, 'lstm2_')
//     → the last output of each, reshaped to (-1, 256) and concatenated: rnn_outputs (128, 512);
//   face_data (128, 512, 14, 14) → Convolution 1×1 (64) → BatchNorm → ReLU → Convolution 3×3 (64,
//     pad 1) → ReLU → max Pooling 2×2 → global avg Pooling → Flatten: face_vector (128, 64);
//   Concat(rnn_outputs, face_vector) → FullyConnected(6) → SoftmaxOutput with softmax_label (128,).
// It prints infer_shape's three lists (arguments, outputs, auxiliary states, the BatchNorm moving
// statistics among them) and checks them, then trains with Module.fit (data_names audio_data and
// face_data) on synthetic data with a learnable signal that needs both streams: the face carries
// label / 2 (three groups of channels raised), the audio label % 2 (the first quarter of the
// features shifted up or down). Neither stream alone can beat 1/2 or 1/3 accuracy.
//
//   build/examples/two_stream_audio_face [--batch 128] [--samples 1024] [--epochs 3] [--lr 0.05]
//       [--frames 49] [--features 75] [--hidden 256] [--face-channels 512] [--face-size 14]
//       [--min-accuracy 0.9]
//
// Exits non-zero if a shape differs from the formulas or held-out accuracy stays below
// --min-accuracy.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <symgrad/rnn.hpp>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

namespace sg = symgrad;
using namespace sg::sym;

namespace {

struct Sizes {
  std::int64_t batch = 128, samples = 1024, frames = 49, features = 75, hidden = 256, face_channels = 512,
               face_size = 14;
};

constexpr std::int64_t kClasses = 6, kFaceFilters = 64;

Symbol build(const Sizes& s) {
  Symbol audio = var("audio_data"), face = var("face_data"), label = var("softmax_label");
  sg::rnn::LSTMCell lstm1(s.hidden, "lstm1_");
  auto [out1, states1] = lstm1.unroll(s.frames, audio, {.merge_outputs = false});
  sg::rnn::LSTMCell lstm2(s.hidden, "lstm2_");
  auto [out2, states2] = lstm2.unroll(s.frames, out1, {.merge_outputs = false});
  Symbol last1 = reshape(out1.back(), {.shape = {-1, s.hidden}, .name = "rnn1_last_out_reshape"});
  Symbol last2 = reshape(out2.back(), {.shape = {-1, s.hidden}, .name = "rnn2_last_out_reshape"});
  Symbol rnn_outputs = concat({last1, last2}, {.dim = 1, .name = "rnn_outputs"});

  Symbol f = convolution(face, {.kernel = {1, 1}, .num_filter = kFaceFilters, .name = "face_conv1"});
  f = activation(batch_norm(f, {.fix_gamma = false, .name = "face_bn1"}),
                 {.act_type = "relu", .name = "face_relu1"});
  f = convolution(f, {.kernel = {3, 3}, .pad = {1, 1}, .num_filter = kFaceFilters, .name = "face_conv2"});
  f = activation(f, {.act_type = "relu", .name = "face_relu2"});
  f = pooling(f, {.kernel = {2, 2}, .stride = {2, 2}, .name = "face_pool1"});
  f = pooling(f, {.kernel = {1, 1}, .pool_type = "avg", .global_pool = true, .name = "face_pool2"});
  Symbol face_vector = flatten(f, "face_vector");

  Symbol both = concat({rnn_outputs, face_vector}, {.dim = 1, .name = "fused"});
  Symbol fc = fully_connected(both, {.num_hidden = kClasses, .name = "fc"});
  return softmax_output(fc, label, {.name = "softmax"});
}

// Prints infer_shape's lists; returns false if a shape differs from what the layers' formulas give.
bool print_and_check_shapes(const Symbol& net, const Sizes& s) {
  const sg::ShapeDict in{{"audio_data", {s.batch, s.frames, s.features}},
                         {"face_data", {s.batch, s.face_channels, s.face_size, s.face_size}},
                         {"softmax_label", {s.batch}}};
  auto [arg_shapes, out_shapes, aux_shapes] = net.infer_shape(in);
  auto args = net.list_arguments();
  auto auxs = net.list_auxiliary_states();
  std::cout << "infer_shape(audio_data=" << in.at("audio_data") << ", face_data=" << in.at("face_data")
            << ", softmax_label=" << in.at("softmax_label") << ")\narguments:\n";
  for (std::size_t i = 0; i < args.size(); ++i) std::cout << "  " << args[i] << " " << arg_shapes[i] << "\n";
  std::cout << "outputs:\n  " << net.list_outputs()[0] << " " << out_shapes[0] << "\nauxiliary states:\n";
  for (std::size_t i = 0; i < auxs.size(); ++i) std::cout << "  " << auxs[i] << " " << aux_shapes[i] << "\n";

  std::map<std::string, sg::Shape> got;
  for (std::size_t i = 0; i < args.size(); ++i) got[args[i]] = arg_shapes[i];
  const std::int64_t g4 = 4 * s.hidden;
  const std::map<std::string, sg::Shape> want{{"lstm1_i2h_weight", {g4, s.features}},
                                              {"lstm1_h2h_weight", {g4, s.hidden}},
                                              {"lstm2_i2h_weight", {g4, s.hidden}},
                                              {"face_conv1_weight", {kFaceFilters, s.face_channels, 1, 1}},
                                              {"face_bn1_gamma", {kFaceFilters}},
                                              {"face_conv2_weight", {kFaceFilters, kFaceFilters, 3, 3}},
                                              {"fc_weight", {kClasses, 2 * s.hidden + kFaceFilters}},
                                              {"fc_bias", {kClasses}}};
  bool ok = out_shapes.size() == 1 && out_shapes[0] == sg::Shape{s.batch, kClasses};
  for (const auto& [name, shape] : want) ok = ok && got.count(name) && got.at(name) == shape;
  ok = ok && auxs == std::vector<std::string>{"face_bn1_moving_mean", "face_bn1_moving_var"} &&
       aux_shapes == std::vector<sg::Shape>{{kFaceFilters}, {kFaceFilters}};
  if (!ok) std::cerr << "a shape differs from the layers' formulas\n";
  return ok;
}

// n samples: labels 0..5 in turn; face: unit noise plus 1 on the channel third of label / 2;
// audio: unit noise plus ±0.75 on the first quarter of the features by label % 2.
struct Data {
  sg::NDArray audio, face, label;
};
Data synthesize(const Sizes& s, std::int64_t n, std::uint64_t seed) {
  sg::nd::random::Generator gen(seed);
  Data d{sg::nd::random::normal(0, 1, {n, s.frames, s.features}, gen),
         sg::nd::random::normal(0, 1, {n, s.face_channels, s.face_size, s.face_size}, gen),
         sg::nd::zeros({n})};
  float* a = d.audio.data<float>();
  float* f = d.face.data<float>();
  float* l = d.label.data<float>();
  const std::int64_t third = s.face_channels / 3, plane = s.face_size * s.face_size,
                     quarter = std::max<std::int64_t>(1, s.features / 4);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t y = (i * 7 + 3) % kClasses;
    l[i] = float(y);
    for (std::int64_t c = (y / 2) * third; c < (y / 2 + 1) * third; ++c)
      for (std::int64_t p = 0; p < plane; ++p) f[(i * s.face_channels + c) * plane + p] += 1.0f;
    const float shift = y % 2 ? 0.75f : -0.75f;
    for (std::int64_t t = 0; t < s.frames; ++t)
      for (std::int64_t k = 0; k < quarter; ++k) a[(i * s.frames + t) * s.features + k] += shift;
  }
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  Sizes s;
  int epochs = 3;
  double lr = 0.05, min_accuracy = 0.9;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string o = argv[i];
    const double v = std::atof(argv[i + 1]);
    if (o == "--batch")
      s.batch = std::int64_t(v);
    else if (o == "--samples")
      s.samples = std::int64_t(v);
    else if (o == "--frames")
      s.frames = std::int64_t(v);
    else if (o == "--features")
      s.features = std::int64_t(v);
    else if (o == "--hidden")
      s.hidden = std::int64_t(v);
    else if (o == "--face-channels")
      s.face_channels = std::int64_t(v);
    else if (o == "--face-size")
      s.face_size = std::int64_t(v);
    else if (o == "--epochs")
      epochs = int(v);
    else if (o == "--lr")
      lr = v;
    else if (o == "--min-accuracy")
      min_accuracy = v;
    else {
      std::cerr << "unknown option " << o << "\n";
      return 2;
    }
  }
  if (s.face_channels < 3 || s.face_size < 2 || s.batch < 1 || s.samples < s.batch) {
    std::cerr << "need --face-channels >= 3, --face-size >= 2 and --samples >= --batch >= 1\n";
    return 2;
  }
  Symbol net = build(s);
  if (!print_and_check_shapes(net, s)) return 1;

  Data train = synthesize(s, s.samples, 1), held = synthesize(s, std::max(s.batch, s.samples / 4), 2);
  sg::io::NDArrayIter train_it({{"audio_data", train.audio}, {"face_data", train.face}},
                               {{"softmax_label", train.label}},
                               {.batch_size = s.batch, .shuffle = true, .seed = 3});
  sg::io::NDArrayIter held_it({{"audio_data", held.audio}, {"face_data", held.face}},
                              {{"softmax_label", held.label}}, {.batch_size = s.batch});
  sg::Module mod(net, {.data_names = {"audio_data", "face_data"}, .label_names = {"softmax_label"}});
  const auto tic = std::chrono::steady_clock::now();
  mod.fit(train_it, {.eval_data = &held_it,
                     .eval_metric = std::string("acc"),
                     .optimizer = "sgd",
                     .optimizer_params = {{"learning_rate", lr}, {"momentum", 0.9}},
                     .initializer = std::make_shared<sg::init::Xavier>(),
                     .num_epoch = epochs,
                     .progress = "off"});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - tic).count();
  const double acc = mod.score(held_it, std::string("acc")).at(0).second;
  std::cout << "held-out accuracy " << acc << " (chance 1/6) after " << epochs << " epochs of " << s.samples
            << " samples in " << secs << " s\n";
  if (acc < min_accuracy) {
    std::cerr << "accuracy below " << min_accuracy << "\n";
    return 1;
  }
  return 0;
}
