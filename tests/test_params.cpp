// Operator parameters declared once (ops/params.hpp): the attributes read from a map, the
// attributes written back, the bounds and the error texts, through the registry as a loaded
// symbol JSON would use them and through the options structs.
#include <doctest/doctest.h>

#include <limits>

#include <symgrad/ops/registry.hpp>
#include <symgrad/symgrad.hpp>

namespace sg = symgrad;
using sg::AttrMap;
using namespace sg::sym;

namespace {
AttrMap attrs_of(const Symbol& s) { return s.entries()[0].node->op->attrs(); }
sg::ops::OpPtr make(std::string_view op, const AttrMap& m, std::size_t inputs = 1) {
  return sg::ops::create_op(op, m, inputs);
}
}  // namespace

TEST_CASE("params: attributes written are the required ones and those not at their default") {
  auto x = var("x");
  CHECK(attrs_of(fully_connected(x, {.num_hidden = 8})) == AttrMap{{"num_hidden", "8"}});
  CHECK(attrs_of(fully_connected(x, {.num_hidden = 8, .no_bias = true, .flatten = false})) ==
        AttrMap{{"flatten", "False"}, {"no_bias", "True"}, {"num_hidden", "8"}});
  // Convolution in MXNet's documented order; cuDNN's attributes are kept.
  CHECK(attrs_of(convolution(x, {.kernel = {3, 3},
                                 .stride = {2, 2},
                                 .pad = {1, 1},
                                 .num_filter = 4,
                                 .num_group = 2,
                                 .workspace = 512,
                                 .cudnn_tune = "fastest",
                                 .cudnn_off = true,
                                 .layout = "NCHW"})) == AttrMap{{"cudnn_off", "True"},
                                                                {"cudnn_tune", "fastest"},
                                                                {"kernel", "(3, 3)"},
                                                                {"layout", "NCHW"},
                                                                {"num_filter", "4"},
                                                                {"num_group", "2"},
                                                                {"pad", "(1, 1)"},
                                                                {"stride", "(2, 2)"},
                                                                {"workspace", "512"}});
  // Deconvolution's no_bias defaults to True, so False is written.
  CHECK(attrs_of(deconvolution(x, {.kernel = {2}, .num_filter = 3, .no_bias = false})) ==
        AttrMap{{"kernel", "(2,)"}, {"no_bias", "False"}, {"num_filter", "3"}});
  // pool_type is always written, as MXNet does; enums by name or by value.
  CHECK(attrs_of(pooling(x, {.kernel = {2, 2}})) == AttrMap{{"kernel", "(2, 2)"}, {"pool_type", "max"}});
  CHECK(attrs_of(pooling(x, {.kernel = {2, 2}, .pool_type = "avg", .pooling_convention = "full"})) ==
        attrs_of(pooling(x, {.kernel = {2, 2},
                             .pool_type = sg::ops::PoolType::avg,
                             .pooling_convention = sg::ops::PoolConvention::full})));
  CHECK(attrs_of(dropout(x, {.p = 0.25, .mode = "always", .axes = {2}})) ==
        AttrMap{{"axes", "(2,)"}, {"mode", "always"}, {"p", "0.25"}});
  CHECK(attrs_of(batch_norm(x, {.eps = 2e-5, .fix_gamma = false, .min_calib_range = -1.5})) ==
        AttrMap{{"eps", "2e-05"}, {"fix_gamma", "False"}, {"min_calib_range", "-1.5"}});
  CHECK(attrs_of(embedding(x, {.input_dim = 10, .output_dim = 4, .dtype = sg::DType::float64})) ==
        AttrMap{{"dtype", "float64"}, {"input_dim", "10"}, {"output_dim", "4"}});
  CHECK(attrs_of(leaky_relu(x, {.act_type = "elu", .slope = 1.0})) ==
        AttrMap{{"act_type", "elu"}, {"slope", "1.0"}});
  CHECK(attrs_of(make_loss(x, {.normalization = "batch"})) == AttrMap{{"normalization", "batch"}});
  CHECK(attrs_of(softmax_output(x, {.ignore_label = 0, .use_ignore = true})) ==
        AttrMap{{"ignore_label", "0.0"}, {"use_ignore", "True"}});
}

