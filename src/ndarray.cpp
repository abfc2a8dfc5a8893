// libsymgrad: NDArray, devices, nd:: functions, save/load, printing, random arrays.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_NDARRAY_DEVICE
#define SYMGRAD_UNIT_NDARRAY_FUNCTIONS
#define SYMGRAD_UNIT_NDARRAY_IO
#define SYMGRAD_UNIT_NDARRAY_NDARRAY
#define SYMGRAD_UNIT_NDARRAY_PRINT
#define SYMGRAD_UNIT_NDARRAY_RANDOM

#include <symgrad/ndarray/device-inl.hpp>
#include <symgrad/ndarray/functions-inl.hpp>
#include <symgrad/ndarray/io-inl.hpp>
#include <symgrad/ndarray/ndarray-inl.hpp>
#include <symgrad/ndarray/print-inl.hpp>
#include <symgrad/ndarray/random-inl.hpp>
