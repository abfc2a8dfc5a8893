// The CUDA kernels' per-element bodies (symgrad/cuda/bodies.hpp), run here in a plain loop on the
// CPU and compared with the CPU operators: the device kernels' index arithmetic and math are
// checked on every machine, GPU or not.
#include <doctest/doctest.h>

#include <random>
#include <symgrad/cuda/bodies.hpp>
#include <symgrad/cuda/bodies_nn.hpp>
#include <symgrad/cuda/bodies_norm.hpp>
#include <symgrad/cuda/bodies_rnn.hpp>
// The CPU operators the bodies are compared with (their classes, from the implementation files).
#include <symgrad/ops/batch_norm-inl.hpp>
#include <symgrad/ops/broadcast-inl.hpp>
#include <symgrad/ops/convolution-inl.hpp>
#include <symgrad/ops/dropout-inl.hpp>
#include <symgrad/ops/elemwise-inl.hpp>
#include <symgrad/ops/embedding-inl.hpp>
#include <symgrad/ops/instance_norm-inl.hpp>
#include <symgrad/ops/l2_normalization-inl.hpp>
#include <symgrad/ops/layer_norm-inl.hpp>
#include <symgrad/ops/leaky_relu-inl.hpp>
#include <symgrad/ops/output-inl.hpp>
#include <symgrad/ops/pooling-inl.hpp>
#include <symgrad/ops/reduce-inl.hpp>
#include <symgrad/ops/rnn-inl.hpp>
#include <symgrad/ops/softmax-inl.hpp>
#include <symgrad/ops/transpose-inl.hpp>
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

namespace sg = symgrad;
namespace cu = symgrad::cuda;
using sg::NDArray;
using sg::OpReq;
using sg::Shape;

namespace {

template <class Body>
void run(cu::index_t n, const Body& b) {
  for (cu::index_t i = 0; i < n; ++i) b(i);
}

NDArray uniform(Shape s, double lo, double hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> d(lo, hi);
  NDArray a(s);
  float* p = a.data<float>();
  for (std::int64_t i = 0; i < a.size(); ++i) p[i] = static_cast<float>(d(gen));
  return a;
}

void check_close(const NDArray& got, const NDArray& want, double tol = 2e-6) {
  REQUIRE(got.size() == want.size());
  for (std::int64_t i = 0; i < got.size(); ++i) {
    double g = got.at_flat(i), w = want.at_flat(i);
    INFO("element " << i << ": body " << g << ", CPU operator " << w);
    CHECK(std::abs(g - w) <= tol * (1 + std::abs(w)));
  }
}

void cpu_run(const sg::Operator& op, std::vector<NDArray> in, std::vector<NDArray> out,
             std::vector<OpReq> req) {
  op.forward(sg::RunCtx{}, in, out, req);
}

template <class F>
void check_unary(F f, double lo, double hi) {
  INFO("function " << F::name);
  Shape s{3, 37};
  NDArray x = uniform(s, lo, hi, 1), g = uniform(s, -1, 1, 2);
  NDArray y(s), dx(s), y2(s), dx2(s);
  cpu_run(sg::ops::Unary<F>(f), {x}, {y}, {OpReq::write});
  cpu_run(sg::ops::UnaryBackward<F>(f), {g, x, y}, {dx}, {OpReq::write});
  auto [a, b] = sg::ops::functor_bounds(f);
  run(x.size(),
      cu::UnaryBody<F::gpu, float>{x.data<float>(), y2.data<float>(), float(a), float(b), OpReq::write});
  run(x.size(), cu::UnaryGradBody<F::gpu, float>{g.data<float>(), x.data<float>(), y.data<float>(),
                                                 dx2.data<float>(), float(a), float(b), OpReq::write});
  check_close(y2, y);
  check_close(dx2, dx);
  // req add accumulates
  run(x.size(),
      cu::UnaryBody<F::gpu, float>{x.data<float>(), y2.data<float>(), float(a), float(b), OpReq::add});
  NDArray twice = y.copy();
  for (std::int64_t i = 0; i < twice.size(); ++i) twice.data<float>()[i] *= 2;
  check_close(y2, twice);
}

template <class F>
void check_binary() {
  INFO("function " << F::name);
  Shape s{5, 11};
  NDArray a = uniform(s, 0.2, 2, 3), b = uniform(s, 0.2, 2, 4), g = uniform(s, -1, 1, 5);
  b.data<float>()[7] = a.data<float>()[7];  // a tie for maximum/minimum
  NDArray y(s), da(s), db(s), y2(s), da2(s), db2(s);
  cpu_run(sg::ops::Binary<F>(), {a, b}, {y}, {OpReq::write});
  cpu_run(sg::ops::BinaryBackward<F>(), {g, a, b, y}, {da, db}, {OpReq::write, OpReq::write});
  run(a.size(),
      cu::BinaryBody<F::gpu, float>{a.data<float>(), b.data<float>(), 0.f, y2.data<float>(), OpReq::write});
  run(a.size(), cu::BinaryGradBody<F::gpu, float>{g.data<float>(), a.data<float>(), b.data<float>(),
                                                  y.data<float>(), 0.f, da2.data<float>(), db2.data<float>(),
                                                  OpReq::write, OpReq::write});
  check_close(y2, y);
  check_close(da2, da);
  check_close(db2, db);
}

template <class F>
void check_scalar(double sv) {
  INFO("function " << F::name);
  Shape s{4, 9};
  NDArray x = uniform(s, 0.2, 2, 6), g = uniform(s, -1, 1, 7);
  x.data<float>()[3] = static_cast<float>(sv);  // a tie with the scalar
  NDArray y(s), dx(s), y2(s), dx2(s);
  cpu_run(sg::ops::Scalar<F>(sv), {x}, {y}, {OpReq::write});
  cpu_run(sg::ops::ScalarBackward<F>(sv), {g, x, y}, {dx}, {OpReq::write});
  run(x.size(),
      cu::BinaryBody<F::gpu, float>{x.data<float>(), nullptr, float(sv), y2.data<float>(), OpReq::write});
  run(x.size(),
      cu::BinaryGradBody<F::gpu, float>{g.data<float>(), x.data<float>(), nullptr, y.data<float>(), float(sv),
                                        dx2.data<float>(), nullptr, OpReq::write, OpReq::null});
  check_close(y2, y);
  check_close(dx2, dx);
}

}  // namespace

