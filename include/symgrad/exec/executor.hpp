// Executor: a bound graph. bind() infers shapes and types, applies compile-time fusion, appends
// the gradient graph, allocates every array once, and lowers the graph to a flat list of kernel
// calls; forward() and backward() then run those steps and allocate nothing.
#pragma once
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../ndarray/ndarray.hpp"
#include "../symbol/symbol.hpp"
#include "named_arrays.hpp"

namespace SYMGRAD_NS {

// The buffer that executors bound with BindOptions::shared_pool share.
struct SharedMemoryPool {
  NDArray buffer;  // uint8; grows to the largest executor's need
};

class Executor {
 public:
  Executor();  // unbound; every call but is_bound() throws
  ~Executor();
  Executor(Executor&&) noexcept;
  Executor& operator=(Executor&&) noexcept;

  bool is_bound() const { return s_ != nullptr; }

  // Runs the forward pass; `inputs` are copied into the named arguments first.
  std::vector<NDArray>& forward(bool is_train = false,
                                std::initializer_list<std::pair<std::string_view, NDArray>> inputs = {});
  std::vector<NDArray>& forward(bool is_train, const std::map<std::string, NDArray>& inputs);

  // Back-propagates from the outputs. Outputs that are losses (make_loss ...) or block_grad need
  // no head gradient; every other output needs one, by position or by output name.
  void backward(const std::vector<NDArray>& out_grads = {});
  void backward(const NDArray& out_grad) { backward(std::vector<NDArray>{out_grad}); }
  void backward(const std::map<std::string, NDArray>& out_grads);

  std::vector<NDArray>& outputs();
  std::vector<NDArray>& arg_arrays();
  std::vector<NDArray>& grad_arrays();  // none where grad_req is null
  std::vector<NDArray>& aux_arrays();
  NamedArrays arg_dict();
  NamedArrays grad_dict();
  NamedArrays aux_dict();
  NamedArrays output_dict();
  const std::vector<std::string>& list_arguments() const;
  const std::vector<std::string>& list_outputs() const;
  const std::vector<std::string>& list_auxiliary_states() const;
  const std::vector<OpReq>& grad_req() const;
  // Re-seeds the generator random operators draw from (same seed, same masks).
  void seed(std::uint64_t s);

  // Copies parameters by name (dtype converts); unknown names are errors unless allowed.
  void copy_params_from(const std::map<std::string, NDArray>& arg_params,
                        const std::map<std::string, NDArray>& aux_params = {},
                        bool allow_extra_params = false);

  // Human-readable list of the steps (node, operator, output shapes).
  std::string debug_str() const;

  // Called after every step of forward and backward with each array the step wrote, named
  // "<node>_<output>" (fc1_output, bn_mean; backward steps: fc1_backward_<input>), as MXNet's
  // executor monitor callback; with monitor_all, also with the step's inputs
  // ("<node>_<argument>", before the step runs). While a callback is set, forward(is_train =
  // false) runs the plain steps, so every intermediate array is seen. An empty function removes it.
  using MonitorCallback = std::function<void(const std::string& name, const NDArray& array)>;
  void set_monitor_callback(MonitorCallback callback, bool monitor_all = false);

  // Internal: used by Symbol::simple_bind and Symbol::bind.
  struct BindSpec {
    Context ctx;
    ShapeDict shapes;
    TypeDict types;
    const GradReq* grad_req = nullptr;
    bool default_req = false;
    std::uint64_t seed = 0;
    bool inference_fusion = true;
    bool memory_plan = true;
    std::shared_ptr<SharedMemoryPool> shared_pool = {};
    const std::map<std::string, NDArray>* args = nullptr;
    const std::map<std::string, NDArray>* args_grad = nullptr;
    const std::map<std::string, NDArray>* aux = nullptr;
  };
  Executor(const Symbol& sym, const BindSpec& spec);

 private:
  struct State;  // exec/executor-inl.hpp
  State& state();
  const State& cstate() const;
  std::vector<NDArray>& run_forward(bool is_train);
  void run_backward();

  std::unique_ptr<State> s_;
};

}  // namespace SYMGRAD_NS
