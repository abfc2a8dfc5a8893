// BucketingModule (shared parameters and optimizer state across buckets, against a plain Module
// and against Adam applied by hand; new buckets; errors) and BucketSentenceIter (padding, bucket
// assignment, discarded sentences, layouts, seeded shuffles, against MXNet 1.9.1's).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <symgrad/rnn.hpp>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>
#include <tuple>
#include <vector>

#include "testing.hpp"

namespace sg = symgrad;
using namespace sg::sym;

namespace {

constexpr std::int64_t kVocab = 7, kBatch = 4;

// A small LSTM language model unrolled over `len` steps: the same parameters for every length.
Symbol lm(std::int64_t len) {
  Symbol data = var("data"), label = var("softmax_label");
  Symbol emb = embedding(data, {.input_dim = kVocab, .output_dim = 3, .name = "embed"});
  sg::rnn::LSTMCell cell(5, "lstm_");
  auto [outputs, states] = cell.unroll(len, emb, {.merge_outputs = true});
  Symbol pred =
      fully_connected(reshape(outputs[0], {.shape = {-1, 5}}), {.num_hidden = kVocab, .name = "pred"});
  return softmax_output(pred, reshape(label, {.shape = {-1}}), {.name = "softmax"});
}

sg::SymGen lm_gen() {
  return [](sg::io::BucketKey len) {
    return std::tuple{lm(len), std::vector<std::string>{"data"}, std::vector<std::string>{"softmax_label"}};
  };
}

// A batch of bucket `len`: token ids drawn from `seed`, label = next token (0 at the end).
sg::io::DataBatch batch(std::int64_t len, std::uint64_t seed, std::int64_t bs = kBatch) {
  sg::nd::random::Generator g(seed);
  sg::NDArray x(sg::Shape{bs, len}), y(sg::Shape{bs, len});
  for (std::int64_t i = 0; i < bs; ++i)
    for (std::int64_t t = 0; t < len; ++t)
      x.data<float>()[i * len + t] = static_cast<float>(g.next() % kVocab);
  for (std::int64_t i = 0; i < bs; ++i)
    for (std::int64_t t = 0; t < len; ++t)
      y.data<float>()[i * len + t] = t + 1 < len ? x.data<float>()[i * len + t + 1] : 0.0f;
  sg::io::DataBatch b;
  b.data = {x};
  b.label = {y};
  b.bucket_key = len;
  b.provide_data = {{"data", x.shape()}};
  b.provide_label = {{"softmax_label", y.shape()}};
  return b;
}

std::vector<sg::io::DataDesc> data_desc(std::int64_t len) { return {{"data", {kBatch, len}}}; }
std::vector<sg::io::DataDesc> label_desc(std::int64_t len) { return {{"softmax_label", {kBatch, len}}}; }

double max_diff(const sg::NDArray& a, const sg::NDArray& b) {
  REQUIRE(a.shape() == b.shape());
  const float *pa = a.data<float>(), *pb = b.data<float>();
  double d = 0;
  for (std::int64_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(static_cast<double>(pa[i]) - pb[i]));
  return d;
}

void check_same_params(const sg::ParamDict& a, const sg::ParamDict& b, double tol) {
  REQUIRE(a.size() == b.size());
  for (const auto& [name, value] : a) {
    INFO(name);
    REQUIRE(b.count(name));
    CHECK(max_diff(value, b.at(name)) <= tol);
  }
}

const sg::Logger quiet = [](const std::string&) {};

// A plain Module of one length, bound and holding `params`.
sg::Module plain(std::int64_t len, const sg::ParamDict& params) {
  sg::Module m(lm(len), {.logger = quiet});
  m.bind(data_desc(len), label_desc(len));
  m.init_params({.arg_params = params});
  return m;
}

}  // namespace

