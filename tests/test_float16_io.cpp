// float16 in files and models from MXNet 1.9.1 (tests/reference/make_float16_golden.py wrote
// tests/data/float16): .params read exactly and written byte for byte, float16 parameters loaded
// into float32 models, and AMP graphs (amp_cast, amp_multicast) loaded and run in float32.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

#include "test_files.hpp"
#include "testing.hpp"

namespace sg = symgrad;
using sg::DType;
using sg::Half;
using sg::NDArray;
using sg::Shape;

namespace {
const std::string dir = std::string(SYMGRAD_TEST_DATA) + "/float16";

// The arrays of arrays.params, built in symgrad from the script's formulas.
NDArray special() {
  const float v[] = {0.0f,      -0.0f, 1.0f,     -2.5f,    65504.0f, -65504.0f, INFINITY,
                     -INFINITY, NAN,   0x1p-24f, 0x1p-14f, 0.1f,     1.0f / 3};
  return NDArray(std::vector<float>(std::begin(v), std::end(v)), Shape{13}).astype(DType::float16);
}
NDArray matrix() {
  std::vector<float> v;
  for (int k = 0; k < 6; ++k) v.push_back(static_cast<float>(k) / 7.0f);
  return NDArray(v, Shape{2, 3}).astype(DType::float16);
}
std::vector<std::uint16_t> bits(const NDArray& a) {
  std::vector<std::uint16_t> b;
  for (std::int64_t i = 0; i < a.size(); ++i) b.push_back(a.data<Half>()[i].bits);
  return b;
}
}  // namespace

TEST_CASE("float16 .params: MXNet's arrays read exactly, and symgrad writes MXNet's bytes") {
  auto a = sg::nd::load(dir + "/arrays.params");
  REQUIRE(a.size() == 3);
  CHECK(a.at("special").dtype() == DType::float16);
  CHECK(a.at("matrix").shape() == Shape{2, 3});
  CHECK(a.at("f32").dtype() == DType::float32);
  // the bit patterns MXNet printed (asnumpy().view(np.uint16))
  CHECK(bits(a.at("special")) == std::vector<std::uint16_t>{0, 32768, 15360, 49408, 31743, 64511, 31744,
                                                            64512, 32256, 1, 1024, 11878, 13653});
  CHECK(bits(a.at("special")) == bits(special()));
  CHECK(bits(a.at("matrix")) == bits(matrix()));
  CHECK(a.at("matrix").at_flat(1) == 0.142822265625);  // 1/7 in float16
  const std::string tmp = testing::scratch("float16_io");
  sg::nd::save(tmp + "/arrays.params", {{"f32", NDArray(std::vector<float>{1.5f, -2.0f}, Shape{2})},
                                        {"matrix", matrix()},
                                        {"special", special()}});
  CHECK(testing::slurp(tmp + "/arrays.params") == testing::slurp(dir + "/arrays.params"));
  sg::nd::save(tmp + "/list.params", std::vector<NDArray>{special(), matrix()});
  CHECK(testing::slurp(tmp + "/list.params") == testing::slurp(dir + "/list.params"));
  auto l = sg::nd::load_list(dir + "/list.params");
  CHECK(l.names.empty());
  CHECK(bits(l.arrays.at(1)) == bits(matrix()));
  std::filesystem::remove_all(tmp);
}

TEST_CASE("float16 parameters in a float32 model: set_params and copy_params_from convert, as MXNet's") {
  auto c = sg::load_checkpoint(dir + "/fp16net", 0);
  REQUIRE(c.arg_params.size() == 4);
  for (const auto& [k, v] : c.arg_params) CHECK(v.dtype() == DType::float16);
  auto io = sg::nd::load(dir + "/fp16net_io.params");
  const NDArray& x = io.at("data");
  // The float32 net (MXNet: Module(fp32 symbol).set_params(float16 params) casts them).
  sg::Symbol net32 = sg::sym::load(dir + "/fp32net-symbol.json");
  sg::Module mod(net32, {.data_names = {"data"}, .label_names = {}});
  mod.bind({{.name = "data", .shape = x.shape()}}, {}, {.for_training = false});
  mod.set_params(c.arg_params, c.aux_params);
  auto [arg, aux] = mod.get_params();
  for (const auto& [k, v] : arg) {
    CAPTURE(k);
    CHECK(v.dtype() == DType::float32);
    CHECK(v.to_vector<double>() == c.arg_params.at(k).to_vector<double>());  // float16 -> float32 is exact
  }
  sg::io::DataBatch batch;
  batch.data = {x};
  mod.forward(batch, false);
  testing::check_close(mod.get_outputs()[0], io.at("out32"), 1e-6, 1e-7,
                       "float32 module, float16 parameters");
  auto ex = net32.simple_bind(sg::cpu(), {{"data", x.shape()}}, {.grad_req = "null"});
  ex.copy_params_from(c.arg_params, c.aux_params);
  ex.forward(false, {{"data", x}});
  testing::check_close(ex.outputs()[0], io.at("out32"), 1e-6, 1e-7, "executor, float16 parameters");
  // The float16 symbol declares its parameters float16 (__dtype__ 2): bind says FullyConnected
  // cannot take them; amp::to_float32 gives the float32 graph, node names kept.
  CHECK_THROWS_WITH_AS(c.symbol.simple_bind(sg::cpu(), {{"data", x.shape()}}, {.grad_req = "null"}),
                       doctest::Contains("(operator FullyConnected) has a float16 input"), sg::TypeError);
  sg::Symbol to32 = sg::amp::to_float32(c.symbol);
  CHECK(to32.list_arguments() == c.symbol.list_arguments());
  auto ex2 = to32.simple_bind(sg::cpu(), {{"data", x.shape()}}, {.grad_req = "null"});
  ex2.copy_params_from(c.arg_params, c.aux_params);
  ex2.forward(false, {{"data", x}});
  testing::check_close(ex2.outputs()[0], io.at("out32"), 1e-6, 1e-7, "amp::to_float32 of the float16 export");
  // Module::load of the float16 checkpoint, rewritten by to_float32, runs too
  sg::Module m2(to32, {.data_names = {"data"}, .label_names = {}});
  m2.bind({{.name = "data", .shape = x.shape()}}, {}, {.for_training = false});
  m2.set_params(c.arg_params, c.aux_params);
  m2.forward(batch, false);
  testing::check_close(m2.get_outputs()[0], io.at("out32"), 1e-6, 1e-7, "module on to_float32");
}

