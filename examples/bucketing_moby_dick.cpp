// A word-level LSTM language model on the sentences of Moby-Dick (Debian's
// golang-github-colinmarc-hdfs-dev ships the text), trained twice on the same sentences:
//   bucketed  a BucketingModule over BucketSentenceIter: each sentence padded only to the
//             smallest bucket that holds it (5, 10, ... 40 words), one executor per bucket, all
//             sharing one set of weights (MXNet's example/rnn/bucketing, lstm_bucketing.py);
//   fixed     a plain Module over every sentence padded to the longest bucket.
// The model: Embedding -> LSTM (FusedRNNCell unrolled over the bucket's length, NTC) ->
// FullyConnected over the vocabulary -> SoftmaxOutput that ignores the padding. After every
// epoch both models are scored on the same held-out sentences (the book's last 10%, padding
// ignored); the times are training time only (each epoch's parameters are kept and scored after
// training). The summary says when the bucketed model reaches the fixed-length model's final
// held-out perplexity, and how long that took against the fixed model's training.
//
//   build/examples/bucketing_moby_dick [--epochs 2] [--bucketed-epochs 3] [--vocab 1000]
//        [--hidden 128] [--embed 64] [--batch 32] [--buckets 5,10,15,20,25,30,35,40]
//        [--lr 0.005] [--limit SENTENCES] [--seed 1] [--tolerance 1] [--text FILE]
//
// --epochs is the fixed model's, --bucketed-epochs the bucketed model's. A longer run:
// --epochs 4 --bucketed-epochs 6. Exits non-zero if the bucketed model's best held-out
// perplexity is above --tolerance times the fixed-length model's final one.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <symgrad/rnn.hpp>
#include <symgrad/train.hpp>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace sg = symgrad;
using namespace sg::sym;

namespace {

struct Options {
  int epochs = 2, bucketed_epochs = 3;
  std::int64_t vocab = 1000, hidden = 128, embed = 64, batch = 32, limit = 0;
  std::vector<std::int64_t> buckets = {5, 10, 15, 20, 25, 30, 35, 40};
  double lr = 0.005, tolerance = 1.0;
  std::uint64_t seed = 1;
  std::string text = "/usr/share/gocode/src/github.com/colinmarc/hdfs/testdata/mobydick.txt";
};

// Sentences (split at . ! ? ;) as lists of lower-case words (letters, inner apostrophes).
std::vector<std::vector<std::string>> sentences_of(const std::string& text) {
  std::vector<std::vector<std::string>> out(1);
  std::string word;
  auto end_word = [&] {
    while (!word.empty() && word.back() == '\'') word.pop_back();
    if (!word.empty()) out.back().push_back(word);
    word.clear();
  };
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalpha(c)) {
      word += static_cast<char>(std::tolower(c));
    } else if (c == '\'' && !word.empty()) {
      word += '\'';
    } else {
      end_word();
      if ((c == '.' || c == '!' || c == '?' || c == ';') && !out.back().empty()) out.emplace_back();
    }
  }
  end_word();
  std::vector<std::vector<std::string>> kept;
  for (auto& s : out)
    if (s.size() >= 2) kept.push_back(std::move(s));  // a single word predicts nothing
  return kept;
}

// The language model unrolled over `len` words; the parameters do not depend on `len`.
Symbol language_model(std::int64_t len, const Options& o) {
  Symbol data = var("data"), label = var("softmax_label");
  Symbol emb = embedding(data, {.input_dim = o.vocab, .output_dim = o.embed, .name = "embed"});
  sg::rnn::FusedRNNCell lstm(o.hidden, {.num_layers = 1, .mode = "lstm", .prefix = "lstm_"});
  auto [outputs, states] = lstm.unroll(len, emb, {.layout = "NTC", .merge_outputs = true});
  Symbol pred = fully_connected(reshape(outputs[0], {.shape = {-1, o.hidden}}),
                                {.num_hidden = o.vocab, .name = "pred"});
  // id 0 pads the sentences: no loss, no gradient, not counted by the perplexity
  return softmax_output(pred, reshape(label, {.shape = {-1}}),
                        {.ignore_label = 0, .use_ignore = true, .name = "softmax"});
}

std::vector<std::int64_t> parse_list(const std::string& v) {
  std::vector<std::int64_t> r;
  std::stringstream in(v);
  for (std::string item; std::getline(in, item, ',');) r.push_back(std::stoll(item));
  return r;
}

