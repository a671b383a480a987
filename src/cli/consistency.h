// `slotcache-benchmark --consistency`: the consistency checker shipped with the product, a port
// of the cluster tutorial's consistency test (redis-rb-cluster's consistency-test.rb). It
// increments counters through a cluster-aware connection while an operator (or a test, or
// utils/bench/failover) kills masters, fails over or reshards, and reports each second the
// reads, writes, failed operations, lost writes and writes applied without an acknowledgement;
// at the end, the longest unavailability window. See consistency_check.h for the semantics.
//
// benchmark_main dispatches here when "--consistency" is among its arguments.
#pragma once

#include <string>
#include <vector>

namespace slotcache::cli {

// args excludes argv[0]. Returns 0 after a run (whatever it found: the summary says), 1 on
// usage errors or when no slot map could be read at start.
int consistency_main(const std::vector<std::string>& args);

}  // namespace slotcache::cli
