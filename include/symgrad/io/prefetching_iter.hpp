// mx.io.PrefetchingIter: the next batch of one or more iterators, prepared on a background thread.
//
// Deliberate difference from MXNet: PrefetchingIter copies each prefetched batch into its own
// double buffer, so inner iterators may reuse their arrays; one worker thread serves all the inner
// iterators.
#pragma once
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../ndarray/ndarray.hpp"
#include "data_iter_base.hpp"

namespace SYMGRAD_NS::io {

namespace detail {

// Copies `src` into `dst`, reallocating `dst` only when its shape or dtype differ.
void copy_reusing(const NDArray& src, NDArray& dst);

}  // namespace detail

struct PrefetchingIterOptions {
  // One map per inner iterator, old name -> new name (as MXNet's rename_data / rename_label).
  std::vector<std::map<std::string, std::string>> rename_data = {}, rename_label = {};
};

// Prepares the next batch on a background thread while the caller works on the current one, as
// mx.io.PrefetchingIter. With several inner iterators a batch joins their data and labels in
// order; they must agree on pad and end together. An exception thrown by an inner iterator is
// rethrown by the next() that would have returned its batch. The inner iterators are referenced,
// not owned, and must not be used directly while this iterator lives.
class PrefetchingIter : public DataIter {
 public:
  explicit PrefetchingIter(DataIter& inner, const PrefetchingIterOptions& o = {})
      : PrefetchingIter(std::vector<std::reference_wrapper<DataIter>>{inner}, o) {}
  explicit PrefetchingIter(std::vector<std::reference_wrapper<DataIter>> iters,
                           const PrefetchingIterOptions& o = {});
  ~PrefetchingIter() override;

  std::vector<DataDesc> provide_data() const override;
  std::vector<DataDesc> provide_label() const override;
  const DataBatch& value() const override;
  std::int64_t num_batches() const override;

  bool next() override;

  // Waits for the batch being prefetched (dropping it), resets the inner iterators and starts
  // prefetching the new epoch.
  void reset() override;

 private:
  std::vector<DataDesc> renamed(const std::vector<std::map<std::string, std::string>>& maps, bool data,
                                const char* what) const;
  void request();
  void request_locked();
  // Worker: on each request, advance every inner iterator and copy into the back slot.
  void run();
  bool fetch(DataBatch& back);
  static void copy_into(std::vector<NDArray>& list, std::size_t i, const NDArray& a);

  std::vector<std::reference_wrapper<DataIter>> iters_;
  std::vector<DataDesc> provide_data_, provide_label_;
  std::int64_t num_batches_ = -1;
  DataBatch slots_[2];
  int front_ = 0;
  struct Sync;  // the worker thread, its mutex and condition variable (io/prefetching_iter-inl.hpp)
  std::unique_ptr<Sync> sync_;
  bool requested_ = false, in_flight_ = false, ready_ = false, has_next_ = false, exhausted_ = false,
       stop_ = false;
  std::exception_ptr error_;
};

}  // namespace SYMGRAD_NS::io
