// Executor construction (the bind pipeline) and Symbol::simple_bind / Symbol::bind.
#pragma once
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "../ops/elemwise-inl.hpp"
#include "../symbol/infer.hpp"
#include "executor-inl.hpp"
#include "fuse.hpp"
#include "gradient.hpp"
#include "infer_rewrite-inl.hpp"
#include "memory_plan-inl.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_EXEC_BIND)
namespace SYMGRAD_NS {

namespace detail {
inline std::string step_kernel_missing(const Node& n) {
  return n.name + " (" + n.op->type_name() + "): this operator has no CPU kernel";
}
// float16 is a storage type: a step whose inputs or outputs hold it must be one of the operators
// whose kernels take it, or bind fails here, naming the node, before anything runs.
inline void require_float16_support(const GraphIndex& gi, const std::vector<std::optional<DType>>& etype) {
  for (Node* n : gi.nodes) {
    if (n->is_variable()) continue;
    auto* op = dynamic_cast<const Operator*>(n->op.get());
    if (op && op->takes_float16()) continue;
    std::string where;
    for (std::size_t k = 0; k < n->inputs.size() && where.empty(); ++k)
      if (etype[gi.entry(n->inputs[k])] == DType::float16) where = "input " + std::to_string(k);
    for (std::size_t j = 0; j < num_outputs(*n) && where.empty(); ++j)
      if (etype[gi.entry(n, j)] == DType::float16) where = "output " + std::to_string(j);
    if (!where.empty())
      throw TypeError("bind: node '" + n->name + "' (operator " + n->op->type_name() + ") has a float16 " +
                      where + ", and " + n->op->type_name() + " has no float16 kernel. " +
                      std::string(float16_storage_note) +
                      " (a graph converted by AMP runs in float32 after sg::amp::to_float32)");
  }
}
}  // namespace detail

SYMGRAD_INLINE Executor::Executor(const Symbol& sym, const BindSpec& spec) {
  if (sym.empty()) throw ValueError("bind: the symbol is empty");
  auto st = std::make_unique<State>();
  State& s = *st;
  s.ctx = spec.ctx;
  s.run.ctx = spec.ctx;
  s.run.rng = &s.rng;
  s.rng.seed(spec.seed);
  const auto& heads = sym.entries();

  // Variables in list_arguments() / list_auxiliary_states() order; names must be unique.
  auto order = topo_order(heads);
  auto aux_set = aux_variables(order);
  std::vector<Node*> arg_nodes, aux_nodes;
  std::unordered_map<std::string, const Node*> by_name;
  for (Node* n : order) {
    if (!n->is_variable()) continue;
    auto [it, fresh] = by_name.emplace(n->name, n);
    if (!fresh)
      throw NameError("bind: two different variables are named '" + n->name +
                      "'; every argument needs a distinct name to be bound");
    (aux_set.count(n) ? aux_nodes : arg_nodes).push_back(n);
  }
  for (Node* n : arg_nodes) s.arg_names.push_back(n->name);
  for (Node* n : aux_nodes) s.aux_names.push_back(n->name);
  s.out_names = sym.list_outputs();

  // Shapes and types of the arguments (user-facing errors come from here).
  InferShapeResult shapes = sym.infer_shape(spec.shapes);
  TypeDict types = spec.types;
  {
    auto partial = sym.infer_type_partial(types);
    for (std::size_t i = 0; i < arg_nodes.size(); ++i)
      if (!partial.arg_types[i] && !types.count(arg_nodes[i]->name) &&
          !arg_nodes[i]->attrs.count("__dtype__"))
        types[arg_nodes[i]->name] = DType::float32;
    for (std::size_t i = 0; i < aux_nodes.size(); ++i)
      if (!partial.aux_types[i] && !types.count(aux_nodes[i]->name))
        types[aux_nodes[i]->name] = DType::float32;
  }
  InferTypeResult dtypes = sym.infer_type(types);

  // Gradient requests; by default, arguments that only feed non-differentiable inputs get none.
  s.grad_req = spec.grad_req->resolve(s.arg_names);
  if (spec.default_req) {
    std::unordered_map<const Node*, bool> differentiable_use;
    for (Node* n : order)
      if (n->op)
        for (std::size_t k = 0; k < n->inputs.size(); ++k)
          if (n->op->differentiable(k)) differentiable_use[n->inputs[k].node.get()] = true;
    for (std::size_t i = 0; i < arg_nodes.size(); ++i)
      if (!differentiable_use.count(arg_nodes[i])) s.grad_req[i] = OpReq::null;
  }

  // Argument, gradient and auxiliary arrays: the caller's (bind) or new zero-filled ones.
  auto take = [&](const std::map<std::string, NDArray>* given, const std::string& name, const Shape& shape,
                  DType dt, const char* what) -> NDArray {
    if (given) {
      auto it = given->find(name);
      if (it != given->end() && !it->second.is_none()) {
        const NDArray& a = it->second;
        if (!(a.shape() == shape))
          throw ShapeError(std::string("bind: ") + what + " '" + name + "' has shape " + a.shape().str() +
                           " but the symbol needs " + shape.str());
        if (a.dtype() != dt)
          throw TypeError(std::string("bind: ") + what + " '" + name + "' has dtype " +
                          std::string(dtype_name(a.dtype())) + " but the symbol needs " +
                          std::string(dtype_name(dt)));
        if (!(a.context() == spec.ctx))
          throw DeviceError(std::string("bind: ") + what + " '" + name + "' lives on " + a.context().str() +
                            " but the executor is bound to " + spec.ctx.str());
        return a;
      }
    }
    return NDArray(shape, spec.ctx, dt);
  };
  for (std::size_t i = 0; i < arg_nodes.size(); ++i)
    if (spec.args_grad && !spec.args_grad->count(s.arg_names[i]) && spec.grad_req->is_uniform())
      s.grad_req[i] = OpReq::null;  // bind(): arguments without a gradient array get none

  // Lowering: fusion, then the gradient graph for the arguments that want one.
  // (On a GPU, typed expressions run node by node: the fused kernels are compiled for the host.)
  std::vector<NodeEntry> fheads = spec.ctx.device_type == DeviceType::cpu ? exec::apply_fusion(heads) : heads;
  auto forder = topo_order(fheads);
  std::unordered_set<const Node*> forward_nodes(forder.begin(), forder.end());
  std::vector<Node*> xs;
  std::vector<std::size_t> xs_arg;
  for (std::size_t i = 0; i < arg_nodes.size(); ++i)
    if (s.grad_req[i] != OpReq::null) xs.push_back(arg_nodes[i]), xs_arg.push_back(i);
  exec::GradientGraph gg;
  if (!xs.empty()) gg = exec::build_gradient(fheads, forder, xs);

  std::vector<NodeEntry> all_heads = fheads;
  for (const auto& g : gg.grads)
    if (g) all_heads.push_back(g);
  s.graph = all_heads;
  GraphIndex gi(all_heads);

  // On a GPU: a build with CUDA, a kernel for every step, then a usable device; all before any
  // memory is allocated.
  if (spec.ctx.device_type != DeviceType::cpu) {
    if (!built_with_cuda) device::require(spec.ctx);
    std::string missing;
    for (Node* n : gi.nodes) {
      if (n->is_variable()) continue;
      auto* op = dynamic_cast<const Operator*>(n->op.get());
      std::string why = op ? op->gpu_unsupported() : std::string("no kernel");
      if (!why.empty()) missing += "\n  " + n->name + " (" + n->op->type_name() + "): " + why;
    }
    if (!missing.empty())
      throw DeviceError("bind on " + spec.ctx.str() +
                        ": these steps cannot run on the GPU (nothing is copied to "
                        "the host behind your back):" +
                        missing + "\nBind on cpu(), or leave these operators out");
    device::require(spec.ctx);
  }
  for (std::size_t i = 0; i < arg_nodes.size(); ++i) {
    s.args.push_back(take(spec.args, s.arg_names[i], shapes.arg_shapes[i], *dtypes.arg_types[i], "argument"));
    s.grads.push_back(
        s.grad_req[i] == OpReq::null
            ? NDArray()
            : take(spec.args_grad, s.arg_names[i], shapes.arg_shapes[i], *dtypes.arg_types[i], "gradient"));
  }
  for (std::size_t i = 0; i < aux_nodes.size(); ++i)
    s.aux.push_back(
        take(spec.aux, s.aux_names[i], shapes.aux_shapes[i], *dtypes.aux_types[i], "auxiliary state"));

  // Shapes and dtypes of every entry of the lowered graph.
  std::vector<Shape> eshape(gi.num_entries, Shape::unknown());
  std::vector<std::optional<DType>> etype(gi.num_entries);
  std::unordered_map<const Node*, std::size_t> arg_index, aux_index, head_grad_index;
  for (std::size_t i = 0; i < arg_nodes.size(); ++i) arg_index[arg_nodes[i]] = i;
  for (std::size_t i = 0; i < aux_nodes.size(); ++i) aux_index[aux_nodes[i]] = i;
  for (std::size_t i = 0; i < gg.head_grads.size(); ++i) head_grad_index[gg.head_grads[i].get()] = i;
  for (Node* n : gi.nodes) {
    if (!n->is_variable()) continue;
    std::size_t e = gi.entry(n, 0);
    if (auto a = arg_index.find(n); a != arg_index.end()) {
      eshape[e] = s.args[a->second].shape(), etype[e] = s.args[a->second].dtype();
    } else if (auto x = aux_index.find(n); x != aux_index.end()) {
      eshape[e] = s.aux[x->second].shape(), etype[e] = s.aux[x->second].dtype();
    } else if (auto h = head_grad_index.find(n); h != head_grad_index.end()) {
      eshape[e] = shapes.out_shapes[h->second], etype[e] = dtypes.out_types[h->second];
    }
  }
  infer_shapes(gi, eshape);
  infer_types(gi, etype);
  for (Node* n : gi.nodes)
    for (std::size_t j = 0; j < num_outputs(*n); ++j)
      if (!eshape[gi.entry(n, j)].known() || !etype[gi.entry(n, j)])
        throw Error("internal: bind could not decide the shape of " + entry_name(*n, j) + " (" +
                    eshape[gi.entry(n, j)].str() + ")");
  detail::require_float16_support(gi, etype);

  // Who reads each entry; heads of the forward graph.
  std::vector<std::size_t> readers(gi.num_entries, 0);
  for (Node* n : gi.nodes)
    for (const auto& e : n->inputs) ++readers[gi.entry(e)];
  std::vector<bool> is_head(gi.num_entries, false);
  for (const auto& h : fheads) is_head[gi.entry(h)] = true;

  // Arrays of every entry. A gradient that only one argument receives, made by a backward node
  // and read by nobody else, is written straight into that argument's gradient array.
  std::vector<NDArray> earr(gi.num_entries);
  std::vector<OpReq> ereq(gi.num_entries, OpReq::write);
  std::vector<bool> claimed(gi.num_entries, false);
  std::vector<std::pair<std::size_t, std::size_t>> copies;  // (entry, arg) needing a copy step
  std::vector<std::size_t> zeros;                           // args whose gradient is all zero
  std::vector<std::size_t> wanted(gi.num_entries, 0);
  for (const auto& g : gg.grads)
    if (g) ++wanted[gi.entry(g)];
  for (std::size_t k = 0; k < xs.size(); ++k) {
    std::size_t i = xs_arg[k];
    const NodeEntry& g = gg.grads[k];
    if (!g) {
      zeros.push_back(i);
      continue;
    }
    std::size_t e = gi.entry(g);
    bool own = !g.node->is_variable() && !forward_nodes.count(g.node.get()) && readers[e] == 0 &&
               wanted[e] == 1 && !is_head[e];
    if (own) {
      claimed[e] = true;
      earr[e] = s.grads[i];
      ereq[e] = s.grad_req[i];
    } else {
      copies.emplace_back(e, i);
    }
  }
  for (Node* n : gi.nodes) {
    for (std::size_t j = 0; j < num_outputs(*n); ++j) {
      std::size_t e = gi.entry(n, j);
      if (n->is_variable()) {
        if (auto a = arg_index.find(n); a != arg_index.end())
          earr[e] = s.args[a->second];
        else if (auto x = aux_index.find(n); x != aux_index.end())
          earr[e] = s.aux[x->second];
        continue;
      }
      if (claimed[e]) continue;
      bool used = readers[e] > 0 || is_head[e];
      for (const auto& c : copies) used = used || c.first == e;
      if (!used && !forward_nodes.count(n)) {
        ereq[e] = OpReq::null;  // a backward output nobody needs: the kernel skips it
        continue;
      }
      earr[e] = NDArray(eshape[e], spec.ctx, *etype[e]);
    }
  }
  s.head_grads.resize(heads.size());
  s.head_grad_needed.assign(heads.size(), false);
  s.head_given.assign(heads.size(), 0);
  for (Node* n : gi.nodes)
    if (auto h = head_grad_index.find(n); h != head_grad_index.end()) {
      std::size_t e = gi.entry(n, 0);
      earr[e] = NDArray(eshape[e], spec.ctx, *etype[e]);
      s.head_grads[h->second] = earr[e];
      s.head_grad_needed[h->second] = true;
    }

  // Steps, and where each user-visible array sits in them.
  s.arg_slots.resize(s.args.size());
  s.grad_slots.resize(s.grads.size());
  s.aux_slots.resize(s.aux.size());
  auto note_slot = [&](const NDArray& a, const exec::Slot& sl) {
    if (a.is_none()) return;
    for (std::size_t i = 0; i < s.args.size(); ++i)
      if (a.same_storage(s.args[i])) s.arg_slots[i].push_back(sl);
    for (std::size_t i = 0; i < s.grads.size(); ++i)
      if (!s.grads[i].is_none() && a.same_storage(s.grads[i])) s.grad_slots[i].push_back(sl);
    for (std::size_t i = 0; i < s.aux.size(); ++i)
      if (a.same_storage(s.aux[i])) s.aux_slots[i].push_back(sl);
  };
  auto add_step = [&](bool backward, const Operator* op, std::string name, std::vector<NDArray> in,
                      std::vector<NDArray> out, std::vector<OpReq> req) {
    auto& list = backward ? s.bwd : s.fwd;
    const auto which = backward ? exec::Slot::backward : exec::Slot::forward;
    for (std::size_t k = 0; k < in.size(); ++k) note_slot(in[k], {which, list.size(), false, k});
    for (std::size_t k = 0; k < out.size(); ++k) note_slot(out[k], {which, list.size(), true, k});
    list.push_back({op, std::move(name), std::move(in), std::move(out), std::move(req)});
  };
  std::size_t ws = 0;
  for (Node* n : gi.nodes) {
    if (n->is_variable()) continue;
    auto* op = dynamic_cast<const Operator*>(n->op.get());
    if (!op) throw Error(detail::step_kernel_missing(*n));
    std::vector<Shape> ins, outs;
    for (const auto& e : n->inputs) ins.push_back(eshape[gi.entry(e)]);
    for (std::size_t j = 0; j < num_outputs(*n); ++j) outs.push_back(eshape[gi.entry(n, j)]);
    ws = std::max(ws, op->workspace_bytes(ins, outs, *etype[gi.entry(n, 0)]));
    std::vector<NDArray> in, out;
    std::vector<OpReq> req;
    for (const auto& e : n->inputs) in.push_back(earr[gi.entry(e)]);
    for (std::size_t j = 0; j < num_outputs(*n); ++j) {
      out.push_back(earr[gi.entry(n, j)]);
      req.push_back(ereq[gi.entry(n, j)]);
    }
    add_step(!forward_nodes.count(n), op, n->name, std::move(in), std::move(out), std::move(req));
  }
  static const ops::Copy copy_op;
  static const ops::ZerosLike zeros_op;
  for (auto [e, i] : copies)
    add_step(true, &copy_op, s.arg_names[i] + "_grad_copy", {earr[e]}, {s.grads[i]}, {s.grad_req[i]});
  for (std::size_t i : zeros)
    if (s.grad_req[i] == OpReq::write)
      add_step(true, &zeros_op, s.arg_names[i] + "_grad_zero", {s.args[i]}, {s.grads[i]}, {OpReq::write});

  // The fused steps of forward(is_train = false), on the CPU (exec/infer_rewrite-inl.hpp).
  if (spec.ctx.device_type == DeviceType::cpu && exec::inference_fusion_enabled(spec.inference_fusion)) {
    std::vector<NDArray> heads_out;
    for (const auto& h : fheads) heads_out.push_back(earr[gi.entry(h)]);
    s.infer = exec::rewrite_inference(s.fwd, heads_out, s.fused_ops);
    for (std::size_t k = 0; k < s.infer.size(); ++k) {
      const auto& st = s.infer[k];
      for (std::size_t j = 0; j < st.in.size(); ++j)
        note_slot(st.in[j], {exec::Slot::inference, k, false, j});
      for (std::size_t j = 0; j < st.out.size(); ++j)
        note_slot(st.out[j], {exec::Slot::inference, k, true, j});
      std::vector<Shape> ins, outs;
      for (const auto& a : st.in) ins.push_back(a.shape());
      for (const auto& a : st.out) outs.push_back(a.shape());
      ws = std::max(ws, st.op->workspace_bytes(ins, outs, st.out[0].dtype()));
    }
  }
  // Without gradients, intermediate arrays share buffers (exec/memory_plan-inl.hpp).
  if (xs.empty() && spec.ctx.device_type == DeviceType::cpu && exec::memory_plan_enabled(spec.memory_plan)) {
    std::vector<NDArray> keep = s.args;
    keep.insert(keep.end(), s.aux.begin(), s.aux.end());
    for (const auto& h : fheads) keep.push_back(earr[gi.entry(h)]);
    s.memory = exec::plan_memory(s.fwd, s.infer, keep, spec.ctx);
  }
  // With a shared pool (training executors): every intermediate array in the pool's buffer.
  if (!xs.empty() && spec.shared_pool && spec.ctx.device_type == DeviceType::cpu &&
      exec::memory_plan_enabled(spec.memory_plan)) {
    std::vector<NDArray> keep = s.args;
    for (const auto* list : {&s.grads, &s.aux, &s.head_grads})
      keep.insert(keep.end(), list->begin(), list->end());
    for (const auto& h : fheads) keep.push_back(earr[gi.entry(h)]);
    s.memory = exec::place_in_pool(s.fwd, s.bwd, s.infer, keep, *spec.shared_pool, spec.ctx);
  }
  if (ws > 0) {
    s.workspace = NDArray(Shape{static_cast<std::int64_t>(ws)}, spec.ctx, DType::uint8);
    s.run.workspace = s.workspace.raw_data();
    s.run.workspace_bytes = ws;
  }
  for (const auto& h : fheads) s.outputs.push_back(earr[gi.entry(h)]);
  s.bound_args = s.args;
  s.bound_grads = s.grads;
  s.bound_aux = s.aux;
  s_ = std::move(st);
}

SYMGRAD_INLINE Executor Symbol::simple_bind(Context ctx, const ShapeDict& shapes) const {
  return simple_bind(ctx, shapes, BindOptions{});
}

SYMGRAD_INLINE Executor Symbol::simple_bind(Context ctx, const ShapeDict& shapes,
                                            const BindOptions& opts) const {
  Executor::BindSpec spec;
  spec.ctx = ctx;
  spec.shapes = shapes;
  spec.types = opts.type_dict;
  spec.grad_req = &opts.grad_req;
  spec.default_req = opts.grad_req.is_uniform();
  spec.seed = opts.seed;
  spec.inference_fusion = opts.inference_fusion;
  spec.memory_plan = opts.memory_plan;
  spec.shared_pool = opts.shared_pool;
  return Executor(*this, spec);
}

SYMGRAD_INLINE Executor Symbol::bind(Context ctx, const std::map<std::string, NDArray>& args,
                                     const std::map<std::string, NDArray>& args_grad, const GradReq& grad_req,
                                     const std::map<std::string, NDArray>& aux_states) const {
  auto names = list_arguments();
  for (const auto& n : names)
    if (!args.count(n))
      throw NameError("bind: argument '" + n +
                      "' is missing from args; every argument needs an array "
                      "(simple_bind allocates them for you)");
  Executor::BindSpec spec;
  spec.ctx = ctx;
  for (const auto& [k, v] : args) {
    if (std::find(names.begin(), names.end(), k) == names.end())
      throw NameError("bind: '" + k + "' is not an argument." + detail::did_you_mean(k, names) +
                      " Arguments: " + detail::join(names));
    spec.shapes[k] = v.shape();
    spec.types[k] = v.dtype();
  }
  for (const auto& [k, v] : aux_states) spec.shapes[k] = v.shape(), spec.types[k] = v.dtype();
  spec.grad_req = &grad_req;
  spec.args = &args;
  spec.args_grad = &args_grad;
  spec.aux = &aux_states;
  return Executor(*this, spec);
}

}  // namespace SYMGRAD_NS
#endif
