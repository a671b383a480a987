// Entry point of slotcache-benchmark, the redis-benchmark compatible load generator. src/main.cpp
// calls benchmark_main when argv[0] ends in "slotcache-benchmark". Runs its own libuv loop on
// the calling thread, or with --threads N one loop on each of N threads it starts and joins;
// every run is bounded by the request count (-n).
#pragma once

namespace slotcache::cli {

// argv as main() received it. Returns 0 when every test ran, 1 on usage or connection errors.
int benchmark_main(int argc, char** argv);

}  // namespace slotcache::cli
