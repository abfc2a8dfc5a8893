// Build modes. By default (compiled mode) what does not depend on the user's types — operators
// and their kernels, the registry, symbol JSON, the executor's planner, file readers, training —
// is compiled once into libsymgrad, which the `symgrad` dependency (Meson, pkg-config, CMake)
// links. Defining SYMGRAD_HEADER_ONLY in every file of a program instead compiles all of it from
// the headers (include the entry headers: symgrad.hpp, symbol.hpp, train.hpp ...), as fmt and
// spdlog allow; no library is linked then.
//
// The two modes cannot be mixed silently: header-only code lives in the inline namespace
// symgrad::header_only, so a program whose files disagree on SYMGRAD_HEADER_ONLY fails to link
// with undefined references naming symgrad::header_only. In compiled mode every file also refers
// to a symbol named after the library's build (version, SIMD flags, BLAS, CUDA), so headers and a
// library from two different builds fail to link with an undefined reference that names both.
#pragma once

#if defined(SYMGRAD_HEADER_ONLY)
#if defined(SYMGRAD_WITH_CUDA) && SYMGRAD_WITH_CUDA
#error \
    "symgrad: SYMGRAD_HEADER_ONLY is a CPU-only mode; the CUDA backend is the compiled library libsymgrad_cuda, so drop SYMGRAD_HEADER_ONLY and use the symgrad-cuda dependency"
#endif
#define SYMGRAD_INLINE inline
#define SYMGRAD_NS symgrad::inline header_only
#else
#define SYMGRAD_INLINE
#define SYMGRAD_NS symgrad
#if __has_include(<symgrad/build_config.hpp>)
#include <symgrad/build_config.hpp>
#else
#error \
    "symgrad: <symgrad/build_config.hpp> was not found. It is made when libsymgrad is built; use the symgrad dependency (Meson dependency('symgrad'), pkg-config symgrad, CMake symgrad::symgrad) or define SYMGRAD_HEADER_ONLY to compile everything from the headers"
#endif
#endif

// Implementation files (*-inl.hpp) hold operator classes and kernels, which any file may include,
// and the definitions of what the public headers declare, marked SYMGRAD_INLINE and guarded by
//   #if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_<FOLDER>_<FILE>)
// so that they are compiled once: by the one file of libsymgrad that defines that unit (src/),
// or, in header-only mode, inline in every file.
//
// The open namespace, as written by every header: `namespace SYMGRAD_NS { ... }`.
#if defined(SYMGRAD_HEADER_ONLY)
namespace symgrad::inline header_only {}
#endif
