// Header-only mode (SYMGRAD_HEADER_ONLY) in the same program as train.cpp, which is not: the
// program must not link (symgrad::header_only::Symbol is not train.cpp's symgrad::Symbol).
#include <symgrad/symgrad.hpp>

symgrad::Symbol make_net(const symgrad::Symbol& x);

int main() { return make_net(symgrad::sym::var("data")).list_arguments().size() == 3 ? 0 : 1; }