TEST_CASE("gpu bodies: unary functions and their gradients match the CPU operators") {
  namespace fn = sg::fn;
  check_unary(fn::negative{}, -2, 2);
  check_unary(fn::square{}, -2, 2);
  check_unary(fn::sqrt{}, 0.1, 3);
  check_unary(fn::exp{}, -2, 2);
  check_unary(fn::log{}, 0.1, 3);
  check_unary(fn::abs{}, -2, 2);
  check_unary(fn::relu{}, -2, 2);
  check_unary(fn::sigmoid{}, -4, 4);
  check_unary(fn::tanh{}, -3, 3);
  check_unary(fn::softrelu{}, -4, 25);
  check_unary(fn::softsign{}, -3, 3);
  check_unary(fn::reciprocal{}, 0.2, 3);
  check_unary(fn::rsqrt{}, 0.2, 3);
  check_unary(fn::log1p{}, -0.5, 3);
  check_unary(fn::expm1{}, -2, 2);
  check_unary(fn::sin{}, -3, 3);
  check_unary(fn::cos{}, -3, 3);
  check_unary(fn::sign{}, -2, 2);
  check_unary(fn::clip{-0.5, 0.7}, -2, 2);
}

TEST_CASE("gpu bodies: binary and scalar functions and their gradients match the CPU operators") {
  namespace fn = sg::fn;
  check_binary<fn::elemwise_add>();
  check_binary<fn::elemwise_sub>();
  check_binary<fn::elemwise_mul>();
  check_binary<fn::elemwise_div>();
  check_binary<fn::maximum>();
  check_binary<fn::minimum>();
  check_binary<fn::power>();
  check_binary<fn::equal>();
  check_binary<fn::not_equal>();
  check_binary<fn::greater>();
  check_binary<fn::greater_equal>();
  check_binary<fn::lesser>();
  check_binary<fn::lesser_equal>();
  check_scalar<fn::plus_scalar>(1.5);
  check_scalar<fn::minus_scalar>(1.5);
  check_scalar<fn::rminus_scalar>(1.5);
  check_scalar<fn::mul_scalar>(1.5);
  check_scalar<fn::div_scalar>(1.5);
  check_scalar<fn::rdiv_scalar>(1.5);
  check_scalar<fn::maximum_scalar>(1.1);
  check_scalar<fn::minimum_scalar>(1.1);
  check_scalar<fn::power_scalar>(2.5);
  check_scalar<fn::rpower_scalar>(1.7);
  check_scalar<fn::greater_scalar>(0.1);
  check_scalar<fn::lesser_equal_scalar>(-0.2);
}

TEST_CASE("gpu bodies: softmax and log_softmax along an inner axis, forward and backward") {
  Shape s{2, 5, 3};
  NDArray x = uniform(s, -3, 3, 8), g = uniform(s, -1, 1, 9);
  for (auto kind : {sg::ops::SoftmaxKind::softmax, sg::ops::SoftmaxKind::log_softmax}) {
    for (double temp : {1.0, 2.5}) {
      sg::ops::SoftmaxParam p{kind, 1, temp};
      NDArray y(s), dx(s), y2(s), dx2(s);
      cpu_run(sg::ops::Softmax(p), {x}, {y}, {OpReq::write});
      cpu_run(sg::ops::SoftmaxBackward(p), {g, y}, {dx}, {OpReq::write});
      cu::RowIndex ix{2, 5, 3};
      bool log = kind == sg::ops::SoftmaxKind::log_softmax;
      run(ix.outer * ix.inner,
          cu::SoftmaxBody<float>{ix, x.data<float>(), y2.data<float>(), float(1 / temp), log, OpReq::write});
      run(ix.outer * ix.inner,
          cu::SoftmaxGradBody<float>{ix, g.data<float>(), y.data<float>(), dx2.data<float>(), float(1 / temp),
                                     log, OpReq::write});
      check_close(y2, y);
      check_close(dx2, dx);
    }
  }
}

TEST_CASE("gpu bodies: SoftmaxOutput's gradient with ignore_label, smoothing and out_grad") {
  Shape s{6, 4};
  NDArray x = uniform(s, -2, 2, 10);
  NDArray p(s);
  cpu_run(sg::ops::Softmax(sg::ops::SoftmaxParam{}), {x}, {p}, {OpReq::write});
  NDArray label({2, 0, -1, 3, 1, -1});
  struct Case {
    bool use_ignore, out_grad;
    double alpha;
  };
  for (Case c :
       {Case{true, false, 0.0}, Case{false, false, 0.0}, Case{true, false, 0.1}, Case{true, true, 0.0}}) {
    sg::ops::SoftmaxOutputParam sp;
    sp.use_ignore = c.use_ignore;
    sp.out_grad = c.out_grad;
    sp.smooth_alpha = c.alpha;
    sp.grad_scale = 0.5;
    NDArray dx(s), dx2(s);
    cpu_run(sg::ops::SoftmaxOutputBackward(sp), {p, label}, {dx}, {OpReq::write});
    int bad = 0;
    run(6, cu::SoftmaxOutputGradBody<float, float>{{6, 4, 1},
                                                   p.data<float>(),
                                                   label.data<float>(),
                                                   dx2.data<float>(),
                                                   0.5f,
                                                   -1,
                                                   c.use_ignore,
                                                   c.out_grad,
                                                   c.alpha,
                                                   &bad,
                                                   OpReq::write});
    CHECK(bad == 0);
    check_close(dx2, dx);
  }
  int count = 0;
  run(6, cu::CountValidBody<float>{label.data<float>(), -1, &count});
  CHECK(count == 4);
  // a label outside the classes is reported
  NDArray wrong({2, 0, 7, 3, 1, 0});
  NDArray dx3(s);
  int bad = 0;
  run(6, cu::SoftmaxOutputGradBody<float, float>{{6, 4, 1},
                                                 p.data<float>(),
                                                 wrong.data<float>(),
                                                 dx3.data<float>(),
                                                 1.f,
                                                 -1,
                                                 true,
                                                 false,
                                                 0.0,
                                                 &bad,
                                                 OpReq::write});
  CHECK(bad == 1);
}

