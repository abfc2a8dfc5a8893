#include <doctest/doctest.h>

#include <symgrad/symgrad.hpp>

#include "golden.hpp"
#include "testing.hpp"