TEST_CASE("bucketing: buckets share one set of parameters and gradients") {
  NameManager names;
  sg::BucketingModule mod(lm_gen(), 6, {.logger = quiet});
  mod.bind(data_desc(6), label_desc(6));
  mod.init_params({.initializer = std::make_shared<sg::init::Xavier>(), .seed = 3});
  mod.init_optimizer({.optimizer = "sgd", .optimizer_params = {{"learning_rate", 0.5}}});
  auto [start, aux0] = mod.get_params();

  // An unseen key binds a new executor on the same arrays.
  mod.switch_bucket(3, data_desc(3), label_desc(3));
  CHECK(mod.bucket_key() == 3);
  CHECK(mod.buckets().size() == 2);
  auto& e6 = mod.buckets().at(6)->executor();
  auto& e3 = mod.buckets().at(3)->executor();
  CHECK(&e6 != &e3);
  for (const auto& name : mod.buckets().at(6)->param_names()) {
    INFO(name);
    CHECK(e3.arg_dict().at(name).same_storage(e6.arg_dict().at(name)));
    CHECK(e3.grad_dict().at(name).same_storage(e6.grad_dict().at(name)));
  }

  // A step through bucket 3 changes what bucket 6 computes, exactly as a plain Module would.
  auto b3 = batch(3, 11), b6 = batch(6, 12);
  mod.forward_backward(b3);
  mod.update();
  mod.forward(b6, false);
  CHECK(mod.bucket_key() == 6);
  sg::Module ref3 = plain(3, start);
  ref3.init_optimizer({.optimizer = "sgd", .optimizer_params = {{"learning_rate", 0.5}}});
  ref3.forward_backward(b3);
  ref3.update();
  auto [after, aux1] = ref3.get_params();
  check_same_params(mod.get_params().first, after, 1e-6);
  CHECK(max_diff(mod.get_params().first.at("pred_weight"), start.at("pred_weight")) > 1e-4);  // it moved
  sg::Module ref6 = plain(6, after);
  ref6.forward(b6, false);
  CHECK(max_diff(mod.get_outputs()[0], ref6.get_outputs()[0]) <= 1e-6);

  // Buckets bound after init_optimizer borrow the optimizer too.
  mod.forward_backward(batch(4, 13));
  CHECK(mod.buckets().size() == 3);
  CHECK(mod.buckets().at(4)->optimizer() == mod.buckets().at(6)->optimizer());
  mod.update();
}

TEST_CASE("bucketing: one bucket trains exactly as a plain Module") {
  NameManager names;
  std::vector<std::vector<int>> sentences;
  sg::nd::random::Generator g(5);
  for (int i = 0; i < 40; ++i) {
    std::vector<int> s(1 + g.next() % 6);
    for (auto& w : s) w = 1 + static_cast<int>(g.next() % (kVocab - 1));
    sentences.push_back(s);
  }
  sg::io::BucketSentenceIterOptions io{.buckets = {6}, .invalid_label = 0, .seed = 9, .logger = quiet};
  sg::io::BucketSentenceIter it_a(sentences, kBatch, io), it_b(sentences, kBatch, io);
  sg::FitOptions f{.eval_metric = std::make_shared<sg::metric::Perplexity>(
                       sg::metric::PerplexityOptions{.ignore_label = 0}),
                   .optimizer = "adam",
                   .optimizer_params = {{"learning_rate", 0.01}},
                   .initializer = std::make_shared<sg::init::Xavier>(),
                   .num_epoch = 3,
                   .progress = "off",
                   .seed = 4};
  sg::BucketingModule bucketed(lm_gen(), 6, {.logger = quiet});
  bucketed.fit(it_a, f);
  sg::Module single(lm(6), {.logger = quiet});
  single.fit(it_b, f);
  auto [pa, xa] = bucketed.get_params();
  auto [pb, xb] = single.get_params();
  check_same_params(pa, pb, 1e-6);
  CHECK(bucketed.buckets().size() == 1);
}