TEST_CASE("gpu bodies: regression gradients and probability labels") {
  Shape s{4, 3};
  NDArray y = uniform(s, -1, 1, 11), l = uniform(s, -1, 1, 12);
  for (auto k : {sg::ops::RegressionKind::linear, sg::ops::RegressionKind::mae}) {
    NDArray dx(s), dx2(s);
    cpu_run(sg::ops::RegressionBackward(k, 2.0), {y, l}, {dx}, {OpReq::write});
    run(y.size(),
        cu::RegressionGradBody<float, float>{y.data<float>(), l.data<float>(), dx2.data<float>(), 2.0f / 3.0f,
                                             k == sg::ops::RegressionKind::mae, OpReq::write});
    check_close(dx2, dx);
  }
  NDArray p(s), dx(s), dx2(s);
  cpu_run(sg::ops::Softmax(sg::ops::SoftmaxParam{}), {y}, {p}, {OpReq::write});
  NDArray prob(s);
  cpu_run(sg::ops::Softmax(sg::ops::SoftmaxParam{}), {l}, {prob}, {OpReq::write});
  sg::ops::SoftmaxOutputParam sp;
  cpu_run(sg::ops::SoftmaxOutputBackward(sp), {p, prob}, {dx}, {OpReq::write});
  run(p.size(), cu::ProbLabelGradBody<float, float>{p.data<float>(), prob.data<float>(), dx2.data<float>(),
                                                    1.f, false, OpReq::write});
  check_close(dx2, dx);
}

TEST_CASE("gpu bodies: Embedding gather and scatter-add, and bad indices") {
  sg::ops::EmbeddingParam ep{7, 5};
  NDArray w = uniform(Shape{7, 5}, -1, 1, 13);
  NDArray idx({{1, 6, 1}, {0, 3, 6}});
  NDArray y(Shape{2, 3, 5}), y2(Shape{2, 3, 5}), g = uniform(Shape{2, 3, 5}, -1, 1, 14);
  cpu_run(sg::ops::Embedding(ep), {idx, w}, {y}, {OpReq::write});
  int bad = 0;
  run(6 * 5, cu::EmbeddingBody<float, float>{idx.data<float>(), w.data<float>(), y2.data<float>(), 7, 5, &bad,
                                             OpReq::write});
  CHECK(bad == 0);
  check_close(y2, y);
  NDArray dw(Shape{7, 5}), dw2(Shape{7, 5});
  cpu_run(sg::ops::EmbeddingBackward(ep), {g, idx}, {dw}, {OpReq::write});
  run(6 * 5,
      cu::EmbeddingGradBody<float, float>{idx.data<float>(), g.data<float>(), dw2.data<float>(), 7, 5});
  check_close(dw2, dw);
  NDArray wrong({1, 9});
  NDArray y3(Shape{2, 5});
  run(2 * 5, cu::EmbeddingBody<float, float>{wrong.data<float>(), w.data<float>(), y3.data<float>(), 7, 5,
                                             &bad, OpReq::write});
  CHECK(bad == 1);
}

TEST_CASE("gpu bodies: reductions over any axes and broadcasting") {
  // sum over axes 0 and 2 of (3, 4, 5): kept axis 1
  NDArray x = uniform(Shape{3, 4, 5}, -1, 1, 15);
  cu::ReduceIndex ix;
  ix.nkept = 1, ix.kept_shape[0] = 4, ix.kept_stride[0] = 5;
  ix.nred = 2, ix.red_shape[0] = 3, ix.red_stride[0] = 20, ix.red_shape[1] = 5, ix.red_stride[1] = 1,
  ix.red_size = 15;
  NDArray s2(Shape{4}), mx(Shape{4});
  run(4, cu::ReduceBody<cu::ReduceOp::sum, float>{ix, x.data<float>(), s2.data<float>(), 1.f, OpReq::write});
  run(4, cu::ReduceBody<cu::ReduceOp::max, float>{ix, x.data<float>(), mx.data<float>(), 1.f, OpReq::write});
  for (int j = 0; j < 4; ++j) {
    double sum = 0, m = -1e9;
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 5; ++k) {
        double v = x.at_flat(i * 20 + j * 5 + k);
        sum += v;
        m = std::max(m, v);
      }
    CHECK(s2.at_flat(j) == doctest::Approx(sum).epsilon(1e-5));
    CHECK(mx.at_flat(j) == doctest::Approx(m));
  }
  // (3, 1) + (1, 4) -> (3, 4)
  NDArray a({{1}, {2}, {3}}), b({{10, 20, 30, 40}});
  cu::BroadcastIndex bx;
  bx.ndim = 2, bx.shape[0] = 3, bx.shape[1] = 4;
  bx.stride_a[0] = 1, bx.stride_a[1] = 0, bx.stride_b[0] = 0, bx.stride_b[1] = 1;
  NDArray y(Shape{3, 4});
  run(12, cu::BroadcastBody<cu::BinaryOp::add, float>{bx, a.data<float>(), b.data<float>(), y.data<float>(),
                                                      OpReq::write});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) CHECK(y.at_flat(i * 4 + j) == doctest::Approx((i + 1) + 10 * (j + 1)));
}