TEST_CASE("AMP graphs from MXNet 1.9.1: amp_cast around FullyConnected, and convert_symbol's output") {
  auto io = sg::nd::load(dir + "/amp_fc_io.params");
  sg::Symbol amp = sg::sym::load(dir + "/amp_fc-symbol.json");
  // type inference as MXNet's: the casts' outputs float16 and float32, the weights float16
  auto t = amp.infer_type({{"data", DType::float32}});
  CHECK(t.arg_types == std::vector<std::optional<DType>>{DType::float32, DType::float16, DType::float16});
  CHECK(t.out_types == std::vector<std::optional<DType>>{DType::float32});
  // Bound without dtypes, the weights default to float32 and conflict, as in MXNet ("Incompatible
  // attr in node fc at 1-th input: expected float16, got float32")
  CHECK_THROWS_WITH_AS(amp.simple_bind(sg::cpu(), {{"data", {2, 4}}}, {.grad_req = "null"}),
                       doctest::Contains("'fc_weight'' has dtype float32 but float16 is required"),
                       sg::TypeError);
  // With float16 weights, FullyConnected in float16 cannot run here (nor in MXNet 1.9.1 on a
  // CPU): bind names the node
  CHECK_THROWS_WITH_AS(
      amp.simple_bind(
          sg::cpu(), {{"data", {2, 4}}},
          {.grad_req = "null", .type_dict = {{"fc_weight", DType::float16}, {"fc_bias", DType::float16}}}),
      doctest::Contains("node 'fc' (operator FullyConnected) has a float16 input 0"), sg::TypeError);
  // in float32, the casts kept (as identities): MXNet's float32 graph's output
  sg::Symbol f32 = sg::amp::to_float32(amp);
  CHECK(f32.tojson().find("\"dtype\": \"float32\"") != std::string::npos);
  CHECK(f32.tojson().find("\"dtype\": \"float16\"") == std::string::npos);
  CHECK(amp.tojson().find("\"dtype\": \"float16\"") != std::string::npos);  // the original is unchanged
  CHECK(f32.tojson().find("data_amp_cast_float16") != std::string::npos);   // names are kept
  auto ex = f32.simple_bind(sg::cpu(), {{"data", {2, 4}}}, {.grad_req = "null"});
  ex.copy_params_from({{"fc_weight", io.at("arg:fc_weight")}, {"fc_bias", io.at("arg:fc_bias")}});
  ex.forward(false, {{"data", io.at("data")}});
  testing::check_close(ex.outputs()[0], io.at("out32"), 1e-6, 1e-7, "amp_fc in float32");
  // float16 weights (as an AMP checkpoint with cast_optional_params stores them) load the same way
  ex.copy_params_from({{"fc_weight", io.at("arg:fc_weight").astype(DType::float16)},
                       {"fc_bias", io.at("arg:fc_bias").astype(DType::float16)}});
  ex.forward(false, {{"data", io.at("data")}});
  testing::check_close(ex.outputs()[0], io.at("out32"), 2e-3, 1e-3, "amp_fc with float16 weights");

  // mx.contrib.amp.convert_symbol on MXNet's CPU build: __dtype__ 0 parameters, an amp_cast to
  // float32 at the output
  auto ia = sg::nd::load(dir + "/amp_add_io.params");
  sg::Symbol add = sg::sym::load(dir + "/amp_add-symbol.json");
  auto ea = add.simple_bind(sg::cpu(), {{"data", {2, 4}}, {"y", {2, 3}}}, {.grad_req = "null"});
  ea.copy_params_from({{"fc1_weight", ia.at("arg:fc1_weight")}, {"fc1_bias", ia.at("arg:fc1_bias")}});
  ea.forward(false, {{"data", ia.at("data")}, {"y", ia.at("y")}});
  testing::check_close(ea.outputs()[0], ia.at("out"), 1e-6, 1e-7, "convert_symbol's graph");
}