// Held-out perplexity and training time since training began (wall-clock seconds, and the
// process's CPU seconds, steadier on a shared machine) after each epoch.
struct Curve {
  std::vector<double> perplexity, seconds, cpu_seconds;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--epochs")
      o.epochs = std::stoi(v);
    else if (a == "--bucketed-epochs")
      o.bucketed_epochs = std::stoi(v);
    else if (a == "--vocab")
      o.vocab = std::stoll(v);
    else if (a == "--hidden")
      o.hidden = std::stoll(v);
    else if (a == "--embed")
      o.embed = std::stoll(v);
    else if (a == "--batch")
      o.batch = std::stoll(v);
    else if (a == "--buckets")
      o.buckets = parse_list(v);
    else if (a == "--lr")
      o.lr = std::stod(v);
    else if (a == "--limit")
      o.limit = std::stoll(v);
    else if (a == "--seed")
      o.seed = std::stoull(v);
    else if (a == "--tolerance")
      o.tolerance = std::stod(v);
    else if (a == "--text")
      o.text = v;
    else {
      std::cerr << "unknown option " << a << " (see the comment at the top of the source)\n";
      return 2;
    }
  }
  if (o.epochs < 1 || o.bucketed_epochs < 1) {
    std::cerr << "--epochs and --bucketed-epochs must be at least 1\n";
    return 2;
  }
  std::ifstream in(o.text, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << o.text
              << ": sudo apt-get install golang-github-colinmarc-hdfs-dev (it ships Moby-Dick)\n";
    return 2;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto words = sentences_of(text);
  if (o.limit > 0 && static_cast<std::size_t>(o.limit) < words.size())
    words.resize(static_cast<std::size_t>(o.limit));
  const std::size_t split = words.size() * 9 / 10;

  // Vocabulary: 0 pads, 1 is any word outside the vocab - 2 most frequent training words.
  std::unordered_map<std::string, std::int64_t> count;
  for (std::size_t i = 0; i < split; ++i)
    for (const auto& w : words[i]) ++count[w];
  std::vector<std::pair<std::int64_t, std::string>> by_count;
  for (const auto& [w, n] : count) by_count.emplace_back(-n, w);
  std::sort(by_count.begin(), by_count.end());
  std::unordered_map<std::string, int> id;
  for (std::size_t k = 0; k < by_count.size() && static_cast<std::int64_t>(k) + 2 < o.vocab; ++k)
    id[by_count[k].second] = static_cast<int>(k) + 2;
  std::vector<std::vector<int>> train_ids, val_ids;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::vector<int> s;
    for (const auto& w : words[i]) s.push_back(id.count(w) ? id.at(w) : 1);
    (i < split ? train_ids : val_ids).push_back(std::move(s));
  }
  std::printf("%zu sentences (%zu for training, %zu held out), vocabulary %lld words\n", words.size(),
              train_ids.size(), val_ids.size(), static_cast<long long>(o.vocab));
  if (train_ids.size() < std::size_t(o.batch) || val_ids.size() < std::size_t(o.batch)) {
    std::fprintf(stderr,
                 "too few sentences for batches of %lld: %zu for training and %zu held out; use a longer "
                 "--text, a larger --limit or a smaller --batch\n",
                 static_cast<long long>(o.batch), train_ids.size(), val_ids.size());
    return 2;
  }

  auto quiet = [](const std::string&) {};
  const std::int64_t longest = *std::max_element(o.buckets.begin(), o.buckets.end());
  auto perplexity = [] {
    return std::make_shared<sg::metric::Perplexity>(sg::metric::PerplexityOptions{.ignore_label = 0});
  };
  // The same held-out batches for both: every held-out sentence padded to the longest bucket.
  sg::io::BucketSentenceIter val(val_ids, o.batch,
                                 {.buckets = {longest}, .invalid_label = 0, .seed = o.seed, .logger = quiet});
  // Trains `mod` for `epochs`, keeping each epoch's parameters and training time, then scores them.
  auto train_and_score = [&](sg::BaseModule& mod, sg::io::DataIter& train, int epochs, auto&& set_params) {
    struct Snapshot {
      double seconds, cpu_seconds;
      sg::ParamDict arg, aux;
    };
    std::vector<Snapshot> snapshots;
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    auto keep = [&](int, const Symbol&, const sg::ParamDict& arg, const sg::ParamDict& aux) {
      const auto t = std::chrono::steady_clock::now();
      const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
      snapshots.push_back({std::chrono::duration<double>(t - t0).count(), cpu, arg, aux});
    };
    mod.fit(train, {.eval_metric = perplexity(),
                    .epoch_end_callback = keep,
                    .optimizer = "adam",
                    .optimizer_params = {{"learning_rate", o.lr}, {"clip_gradient", 5.0}},
                    .initializer =
                        std::make_shared<sg::init::Xavier>(sg::init::XavierOptions{"uniform", "in", 2.34}),
                    .num_epoch = epochs,
                    .seed = o.seed});
    Curve c;
    for (const auto& s : snapshots) {
      set_params(s.arg, s.aux);
      c.perplexity.push_back(mod.score(val, perplexity()).at(0).second);
      c.seconds.push_back(s.seconds);
      c.cpu_seconds.push_back(s.cpu_seconds);
    }
    return c;
  };

  sg::io::BucketSentenceIter bucketed_train(train_ids, o.batch,
                                            {.buckets = o.buckets, .invalid_label = 0, .seed = o.seed});
  std::printf("bucketed: %lld batches an epoch; bucket (sentences):",
              static_cast<long long>(bucketed_train.num_batches()));
  auto sizes = bucketed_train.bucket_sizes();
  for (std::size_t k = 0; k < sizes.size(); ++k)
    std::printf(" %lld (%lld)", static_cast<long long>(bucketed_train.buckets()[k]),
                static_cast<long long>(sizes[k]));
  std::printf("\n");
  sg::BucketingModule bucketed(
      [&](sg::io::BucketKey len) {
        return std::tuple{language_model(len, o), std::vector<std::string>{"data"},
                          std::vector<std::string>{"softmax_label"}};
      },
      bucketed_train.default_bucket_key());
  Curve b = train_and_score(
      bucketed, bucketed_train, o.bucketed_epochs,
      [&](const sg::ParamDict& arg, const sg::ParamDict& aux) { bucketed.set_params(arg, aux); });
  std::printf("bucketed: %zu executors (one per bucket) on one set of weights\n", bucketed.buckets().size());

  sg::io::BucketSentenceIter fixed_train(
      train_ids, o.batch, {.buckets = {longest}, .invalid_label = 0, .seed = o.seed, .logger = quiet});
  std::printf("fixed: %lld batches an epoch, every sentence padded to %lld words\n",
              static_cast<long long>(fixed_train.num_batches()), static_cast<long long>(longest));
  sg::Module fixed(language_model(longest, o));
  Curve f = train_and_score(
      fixed, fixed_train, o.epochs,
      [&](const sg::ParamDict& arg, const sg::ParamDict& aux) { fixed.set_params(arg, aux); });

  std::printf(
      "\nheld-out perplexity after each epoch (training time since the start: wall, CPU)\n"
      "epoch  bucketed                       fixed\n");
  for (std::size_t e = 0; e < std::max(b.perplexity.size(), f.perplexity.size()); ++e) {
    std::printf("%5zu", e + 1);
    if (e < b.perplexity.size())
      std::printf("  %7.2f (%6.1f s, %6.1f s)", b.perplexity[e], b.seconds[e], b.cpu_seconds[e]);
    else
      std::printf("  %29s", "");
    if (e < f.perplexity.size())
      std::printf("  %7.2f (%6.1f s, %6.1f s)", f.perplexity[e], f.seconds[e], f.cpu_seconds[e]);
    std::printf("\n");
  }
  const double target = f.perplexity.back();
  const double best = *std::min_element(b.perplexity.begin(), b.perplexity.end());
  std::size_t reach = 0;
  while (reach < b.perplexity.size() && b.perplexity[reach] > target) ++reach;
  if (reach < b.perplexity.size())
    std::printf(
        "bucketed reaches the fixed model's final held-out perplexity %.2f after epoch %zu: %.2f after %.1f "
        "s "
        "(CPU %.1f s) of training, against %.1f s (CPU %.1f s): x%.2f the time (CPU x%.2f)\n",
        target, reach + 1, b.perplexity[reach], b.seconds[reach], b.cpu_seconds[reach], f.seconds.back(),
        f.cpu_seconds.back(), b.seconds[reach] / f.seconds.back(),
        b.cpu_seconds[reach] / f.cpu_seconds.back());
  else
    std::printf(
        "bucketed does not reach the fixed model's final held-out perplexity %.2f in %d epochs (best %.2f)\n",
        target, o.bucketed_epochs, best);
  if (!(best <= target * o.tolerance)) {
    std::cerr << "the bucketed model's best held-out perplexity " << best << " is above " << o.tolerance
              << " x the fixed-length model's " << target << "\n";
    return 1;
  }
  return 0;
}