TEST_CASE("gpu bodies: im2col and col2im match the CPU convolution's columns (1, 2 and 3 spatial dims)") {
  struct Case {
    sg::Shape data;
    sg::ops::Spatial k, s, d, p;
  };
  for (const Case& c :
       {Case{{1, 3, 11}, {3}, {2}, {1}, {1}}, Case{{1, 2, 7, 6}, {3, 2}, {2, 1}, {2, 1}, {1, 0}},
        Case{{1, 2, 4, 5, 3}, {2, 3, 2}, {1, 2, 1}, {1, 1, 2}, {1, 1, 0}}}) {
    sg::ops::ConvolutionParam cp;
    cp.kernel = c.k, cp.stride = c.s, cp.dilate = c.d, cp.pad = c.p, cp.num_filter = 4;
    sg::Shape out = c.data;
    const int ns = c.data.ndim() - 2;
    for (int i = 0; i < ns; ++i)
      out[i + 2] = (c.data[i + 2] + 2 * cp.pd(i) - cp.dil(i) * (cp.kernel[i] - 1) - 1) / cp.st(i) + 1;
    auto g = sg::ops::conv_detail::geometry(c.data, out, cp);
    cu::ConvGeo cg;
    cg.C = g.cg();
    for (std::size_t a = 0; a < 3; ++a)
      cg.in[a] = g.in[a], cg.out[a] = g.out[a], cg.k[a] = g.k[a], cg.s[a] = g.s[a], cg.d[a] = g.d[a],
      cg.p[a] = g.p[a];
    NDArray x = uniform(c.data, -1, 1, 20);
    sg::Shape cs{g.col_rows(), g.out_size()};
    NDArray col(cs), col2(cs);
    sg::ops::conv_detail::im2col(g, x.data<float>(), col.data<float>());
    run(col.size(), cu::Im2colBody<float>{cg, x.data<float>(), col2.data<float>()});
    check_close(col2, col, 0);
    NDArray dx(c.data), dx2(c.data);
    sg::ops::conv_detail::col2im(g, col.data<float>(), dx.data<float>());
    run(x.size(), cu::Col2imBody<float>{cg, col.data<float>(), dx2.data<float>()});
    check_close(dx2, dx, 1e-6);
  }
}

TEST_CASE("gpu bodies: pooling forward and backward match the CPU operator") {
  sg::Shape data{2, 3, 7, 6};
  NDArray x = uniform(data, -1, 1, 21);
  x.data<float>()[5] = x.data<float>()[6];  // a tie inside a max window
  for (auto type : {sg::ops::PoolType::max, sg::ops::PoolType::avg, sg::ops::PoolType::sum})
    for (bool cip : {true, false}) {
      sg::ops::PoolingParam pp;
      pp.kernel = {3, 2}, pp.stride = {2, 2}, pp.pad = {1, 1}, pp.pool_type = type,
      pp.count_include_pad = cip;
      sg::Shape out{2, 3, (7 + 2 - 3) / 2 + 1, (6 + 2 - 2) / 2 + 1};
      auto g = sg::ops::pool_detail::geometry(data, out, pp);
      cu::PoolGeo pg;
      for (std::size_t a = 0; a < 3; ++a)
        pg.in[a] = g.in[a], pg.out[a] = g.out[a], pg.k[a] = g.k[a], pg.s[a] = g.s[a], pg.p[a] = g.p[a];
      pg.kind = type == sg::ops::PoolType::max   ? cu::PoolKind::max
                : type == sg::ops::PoolType::avg ? cu::PoolKind::avg
                                                 : cu::PoolKind::sum;
      pg.count_pad = cip;
      NDArray y(out), y2(out), dy = uniform(out, -1, 1, 22), dx(data), dx2(data);
      cpu_run(sg::ops::Pooling(pp), {x}, {y}, {OpReq::write});
      cpu_run(sg::ops::PoolingBackward(pp), {dy, x, y}, {dx}, {OpReq::write});
      run(g.planes * g.out_size(), cu::PoolBody<float>{pg, x.data<float>(), y2.data<float>(), OpReq::write});
      run(g.planes * g.out_size(),
          cu::PoolGradBody<float>{pg, dy.data<float>(), x.data<float>(), dx2.data<float>()});
      check_close(y2, y);
      check_close(dx2, dx);
    }
}

