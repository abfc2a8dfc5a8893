// The memory plan of an executor that computes no gradient (every grad_req null): the arrays
// between steps share buffers wherever their lifetimes do not overlap, as MXNet's memory planner
// does for inference. Without it every intermediate array of a network has its own buffer, so a
// forward pass streams the whole network's activations through memory; with it a chain of layers
// reuses a few buffers that stay in cache (MobileNet v2 at batch 1: 27 MB of activations become
// a few MB).
//
// Lifetimes are positions in the plain forward list. A step of the inference list (exec/
// infer_rewrite-inl.hpp) sits at the position of the plain step that writes its first output (a
// fused step: its chain's last step), so an array it reads lives until then. The plan is valid
// for both lists: forward(is_train = true) runs the plain one. At a step the outputs are placed
// before the inputs read there for the last time are released, so no step reads and writes one
// buffer. The executor's outputs, arguments, gradients and auxiliary states are never shared.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "executor-inl.hpp"

namespace SYMGRAD_NS::exec {

// Whether bind plans memory: the bind option, unless the environment variable
// SYMGRAD_MEMORY_PLAN is 0. With SYMGRAD_MEMORY_PLAN=poison the shared buffers start filled with
// all-ones bytes (NaN as float, -1 as integer) instead of zeros, so a kernel that leaves part of
// an output it should write unwritten shows it (the operator coverage test runs every operator so).
inline bool memory_plan_enabled(bool option) {
  const char* v = std::getenv("SYMGRAD_MEMORY_PLAN");
  return option && !(v && std::string(v) == "0");
}
inline bool memory_plan_poison() {
  const char* v = std::getenv("SYMGRAD_MEMORY_PLAN");
  return v && std::string(v) == "poison";
}

// Replaces the intermediate arrays of `fwd` and `infer` (every array a step writes that is not in
// `keep`) by views of shared buffers. Arrays are told apart by their first byte (NDArray::raw_data).
inline MemoryPlan plan_memory(std::vector<Step>& fwd, std::vector<Step>& infer,
                              const std::vector<NDArray>& keep, Context ctx) {
  MemoryPlan plan;
  std::unordered_set<const void*> fixed;
  for (const auto& a : keep)
    if (!a.is_none()) fixed.insert(a.raw_data());
  struct Life {
    NDArray array;
    std::size_t def = 0, last = 0;
    int buffer = -1;
  };
  std::vector<Life> lives;
  std::unordered_map<const void*, std::size_t> index;  // raw_data → lives
  for (std::size_t k = 0; k < fwd.size(); ++k)
    for (const auto& a : fwd[k].out) {
      if (a.is_none() || fixed.count(a.raw_data()) || index.count(a.raw_data())) continue;
      index[a.raw_data()] = lives.size();
      lives.push_back({a, k, k});
    }
  auto read_at = [&](const std::vector<NDArray>& arrays, std::size_t k) {
    for (const auto& a : arrays)
      if (!a.is_none())
        if (auto it = index.find(a.raw_data()); it != index.end())
          lives[it->second].last = std::max(lives[it->second].last, k);
  };
  for (std::size_t k = 0; k < fwd.size(); ++k) read_at(fwd[k].in, k), read_at(fwd[k].out, k);
  for (const auto& st : infer) {
    std::size_t at = fwd.size();
    for (const auto& a : st.out)
      if (!a.is_none())
        if (auto it = index.find(a.raw_data()); it != index.end()) {
          at = lives[it->second].def;
          break;
        }
    if (at == fwd.size()) {  // writes only kept arrays: its position is its first output's writer
      for (std::size_t k = 0; k < fwd.size() && at == fwd.size(); ++k)
        for (const auto& a : fwd[k].out)
          if (!a.is_none() && !st.out.empty() && !st.out[0].is_none() && a.same_storage(st.out[0])) at = k;
    }
    if (at == fwd.size()) return plan;  // a step the plain list does not know: leave every array alone
    read_at(st.in, at);
  }

  // Greedy over positions: each array defined at k takes the free buffer closest above its size
  // (or the largest free one, grown), then the arrays last used at k release theirs.
  std::vector<std::size_t> size;  // bytes per buffer
  std::vector<char> free_now;
  std::vector<std::vector<std::size_t>> defined(fwd.size()), released(fwd.size());
  for (std::size_t i = 0; i < lives.size(); ++i)
    defined[lives[i].def].push_back(i), released[lives[i].last].push_back(i);
  auto bytes = [](const NDArray& a) {
    return (static_cast<std::size_t>(a.size()) * dtype_size(a.dtype()) + 63) / 64 * 64;
  };
  for (std::size_t k = 0; k < fwd.size(); ++k) {
    for (std::size_t i : defined[k]) {
      const std::size_t want = bytes(lives[i].array);
      int best = -1;
      for (std::size_t b = 0; b < size.size(); ++b) {
        if (!free_now[b]) continue;
        const bool fits = size[b] >= want, best_fits = best >= 0 && size[std::size_t(best)] >= want;
        if (best < 0 || (fits && (!best_fits || size[b] < size[std::size_t(best)])) ||
            (!fits && !best_fits && size[b] > size[std::size_t(best)]))
          best = static_cast<int>(b);
      }
      if (best < 0) {
        best = static_cast<int>(size.size());
        size.push_back(0);
        free_now.push_back(1);
      }
      size[std::size_t(best)] = std::max(size[std::size_t(best)], want);
      free_now[std::size_t(best)] = 0;
      lives[i].buffer = best;
    }
    for (std::size_t i : released[k]) free_now[std::size_t(lives[i].buffer)] = 1;
  }

  std::vector<NDArray> buffers;
  for (std::size_t b : size) {
    buffers.emplace_back(Shape{static_cast<std::int64_t>(b)}, ctx, DType::uint8);
    if (memory_plan_poison()) buffers.back().fill(255);
    plan.planned_bytes += b;
  }
  std::unordered_map<const void*, NDArray> replace;
  for (const auto& l : lives) {
    plan.naive_bytes += bytes(l.array);
    replace[l.array.raw_data()] = buffers[std::size_t(l.buffer)].view_as(l.array.shape(), l.array.dtype());
  }
  auto substitute = [&](std::vector<NDArray>& arrays) {
    for (auto& a : arrays)
      if (!a.is_none())
        if (auto it = replace.find(a.raw_data()); it != replace.end()) a = it->second;
  };
  for (auto* list : {&fwd, &infer})
    for (auto& st : *list) substitute(st.in), substitute(st.out);
  plan.arrays = lives.size();
  plan.buffers = buffers.size();
  return plan;
}

// Replaces every intermediate array of the steps (written by a step, not in `keep`) by a view of
// the pool's buffer, one after another from its start (64-byte aligned); grows the buffer when it
// is too small (executors bound before keep the old one through their views).
inline MemoryPlan place_in_pool(std::vector<Step>& fwd, std::vector<Step>& bwd, std::vector<Step>& infer,
                                const std::vector<NDArray>& keep, SharedMemoryPool& pool, Context ctx) {
  MemoryPlan plan;
  std::unordered_set<const void*> fixed;
  for (const auto& a : keep)
    if (!a.is_none()) fixed.insert(a.raw_data());
  std::vector<NDArray> lives;
  std::unordered_map<const void*, std::size_t> offset;  // raw_data → byte offset in the pool
  std::size_t total = 0;
  for (const auto* list : {&fwd, &bwd, &infer})
    for (const auto& st : *list)
      for (const auto& a : st.out) {
        if (a.is_none() || fixed.count(a.raw_data()) || offset.count(a.raw_data())) continue;
        offset[a.raw_data()] = total;
        lives.push_back(a);
        total += (a.nbytes() + 63) / 64 * 64;
      }
  if (lives.empty()) return plan;
  if (pool.buffer.is_none() || pool.buffer.nbytes() < total)
    pool.buffer = NDArray(Shape{static_cast<std::int64_t>(total)}, ctx, DType::uint8);
  std::unordered_map<const void*, NDArray> replace;
  for (const auto& a : lives) {
    const auto at = static_cast<std::int64_t>(offset.at(a.raw_data()));
    replace[a.raw_data()] =
        pool.buffer.slice_rows(at, at + static_cast<std::int64_t>(a.nbytes())).view_as(a.shape(), a.dtype());
  }
  auto substitute = [&](std::vector<NDArray>& arrays) {
    for (auto& a : arrays)
      if (!a.is_none())
        if (auto it = replace.find(a.raw_data()); it != replace.end()) a = it->second;
  };
  for (auto* list : {&fwd, &bwd, &infer})
    for (auto& st : *list) substitute(st.in), substitute(st.out);
  plan.arrays = lives.size();
  plan.buffers = 1;
  plan.planned_bytes = plan.naive_bytes = total;
  plan.pool_bytes = pool.buffer.nbytes();
  return plan;
}

}  // namespace SYMGRAD_NS::exec
