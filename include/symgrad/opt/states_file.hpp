// MXNet's optimizer .states files: what Module.save_optimizer_states writes in MXNet 1.9.1, i.e.
// Updater.get_states(dump_optimizer=False) = pickle.dumps({index: state}), where a state is None,
// one NDArray or a tuple (or list) of NDArrays, and an NDArray pickles as
//   mxnet.ndarray.ndarray.NDArray(None) with state {'handle': bytearray(MXNDArraySaveRawBytes)}.
// The reader understands only the pickle opcodes such files use (protocols 2 to 5 as Python 3
// writes them) and the three globals above (NDArray, bytearray, and _codecs.encode for protocol
// 2's bytes); it works without recursion, checks every length against the bytes left before
// allocating, and keeps what it decodes within the file's size, so that a corrupt or hostile file
// gives an IOError and never a crash or a large allocation. Index keys may be integers (Module on
// one device) or strings (parameter names: the updater of MXNet's kvstore).
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "../ndarray/ndarray.hpp"

namespace SYMGRAD_NS::opt::states_file {

// One index's state as MXNet's Updater keeps it.
struct State {
  std::vector<NDArray> arrays;  // empty: None
  bool tuple = false;           // a tuple or list of arrays, not one bare NDArray (or None)
};

// An updater key: an index, or a parameter name.
using Key = std::variant<std::size_t, std::string>;

// Whether a file's first bytes are a pickle's (0x80, the PROTO opcode).
bool is_pickle(std::string_view head);

// The states of a pickled {key: state}; `path` names the file in errors (IOError).
std::map<Key, State> parse(std::string_view data, const std::string& path);

// {index: state} pickled so that MXNet 1.9.1's Updater.set_states (Module.load_optimizer_states)
// reads it: protocol 4 opcodes, tuples for tuple states, no memo.
std::string dump(const std::map<std::size_t, State>& states);

// A whole file (IOError if it cannot be read).
std::string read_file(const std::string& path);

}  // namespace SYMGRAD_NS::opt::states_file