TEST_CASE("bucketing: fit learns over several buckets; score, predict and checkpoints") {
  NameManager names;
  // A language whose next word is always the word + 1 (mod 6, words 1..6): learnable exactly.
  std::vector<std::vector<int>> sentences;
  sg::nd::random::Generator g(2);
  for (int i = 0; i < 120; ++i) {
    std::vector<int> s(2 + g.next() % 5);
    int w = 1 + static_cast<int>(g.next() % 6);
    for (auto& x : s) x = w, w = w % 6 + 1;
    sentences.push_back(s);
  }
  sg::io::BucketSentenceIterOptions io{.buckets = {3, 6}, .invalid_label = 0, .seed = 1, .logger = quiet};
  sg::io::BucketSentenceIter train(sentences, kBatch, io), val(sentences, kBatch, io);
  auto ppl = [] {
    return std::make_shared<sg::metric::Perplexity>(sg::metric::PerplexityOptions{.ignore_label = 0});
  };
  sg::BucketingModule mod(lm_gen(), train.default_bucket_key(), {.logger = quiet});
  mod.bind(train.provide_data(), train.provide_label());
  mod.init_params({.initializer = std::make_shared<sg::init::Xavier>(), .seed = 1});
  const double before = mod.score(val, ppl()).at(0).second;
  mod.fit(train, {.eval_data = &val,
                  .eval_metric = ppl(),
                  .optimizer = "adam",
                  .optimizer_params = {{"learning_rate", 0.05}},
                  .num_epoch = 8,
                  .progress = "off"});
  CHECK(mod.buckets().size() == 2);
  const double after = mod.score(val, ppl()).at(0).second;
  CHECK(before > 4.0);  // about the vocabulary: nothing learnt
  CHECK(after < 1.5);   // the next word is certain
  auto out = mod.predict(val);
  REQUIRE(out.size() == 1);
  CHECK(out[0].shape()[1] == kVocab);
  // A checkpoint holds the default bucket's symbol and the shared parameters.
  const std::string prefix = (std::filesystem::temp_directory_path() / "symgrad_bucketing").string();
  mod.save_checkpoint(prefix, 1);
  auto c = sg::load_checkpoint(prefix, 1);
  CHECK(c.symbol.list_arguments() == mod.buckets().at(6)->symbol().list_arguments());
  check_same_params(c.arg_params, mod.get_params().first, 0.0);
  std::filesystem::remove(prefix + "-symbol.json");
  std::filesystem::remove(prefix + "-0001.params");
}

TEST_CASE("bucketing: a monitor sees every bucket, also after a bucket rebinds for another batch size") {
  NameManager names;
  sg::BucketingModule mod(lm_gen(), 4, {.logger = quiet});
  mod.bind(data_desc(4), label_desc(4));
  mod.init_params();
  sg::Monitor mon(1, {}, "pred_output");
  mod.install_monitor(mon);
  auto seen = [&](const sg::io::DataBatch& b) {
    mon.tic();
    mod.forward(b, false);
    auto stats = mon.toc();
    return std::any_of(stats.begin(), stats.end(), [](const auto& s) { return s.name == "pred_output"; });
  };
  CHECK(seen(batch(4, 1)));
  CHECK(seen(batch(2, 2)));     // a new bucket
  CHECK(seen(batch(4, 3, 2)));  // the default bucket rebinds for batch size 2
  CHECK(seen(batch(2, 4, 3)));  // and the new one for 3
}

TEST_CASE("bucketing: alternating buckets match Adam applied by hand to each bucket's gradients") {
  NameManager names;
  const double lr = 0.05, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  sg::BucketingModule mod(lm_gen(), 5, {.logger = quiet});
  mod.bind(data_desc(5), label_desc(5));
  mod.init_params({.initializer = std::make_shared<sg::init::Xavier>(), .seed = 8});
  mod.init_optimizer({.optimizer = "adam", .optimizer_params = {{"learning_rate", lr}}});
  auto [w, aux] = mod.get_params();  // the reference weights, updated by hand below
  std::map<std::string, std::vector<double>> m, v;
  int t = 0;
  const std::vector<std::int64_t> lens = {2, 5, 3, 2, 5};
  for (std::size_t k = 0; k < lens.size(); ++k) {
    auto b = batch(lens[k], 100 + k);
    mod.forward_backward(b);
    mod.update();
    // The gradient a plain Module of this length gives at the reference weights.
    sg::Module ref = plain(lens[k], w);
    ref.forward_backward(b);
    auto grads = ref.executor().grad_dict();
    ++t;  // every parameter is updated at every step: one count for all
    for (auto& [name, arr] : w) {
      const float* g = grads.at(name).data<float>();
      float* p = arr.data<float>();
      auto& mm = m[name];
      auto& vv = v[name];
      mm.resize(static_cast<std::size_t>(arr.size()));
      vv.resize(static_cast<std::size_t>(arr.size()));
      const double lr_t = lr * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t));
      for (std::size_t i = 0; i < mm.size(); ++i) {
        const double gi = g[i] / static_cast<double>(kBatch);  // rescale_grad = 1 / batch size
        mm[i] = b1 * mm[i] + (1 - b1) * gi;
        vv[i] = b2 * vv[i] + (1 - b2) * gi * gi;
        p[i] = static_cast<float>(p[i] - lr_t * mm[i] / (std::sqrt(vv[i]) + eps));
      }
    }
  }
  CHECK(mod.buckets().size() == 3);
  check_same_params(mod.get_params().first, w, 1e-4);
  // the buckets' executors keep their intermediate arrays in one pool, sized by the default
  // (largest) bucket: the checks above ran on shared memory
  std::set<std::string> pools;
  for (const auto& [key, m] : mod.buckets()) {
    const std::string d = m->executor().debug_str();
    const auto at = d.find("shared memory pool:");
    REQUIRE(at != std::string::npos);
    const auto of = d.find("MB of a ", at);
    REQUIRE(of != std::string::npos);
    pools.insert(d.substr(of, d.find('\n', of) - of));
  }
  CHECK(pools.size() == 1);
}

