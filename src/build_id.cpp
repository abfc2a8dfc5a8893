// The library's build symbol: compiled-mode files refer to it (symgrad/build_config.hpp), so
// headers and a library from two different builds do not link together.
#include <symgrad/core/config.hpp>

extern "C" {
extern const char SYMGRAD_BUILD_ID[];
const char SYMGRAD_BUILD_ID[] = SYMGRAD_VERSION " " SYMGRAD_BUILD_SIMD_ARCH " " SYMGRAD_BUILD_FLAGS;
}
