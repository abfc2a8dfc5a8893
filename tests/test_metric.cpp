// mx.metric against MXNet 1.9.1: every metric replays the calls recorded in tests/data/metric/*.json
// (made by tests/reference/make_metric_golden.py) and must report MXNet's get() and get_global()
// after each step; then symgrad's deliberate differences (one-hot labels, shape errors), create(),
// CompositeEvalMetric, CustomMetric and str().
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <symgrad/train/metric.hpp>

namespace sg = symgrad;
namespace metric = symgrad::metric;
using nlohmann::json;

namespace {

json load(const std::string& name) {
  std::string path = std::string(SYMGRAD_TEST_DATA) + "/metric/" + name + ".json";
  std::ifstream f(path);
  REQUIRE_MESSAGE(f.good(), "missing golden file " << path);
  return json::parse(f);
}

sg::NDArray decode(const json& a) {
  std::vector<std::int64_t> dims = a.at("shape").get<std::vector<std::int64_t>>();
  sg::Shape shape(dims.begin(), dims.end());
  auto data = a.at("data").get<std::vector<double>>();
  if (a.at("dtype") == "float64") return sg::NDArray(data, shape);
  REQUIRE(a.at("dtype") == "float32");
  return sg::NDArray(std::vector<float>(data.begin(), data.end()), shape);
}

std::vector<sg::NDArray> decode_list(const json& l) {
  std::vector<sg::NDArray> r;
  for (const auto& a : l) r.push_back(decode(a));
  return r;
}

// The functions of the golden CustomMetric cases (sum_abs_err returns (sum, count)).
std::pair<double, double> sum_abs_err(const sg::NDArray& label, const sg::NDArray& pred) {
  auto l = label.astype(sg::DType::float64), p = pred.astype(sg::DType::float64);
  double s = 0;
  for (std::int64_t k = 0; k < l.size(); ++k) s += std::abs(l.data<double>()[k] - p.data<double>()[k]);
  return {s, static_cast<double>(l.size())};
}
double max_abs_err(const sg::NDArray& label, const sg::NDArray& pred) {
  auto l = label.astype(sg::DType::float64), p = pred.astype(sg::DType::float64);
  double m = 0;
  for (std::int64_t k = 0; k < l.size(); ++k)
    m = std::max(m, std::abs(l.data<double>()[k] - p.data<double>()[k]));
  return m;
}

std::shared_ptr<metric::EvalMetric> make(const json& c) {
  if (c.contains("custom")) {
    const auto& kw = c.at("kwargs");
    metric::CustomMetricOptions o{.allow_extra_outputs = kw.value("allow_extra_outputs", false),
                                  .name = kw.at("name").get<std::string>()};
    if (c.at("custom") == "sum_abs_err") return std::make_shared<metric::CustomMetric>(sum_abs_err, o);
    REQUIRE(c.at("custom") == "max_abs_err");
    return std::make_shared<metric::CustomMetric>(max_abs_err, o);
  }
  metric::Kwargs kw;
  if (c.contains("kwargs"))
    for (const auto& [k, v] : c.at("kwargs").items()) {
      if (v.is_null())
        kw.emplace(k, "None");
      else if (v.is_number_integer())
        kw.emplace(k, v.get<std::int64_t>());
      else if (v.is_number())
        kw.emplace(k, v.get<double>());
      else
        kw.emplace(k, v.get<std::string>());
    }
  const auto& m = c.at("metric");
  if (m.is_array()) return metric::create(m.get<std::vector<std::string>>(), kw);
  return metric::create(m.get<std::string>(), kw);
}

void check_values(const std::vector<metric::NameValue>& ours, const json& theirs, double tol,
                  const std::string& what) {
  REQUIRE_MESSAGE(ours.size() == theirs.size(), what);
  for (std::size_t k = 0; k < ours.size(); ++k) {
    INFO(what << " [" << k << "]");
    CHECK(ours[k].first == theirs[k][0].get<std::string>());
    if (theirs[k][1].is_null()) {
      CHECK(std::isnan(ours[k].second));
    } else {
      double v = theirs[k][1].get<double>();
      CHECK(ours[k].second == doctest::Approx(v).epsilon(tol));
    }
  }
}

// Replays every case of a golden file; returns the number of steps checked.
int replay(const std::string& group, double tol, bool compare_str) {
  json doc = load(group);
  CHECK(doc.at("mxnet_version") == "1.9.1");
  int steps = 0;
  for (const auto& c : doc.at("cases")) {
    bool custom = c.contains("custom");
    std::string id = group + ": " + (custom ? c.at("custom").dump() : c.at("metric").dump()) +
                     (c.contains("kwargs") ? " " + c.at("kwargs").dump() : "");
    INFO(id);
    auto m = make(c);
    bool global_is_local = c.value("global_is_local", false);
    int n = 0;
    for (const auto& s : c.at("steps")) {
      std::string op = s.at("op");
      if (op == "update")
        m->update(decode_list(s.at("labels")), decode_list(s.at("preds")));
      else if (op == "reset_local")
        m->reset_local();
      else if (op == "reset")
        m->reset();
      std::string what = id + " step " + std::to_string(n++) + " (" + op + ")";
      check_values(m->get_name_value(), s.at("get"), tol, what + " get");
      check_values(m->get_global_name_value(), s.at(global_is_local ? "get" : "get_global"), tol,
                   what + " get_global");
      if (custom || !c.at("metric").is_array() || c.at("metric").size() == 1) {
        auto nv = m->get_name_value();
        CHECK((m->get().second == nv[0].second || (std::isnan(m->get().second) && std::isnan(nv[0].second))));
      }
      ++steps;
    }
    if (compare_str) CHECK(m->str() == c.at("str").get<std::string>());
  }
  return steps;
}

sg::NDArray rows(std::vector<std::vector<float>> v) {
  std::vector<float> flat;
  for (auto& r : v) flat.insert(flat.end(), r.begin(), r.end());
  return sg::NDArray(flat,
                     sg::Shape{static_cast<std::int64_t>(v.size()), static_cast<std::int64_t>(v[0].size())});
}
sg::NDArray vec(std::vector<float> v) {
  return sg::NDArray(v, sg::Shape{static_cast<std::int64_t>(v.size())});
}

template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  FAIL("no " << typeid(E).name() << " thrown");
  return {};
}

}  // namespace

