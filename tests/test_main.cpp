// The doctest runner, compiled once (it is the slowest translation unit to build).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