TEST_CASE("params: attributes read back give the same operator") {
  const std::vector<std::pair<std::string, AttrMap>> cases = {
      {"FullyConnected", {{"num_hidden", "8"}, {"flatten", "False"}}},
      {"Convolution",
       {{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"dilate", "(2, 2)"}, {"cudnn_tune", "off"}}},
      {"Deconvolution", {{"kernel", "(4,)"}, {"num_filter", "2"}, {"adj", "(1,)"}, {"stride", "(2,)"}}},
      {"Pooling",
       {{"kernel", "(3, 3)"}, {"pool_type", "lp"}, {"p_value", "2"}, {"count_include_pad", "False"}}},
      {"Dropout", {{"p", "0.1"}, {"mode", "always"}}},
      {"BatchNorm", {{"momentum", "0.5"}, {"axis", "-1"}, {"use_global_stats", "True"}}},
      {"Embedding", {{"input_dim", "5"}, {"output_dim", "3"}, {"sparse_grad", "True"}}},
      {"LeakyReLU", {{"act_type", "rrelu"}, {"lower_bound", "0.1"}, {"upper_bound", "0.2"}}},
      {"MakeLoss", {{"grad_scale", "2.0"}, {"valid_thresh", "0.5"}, {"normalization", "valid"}}},
      {"SoftmaxOutput", {{"multi_output", "True"}, {"normalization", "batch"}, {"smooth_alpha", "0.1"}}},
      {"RNN",
       {{"state_size", "4"}, {"num_layers", "2"}, {"mode", "gru"}, {"bidirectional", "True"}, {"p", "0.2"}}},
      {"SliceChannel", {{"num_outputs", "3"}, {"axis", "0"}, {"squeeze_axis", "True"}}},
      {"one_hot", {{"depth", "5"}, {"on_value", "2.0"}, {"dtype", "int32"}}},
      {"argmax", {{"axis", "1"}, {"keepdims", "True"}}},
      {"pick", {{"axis", "0"}, {"mode", "wrap"}}},
  };
  for (const auto& [op, m] : cases) {
    CAPTURE(op);
    auto a = make(op, m);
    CHECK(a->attrs() == make(op, a->attrs())->attrs());
    for (const auto& [k, v] : m) {
      CAPTURE(k);
      CHECK(a->attrs().count(k) == 1);
    }
  }
}

TEST_CASE("params: None means not given; defaults are not written") {
  auto c = make("Convolution", {{"kernel", "(3, 3)"},
                                {"num_filter", "4"},
                                {"layout", "None"},
                                {"cudnn_tune", "None"},
                                {"workspace", "1024"}});
  CHECK(c->attrs() == AttrMap{{"kernel", "(3, 3)"}, {"num_filter", "4"}});
  auto p = make("Pooling", {{"kernel", "(2, 2)"}, {"p_value", "None"}, {"stride", "None"}});
  CHECK(p->attrs() == AttrMap{{"kernel", "(2, 2)"}, {"pool_type", "max"}});
  CHECK(make("argmax", {{"axis", "None"}})->attrs().empty());
  auto r = make("RNN", {{"state_size", "4"},
                        {"num_layers", "1"},
                        {"mode", "lstm"},
                        {"projection_size", "None"},
                        {"lstm_state_clip_min", "None"}});
  CHECK(r->attrs() == AttrMap{{"mode", "lstm"}, {"num_layers", "1"}, {"state_size", "4"}});
}