TEST_SUITE("metric") {
  TEST_CASE("classification metrics match MXNet 1.9.1 with class-index labels") {
    // accuracy (flat and (N, 1) labels, axis), top-k, F1 and MCC macro and micro, PCC: exact counts
    CHECK(replay("classification", 1e-12, true) > 30);
  }

  TEST_CASE("cross-entropy, negative log-likelihood and perplexity match MXNet 1.9.1") {
    CHECK(replay("probability", 2e-5, false) > 15);  // MXNet computes in float32
  }

  TEST_CASE("MAE, MSE, RMSE and Pearson correlation match MXNet 1.9.1") {
    CHECK(replay("regression", 2e-5, false) > 15);
  }

  TEST_CASE("Loss, CompositeEvalMetric and CustomMetric match MXNet 1.9.1") {
    CHECK(replay("other", 2e-5, false) > 10);
  }

  TEST_CASE("str() prints the values as MXNet (Python) does") {
    replay("strings", 1e-15, true);
    metric::Accuracy acc;
    CHECK(acc.str() == "EvalMetric: {'accuracy': nan}");
    acc.update({vec({0, 1})}, {rows({{0.9f, 0.1f}, {0.2f, 0.8f}})});
    CHECK(acc.str() == "EvalMetric: {'accuracy': 1.0}");
    CHECK(metric::detail::py_repr(-0.0) == "-0.0");
    CHECK(metric::detail::py_repr(1e22) == "1e+22");
    CHECK(metric::detail::py_repr(1.25e-100) == "1.25e-100");
    CHECK(metric::detail::py_repr(-std::numeric_limits<double>::infinity()) == "-inf");
    CHECK(metric::detail::py_repr(0.00012) == "0.00012");
    CHECK(metric::detail::py_repr(120.5) == "120.5");
  }

  TEST_CASE("one-hot labels: accuracy equals the class-index accuracy (the notebook's (128, 6) case)") {
    json doc = load("notebook");
    auto onehot = decode(doc.at("labels_onehot")), index = decode(doc.at("labels_index")),
         pred = decode(doc.at("preds"));
    REQUIRE(onehot.shape() == sg::Shape{128, 6});
    REQUIRE(index.shape() == sg::Shape{128});
    double mxnet_onehot = doc.at("mxnet_onehot_accuracy"), mxnet_index = doc.at("mxnet_index_accuracy");
    // MXNet truncates the probabilities to int and reports (C-1)/C whatever the model
    CHECK(mxnet_onehot == doctest::Approx(5.0 / 6.0).epsilon(1e-15));
    CHECK(mxnet_index != doctest::Approx(mxnet_onehot));

    auto acc = metric::create("acc");
    acc->update({onehot}, {pred});
    CHECK(acc->get().second == doctest::Approx(mxnet_index).epsilon(1e-15));
    CHECK(acc->get().second != doctest::Approx(5.0 / 6.0));
    metric::Accuracy by_index;
    by_index.update({index}, {pred});
    CHECK(by_index.get().second == doctest::Approx(mxnet_index).epsilon(1e-15));
    CHECK(by_index.get().second == acc->get().second);

    // the other classification and probability metrics read the one-hot rows the same way
    for (std::string name : {"ce", "nll_loss", "perplexity", "pcc"}) {
      INFO(name);
      auto a = metric::create(name), b = metric::create(name);
      a->update({onehot}, {pred});
      b->update({index}, {pred});
      CHECK(a->get().second == doctest::Approx(b->get().second).epsilon(1e-12));
    }
    metric::TopKAccuracy top3({.top_k = 3}), top3i({.top_k = 3});
    top3.update({onehot}, {pred});
    top3i.update({index}, {pred});
    CHECK(top3.get().second == top3i.get().second);
  }

  TEST_CASE("a label shape that is neither class indices nor probabilities is an error naming both") {
    metric::Accuracy acc;
    auto pred = sg::NDArray(sg::Shape{128, 6}), label = sg::NDArray(sg::Shape{128, 5});
    std::string msg = error_of<sg::ShapeError>([&] { acc.update({label}, {pred}); });
    CHECK(msg.find("(128, 5)") != std::string::npos);
    CHECK(msg.find("class indices, shape (128,) or (128, 1)") != std::string::npos);
    CHECK(msg.find("probabilities (one-hot included), shape (128, 6)") != std::string::npos);
    CHECK(std::isnan(acc.get().second));  // nothing counted
    for (std::string name : {"top_k_accuracy", "ce", "nll_loss", "perplexity", "pcc", "f1", "mcc"}) {
      INFO(name);
      auto m = name == "top_k_accuracy" ? metric::create(name, {{"top_k", 2}}) : metric::create(name);
      auto p = sg::NDArray(sg::Shape{4, name == "f1" || name == "mcc" ? 2 : 3});
      msg = error_of<sg::ShapeError>([&] { m->update({sg::NDArray(sg::Shape{5})}, {p}); });
      CHECK(msg.find("probabilities") != std::string::npos);
    }
    // a label of the prediction's shape must hold distributions: class indices or multi-hot rows of
    // that shape are not argmaxed into a number (MXNet compares truncated values one by one)
    auto scores = rows({{0.1f, 0.7f, 0.2f}, {0.5f, 0.3f, 0.2f}});
    msg = error_of<sg::ValueError>([&] { acc.update({rows({{1, 2, 0}, {0, 0, 1}})}, {scores}); });
    CHECK(msg.find("entries outside [0, 1]") != std::string::npos);
    CHECK(msg.find("class-index labels have shape (2,)") != std::string::npos);
    msg = error_of<sg::ValueError>([&] { acc.update({rows({{0, 1, 0}, {1, 0, 1}})}, {scores}); });
    CHECK(msg.find("row 1 [1, 0, 1] sums to 2") != std::string::npos);
    CHECK_THROWS_AS(metric::CrossEntropy().update({rows({{0, 0, 0}, {1, 0, 0}})}, {scores}), sg::ValueError);
    acc.update({rows({{0.2f, 0.7f, 0.1f}, {0.f, 0.f, 1.f}})}, {scores});  // soft labels: argmax 1 and 2
    CHECK(acc.get().second == doctest::Approx(0.5));
    acc.reset();
    // regression pairs value by value
    metric::MSE mse;
    msg = error_of<sg::ShapeError>([&] {
      mse.update({sg::NDArray(sg::Shape{4})}, {sg::NDArray(sg::Shape{4, 3})});
    });
    CHECK(msg.find("(4, 3)") != std::string::npos);
    // labels and predictions pair one to one
    msg = error_of<sg::ValueError>([&] { acc.update({label, label}, {pred}); });
    CHECK(msg.find("2 label array(s) and 1 prediction array(s)") != std::string::npos);
    // class indices are whole numbers
    msg = error_of<sg::ValueError>([&] {
      acc.update({vec({0.5f, 1})}, {rows({{0.1f, 0.9f}, {0.3f, 0.7f}})});
    });
    CHECK(msg.find("0.5") != std::string::npos);
  }

  TEST_CASE("create() by MXNet's names and aliases, with keyword arguments") {
    struct Row {
      std::string name;
      metric::Kwargs kw;
      std::string metric_name;
    };
    std::vector<Row> table = {
        {"acc", {}, "accuracy"},
        {"Accuracy", {}, "accuracy"},
        {"top_k_accuracy", {{"top_k", 5}}, "top_k_accuracy_5"},
        {"top_k_acc", {{"top_k", 2}, {"name", "topk"}}, "topk_2"},
        {"TopKAccuracy", {{"top_k", 3}}, "top_k_accuracy_3"},
        {"f1", {{"average", "micro"}}, "f1"},
        {"F1", {}, "f1"},
        {"mcc", {}, "mcc"},
        {"pcc", {}, "pcc"},
        {"perplexity", {{"ignore_label", -1}}, "perplexity"},
        {"Perplexity", {{"ignore_label", "None"}, {"axis", -1}}, "perplexity"},
        {"mae", {}, "mae"},
        {"mse", {}, "mse"},
        {"RMSE", {}, "rmse"},
        {"ce", {}, "cross-entropy"},
        {"CrossEntropy", {{"eps", 1e-8}}, "cross-entropy"},
        {"nll_loss", {}, "nll-loss"},
        {"NegativeLogLikelihood", {}, "nll-loss"},
        {"pearsonr", {{"average", "micro"}}, "pearsonr"},
        {"PearsonCorrelation", {}, "pearsonr"},
        {"loss", {}, "loss"},
        {"torch", {}, "torch"},
        {"caffe", {}, "caffe"},
        {"composite", {}, "composite"},
        {"acc", {{"name", "my_acc"}, {"axis", -1}}, "my_acc"},
    };
    for (const auto& r : table) {
      INFO(r.name);
      auto m = metric::create(r.name, r.kw);
      REQUIRE(m);
      CHECK(m->name() == r.metric_name);
    }
    CHECK(dynamic_cast<metric::TopKAccuracy&>(*metric::create("top_k_acc", {{"top_k", 4}})).top_k() == 4);
    CHECK(dynamic_cast<metric::F1&>(*metric::create("f1", {{"average", "micro"}})).average() == "micro");
    CHECK(dynamic_cast<metric::MCC&>(*metric::create("mcc")).average() == "macro");
    CHECK(dynamic_cast<metric::Accuracy&>(*metric::create("acc", {{"axis", 2}})).axis() == 2);
    CHECK(dynamic_cast<metric::CrossEntropy&>(*metric::create("ce", {{"eps", 0.5}})).eps() == 0.5);
    CHECK(dynamic_cast<metric::NegativeLogLikelihood*>(metric::create("nll_loss").get()) != nullptr);
    CHECK(dynamic_cast<metric::PearsonCorrelation&>(*metric::create("pearsonr")).average() == "macro");

    // a list of names makes a composite, each child given the same keyword arguments
    auto c = std::dynamic_pointer_cast<metric::CompositeEvalMetric>(metric::create({"acc", "ce", "f1"}));
    REQUIRE(c);
    REQUIRE(c->metrics().size() == 3);
    CHECK(c->get_metric(1)->name() == "cross-entropy");
    auto c2 = std::dynamic_pointer_cast<metric::CompositeEvalMetric>(
        metric::create(std::vector<std::string>{"f1", "mcc"}, {{"average", "micro"}}));
    REQUIRE(c2);
    CHECK(dynamic_cast<metric::MCC&>(*c2->get_metric(1)).average() == "micro");

    // errors
    std::string msg = error_of<sg::NameError>([] { metric::create("acuracy"); });
    CHECK(msg.find("unknown metric 'acuracy'") != std::string::npos);
    CHECK(msg.find("accuracy") != std::string::npos);
    msg = error_of<sg::NameError>([] { metric::create("acc", {{"axes", 1}}); });
    CHECK(msg.find("'axes'") != std::string::npos);
    CHECK(msg.find("axis") != std::string::npos);
    msg = error_of<sg::ValueError>([] { metric::create("top_k_accuracy", {{"top_k", "five"}}); });
    CHECK(msg.find("top_k must be an integer") != std::string::npos);
    msg = error_of<sg::ValueError>([] { metric::create("top_k_accuracy"); });  // MXNet's default 1 asserts
    CHECK(msg.find("use Accuracy") != std::string::npos);
    msg = error_of<sg::ValueError>([] { metric::create("f1", {{"average", "weighted"}}); });
    CHECK(msg.find("'weighted'") != std::string::npos);
    error_of<sg::ValueError>([] { metric::create("CustomMetric"); });
    error_of<sg::ValueError>([] { metric::create("ce", {{"eps", "tiny"}}); });
  }

  TEST_CASE("CompositeEvalMetric") {
    metric::CompositeEvalMetric c;
    c.add(std::make_shared<metric::Accuracy>());
    c.add("f1");
    auto labels = std::vector<sg::NDArray>{vec({0, 1, 1})};
    auto preds = std::vector<sg::NDArray>{rows({{0.3f, 0.7f}, {0.f, 1.f}, {0.4f, 0.6f}})};
    c.update(labels, preds);
    // MXNet's docstring example: (['accuracy', 'f1'], [0.6666666666666666, 0.8])
    auto nv = c.get_name_value();
    REQUIRE(nv.size() == 2);
    CHECK(nv[0].first == "accuracy");
    CHECK(nv[0].second == doctest::Approx(2.0 / 3.0).epsilon(1e-15));
    CHECK(nv[1].first == "f1");
    CHECK(nv[1].second == doctest::Approx(0.8).epsilon(1e-15));
    CHECK(c.str() == "EvalMetric: {'accuracy': 0.6666666666666666, 'f1': 0.8}");
    CHECK_THROWS_AS(c.get(), sg::ValueError);  // two values: use get_name_value()
    CHECK_THROWS_AS(c.get_metric(2), sg::ValueError);
    CHECK_THROWS_AS(c.add(std::shared_ptr<metric::EvalMetric>()), sg::ValueError);

    c.reset_local();
    for (const auto& [n, v] : c.get_name_value()) CHECK(std::isnan(v));
    CHECK(c.get_global_name_value()[0].second == doctest::Approx(2.0 / 3.0));
    c.reset();
    for (const auto& [n, v] : c.get_global_name_value()) CHECK(std::isnan(v));

    metric::CompositeEvalMetric one({std::make_shared<metric::MAE>()});
    one.update({vec({1, 2})}, {vec({2, 4})});
    CHECK(one.get().first == "mae");
    CHECK(one.get().second == doctest::Approx(1.5));
    CHECK(one.get_global().second == doctest::Approx(1.5));
  }

  TEST_CASE("CustomMetric from a function") {
    // one value per pair: counted once each
    metric::CustomMetric first_label(
        [](const sg::NDArray& l, const sg::NDArray&) {
          return l.astype(sg::DType::float64).data<double>()[0];
        },
        {.name = "first"});
    first_label.update({vec({3, 9}), vec({5})}, {vec({0, 0}), vec({0})});
    CHECK(first_label.get().first == "first");
    CHECK(first_label.get().second == doctest::Approx(4.0));
    CHECK(first_label.num_inst == 2);
    // (sum, count)
    metric::CustomMetric pairs([](const sg::NDArray& l, const sg::NDArray&) {
      return std::pair<double, double>{static_cast<double>(l.size()), 2.0};
    });
    pairs.update({vec({1, 2, 3})}, {vec({0, 0, 0})});
    CHECK(pairs.name() == "custom");
    CHECK(pairs.get().second == doctest::Approx(1.5));
    pairs.reset_local();
    CHECK(std::isnan(pairs.get().second));
    CHECK(pairs.get_global().second == doctest::Approx(1.5));
    // one label per prediction unless allow_extra_outputs
    CHECK_THROWS_AS(pairs.update({vec({1})}, {vec({1}), vec({2})}), sg::ValueError);
    CHECK_THROWS_AS(metric::CustomMetric(metric::CustomMetric::FEval{}), sg::ValueError);
  }

  TEST_CASE("Perplexity ignore_label") {
    auto p = rows({{0.5f, 0.25f, 0.25f}, {0.1f, 0.8f, 0.1f}, {0.2f, 0.2f, 0.6f}, {0.6f, 0.3f, 0.1f}});
    auto l = vec({0, 1, 2, 0});
    metric::Perplexity all, skip0({.ignore_label = 0}), pad({.ignore_label = -1});
    all.update({l}, {p});
    CHECK(all.get().second ==
          doctest::Approx(std::exp(-(std::log(0.5) + std::log(0.8) + std::log(0.6) + std::log(0.6)) / 4))
              .epsilon(1e-6));
    skip0.update({l}, {p});
    CHECK(skip0.get().second ==
          doctest::Approx(std::exp(-(std::log(0.8) + std::log(0.6)) / 2)).epsilon(1e-6));
    CHECK(skip0.num_inst == 2);
    pad.update({vec({-1, 1, -1, -1})}, {p});
    CHECK(pad.get().second == doctest::Approx(1.0 / 0.8).epsilon(1e-6));
    metric::Perplexity every({.ignore_label = 7});
    every.update({vec({7, 7, 7, 7})}, {p});
    CHECK(std::isnan(every.get().second));  // nothing counted
    // without ignore_label, a padding value is not a class
    std::string msg = error_of<sg::ValueError>([&] { all.update({vec({-1, 1, 2, 0})}, {p}); });
    CHECK(msg.find("ignore_label") != std::string::npos);
  }

  TEST_CASE("a language model's (batch, T) label pairs with its (batch·T, C) prediction in flat order") {
    auto p = rows({{0.5f, 0.25f, 0.25f}, {0.1f, 0.8f, 0.1f}, {0.2f, 0.2f, 0.6f}, {0.6f, 0.3f, 0.1f}});
    sg::NDArray l2(sg::Shape{2, 2});
    float* q = l2.data<float>();
    q[0] = 0, q[1] = 1, q[2] = 2, q[3] = 1;  // rows (0, 1) and (2, 1) of two sequences of two steps
    metric::Perplexity flat, ravelled;
    flat.update({vec({0, 1, 2, 1})}, {p});
    ravelled.update({l2}, {p});
    CHECK(ravelled.get().second == doctest::Approx(flat.get().second).epsilon(1e-12));
    CHECK(ravelled.get().second ==
          doctest::Approx(std::exp(-(std::log(0.5) + std::log(0.8) + std::log(0.6) + std::log(0.3)) / 4))
              .epsilon(1e-6));
    metric::Accuracy acc;
    acc.update({l2}, {p});
    CHECK(acc.get().second == doctest::Approx(0.75));  // argmax rows 0, 1, 2, 0 against 0, 1, 2, 1
    // a label with another number of values is still an error
    std::string msg = error_of<sg::ShapeError>([&] { ravelled.update({sg::NDArray(sg::Shape{2, 3})}, {p}); });
    CHECK(msg.find("any shape with 4 values") != std::string::npos);
  }

  TEST_CASE("F1 and MCC: macro averages per update, micro pools the counts") {
    // batch 1: tp 1 fp 1 fn 0 tn 2; batch 2: tp 1 fp 0 fn 2 tn 1; pooled: tp 2 fp 1 fn 2 tn 3
    auto l1 = vec({1, 0, 0, 0}), l2 = vec({1, 1, 1, 0});
    auto p1 = rows({{0.2f, 0.8f}, {0.3f, 0.7f}, {0.9f, 0.1f}, {0.6f, 0.4f}});
    auto p2 = rows({{0.2f, 0.8f}, {0.9f, 0.1f}, {0.6f, 0.4f}, {0.7f, 0.3f}});
    double f1a = 2.0 / 3.0, f1b = 0.5;                      // p 1/2 r 1; p 1 r 1/3
    double f1_pooled = 4.0 / 7.0;                           // p 2/3 r 1/2
    double mcca = 2.0 / std::sqrt(12.0), mccb = 1.0 / 3.0;  // (tp tn - fp fn) / sqrt of the four sums
    double mcc_pooled = 4.0 / std::sqrt(240.0);
    metric::F1 macro, micro({.average = "micro"});
    metric::MCC mmacro, mmicro({.average = "micro"});
    for (auto* m : std::vector<metric::EvalMetric*>{&macro, &micro, &mmacro, &mmicro}) {
      m->update({l1}, {p1});
      m->update({l2}, {p2});
    }
    CHECK(macro.get().second == doctest::Approx((f1a + f1b) / 2));
    CHECK(micro.get().second == doctest::Approx(f1_pooled));
    CHECK(mmacro.get().second == doctest::Approx((mcca + mccb) / 2));
    CHECK(mmicro.get().second == doctest::Approx(mcc_pooled));
    CHECK(macro.get().second != doctest::Approx(micro.get().second));
    CHECK(mmacro.get().second != doctest::Approx(mmicro.get().second));
    micro.reset_local();
    micro.update({l1}, {p1});
    CHECK(micro.get().second == doctest::Approx(f1a));
    CHECK(micro.get_global().second == doctest::Approx(0.6));  // tp 3 fp 2 fn 2

    // binary only: any class but 0 and 1, and more than two class scores, are errors
    std::string msg = error_of<sg::ValueError>([&] { macro.update({vec({0, 1, 2, 1})}, {p1}); });
    CHECK(msg.find("0, 1, 2") != std::string::npos);
    msg = error_of<sg::ValueError>([&] { mmacro.update({vec({1, 2, 2, 1})}, {p1}); });
    CHECK(msg.find("binary") != std::string::npos);
    CHECK_THROWS_AS(macro.update({vec({0, 1})}, {rows({{0.1f, 0.2f, 0.7f}, {0.5f, 0.3f, 0.2f}})}),
                    sg::ShapeError);
    CHECK(macro.get().second == doctest::Approx((f1a + f1b) / 2));  // failed updates count nothing
    CHECK_THROWS_AS(metric::F1({.average = "weighted"}), sg::ValueError);
  }

  TEST_CASE("PearsonCorrelation micro keeps local and global statistics") {
    metric::PearsonCorrelation micro({.average = "micro"}), fresh({.average = "micro"});
    micro.update({vec({1, 2, 3})}, {vec({1, 3, 2})});
    micro.reset_local();
    micro.update({vec({4, 5, 6, 8})}, {vec({4, 6, 5, 9})});
    fresh.update({vec({4, 5, 6, 8})}, {vec({4, 6, 5, 9})});
    CHECK(micro.get().second == doctest::Approx(fresh.get().second).epsilon(1e-12));
    metric::PearsonCorrelation all({.average = "micro"});
    all.update({vec({1, 2, 3, 4, 5, 6, 8})}, {vec({1, 3, 2, 4, 6, 5, 9})});
    CHECK(micro.get_global().second == doctest::Approx(all.get().second).epsilon(1e-12));
  }

}  // TEST_SUITE
