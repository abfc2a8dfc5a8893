// Symbol JSON: load, list, save again, infer shapes with a small guess for every argument, and
// for small graphs bind and run one forward and backward pass.
#include <symgrad/symgrad.hpp>

#include "fuzz_util.hpp"

namespace sg = symgrad;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    sg::Symbol s = sg::Symbol::load_json(std::string(fuzz::as_view(data, size)));
    (void)s.tojson();
    auto args = s.list_arguments();
    // The first byte of the input picks the data shape, so that the fuzzer can vary it.
    const std::int64_t d = 1 + (size ? data[0] % 4 : 0);
    sg::ShapeDict known;
    if (!args.empty()) known[args[0]] = sg::Shape{2, d, 3, 3};
    auto r = s.infer_shape_partial(known);
    std::int64_t total = 0;
    bool all = true;
    for (const auto& v : {r.arg_shapes, r.out_shapes, r.aux_shapes})
      for (const auto& sh : v) {
        if (!sh.known())
          all = false;
        else
          total += sh.size();
      }
    if (all && total < (1 << 16)) {
      auto ex = s.simple_bind(sg::cpu(), known);
      ex.forward(true);
      ex.backward();
    }
  } catch (const sg::Error&) {
  }
  return 0;
}
