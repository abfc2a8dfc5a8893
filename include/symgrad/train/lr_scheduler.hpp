// Moved: the learning-rate schedules are in opt/ (sg::opt).
#pragma once
#include "../opt/lr_scheduler.hpp"
