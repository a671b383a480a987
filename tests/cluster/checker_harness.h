// The consistency checker (`slotcache-benchmark --consistency`) as a process a cluster test runs
// in the background while it kills, stops or fails over nodes: start it, poll its output, stop
// it with SIGINT (it then prints its summary), read the summary's numbers.
//
// Approach: always slotcache's own binary (src/slotcache-server found upwards, run as
// `slotcache-server --benchmark --consistency ...`), whatever $SLOTCACHE_SERVER names, so the
// same checker measures slotcache and redis-server alike; $SLOTCACHE_CHECKER overrides it.
// Output (stdout and stderr) goes to a file the test polls. The process is registered with the
// integration harness, so it dies with the test binary.
// Thread: single-threaded test code.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

#include "cluster/cluster_harness.h"

namespace slotcache::ctest {

class CheckerProcess {
public:
    // Starts the checker against 127.0.0.1:port with `args` after "--consistency -p port".
    CheckerProcess(int port, const itest::Args& args);
    ~CheckerProcess();
    CheckerProcess(const CheckerProcess&) = delete;
    CheckerProcess& operator=(const CheckerProcess&) = delete;

    std::string output() const;
    // Polls the output until it contains `needle`.
    bool wait_output(const std::string& needle, itest::Millis timeout);
    // Polls until the last per-second line shows at least `at_least` for `field`, one of "s",
    // "R", "R err", "W", "W err", "lost", "noack", "slots failing" (as the line prints them:
    // "7s: 10 R (1 err) | 9 W (2 err) | 3 lost | 4 noack | 5 slots failing").
    bool wait_tick(const std::string& field, long long at_least, itest::Millis timeout);
    // The value of `field` in the last per-second line (-1 if no line yet; throws on an unknown
    // field name).
    long long last_tick(const std::string& field) const;
    // SIGINT (the checker prints its summary and exits), then waits; exit code, or -1 when it
    // had to be killed after `timeout`.
    int interrupt(itest::Millis timeout = 5000ms);
    // Waits for a run bounded by --duration/--requests to end by itself; -1 on timeout (killed).
    int wait_exit(itest::Millis timeout);
    // The fields of the final "summary k=v ..." line ({} when there is none).
    std::map<std::string, long long> summary() const;

private:
    int reap(itest::Millis timeout);
    pid_t pid_ = -1;
    std::string out_path_;
};

// slotcache's binary for the checker (see the file comment).
std::string checker_binary();

}  // namespace slotcache::ctest