TEST_CASE("bucketing: bad input is a clear error") {
  NameManager names;
  sg::BucketingModule unbound(lm_gen(), 4, {.logger = quiet});
  CHECK_THROWS_WITH_AS(unbound.forward(batch(4, 1)), doctest::Contains("not bound"), sg::ValueError);

  // sym_gen naming a data input the symbol lacks, for one key.
  sg::BucketingModule mod(
      [](sg::io::BucketKey len) {
        return std::tuple{lm(len), std::vector<std::string>{len == 3 ? "dta" : "data"},
                          std::vector<std::string>{"softmax_label"}};
      },
      4, {.logger = quiet});
  mod.bind(data_desc(4), label_desc(4));
  // A new bucket needs the parameters first.
  CHECK_THROWS_WITH_AS(mod.switch_bucket(2, data_desc(2), label_desc(2)), doctest::Contains("init_params"),
                       sg::ValueError);
  mod.init_params();
  mod.init_optimizer();
  CHECK_THROWS_WITH_AS(mod.forward(batch(3, 1)), doctest::Contains("'dta'"), sg::NameError);

  // A batch whose arrays do not match its provide_data.
  auto b = batch(4, 2);
  b.provide_data = {{"data", {kBatch, 5}}};
  CHECK_THROWS_WITH_AS(mod.forward(b), doctest::Contains("provide_data says (4, 5)"), sg::ShapeError);
  // A batch of bucket 4 whose sequences have another length.
  auto wrong = batch(5, 3);
  wrong.bucket_key = 4;
  auto msg = testing::error_message<sg::ShapeError>([&] { mod.forward(wrong); });
  CHECK(msg.find("has shape (4, 5) but bucket 4 is bound with (4, 4)") != std::string::npos);
  // A batch whose data name is not the bucket's.
  auto named = batch(4, 4);
  named.provide_data[0].name = "tokens";
  CHECK_THROWS_WITH_AS(mod.forward(named), doctest::Contains("'tokens'"), sg::ValueError);
  // Another batch size within a bucket is fine (the bucket's module rebinds) and stays shared.
  mod.forward(batch(2, 5), false);
  mod.forward(batch(4, 6, 2), false);
  CHECK(mod.get_outputs()[0].shape() == sg::Shape{2 * 4, kVocab});
  auto& e4 = mod.buckets().at(4)->executor();
  auto& e2 = mod.buckets().at(2)->executor();
  CHECK(e4.arg_dict().at("data").shape() == sg::Shape{2, 4});
  CHECK(e4.arg_dict().at("pred_weight").same_storage(e2.arg_dict().at("pred_weight")));
  CHECK(e4.grad_dict().at("lstm_i2h_weight").same_storage(e2.grad_dict().at("lstm_i2h_weight")));
}

