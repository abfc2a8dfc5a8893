// Monitor: statistics of a network's arrays while it trains, as MXNet's mx.mon.Monitor.
//
//   sg::Monitor mon(100);                 // every 100 batches; norm / sqrt(size) of each array
//   mod.fit(train, {.num_epoch = 2, .monitor = &mon});   // or mon.install(exec) and tic()/toc()
//
// Installed on an executor (its monitor callback), it records, in the batches where tic()
// activates it, the statistic of every array the steps write (outputs "<node>_output", backward
// outputs) whose name matches `pattern` (a regular expression matched at the start of the name,
// as Python's re.match), and at toc() of every argument, auxiliary state and, beyond MXNet,
// gradient ("<argument>_grad"). A statistic or array that holds NaN or Inf is flagged by name.
#pragma once
#include <functional>
#include <iosfwd>
#include <regex>
#include <string>
#include <vector>

#include "../exec/executor.hpp"

namespace SYMGRAD_NS {

class Monitor {
 public:
  // The statistic of one array: an array of any shape (default: the 2-norm divided by
  // sqrt(size), shape (1,)).
  using StatFunc = std::function<NDArray(const NDArray&)>;
  struct Stat {
    int step = 0;
    std::string name;
    std::string value;  // as MXNet prints it: each value, then a tab
    bool nan = false;   // the array or its statistic holds a NaN
    bool inf = false;   // ... an infinity
  };

  explicit Monitor(int interval, StatFunc stat_func = {}, std::string pattern = ".*", bool sort = false,
                   bool monitor_all = false);
  // Records from `exec` (which must outlive the monitor's use); an executor can have one monitor.
  // Installing on the same executor again (after it was rebound) renews its callback.
  void install(Executor& exec);
  // Starts a batch: activates the monitor every `interval` batches.
  void tic();
  // Ends the batch: the arguments', auxiliary states' and gradients' statistics added, and every
  // statistic of the batch returned (sorted by name with `sort`); empty when not activated.
  std::vector<Stat> toc();
  // toc(), printed as MXNet logs it ("Batch: <step> <name> <value>"), with a line per NaN or Inf.
  void toc_print(std::ostream& os);
  void toc_print();  // to std::clog

  static NDArray default_stat(const NDArray& x);

 private:
  void record(const std::string& name, const NDArray& a);
  bool wanted(const std::string& name) const;

  int interval_;
  StatFunc stat_;
  std::regex pattern_;
  bool sort_, monitor_all_;
  int step_ = 0;
  bool activated_ = false;
  std::vector<Executor*> execs_;
  std::vector<Stat> queue_;
};

}  // namespace SYMGRAD_NS
