// Automatic node names, as MXNet's NameManager: an operator without an explicit name is called
// `<hint><k>` (fullyconnected0, _minus1 ...) with one counter per hint and per thread. The
// counters are the only global mutable state; a NameManager scope installs fresh ones.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include "config.hpp"

namespace SYMGRAD_NS::sym {

namespace detail {
struct NameState {
  std::map<std::string, int, std::less<>> counters;
  std::string prefix;
};
inline NameState& name_state() {
  thread_local NameState state;
  return state;
}
}  // namespace detail

// `name` when non-empty, else the next `<hint><k>`; the current Prefix is prepended to both.
inline std::string make_name(std::string_view name, std::string_view hint) {
  auto& st = detail::name_state();
  if (!name.empty()) return st.prefix + std::string(name);
  auto it = st.counters.find(hint);
  if (it == st.counters.end()) it = st.counters.emplace(std::string(hint), 0).first;
  return st.prefix + std::string(hint) + std::to_string(it->second++);
}

// Scope guard with fresh counters (as `with mx.name.NameManager():`); restores the old ones.
class NameManager {
 public:
  NameManager() : saved_(std::exchange(detail::name_state().counters, {})) {}
  ~NameManager() { detail::name_state().counters = std::move(saved_); }
  NameManager(const NameManager&) = delete;
  NameManager& operator=(const NameManager&) = delete;

 private:
  std::map<std::string, int, std::less<>> saved_;
};

// Scope guard prefixing every operator name, explicit ones included, but not variables
// (as `with mx.name.Prefix('p_'):`).
class Prefix {
 public:
  explicit Prefix(std::string p)
      : saved_(std::exchange(detail::name_state().prefix, detail::name_state().prefix + p)) {}
  ~Prefix() { detail::name_state().prefix = std::move(saved_); }
  Prefix(const Prefix&) = delete;
  Prefix& operator=(const Prefix&) = delete;

 private:
  std::string saved_;
};

// Forget every counter of this thread (start naming from 0 again).
inline void reset_names() { detail::name_state().counters.clear(); }

}  // namespace SYMGRAD_NS::sym