TEST_CASE("gpu bodies: BatchNorm training forward, moving statistics and backward") {
  sg::Shape data{4, 3, 5};
  NDArray x = uniform(data, -2, 2, 23), gamma = uniform(sg::Shape{3}, 0.5, 1.5, 24),
          beta = uniform(sg::Shape{3}, -1, 1, 25);
  NDArray mm = uniform(sg::Shape{3}, -0.1, 0.1, 26), mv = uniform(sg::Shape{3}, 0.9, 1.1, 27);
  for (bool fix_gamma : {false, true}) {
    sg::ops::BatchNormParam bp;
    bp.fix_gamma = fix_gamma;
    bp.eps = 1e-3;
    NDArray g1 = gamma.copy(), mm1 = mm.copy(), mv1 = mv.copy(), y(data), mean(sg::Shape{3}),
            var(sg::Shape{3});
    sg::RunCtx train;
    train.is_train = true;
    sg::ops::BatchNorm(bp).forward(train, std::vector<NDArray>{x, g1, beta, mm1, mv1},
                                   std::vector<NDArray>{y, mean, var},
                                   std::vector<OpReq>{OpReq::write, OpReq::write, OpReq::write});
    NDArray g2 = gamma.copy(), mm2 = mm.copy(), mv2 = mv.copy(), y2(data), mean2(sg::Shape{3}),
            var2(sg::Shape{3});
    cu::BnGeo bg{4, 3, 5};
    run(3, cu::BnStatsBody<float>{bg, x.data<float>(), g2.data<float>(), mm2.data<float>(), mv2.data<float>(),
                                  mean2.data<float>(), var2.data<float>(), bp.momentum, true, fix_gamma});
    run(x.size(),
        cu::BnApplyBody<float>{bg, x.data<float>(), g2.data<float>(), beta.data<float>(), mean2.data<float>(),
                               var2.data<float>(), bp.eps, y2.data<float>(), OpReq::write});
    check_close(y2, y, 1e-5);
    check_close(mm2, mm1, 1e-6);
    check_close(mv2, mv1, 1e-6);
    check_close(g2, g1, 0);
    NDArray dy = uniform(data, -1, 1, 28), dx(data), dg(sg::Shape{3}), db(sg::Shape{3});
    cpu_run(sg::ops::BatchNormBackward(bp), {dy, x, g1, mean, var}, {dx, dg, db},
            {OpReq::write, OpReq::write, OpReq::write});
    NDArray dx2(data), dg2(sg::Shape{3}), db2(sg::Shape{3});
    std::vector<double> sums(6);
    run(3, cu::BnGradStatsBody<float>{bg, dy.data<float>(), x.data<float>(), mean.data<float>(),
                                      var.data<float>(), bp.eps, fix_gamma, sums.data(), dg2.data<float>(),
                                      db2.data<float>(), OpReq::write, OpReq::write});
    run(x.size(), cu::BnGradApplyBody<float>{bg, dy.data<float>(), x.data<float>(), g1.data<float>(),
                                             mean.data<float>(), var.data<float>(), sums.data(), bp.eps,
                                             fix_gamma, false, dx2.data<float>(), OpReq::write});
    check_close(dx2, dx, 1e-5);
    check_close(dg2, dg, 1e-5);
    check_close(db2, db, 1e-5);
  }
}

TEST_CASE("gpu bodies: strided copies (transpose), broadcast and reduction gradients") {
  NDArray x = uniform(sg::Shape{3, 4, 5}, -1, 1, 29);
  NDArray t(sg::Shape{4, 3, 5}), t2(sg::Shape{4, 3, 5});
  cpu_run(sg::ops::Transpose({1, 0, 2}, false), {x}, {t}, {OpReq::write});
  cu::StridedIndex ix;
  ix.ndim = 3;
  const cu::index_t shape[3] = {4, 3, 5}, src[3] = {5, 20, 1}, dst[3] = {15, 5, 1};
  for (int d = 0; d < 3; ++d) ix.shape[d] = shape[d], ix.src_stride[d] = src[d], ix.dst_stride[d] = dst[d];
  run(60, cu::StridedCopyBody<float>{ix, x.data<float>(), t2.data<float>(), OpReq::write});
  check_close(t2, t, 0);

  // broadcast_mul of (3, 1, 4) and (1, 5, 4): the gradients sum over the broadcast axes
  NDArray a = uniform(sg::Shape{3, 1, 4}, -1, 1, 30), b = uniform(sg::Shape{1, 5, 4}, -1, 1, 31);
  NDArray y(sg::Shape{3, 5, 4}), g = uniform(sg::Shape{3, 5, 4}, -1, 1, 32);
  cpu_run(sg::ops::Broadcast<sg::fn::elemwise_mul>(), {a, b}, {y}, {OpReq::write});
  NDArray da(a.shape()), db(b.shape()), da2(a.shape()), db2(b.shape()), y2(y.shape());
  cpu_run(sg::ops::BroadcastBackward<sg::fn::elemwise_mul>(), {g, a, b, y}, {da, db},
          {OpReq::write, OpReq::write});
  cu::BroadcastIndex bx;
  bx.ndim = 3;
  const cu::index_t os[3] = {3, 5, 4}, sa[3] = {4, 0, 1}, sb[3] = {0, 4, 1};
  for (int d = 0; d < 3; ++d) bx.shape[d] = os[d], bx.stride_a[d] = sa[d], bx.stride_b[d] = sb[d];
  run(60, cu::BroadcastBody<cu::BinaryOp::mul, float>{bx, a.data<float>(), b.data<float>(), y2.data<float>(),
                                                      OpReq::write});
  run(60,
      cu::BroadcastGradBody<cu::BinaryOp::mul, float>{bx, g.data<float>(), a.data<float>(), b.data<float>(),
                                                      y.data<float>(), da2.data<float>(), db2.data<float>()});
  check_close(y2, y);
  check_close(da2, da, 1e-5);
  check_close(db2, db, 1e-5);

  // max over axis 1 of (3, 4, 5), and its gradient
  for (auto kind : {sg::ops::ReduceKind::max, sg::ops::ReduceKind::mean, sg::ops::ReduceKind::prod}) {
    sg::ops::ReduceParam rp;
    rp.axis = {1};
    NDArray r(sg::Shape{3, 5}), gr = uniform(sg::Shape{3, 5}, -1, 1, 33), dx(x.shape()), dx2(x.shape());
    cpu_run(sg::ops::Reduce(kind, rp), {x}, {r}, {OpReq::write});
    cpu_run(sg::ops::ReduceBackward(kind, rp), {gr, x, r}, {dx}, {OpReq::write});
    cu::ReduceGradIndex ri;
    ri.ndim = 3;
    const cu::index_t xs[3] = {3, 4, 5}, ys[3] = {5, 0, 1};
    for (int d = 0; d < 3; ++d) ri.shape[d] = xs[d], ri.y_stride[d] = ys[d];
    auto body = [&](auto op) {
      run(60, cu::ReduceGradBody<decltype(op)::value, float>{ri, gr.data<float>(), x.data<float>(),
                                                             r.data<float>(), dx2.data<float>(), 0.25f,
                                                             OpReq::write});
    };
    if (kind == sg::ops::ReduceKind::max) body(std::integral_constant<cu::ReduceOp, cu::ReduceOp::max>{});
    if (kind == sg::ops::ReduceKind::mean) body(std::integral_constant<cu::ReduceOp, cu::ReduceOp::mean>{});
    if (kind == sg::ops::ReduceKind::prod) body(std::integral_constant<cu::ReduceOp, cu::ReduceOp::prod>{});
    check_close(dx2, dx, 1e-5);
  }
}

