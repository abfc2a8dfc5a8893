// Optimizers and learning-rate schedules (sg::opt, as mx.optimizer and mx.lr_scheduler).
#pragma once
#include "ndarray.hpp"
#include "opt/lr_scheduler.hpp"
#include "opt/optimizer.hpp"
#if defined(SYMGRAD_HEADER_ONLY)
#include "opt/all-inl.hpp"
#endif
