// Compiled mode (the symgrad dependency's flags): the function the other file calls.
#include <symgrad/symgrad.hpp>

symgrad::Symbol make_net(const symgrad::Symbol& x) {
  return symgrad::sym::fully_connected(x, {.num_hidden = 2});
}