TEST_CASE("gpu bodies: Dropout draws the CPU operator's masks, with and without shared axes") {
  NDArray x = uniform(sg::Shape{4, 5, 6}, -1, 1, 41);
  for (std::vector<std::int64_t> axes : {std::vector<std::int64_t>{}, {1}, {0, -1}}) {
    CAPTURE(axes.size());
    sg::ops::Dropout op(sg::ops::DropoutParam{.p = 0.3, .axes = axes});
    NDArray y(x.shape()), mask(x.shape()), y2(x.shape()), mask2(x.shape());
    y2.fill(0.5);  // req add
    sg::nd::random::Generator gen(77);
    sg::RunCtx ctx;
    ctx.is_train = true;
    ctx.rng = &gen;
    op.forward(ctx, std::vector<NDArray>{x}, std::vector<NDArray>{y, mask}, std::vector<OpReq>{OpReq::write});
    cu::StridedIndex ix;
    if (!axes.empty()) {
      Shape drawn = x.shape();
      for (auto a : axes) drawn[static_cast<int>(a < 0 ? a + 3 : a)] = 1;
      auto st = sg::host::broadcast_strides(drawn, x.shape());
      ix.ndim = 3;
      for (int d = 0; d < 3; ++d)
        ix.shape[d] = x.shape()[d], ix.src_stride[d] = st[static_cast<std::size_t>(d)];
    }
    const std::uint64_t base = sg::nd::random::Generator(77).next();
    run(x.size(), cu::DropoutBody<float>{ix, x.data<float>(), y2.data<float>(), mask2.data<float>(), base,
                                         0.3, static_cast<float>(1 / 0.7), OpReq::add});
    check_close(mask2, mask, 0);
    NDArray want = y.copy();
    for (std::int64_t i = 0; i < want.size(); ++i) want.data<float>()[i] += 0.5f;
    check_close(y2, want, 1e-7);
    // shared axes: one draw along them
    int kept = 0;
    for (std::int64_t i = 0; i < mask.size(); ++i) kept += mask.data<float>()[i] != 0;
    if (axes == std::vector<std::int64_t>{1})
      for (std::int64_t i = 0; i < 4; ++i)
        for (std::int64_t k = 0; k < 6; ++k) CHECK(mask.at_flat(i * 30 + k) == mask.at_flat(i * 30 + 24 + k));
    CHECK(kept > 0);
    CHECK(kept < mask.size());
  }
}

TEST_CASE("gpu bodies: LeakyReLU of every act_type, forward and backward, match the CPU operator") {
  using sg::ops::LeakyType;
  const Shape s{3, 4, 5};
  NDArray x = uniform(s, -2, 2, 51), dy = uniform(s, -1, 1, 52), gamma = uniform(Shape{4}, 0, 0.5, 53);
  for (auto kind : {LeakyType::leaky, LeakyType::prelu, LeakyType::elu, LeakyType::selu, LeakyType::gelu,
                    LeakyType::rrelu}) {
    CAPTURE(static_cast<int>(kind));
    sg::ops::LeakyReLUParam p{kind, 0.3, 0.1, 0.4};
    const bool prelu = kind == LeakyType::prelu, rrelu = kind == LeakyType::rrelu;
    NDArray y(s), mask(s), y2(s), mask2(s), dx(s), dg(Shape{4}), dx2(s), dg2(Shape{4});
    sg::nd::random::Generator gen(9);
    sg::RunCtx ctx;
    ctx.is_train = true;
    ctx.rng = &gen;
    std::vector<NDArray> in{x}, out{y};
    if (prelu) in.push_back(gamma);
    if (rrelu) out.push_back(mask);
    sg::ops::LeakyReLU(p).forward(ctx, in, out, std::vector<OpReq>(out.size(), OpReq::write));
    std::vector<NDArray> gin{dy, x, y}, gout{dx};
    if (prelu) gin.push_back(gamma), gout.push_back(dg);
    if (rrelu) gin.push_back(mask);
    sg::ops::LeakyReLUBackward(p).forward(ctx, gin, gout, std::vector<OpReq>(gout.size(), OpReq::write));

    auto g = sg::ops::leaky_detail::gpu_geo(p, s, Shape{4});
    g.train = true;
    g.base = sg::nd::random::Generator(9).next();
    run(x.size(),
        cu::LeakyBody<float>{g, x.data<float>(), prelu ? gamma.data<float>() : nullptr, y2.data<float>(),
                             rrelu ? mask2.data<float>() : nullptr, OpReq::write});
    check_close(y2, y, 1e-6);
    if (rrelu) check_close(mask2, mask, 0);
    dg2.fill(0);
    const float* aux = prelu ? gamma.data<float>() : rrelu ? mask.data<float>() : nullptr;
    run(x.size(),
        cu::LeakyGradBody<float>{g, dy.data<float>(), x.data<float>(), y.data<float>(), aux,
                                 dx2.data<float>(), prelu ? dg2.data<float>() : nullptr, OpReq::write});
    check_close(dx2, dx, 1e-6);
    if (prelu) check_close(dg2, dg, 1e-5);
  }
  // prelu with one slope per sample and channel: gamma (N, C)
  sg::ops::LeakyReLUParam p{LeakyType::prelu};
  NDArray g2d = uniform(Shape{3, 4}, 0, 0.5, 54), y(s), y2(s);
  cpu_run(sg::ops::LeakyReLU(p), {x, g2d}, {y}, {OpReq::write});
  auto geo = sg::ops::leaky_detail::gpu_geo(p, s, Shape{3, 4});
  run(x.size(),
      cu::LeakyBody<float>{geo, x.data<float>(), g2d.data<float>(), y2.data<float>(), nullptr, OpReq::write});
  check_close(y2, y, 1e-6);
}

