// Forward+backward of the notebook's regression graph (fully_connected(1) -> (y - label)² ->
// make_loss, with block_grad(y) grouped), symgrad's executor against a hand-written loop doing
// the same arithmetic (same outputs and gradients, no framework). Batches 32 and 4096; the plain
// Symbol graph and the typed (fused) one. One JSON line per measurement.
//
//   build/bench/example_step [--reps N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <symgrad/symgrad.hpp>
#include <vector>

namespace sg = symgrad;
using namespace sg::sym;

namespace {

template <class F>
std::vector<double> time_ns(F&& f, int reps, int inner) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    auto a = std::chrono::steady_clock::now();
    for (int i = 0; i < inner; ++i) f();
    auto b = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::nano>(b - a).count() / inner);
  }
  std::sort(t.begin(), t.end());
  return t;
}

void report(const char* name, int batch, const std::vector<double>& t) {
  std::printf(
      "{\"name\": \"%s\", \"size\": %d, \"median\": %.1f, \"min\": %.1f, \"max\": %.1f, \"repetitions\": "
      "%zu, \"unit\": \"ns\"}\n",
      name, batch, t[t.size() / 2], t.front(), t.back(), t.size());
}

// The same work by hand: outputs y and d², gradients of w, b, data and label.
struct Hand {
  int n;
  std::vector<float> x, l, y, loss, gx, gl;
  float w[2] = {0.2f, -0.1f}, b = 0.05f, gw[2] = {0, 0}, gb = 0;
  explicit Hand(int n_) : n(n_), x(2 * n_), l(n_), y(n_), loss(n_), gx(2 * n_), gl(n_) {}
  void step() {
    for (int i = 0; i < n; ++i) y[i] = w[0] * x[2 * i] + w[1] * x[2 * i + 1] + b;
    for (int i = 0; i < n; ++i) {
      float d = y[i] - l[i];
      loss[i] = d * d;
    }
    float g0 = 0, g1 = 0, g2 = 0;
    for (int i = 0; i < n; ++i) {
      float d2 = 2 * (y[i] - l[i]);
      g0 += d2 * x[2 * i];
      g1 += d2 * x[2 * i + 1];
      g2 += d2;
      gx[2 * i] = d2 * w[0];
      gx[2 * i + 1] = d2 * w[1];
      gl[i] = -d2;
    }
    gw[0] = g0, gw[1] = g1, gb = g2;
    asm volatile("" ::: "memory");
  }
};

}  // namespace

int main(int argc, char** argv) {
  int reps = 21;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--reps") == 0) reps = std::atoi(argv[i + 1]);
  for (int batch : {32, 4096}) {
    int inner = batch == 32 ? 2000 : 100;
    Symbol y = fully_connected(var("data"), {.num_hidden = 1});
    Executor ex = group({block_grad(y), make_loss(square(y - var("label")))})
                      .simple_bind(sg::cpu(), {{"data", {batch, 2}}});
    auto xt = var<"data">(sg::shape<sg::dyn, 2>);
    auto yt = fully_connected<1>(xt);
    Executor tex = group({block_grad(yt), make_loss(square(yt - var<"label">(sg::shape<sg::dyn, 1>)))})
                       .simple_bind(sg::cpu(), {{"data", {batch, 2}}});
    auto x = sg::nd::random::uniform(0, 1, {batch, 2}, {.seed = 1});
    auto l = sg::nd::random::uniform(0, 1, {batch, 1}, {.seed = 2});
    for (Executor* e : {&ex, &tex}) {
      e->arg_dict().at("data").copy_from(x);
      e->arg_dict().at("label").copy_from(l);
    }
    Hand h(batch);
    std::copy_n(x.data<float>(), 2 * batch, h.x.data());
    std::copy_n(l.data<float>(), batch, h.l.data());
    // Interleave the three so that machine noise hits all of them alike.
    std::vector<double> te, tt, th;
    for (int r = 0; r < reps; ++r) {
      auto a = time_ns(
          [&] {
            ex.forward(true);
            ex.backward();
          },
          1, inner);
      auto b = time_ns(
          [&] {
            tex.forward(true);
            tex.backward();
          },
          1, inner);
      auto c = time_ns([&] { h.step(); }, 1, inner);
      te.push_back(a[0]), tt.push_back(b[0]), th.push_back(c[0]);
    }
    for (auto* v : {&te, &tt, &th}) std::sort(v->begin(), v->end());
    report("example_step/symbol", batch, te);
    report("example_step/typed_fused", batch, tt);
    report("example_step/hand_loop", batch, th);
    std::printf(
        "{\"name\": \"example_step/ratio_symbol_over_hand\", \"size\": %d, \"median\": %.2f, \"unit\": "
        "\"x\"}\n",
        batch, te[te.size() / 2] / th[th.size() / 2]);
    std::printf(
        "{\"name\": \"example_step/ratio_typed_over_hand\", \"size\": %d, \"median\": %.2f, \"unit\": "
        "\"x\"}\n",
        batch, tt[tt.size() / 2] / th[th.size() / 2]);
  }
}