TEST_CASE("BucketSentenceIter: padding, buckets, labels, discarded sentences") {
  std::vector<std::vector<int>> s = {{1, 2}, {3, 4, 5}, {6}, {7, 8, 9, 10, 11}, {2, 3, 4, 5}};
  std::vector<std::string> logged;
  sg::io::BucketSentenceIter it(
      s, 1, {.buckets = {4, 2, 3, 6}, .invalid_label = -1, .logger = [&](const std::string& l) {
               logged.push_back(l);
             }});
  // {1,2} and {6} go to 2, {3,4,5} to 3, {2,3,4,5} to 4; {7..11} (5 tokens) to 6.
  CHECK(it.buckets() == std::vector<std::int64_t>{2, 3, 4, 6});
  CHECK(it.bucket_sizes() == std::vector<std::int64_t>{2, 1, 1, 1});
  CHECK(it.num_discarded() == 0);
  CHECK(it.default_bucket_key() == 6);
  CHECK(it.provide_data()[0].shape == sg::Shape{1, 6});
  CHECK(it.num_batches() == 5);
  std::map<std::vector<float>, std::vector<float>> seen;  // data -> label
  while (it.next()) {
    const auto& b = it.value();
    REQUIRE(b.bucket_key.has_value());
    CHECK(b.data[0].shape() == sg::Shape{1, *b.bucket_key});
    CHECK(b.provide_data[0].shape == b.data[0].shape());
    CHECK(b.provide_label[0].name == "softmax_label");
    const float* x = b.data[0].data<float>();
    const float* y = b.label[0].data<float>();
    seen[std::vector<float>(x, x + b.data[0].size())] = std::vector<float>(y, y + b.label[0].size());
  }
  CHECK(seen.size() == 5);
  CHECK(seen.at({3, 4, 5}) == std::vector<float>{4, 5, -1});
  CHECK(seen.at({6, -1}) == std::vector<float>{-1, -1});
  CHECK(seen.at({7, 8, 9, 10, 11, -1}) == std::vector<float>{8, 9, 10, 11, -1, -1});

  // Longer than the largest bucket: dropped and counted; a bucket nobody fills is dropped.
  logged.clear();
  auto log = [&](const std::string& l) { logged.push_back(l); };
  sg::io::BucketSentenceIter small(s, 1, {.buckets = {3, 2, 3}, .logger = log});
  CHECK(small.buckets() == std::vector<std::int64_t>{2, 3});
  CHECK(small.num_discarded() == 2);
  REQUIRE(logged.size() == 1);
  CHECK(logged[0] == "WARNING: discarded 2 sentences longer than the largest bucket.");
  sg::io::BucketSentenceIter gap(s, 1, {.buckets = {2, 3, 4, 6, 8}, .logger = [](const std::string&) {}});
  CHECK(gap.buckets() == std::vector<std::int64_t>{2, 3, 4, 6});

  // Partial batches are not used; without buckets, every length with a full batch is one.
  std::vector<std::vector<int>> many = {{1}, {2}, {3}, {1, 2}, {1, 2}, {3, 4}, {1, 2}, {5, 6}, {1, 2, 3}};
  sg::io::BucketSentenceIter autob(many, 2, {.logger = [](const std::string&) {}});
  CHECK(autob.buckets() == std::vector<std::int64_t>{1, 2});  // 3 has one sentence: discarded
  CHECK(autob.num_discarded() == 1);
  CHECK(autob.num_batches() == 1 + 2);

  CHECK_THROWS_AS(sg::io::BucketSentenceIter(s, 1, {.layout = "NTC"}), sg::ValueError);
  CHECK_THROWS_AS(sg::io::BucketSentenceIter(s, 0), sg::ValueError);
}

TEST_CASE("BucketSentenceIter: TN layout and seeded shuffles") {
  std::vector<std::vector<int>> s;
  for (int i = 0; i < 60; ++i) s.push_back(std::vector<int>(static_cast<std::size_t>(1 + i % 5), i));
  auto run = [&](std::uint64_t seed, int epochs, const std::string& layout) {
    sg::io::BucketSentenceIter it(
        s, 3, {.buckets = {2, 5}, .layout = layout, .seed = seed, .logger = [](const std::string&) {}});
    std::vector<std::vector<float>> out;
    for (int e = 0; e < epochs; ++e) {
      if (e > 0) it.reset();
      while (it.next()) {
        const auto& x = it.value().data[0];
        out.emplace_back(x.data<float>(), x.data<float>() + x.size());
        out.back().push_back(static_cast<float>(*it.value().bucket_key));
      }
    }
    return out;
  };
  auto a = run(1, 2, "NT");
  CHECK(a.size() == 2 * (24 / 3 + 36 / 3));
  CHECK(a == run(1, 2, "NT"));  // same seed, same batches
  CHECK(a != run(2, 2, "NT"));
  std::vector<std::vector<float>> first(a.begin(), a.begin() + 20), second(a.begin() + 20, a.end());
  CHECK(first != second);  // each epoch reshuffles
  // Every sentence of a bucket appears once an epoch.
  std::multiset<float> firsts;
  for (const auto& b : first)
    if (b.back() == 2)
      for (std::size_t r = 0; r < 3; ++r) firsts.insert(b[r * 2]);
  CHECK(firsts.size() == 24);
  CHECK(std::set<float>(firsts.begin(), firsts.end()).size() == 24);

  // TN: the transpose of NT's batch.
  sg::io::BucketSentenceIter tn(
      s, 3, {.buckets = {2, 5}, .layout = "TN", .seed = 1, .logger = [](const std::string&) {}});
  REQUIRE(tn.next());
  const auto& x = tn.value().data[0];
  const auto len = *tn.value().bucket_key;
  CHECK(x.shape() == sg::Shape{len, 3});
  CHECK(tn.provide_data()[0].layout == "TN");
  CHECK(tn.provide_data()[0].shape == sg::Shape{5, 3});
  auto nt = run(1, 1, "NT");
  for (std::int64_t r = 0; r < 3; ++r)
    for (std::int64_t t = 0; t < len; ++t)
      CHECK(x.data<float>()[t * 3 + r] == nt[0][static_cast<std::size_t>(r * len + t)]);
}