TEST_CASE(
    "gpu bodies: LayerNorm, InstanceNorm and L2Normalization, forward and backward, match the CPU "
    "operators") {
  const Shape s{3, 4, 5};
  NDArray x = uniform(s, -2, 2, 61), dy = uniform(s, -1, 1, 62);
  auto check_moments = [&](const sg::Operator& fwd, const sg::Operator& bwd,
                           const sg::ops::norm_detail::Moments& m, Shape stat_shape) {
    NDArray gamma = uniform(Shape{m.C}, 0.5, 1.5, 63), beta = uniform(Shape{m.C}, -1, 1, 64);
    NDArray y(s), mean(stat_shape), stat(stat_shape), y2(s), mean2(stat_shape), stat2(stat_shape);
    cpu_run(fwd, {x, gamma, beta}, {y, mean, stat}, {OpReq::write, OpReq::write, OpReq::write});
    const auto geo = sg::ops::norm_detail::gpu_geo(m);
    run(geo.groups(),
        cu::MomentsBody<float>{geo, x.data<float>(), gamma.data<float>(), beta.data<float>(),
                               y2.data<float>(), mean2.data<float>(), stat2.data<float>(), OpReq::write});
    check_close(y2, y, 1e-6);
    check_close(mean2, mean, 1e-6);
    check_close(stat2, stat, 1e-6);
    NDArray dx(s), dg(Shape{m.C}), db(Shape{m.C}), dx2(s), dg2(Shape{m.C}), db2(Shape{m.C});
    cpu_run(bwd, {dy, x, gamma, mean, stat}, {dx, dg, db}, {OpReq::write, OpReq::write, OpReq::write});
    dx2.fill(1);  // req add on dx
    run(geo.groups(),
        cu::MomentsGradBody<float>{geo, dy.data<float>(), x.data<float>(), gamma.data<float>(),
                                   mean.data<float>(), stat.data<float>(), dx2.data<float>(), OpReq::add});
    run(m.C, cu::MomentsParamGradBody<float>{geo, dy.data<float>(), x.data<float>(), mean.data<float>(),
                                             stat.data<float>(), dg2.data<float>(), db2.data<float>(),
                                             OpReq::write, OpReq::write});
    for (std::int64_t i = 0; i < dx.size(); ++i) dx.data<float>()[i] += 1;
    check_close(dx2, dx, 1e-6);
    check_close(dg2, dg, 1e-6);
    check_close(db2, db, 1e-6);
  };
  for (int axis : {-1, 1, 0}) {
    CAPTURE(axis);
    sg::ops::norm_detail::Moments m(s, true, axis, 1e-5);
    Shape st = s;
    st[axis < 0 ? axis + 3 : axis] = 1;
    check_moments(sg::ops::LayerNorm(sg::ops::LayerNormParam{axis, 1e-5, false}),
                  sg::ops::MomentsNormBackward(true, axis, 1e-5), m, st);
  }
  check_moments(sg::ops::InstanceNorm(sg::ops::InstanceNormParam{1e-3}),
                sg::ops::MomentsNormBackward(false, 1, 1e-3),
                sg::ops::norm_detail::Moments(s, false, 1, 1e-3), Shape{3, 4});

  for (auto mode : {sg::ops::L2Mode::instance, sg::ops::L2Mode::channel, sg::ops::L2Mode::spatial}) {
    CAPTURE(static_cast<int>(mode));
    const auto v = sg::ops::norm_detail::l2_view(s, mode);
    Shape ns = mode == sg::ops::L2Mode::instance  ? Shape{3}
               : mode == sg::ops::L2Mode::spatial ? Shape{3, 4}
                                                  : Shape{3, 1, 5};
    NDArray y(s), norm(ns), y2(s), norm2(ns), dx(s), dx2(s);
    cpu_run(sg::ops::L2Normalization(sg::ops::L2NormalizationParam{1e-10, mode}), {x}, {y, norm},
            {OpReq::write, OpReq::write});
    cpu_run(sg::ops::L2NormalizationBackward(mode), {dy, y, norm}, {dx}, {OpReq::write});
    const auto geo = sg::ops::norm_detail::gpu_geo(v, 1, true, 1e-10);
    run(geo.groups(),
        cu::L2NormBody<float>{geo, x.data<float>(), y2.data<float>(), norm2.data<float>(), OpReq::write});
    run(geo.groups(), cu::L2NormGradBody<float>{geo, dy.data<float>(), y.data<float>(), norm.data<float>(),
                                                dx2.data<float>(), OpReq::write});
    check_close(y2, y, 1e-6);
    check_close(norm2, norm, 1e-6);
    check_close(dx2, dx, 1e-6);
  }
}

