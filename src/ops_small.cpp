// libsymgrad: the registry, the parameter tables' helpers and the small operators (copy_like, fills,
// MakeLoss, BlockGrad, stack, Custom). Every unit first: an implementation file may include another of the
// same group.
#define SYMGRAD_UNIT_OPS_COPY_LIKE
#define SYMGRAD_UNIT_OPS_CUSTOM
#define SYMGRAD_UNIT_OPS_INIT
#define SYMGRAD_UNIT_OPS_REGISTRY
#define SYMGRAD_UNIT_OPS_LOSS
#define SYMGRAD_UNIT_OPS_PARAMS
#define SYMGRAD_UNIT_OPS_DEVICE_KERNELS
#define SYMGRAD_UNIT_OPS_STACK

#include <symgrad/ops/copy_like-inl.hpp>
#include <symgrad/ops/custom-inl.hpp>
#include <symgrad/ops/device_kernels-inl.hpp>
#include <symgrad/ops/init-inl.hpp>
#include <symgrad/ops/loss-inl.hpp>
#include <symgrad/ops/params-inl.hpp>
#include <symgrad/ops/registry-inl.hpp>
#include <symgrad/ops/stack-inl.hpp>
