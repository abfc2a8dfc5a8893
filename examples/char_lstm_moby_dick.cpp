// A character-level LSTM language model on Moby-Dick (1.26 MB of plain text; Debian's
// golang-github-colinmarc-hdfs-dev ships it as test data): Embedding -> fused LSTM (FusedRNNCell
// unrolled in NTC layout) -> FullyConnected over the characters -> SoftmaxOutput, trained with
// Module.fit and reported as perplexity per epoch on the training text and on held-out text
// (the last 10% of the book). Then it samples a few hundred characters from the model.
//
//   build/examples/char_lstm_moby_dick [--epochs 3] [--limit CHARS] [--hidden 256] [--layers 1]
//        [--seq 64] [--batch 32] [--max-perplexity P] [--text FILE] [--prefix char_lstm]
//
// Exits non-zero if the held-out perplexity ends above --max-perplexity (default 6). With
// --limit the model sees only the first CHARS characters (the test suite's fast variant).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <symgrad/rnn.hpp>
#include <symgrad/train.hpp>

namespace sg = symgrad;
using namespace sg::sym;

namespace {

struct Options {
  int epochs = 3, layers = 1;
  std::int64_t limit = 0, hidden = 256, seq = 64, batch = 32, embed = 32;
  double max_perplexity = 6.0, lr = 0.003;
  std::string text = "/usr/share/gocode/src/github.com/colinmarc/hdfs/testdata/mobydick.txt",
              prefix = "char_lstm";
};

// (sequences, seq) inputs and their next-character labels from consecutive chunks of `ids`.
std::pair<sg::NDArray, sg::NDArray> chunks(const std::vector<int>& ids, std::size_t begin, std::size_t end,
                                           std::int64_t seq) {
  std::int64_t n = static_cast<std::int64_t>((end - begin - 1) / static_cast<std::size_t>(seq));
  sg::NDArray x(sg::Shape{n, seq}), y(sg::Shape{n, seq});
  float *px = x.data<float>(), *py = y.data<float>();
  for (std::int64_t i = 0; i < n * seq; ++i) {
    px[i] = static_cast<float>(ids[begin + static_cast<std::size_t>(i)]);
    py[i] = static_cast<float>(ids[begin + static_cast<std::size_t>(i) + 1]);
  }
  return {x, y};
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--epochs")
      o.epochs = std::stoi(v);
    else if (a == "--limit")
      o.limit = std::stoll(v);
    else if (a == "--hidden")
      o.hidden = std::stoll(v);
    else if (a == "--layers")
      o.layers = std::stoi(v);
    else if (a == "--seq")
      o.seq = std::stoll(v);
    else if (a == "--batch")
      o.batch = std::stoll(v);
    else if (a == "--lr")
      o.lr = std::stod(v);
    else if (a == "--max-perplexity")
      o.max_perplexity = std::stod(v);
    else if (a == "--text")
      o.text = v;
    else if (a == "--prefix")
      o.prefix = v;
    else {
      std::cerr << "unknown option " << a << " (see the comment at the top of the source)\n";
      return 2;
    }
  }
  std::ifstream in(o.text, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << o.text
              << ": sudo apt-get install golang-github-colinmarc-hdfs-dev (it ships Moby-Dick)\n";
    return 2;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (o.limit > 0 && static_cast<std::size_t>(o.limit) < text.size())
    text.resize(static_cast<std::size_t>(o.limit));

  // The vocabulary: every byte value that occurs, in byte order.
  std::array<int, 256> index{};
  index.fill(-1);
  std::string chars;
  for (unsigned char c : text) index[c] = 0;
  for (int c = 0; c < 256; ++c)
    if (index[static_cast<std::size_t>(c)] == 0)
      index[static_cast<std::size_t>(c)] = static_cast<int>(chars.size()), chars += static_cast<char>(c);
  const auto V = static_cast<std::int64_t>(chars.size());
  std::vector<int> ids(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) ids[i] = index[static_cast<unsigned char>(text[i])];
  const std::size_t split = text.size() * 9 / 10;
  auto [xtrain, ytrain] = chunks(ids, 0, split, o.seq);
  auto [xval, yval] = chunks(ids, split, ids.size(), o.seq);
  std::printf("%zu characters, vocabulary %lld, %lld training and %lld held-out sequences of %lld\n",
              text.size(), static_cast<long long>(V), static_cast<long long>(xtrain.shape()[0]),
              static_cast<long long>(xval.shape()[0]), static_cast<long long>(o.seq));

  // The network.
  Symbol input = var("data"), label = var("softmax_label");
  Symbol emb = embedding(input, {.input_dim = V, .output_dim = o.embed, .name = "embed"});
  sg::rnn::FusedRNNCell lstm(o.hidden, {.num_layers = o.layers, .mode = "lstm", .prefix = "lstm_"});
  auto [outputs, states] = lstm.unroll(o.seq, emb, {.layout = "NTC", .merge_outputs = true});
  Symbol pred =
      fully_connected(reshape(outputs[0], {.shape = {-1, o.hidden}}), {.num_hidden = V, .name = "pred"});
  Symbol net = softmax_output(pred, reshape(label, {.shape = {-1}}), {.name = "softmax"});

  sg::io::NDArrayIter train(
      xtrain, ytrain, {.batch_size = o.batch, .shuffle = true, .last_batch_handle = "discard", .seed = 3});
  sg::io::NDArrayIter val(xval, yval, {.batch_size = o.batch, .last_batch_handle = "discard"});
  sg::Module mod(net);
  mod.fit(train,
          {.eval_data = &val,
           .eval_metric = std::make_shared<sg::metric::Perplexity>(),
           .epoch_end_callback = sg::callback::do_checkpoint(o.prefix),
           .batch_end_callback = sg::callback::Speedometer(o.batch, 100),
           .optimizer = "adam",
           .optimizer_params = {{"learning_rate", o.lr}, {"clip_gradient", 5.0}},
           .initializer = std::make_shared<sg::init::Xavier>(sg::init::XavierOptions{"uniform", "in", 2.34}),
           .num_epoch = o.epochs,
           .curve_csv = o.prefix + "-curve.csv"});
  double ppl = mod.score(val, std::make_shared<sg::metric::Perplexity>()).at(0).second;
  std::printf("held-out perplexity %.3f after %d epochs (%.3f bits per character)\n", ppl, o.epochs,
              std::log2(ppl));

  // Sample: feed a prompt, then the model's own characters, one step at a time through the
  // unfused cell with the trained parameters (the same names, unpacked from the fused vector).
  {
    auto [arg, aux] = mod.get_params();
    auto stack = lstm.unfuse();
    Symbol x = var("data");
    Symbol e = embedding(x, {.input_dim = V, .output_dim = o.embed, .name = "embed"});
    auto begin = stack.begin_state();
    sg::rnn::States st;
    for (std::size_t k = 0; k < begin.size(); ++k) st.push_back(var("state" + std::to_string(k)));
    auto [h, next] = stack(reshape(e, {.shape = {1, o.embed}}), st);
    Symbol p = softmax(fully_connected(h, {.num_hidden = V, .name = "pred"}));
    std::vector<Symbol> heads{p};
    heads.insert(heads.end(), next.begin(), next.end());
    Symbol step = group(heads);
    sg::ShapeDict shapes{{"data", {1}}};
    for (std::size_t k = 0; k < st.size(); ++k) shapes["state" + std::to_string(k)] = {1, o.hidden};
    auto ex = step.simple_bind(sg::cpu(), shapes, {.grad_req = "null"});
    auto params = lstm.unpack_weights(arg.at("lstm_parameters"), o.embed);
    for (const auto& [name, value] : arg)
      if (name != "lstm_parameters") params[name] = value;
    ex.copy_params_from(params, {}, true);
    std::mt19937 gen(11);
    std::string prompt = "Call me Ishmael. ", out = prompt;
    auto feed = [&](int id) {
      ex.arg_dict().at("data").data<float>()[0] = static_cast<float>(id);
      ex.forward(false);
      for (std::size_t k = 0; k < st.size(); ++k) {
        auto& s = ex.arg_dict().at("state" + std::to_string(k));
        std::memcpy(s.raw_data(), ex.outputs()[k + 1].raw_data(), s.nbytes());
      }
    };
    for (std::size_t k = 0; k < st.size(); ++k) ex.arg_dict().at("state" + std::to_string(k)).fill(0);
    for (char c : prompt)
      feed(index[static_cast<unsigned char>(c)] < 0 ? 0 : index[static_cast<unsigned char>(c)]);
    for (int n = 0; n < 300; ++n) {
      const float* prob = ex.outputs()[0].data<float>();
      std::discrete_distribution<int> pick(prob, prob + V);
      int id = pick(gen);
      out += chars[static_cast<std::size_t>(id)];
      feed(id);
    }
    std::printf("sample:\n%s\n", out.c_str());
  }
  if (!(ppl <= o.max_perplexity)) {
    std::cerr << "held-out perplexity " << ppl << " is above " << o.max_perplexity << "\n";
    return 1;
  }
  return 0;
}
