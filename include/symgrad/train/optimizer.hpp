// Moved: the optimizers are their own layer, opt/ (sg::opt).
#pragma once
#include "../opt/optimizer.hpp"
