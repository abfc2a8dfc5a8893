// The per-element work of the CUDA kernels, written once for host and device. The library
// (kernels/*.cu) runs each body over a grid; the CPU test suite runs the same bodies in a plain
// loop and compares them with the CPU operators, so the index arithmetic and the math of every
// device kernel are checked on machines without a GPU. Plain C++: no xtensor, no CUDA types.
//
// One header per kind of operator: bodies_base.hpp (the shared helpers), bodies_elemwise.hpp,
// bodies_broadcast.hpp, bodies_reduce.hpp, bodies_softmax.hpp, bodies_embedding.hpp and
// bodies_opt.hpp; the larger operators have bodies_nn.hpp, bodies_norm.hpp and bodies_rnn.hpp.
#pragma once
#include "bodies_base.hpp"
#include "bodies_broadcast.hpp"
#include "bodies_elemwise.hpp"
#include "bodies_embedding.hpp"
#include "bodies_opt.hpp"
#include "bodies_reduce.hpp"
#include "bodies_softmax.hpp"