TEST_CASE("params: bad attributes name the operator, the attribute and what is expected") {
  auto throws = [](std::string_view op, const AttrMap& m, const std::string& text) {
    CAPTURE(op);
    CHECK_THROWS_WITH_AS(make(op, m), doctest::Contains(text.c_str()), sg::ValueError);
  };
  throws("FullyConnected", {}, "FullyConnected: the attribute num_hidden is required");
  throws("FullyConnected", {{"num_hidden", "0"}}, "FullyConnected: num_hidden must be at least 1, got 0");
  throws("FullyConnected", {{"num_hidden", "8"}, {"num_hiden", "2"}}, "unknown attribute 'num_hiden'");
  throws("FullyConnected", {{"num_hidden", "eight"}}, "num_hidden");
  throws("Convolution", {{"num_filter", "4"}}, "Convolution: the attribute kernel is required");
  throws("Convolution", {{"kernel", "(3, 3, 3, 3)"}, {"num_filter", "4"}},
         "kernel has 4 values; at most 3 spatial dimensions are supported");
  throws("Convolution", {{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"stride", "(1, 1, 1)"}},
         "Convolution: stride (1, 1, 1) must have as many values as kernel (3, 3)");
  throws("Convolution", {{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"pad", "(-1, 0)"}},
         "Convolution: pad must be at least 0, got (-1, 0)");
  throws("Convolution", {{"kernel", "(3, 3)"}, {"num_filter", "6"}, {"num_group", "4"}},
         "num_filter (6) must be divisible by num_group (4)");
  throws("Convolution", {{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"layout", "NHWC"}}, "layout 'NHWC'");
  throws("Deconvolution", {{"kernel", "(3,)"}, {"num_filter", "4"}, {"layout", "NCHW"}},
         "layout 'NCHW' does not match a 1-d kernel; use NCW");
  throws("Pooling", {{"kernel", "(2, 2)"}, {"pool_type", "median"}},
         "Pooling: attribute 'pool_type' = 'median' is not one of max, avg, sum, lp");
  throws("Dropout", {{"p", "1.5"}}, "Dropout: p must be in [0, 1], got 1.5");
  throws("BatchNorm", {{"eps", "0"}}, "BatchNorm: eps must be greater than 0, got 0.0");
  throws("Embedding", {{"input_dim", "5"}, {"output_dim", "3"}, {"dtype", "complex64"}}, "dtype");
  throws("RNN", {{"state_size", "4"}, {"num_layers", "1"}}, "RNN: the attribute mode is required");
  throws("RNN", {{"state_size", "4"}, {"num_layers", "1"}, {"mode", "lstm"}, {"p", "1.0"}},
         "RNN: p must be in [0, 1), got 1.0");
  throws("RNN", {{"state_size", "4"}, {"num_layers", "1"}, {"mode", "lstm"}, {"projection_size", "2"}},
         "projection_size and LSTM state clipping are not supported");
  throws("SliceChannel", {{"num_outputs", "0"}}, "SliceChannel: num_outputs must be in [1, 65536], got 0");
  throws("one_hot", {}, "one_hot: the attribute depth is required");
  throws("pick", {{"axis", "None"}}, "pick: attribute 'axis' = 'None' is not");
  throws("MakeLoss", {{"normalization", "mean"}},
         "MakeLoss: attribute 'normalization' = 'mean' is not one of null, batch, valid");
}

