// Optimizer .states files (MXNet's pickle and symgrad's NDArray file): the pickle reader in
// memory, then load_states from a file into optimizers with one, two and no state arrays.
#include <symgrad/opt.hpp>

#include "fuzz_util.hpp"

namespace sg = symgrad;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)sg::opt::states_file::parse(fuzz::as_view(data, size), "fuzz");
  } catch (const sg::Error&) {
  }
  const std::string path = fuzz::temp_file(fuzz::as_view(data, size));
  for (auto [name, momentum] : {std::pair{"adam", 0.0}, std::pair{"sgd", 0.9}, std::pair{"sgd", 0.0}}) {
    try {
      auto o = sg::opt::create(name, momentum > 0 ? std::map<std::string, double>{{"momentum", momentum}}
                                                  : std::map<std::string, double>{});
      o->set_param_names({"fc1_weight", "fc1_bias"});
      o->load_states(path);
    } catch (const sg::Error&) {
    }
  }
  return 0;
}
