// Typed elementwise expressions and their fused kernels moved to <symgrad/typed.hpp>.
#pragma once
#include "../typed.hpp"
