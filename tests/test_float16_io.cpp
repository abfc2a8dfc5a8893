// float16 in files and models from MXNet 1.9.1 (tests/reference/make_float16_golden.py wrote
// tests/data/float16): .params read exactly and written byte for byte, float16 parameters loaded
// into float32 models.
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
  // cannot take them.
  CHECK_THROWS_WITH_AS(c.symbol.simple_bind(sg::cpu(), {{"data", x.shape()}}, {.grad_req = "null"}),
                       doctest::Contains("(operator FullyConnected) has a float16 input"), sg::TypeError);
}