TEST_CASE("params: options built in C++ are checked as attributes are") {
  auto x = var("x");
  CHECK_THROWS_WITH_AS(pooling(x, {.kernel = {2, 2}, .pool_type = "median"}),
                       doctest::Contains("Pooling: pool_type must be one of max, avg, sum, lp, got 'median'"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(dropout(x, {.mode = "sometimes"}),
                       doctest::Contains("Dropout: mode must be one of training, always, got 'sometimes'"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(convolution(x, {.kernel = {3, 3}, .stride = {0, 1}, .num_filter = 2}),
                       doctest::Contains("Convolution: stride must be at least 1, got (0, 1)"),
                       sg::ValueError);
  CHECK_THROWS_WITH_AS(embedding(x, {.input_dim = 0, .output_dim = 3}),
                       doctest::Contains("Embedding: input_dim must be at least 1, got 0"), sg::ValueError);
  // A kernel given as a run-time list, as a loop over layer sizes would.
  std::vector<std::int64_t> k{3, 3};
  CHECK(attrs_of(convolution(x, {.kernel = k, .num_filter = 2})).at("kernel") == "(3, 3)");
}

TEST_CASE("params: the normalisation operators' attributes round-trip") {
  auto x = var("x");
  CHECK(attrs_of(layer_norm(x)).empty());
  CHECK(attrs_of(layer_norm(x, {.axis = 1, .eps = 1e-3, .output_mean_var = true})) ==
        AttrMap{{"axis", "1"}, {"eps", "0.001"}, {"output_mean_var", "True"}});
  CHECK(attrs_of(instance_norm(x)).empty());
  CHECK(attrs_of(instance_norm(x, {.eps = 1e-2})) == AttrMap{{"eps", "0.01"}});
  // nsize is required, so always written; LRN's options in MXNet's order.
  CHECK(attrs_of(lrn(x, {.nsize = 5})) == AttrMap{{"nsize", "5"}});
  CHECK(attrs_of(lrn(x, {.alpha = 1e-3, .beta = 0.5, .knorm = 1, .nsize = 3})) ==
        AttrMap{{"alpha", "0.001"}, {"beta", "0.5"}, {"knorm", "1.0"}, {"nsize", "3"}});
  CHECK(attrs_of(l2_normalization(x)).empty());
  CHECK(attrs_of(l2_normalization(x, {.eps = 1e-6, .mode = "spatial"})) ==
        AttrMap{{"eps", "1e-06"}, {"mode", "spatial"}});
  CHECK(attrs_of(l2_normalization(x, {.mode = "channel"})) ==
        attrs_of(l2_normalization(x, {.mode = sg::ops::L2Mode::channel})));

  const std::vector<std::pair<std::string, AttrMap>> cases = {
      {"LayerNorm", {{"axis", "0"}, {"eps", "1e-06"}, {"output_mean_var", "True"}}},
      {"InstanceNorm", {{"eps", "0.01"}}},
      {"LRN", {{"alpha", "0.001"}, {"beta", "0.5"}, {"knorm", "1.0"}, {"nsize", "3"}}},
      {"L2Normalization", {{"eps", "1e-05"}, {"mode", "channel"}}},
  };
  for (const auto& [op, m] : cases) {
    CAPTURE(op);
    auto a = make(op, m, op == "LayerNorm" || op == "InstanceNorm" ? 3 : 1);
    CHECK(a->attrs() == m);
    CHECK(make(op, a->attrs())->attrs() == m);
  }
  // Defaults are not written.
  CHECK(make("L2Normalization", {{"mode", "instance"}, {"eps", "1e-10"}})->attrs().empty());
  CHECK(make("LayerNorm", {{"axis", "-1"}, {"output_mean_var", "False"}}, 3)->attrs().empty());
}

TEST_CASE("params: bad normalisation attributes and options give clear errors") {
  auto throws = [](std::string_view op, const AttrMap& m, const std::string& text) {
    CAPTURE(op);
    CHECK_THROWS_WITH_AS(make(op, m), doctest::Contains(text.c_str()), sg::ValueError);
  };
  throws("LayerNorm", {{"eps", "-1"}}, "LayerNorm: eps must be finite and at least 0, got -1.0");
  throws("LayerNorm", {{"axis", "last"}}, "axis");
  throws("LayerNorm", {{"output_mean_var", "maybe"}}, "output_mean_var");
  throws("LayerNorm", {{"axes", "1"}}, "unknown attribute 'axes'");
  throws("InstanceNorm", {{"eps", "inf"}}, "InstanceNorm: eps must be finite and at least 0, got inf");
  throws("InstanceNorm", {{"eps", "1e-3"}, {"axis", "1"}}, "unknown attribute 'axis'");
  throws("LRN", {}, "LRN: the attribute nsize is required");
  throws("LRN", {{"alpha", "0.1"}}, "LRN: the attribute nsize is required");
  throws("LRN", {{"nsize", "0"}}, "LRN: nsize must be at least 1, got 0");
  throws("LRN", {{"nsize", "4"}}, "LRN: nsize must be odd (the window is centred on each channel), got 4");
  throws("LRN", {{"nsize", "five"}}, "nsize");
  throws("LRN", {{"nsize", "5"}, {"size", "5"}}, "unknown attribute 'size'");
  throws("L2Normalization", {{"mode", "batch"}},
         "L2Normalization: attribute 'mode' = 'batch' is not one of instance, channel, spatial");
  throws("L2Normalization", {{"mode", "None"}}, "attribute 'mode' = 'None' is not one of");
  throws("L2Normalization", {{"eps", "nan"}}, "L2Normalization: eps must be finite and at least 0, got nan");

  auto x = var("x");
  auto says = [](auto&& f, const char* text) {
    CHECK_THROWS_WITH_AS(f(), doctest::Contains(text), sg::ValueError);
  };
  says([&] { return layer_norm(x, {.eps = -1e-5}); },
       "LayerNorm: eps must be finite and at least 0, got -1e-05");
  says([&] { return instance_norm(x, {.eps = std::numeric_limits<double>::infinity()}); },
       "InstanceNorm: eps must be finite and at least 0, got inf");
  says([&] { return lrn(x, {}); }, "LRN: nsize must be at least 1, got 0");
  says([&] { return lrn(x, {.alpha = 1e-3, .nsize = 2}); }, "LRN: nsize must be odd");
  says([&] { return l2_normalization(x, {.mode = "row"}); },
       "L2Normalization: mode must be one of instance, channel, spatial, got 'row'");
}