TEST_CASE("BucketSentenceIter: MXNet 1.9.1's buckets, shapes, batches and rows") {
  // tests/reference/make_bucket_sentence_golden.py; the shuffles differ (MXNet draws from global
  // generators), so batches are compared by count and shape, rows against the bucket's rows.
  std::ifstream f(std::string(SYMGRAD_TEST_DATA) + "/io/bucket_sentence_iter.json");
  REQUIRE(f);
  const auto g = nlohmann::json::parse(f);
  const auto sentences = g["sentences"].get<std::vector<std::vector<int>>>();
  using Row = std::pair<std::vector<float>, std::vector<float>>;  // data, label
  for (const char* name : {"buckets_nt", "buckets_tn", "auto_buckets"}) {
    CAPTURE(name);
    const auto& c = g[name];
    const auto& kw = c["options"];
    sg::io::BucketSentenceIterOptions o{.logger = quiet};
    if (kw.contains("buckets")) o.buckets = kw["buckets"].get<std::vector<std::int64_t>>();
    if (kw.contains("invalid_label")) o.invalid_label = kw["invalid_label"].get<double>();
    if (kw.contains("layout")) o.layout = kw["layout"].get<std::string>();
    const auto bs = kw["batch_size"].get<std::int64_t>();
    sg::io::BucketSentenceIter it(sentences, bs, o);
    const auto buckets = c["buckets"].get<std::vector<std::int64_t>>();
    CHECK(it.buckets() == buckets);
    CHECK(it.default_bucket_key() == c["default_bucket_key"].get<std::int64_t>());
    CHECK(it.num_discarded() == c["discarded"].get<std::int64_t>());
    CHECK(it.provide_data()[0].name == c["provide_data"][0].get<std::string>());
    CHECK(it.provide_data()[0].shape == sg::Shape(c["provide_data"][1].get<std::vector<std::int64_t>>()));
    CHECK(it.provide_label()[0].name == c["provide_label"][0].get<std::string>());
    CHECK(it.provide_label()[0].shape == sg::Shape(c["provide_label"][1].get<std::vector<std::int64_t>>()));
    std::map<std::int64_t, std::multiset<Row>> rows;  // every padded sentence of each bucket, MXNet's
    for (std::size_t b = 0; b < buckets.size(); ++b)
      for (std::size_t r = 0; r < c["bucket_data"][b].size(); ++r)
        rows[buckets[b]].insert({c["bucket_data"][b][r].get<std::vector<float>>(),
                                 c["bucket_label"][b][r].get<std::vector<float>>()});
    std::map<std::int64_t, int> want, got;
    for (const auto& b : c["batches"]) ++want[b["bucket_key"].get<std::int64_t>()];
    const bool tn = o.layout == "TN";
    while (it.next()) {
      const auto& b = it.value();
      const std::int64_t len = *b.bucket_key;
      ++got[len];
      CHECK(b.data[0].shape() == (tn ? sg::Shape{len, bs} : sg::Shape{bs, len}));
      for (std::int64_t r = 0; r < bs; ++r) {
        Row row;
        for (std::int64_t t = 0; t < len; ++t) {
          const std::int64_t at = tn ? t * bs + r : r * len + t;
          row.first.push_back(b.data[0].data<float>()[at]);
          row.second.push_back(b.label[0].data<float>()[at]);
        }
        auto found = rows[len].find(row);  // each sentence once an epoch
        CHECK(found != rows[len].end());
        if (found != rows[len].end()) rows[len].erase(found);
      }
    }
    CHECK(got == want);
  }
}