TEST_CASE("gpu bodies: SGD with momentum and Adam steps match the CPU optimizers") {
  NDArray w0 = uniform(sg::Shape{40}, -1, 1, 50);
  std::vector<NDArray> grads;
  for (unsigned k = 0; k < 3; ++k) grads.push_back(uniform(sg::Shape{40}, -2, 2, 51 + k));
  // SGD with momentum, weight decay, rescale and clipping
  sg::opt::SGD sgd(
      {.learning_rate = 0.1, .momentum = 0.9, .wd = 0.01, .rescale_grad = 0.5, .clip_gradient = 0.6});
  NDArray w = w0.copy(), w2 = w0.copy(), mom(sg::Shape{40});
  for (const auto& g : grads) {
    sgd.update(0, w, g);
    run(40, cu::SgdBody<float>{w2.data<float>(), mom.data<float>(), g.data<float>(), 0.1f, 0.1f * 0.01f, 0.5f,
                               0.6f, 0.9f, true});
  }
  check_close(w2, w, 1e-6);
  // Adam: the bias correction folded into the learning rate of step t
  sg::opt::Adam adam({.learning_rate = 0.01, .wd = 0.001, .clip_gradient = 1.0});
  NDArray a = w0.copy(), a2 = w0.copy(), mean(sg::Shape{40}), var(sg::Shape{40});
  int t = 0;
  for (const auto& g : grads) {
    adam.update(0, a, g);
    ++t;
    double lr_t = 0.01 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
    run(40, cu::AdamBody<float>{a2.data<float>(), mean.data<float>(), var.data<float>(), g.data<float>(),
                                float(lr_t), 0.001f, 1.f, 1.f, 0.9f, 0.999f, 1e-8f, true});
  }
  check_close(a2, a, 1e-6);
}

TEST_CASE("gpu bodies: one RNN step (LSTM, GRU, tanh, relu) matches the CPU operator over one time step") {
  const std::int64_t N = 3, C = 4, H = 5;
  NDArray x = uniform(sg::Shape{1, N, C}, -1, 1, 60);
  for (auto mode : {sg::ops::RNNMode::lstm, sg::ops::RNNMode::gru, sg::ops::RNNMode::rnn_tanh,
                    sg::ops::RNNMode::rnn_relu}) {
    INFO("mode " << sg::ops::rnn_mode_name(mode));
    sg::ops::RNNParam p{.state_size = H, .num_layers = 1, .mode = mode, .state_outputs = true};
    auto lay = sg::ops::rnn_layout(p, C);
    const std::int64_t G = lay.G, GH = G * H;
    NDArray w = uniform(sg::Shape{lay.total()}, -0.5, 0.5, 61), h0 = uniform(sg::Shape{1, N, H}, -1, 1, 62),
            c0 = uniform(sg::Shape{1, N, H}, -1, 1, 63);
    sg::ops::RNNReserve rv{1, N, G, H, 1, 1};
    NDArray y(sg::Shape{1, N, H}), hy(sg::Shape{1, N, H}), cy(sg::Shape{1, N, H}), res(sg::Shape{rv.total()});
    std::vector<NDArray> ins{x, w, h0}, outs{y, hy};
    std::vector<OpReq> reqs{OpReq::write, OpReq::write};
    if (mode == sg::ops::RNNMode::lstm) ins.push_back(c0), outs.push_back(cy), reqs.push_back(OpReq::write);
    outs.push_back(res), reqs.push_back(OpReq::write);
    sg::RunCtx rc;
    sg::ops::RNN(p).forward(rc, ins, outs, reqs);
    // the GPU path's products on the host, then the step body
    const float* W = w.data<float>();
    const float *Wi = W + lay.w_i2h(0, 0), *Wh = W + lay.w_h2h(0, 0), *bi = W + lay.b_i2h(0, 0),
                *bh = W + lay.b_h2h(0, 0);
    std::vector<float> g(static_cast<std::size_t>(N * GH)), hn(static_cast<std::size_t>(N * H)), h(g.size()),
        c(g.size()), out(static_cast<std::size_t>(N * H));
    const bool gru = mode == sg::ops::RNNMode::gru;
    for (std::int64_t n = 0; n < N; ++n)
      for (std::int64_t r = 0; r < GH; ++r) {
        double v = bi[r] + ((gru && r >= 2 * H) ? 0.0 : bh[r]);
        for (std::int64_t k = 0; k < C; ++k) v += x.data<float>()[n * C + k] * Wi[r * C + k];
        if (!(gru && r >= 2 * H))
          for (std::int64_t k = 0; k < H; ++k) v += h0.data<float>()[n * H + k] * Wh[r * H + k];
        g[static_cast<std::size_t>(n * GH + r)] = static_cast<float>(v);
      }
    if (gru)
      for (std::int64_t n = 0; n < N; ++n)
        for (std::int64_t j = 0; j < H; ++j) {
          double v = bh[2 * H + j];
          for (std::int64_t k = 0; k < H; ++k) v += h0.data<float>()[n * H + k] * Wh[(2 * H + j) * H + k];
          hn[static_cast<std::size_t>(n * H + j)] = static_cast<float>(v);
        }
    run(N * H, cu::RnnStepBody<float>{static_cast<cu::RnnMode>(static_cast<int>(mode)), H, G, H, g.data(),
                                      h0.data<float>(), c0.data<float>(), hn.data(), h.data(), c.data(),
                                      out.data()});
    for (std::int64_t e = 0; e < N * H; ++e) {
      CHECK(out[static_cast<std::size_t>(e)] == doctest::Approx(y.data<float>()[e]).epsilon(1e-5));
      CHECK(h[static_cast<std::size_t>(e)] == doctest::Approx(hy.data<float>()[e]).epsilon(1e-5));
      if (mode == sg::ops::RNNMode::lstm)
        CHECK(c[static_cast<std::size_t>(e)] == doctest::Approx(cy.data<float>()[e]).epsilon(1e-5));
    }
  }
}
