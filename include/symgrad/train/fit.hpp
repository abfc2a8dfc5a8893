// BaseModule::fit, score and predict are members of BaseModule (train/base_module.hpp).
#pragma once
#include "base_module.hpp"
