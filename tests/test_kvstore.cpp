// kv::KVStore in one process ("local"), the launcher world that iterators shard by, and the
// errors of stores this build cannot make. The distributed store runs under mpirun in
// tests/dist/ (suite "dist").
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <symgrad/io/data_iter.hpp>
#include <symgrad/kv/kvstore.hpp>
#include <vector>

#include <unistd.h>

namespace {

namespace sg = symgrad;
namespace kv = symgrad::kv;

sg::NDArray filled(sg::Shape s, double v, sg::DType t = sg::DType::float32) {
  sg::NDArray a(s, sg::cpu(), t);
  a.fill(v);
  return a;
}
std::vector<double> values(const sg::NDArray& a) {
  sg::NDArray d = a.astype(sg::DType::float64);
  return {d.data<double>(), d.data<double>() + d.size()};
}
std::string error_of(auto&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// Sets environment variables for one scope.
struct Env {
  std::vector<std::string> names;
  Env(std::initializer_list<std::pair<const char*, const char*>> vars) {
    for (auto [k, v] : vars) setenv(k, v, 1), names.emplace_back(k);
  }
  ~Env() {
    for (const auto& k : names) unsetenv(k.c_str());
  }
};

}  // namespace

TEST_CASE("kvstore local: init, push (sum of the arrays), pull, pushpull") {
  auto store = kv::create("local");
  CHECK(store->type() == "local");
  CHECK(store->rank() == 0);
  CHECK(store->num_workers() == 1);
  store->init("w", filled({2, 3}, 1.5));
  store->init(3, filled({4}, 0.0, sg::DType::float64));
  CHECK(store->has_key("3"));
  sg::NDArray out = filled({2, 3}, 0);
  store->pull("w", out);
  CHECK(values(out) == std::vector<double>(6, 1.5));

  // Without an optimizer, push replaces the value with the sum of what was pushed.
  std::vector<sg::NDArray> devices = {filled({2, 3}, 1), filled({2, 3}, 2), filled({2, 3}, 4)};
  store->push("w", devices);
  store->pull("w", out);
  CHECK(values(out) == std::vector<double>(6, 7));
  // Several outputs take the same value.
  std::vector<sg::NDArray> outs = {filled({2, 3}, 0), filled({2, 3}, 0)};
  store->pull("w", outs);
  CHECK(values(outs[1]) == std::vector<double>(6, 7));

  // List forms, one array per key, float64 too.
  sg::NDArray d = filled({4}, 0, sg::DType::float64);
  store->pushpull(std::vector<std::string>{"w", "3"},
                  {filled({2, 3}, -1), filled({4}, 0.25, sg::DType::float64)}, {out, d});
  CHECK(values(out) == std::vector<double>(6, -1));
  CHECK(values(d) == std::vector<double>(4, 0.25));
  CHECK(store->bytes_reduced() == 0);
}

TEST_CASE("kvstore local: set_optimizer updates in the store, as MXNet's update_on_kvstore") {
  auto store = kv::create("device");
  store->init(std::vector<std::string>{"fc_weight", "fc_bias"}, {filled({3}, 1.0), filled({3}, 1.0)});
  store->set_optimizer(sg::opt::create("sgd", {{"learning_rate", 0.1}, {"momentum", 0.9}, {"wd", 0.5}}));
  sg::NDArray w = filled({3}, 0), b = filled({3}, 0);
  // Two devices' gradients are summed: g = 2; the bias has no weight decay (wd_mult 0 by name).
  std::vector<sg::NDArray> g = {filled({3}, 1), filled({3}, 1)};
  store->push("fc_weight", g);
  store->push("fc_bias", g);
  store->pull("fc_weight", w);
  store->pull("fc_bias", b);
  // mom = -lr*wd*w - lr*g; w += mom
  CHECK(values(w)[0] == doctest::Approx(1.0 - 0.1 * 0.5 * 1.0 - 0.1 * 2));
  CHECK(values(b)[0] == doctest::Approx(1.0 - 0.1 * 2));
  // Second step uses the momentum state of each key's index.
  double mom_w = -0.1 * 0.5 - 0.2, w1 = 1.0 + mom_w;
  store->pushpull("fc_weight", filled({3}, 2), w);
  double mom2 = 0.9 * mom_w - 0.1 * 0.5 * w1 - 0.1 * 2;
  CHECK(values(w)[1] == doctest::Approx(w1 + mom2));
  CHECK(store->optimizer()->update_count(0) == 2);  // "fc_weight" has index 0, "fc_bias" 1
  CHECK(store->optimizer()->update_count(1) == 1);

  // States round-trip through a file.
  auto path = std::filesystem::temp_directory_path() / ("symgrad_kv_" + std::to_string(getpid()) + ".states");
  store->save_optimizer_states(path.string());
  auto other = kv::create("local");
  other->init(std::vector<std::string>{"fc_weight", "fc_bias"}, {filled({3}, 0), filled({3}, 0)});
  other->set_optimizer(sg::opt::create("sgd", {{"learning_rate", 0.1}, {"momentum", 0.9}, {"wd", 0.5}}));
  other->load_optimizer_states(path.string());
  // MXNet's .states file holds no update counts: a fresh optimizer restarts them, as MXNet's does.
  CHECK(other->optimizer()->update_count(0) == 0);
  CHECK(values((*other->optimizer()->state(0))[0]) == values((*store->optimizer()->state(0))[0]));
  std::filesystem::remove(path);
}

TEST_CASE("kvstore: errors name the key and what to do") {
  auto store = kv::create("local");
  store->init("a", filled({2}, 0));
  sg::NDArray out = filled({2}, 0);
  CHECK(error_of([&] { store->pull("b", out); }).find("key 'b' was not initialized") != std::string::npos);
  CHECK(error_of([&] { store->push("b", out); }).find("key 'b' was not initialized") != std::string::npos);
  CHECK(error_of([&] { store->init("a", out); }).find("already initialized") != std::string::npos);
  CHECK(error_of([&] { store->push("a", filled({3}, 0)); }).find("holds shape (2,) but was given (3,)") !=
        std::string::npos);
  CHECK(error_of([&] { store->pull("a", filled({2, 1}, 0)); }).find("holds shape (2,)") != std::string::npos);
  CHECK(error_of([&] {
          store->init("i", sg::NDArray(sg::Shape{2}, sg::cpu(), sg::DType::int32));
        }).find("float32") != std::string::npos);
  CHECK(error_of([&] { store->push(std::vector<std::string>{"a"}, {}); }).find("1 keys but 0 arrays") !=
        std::string::npos);
  CHECK(error_of([&] { store->save_optimizer_states("/tmp/x"); }).find("call set_optimizer first") !=
        std::string::npos);
  // A numeric key is its own optimizer index: 0 is taken by 'a'; the failed init leaves nothing.
  CHECK(error_of([&] { store->init(0, filled({1}, 0)); }).find("would take index 0, which key 'a' has") !=
        std::string::npos);
  CHECK_FALSE(store->has_key("0"));
  store->init(std::vector<std::string>{"b", "c"}, {filled({1}, 0), filled({1}, 0)});
  CHECK(error_of([&] {
          store->init(std::vector<std::string>{"d", "b"}, {filled({1}, 0), filled({1}, 0)});
        }).find("key 'b' is already initialized") != std::string::npos);
  CHECK_FALSE(store->has_key("d"));
  CHECK(error_of([&] {
          store->push(std::vector<std::string>{"b", "b"}, {filled({1}, 1), filled({1}, 1)});
        }).find("appears twice") != std::string::npos);
  store->push("b", filled({1}, 2));  // nothing left pending by the failed push
  sg::NDArray one = filled({1}, 0);
  store->pull("b", one);
  CHECK(values(one)[0] == 2);
  CHECK(error_of([] { kv::create("bogus"); }).find("unknown type 'bogus'") != std::string::npos);
  CHECK(error_of([] { kv::create("dist_async"); }).find("use 'dist_sync'") != std::string::npos);
#if SYMGRAD_WITH_CUDA
  CHECK(kv::create("nccl")->type() == "nccl");  // one process: the local store sums its GPUs' arrays
#else
  CHECK_THROWS_AS(kv::create("nccl"), sg::DeviceError);
#endif
#if !(defined(SYMGRAD_WITH_MPI) && SYMGRAD_WITH_MPI)
  CHECK(error_of([] { kv::create("dist_sync"); }).find("-Dmpi=enabled") != std::string::npos);
#endif
}

TEST_CASE("kv::world: the launcher's rank and size; iterators shard by them") {
  CHECK(kv::launcher_world().size == 1);
  {
    Env e{{"OMPI_COMM_WORLD_RANK", "1"}, {"OMPI_COMM_WORLD_SIZE", "3"}};
    CHECK(kv::world().rank == 1);
    CHECK(kv::world().size == 3);
    CHECK(kv::resolve_parts(-1, -1, "it") == std::pair{3, 1});
    CHECK(kv::resolve_parts(1, -1, "it") == std::pair{1, 0});  // num_parts = 1: all data everywhere
    CHECK(kv::resolve_parts(3, -1, "it") == std::pair{3, 1});
    CHECK(kv::resolve_parts(4, -1, "it") == std::pair{4, 0});
    CHECK(error_of([] { kv::resolve_parts(2, 2, "it"); }).find("part_index must lie in [0, num_parts)") !=
          std::string::npos);

    // NDArrayIter: 10 examples in 3 parts -> [3, 6) for worker 1.
    sg::NDArray x(sg::Shape{10, 2});
    for (int i = 0; i < 20; ++i) x.data<float>()[i] = static_cast<float>(i / 2);
    sg::io::NDArrayIter it(x, {}, {.batch_size = 2, .last_batch_handle = "discard"});
    CHECK(it.num_data() == 3);
    REQUIRE(it.next());
    CHECK(values(it.value().data[0]) == std::vector<double>{3, 3, 4, 4});
    CHECK_FALSE(it.next());
    sg::io::NDArrayIter all(x, {}, {.batch_size = 2, .num_parts = 1});
    CHECK(all.num_data() == 10);
  }
  {
    Env e{{"PMI_RANK", "0"}, {"PMI_SIZE", "2"}};
    CHECK(kv::world().size == 2);
  }
  CHECK(kv::world().size == 1);
  sg::NDArray few(sg::Shape{1, 2});
  CHECK(error_of([&] {
          sg::io::NDArrayIter(few, {}, {.batch_size = 1, .num_parts = 2, .part_index = 0});
        }).find("holds no examples") != std::string::npos);
}
