// Module::fit, score and predict are members of Module (train/module.hpp).
#pragma once
#include "module.hpp"
