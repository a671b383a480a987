// The pure half of `slotcache-benchmark --consistency`: its options, the accounting of what
// the counters should hold (lost writes, writes applied without an acknowledgement), the
// unavailability windows, and the report lines. consistency.cpp does the I/O around it.
//
// Semantics follow the cluster tutorial's consistency test (redis-rb-cluster's
// consistency-test.rb): each counter's expected value is kept in memory; a read below it means
// acknowledged writes vanished ("lost"), a read above it means a write that failed or timed out
// was applied after all ("noack"). One difference: after every comparison the value seen is
// adopted as the new expectation, so each vanished (or unexpected) increment is counted once,
// not again at every read until the next successful write. The INCR reply is compared too
// (the value before it is reply - 1), which sees a loss one round trip earlier.
//
// Windows: a slot's window opens at the first failed operation on one of its keys and closes at
// the next successful write to that slot. With --window-slots-of, the slots those nodes served at
// start are also "watched" as one group: a watched outage opens at the first failed operation on
// any watched slot and closes at the first successful write to any watched slot: the time a
// failed master's slots were unwritable, without the wait until each key's turn comes again.
//
// Times are milliseconds on one clock the caller chooses (the run uses Unix time derived from the
// monotonic clock, so printed instants can be compared with `date +%s%3N`). Any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace slotcache::cli {

enum class ConsistencyFormat : uint8_t { Text, Csv, Json };

struct ConsistencyOptions {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string user;
    std::string pass;
    bool has_pass = false;
    long long keys = 1000;       // counters <prefix>:0 .. <prefix>:<keys-1>
    long long duration_s = 60;   // 0: until SIGINT/SIGTERM (or --requests)
    long long requests = 0;      // stop after this many INCRs; 0: no limit
    long long rate = 0;          // read+INCR rounds per second; 0: unlimited
    long long timeout_ms = 100;  // per connect/send/recv
    std::string prefix = "consistency";
    ConsistencyFormat format = ConsistencyFormat::Text;
    std::vector<std::string> window_nodes;  // --window-slots-of host:port, as given
};

struct ConsistencyParse {
    bool ok = true;
    bool help = false;
    ConsistencyOptions options;
    std::string error;
};

// args excludes argv[0] and may contain "--consistency" anywhere (it is skipped).
ConsistencyParse parse_consistency_options(const std::vector<std::string>& args);
std::string consistency_usage();

// "<prefix>:<index>"
std::string counter_key(const std::string& prefix, long long index);

struct ConsistencyCounters {
    long long reads = 0;
    long long read_errors = 0;
    long long writes = 0;
    long long write_errors = 0;
    long long lost = 0;   // acknowledged increments that vanished
    long long noack = 0;  // increments applied though their INCR failed
    long long max_write_latency_ms = 0;
};

struct ConsistencySummary {
    ConsistencyCounters c;
    long long duration_ms = 0;
    long long windows = 0;  // closed slot windows
    long long max_window_ms = 0;
    int max_window_slot = -1;
    int64_t max_window_start_ms = 0;
    long long open_windows = 0;  // slots still failing at the end
    long long max_open_ms = 0;   // the oldest of them, until the end
    size_t watched_slots = 0;
    long long watched_windows = 0;  // closed watched outages
    long long watched_max_window_ms = 0;
    int64_t watched_fail_ms = 0;        // the longest outage's first failure (0: none)
    int64_t watched_ok_ms = 0;          // and the first successful write that ended it
    int64_t watched_open_since_ms = 0;  // an outage still open at the end (0: none)
};

class ConsistencyTracker {
public:
    explicit ConsistencyTracker(size_t keys);

    // Slots whose outages are tracked as one group (see the file comment).
    void watch_slot(int slot);
    size_t watched_slots() const { return watched_count_; }
    // The value read at start-up: the expectation, without counting a read.
    void set_initial(size_t key, long long value);

    // GET answered (a missing key reads 0). A read closes no window: only a write proves that
    // a slot is writable again.
    void on_read(size_t key, long long value);
    // INCR answered with the new value, after latency_ms.
    void on_write(size_t key, int slot, long long value, int64_t now_ms, long long latency_ms = 0);
    void on_read_failed(int slot, int64_t now_ms);
    void on_write_failed(int slot, int64_t now_ms);

    const ConsistencyCounters& counters() const { return c_; }
    size_t failing_slots() const { return failing_.size(); }
    bool watched_outage_open() const { return watched_since_ >= 0; }
    // The figures so far; open windows are measured until now_ms.
    ConsistencySummary summary(int64_t start_ms, int64_t now_ms) const;

    // The last watched outage that closed: true once per outage (the run prints it as it ends).
    bool take_closed_watched_outage(int64_t* fail_ms, int64_t* ok_ms);

private:
    void compare(size_t key, long long value_before);
    void failed(int slot, int64_t now_ms);
    void succeeded_write(int slot, int64_t now_ms);

    struct Expected {
        long long value = 0;
        bool known = false;
    };
    std::vector<Expected> expected_;
    ConsistencyCounters c_;
    std::vector<int64_t> fail_since_;  // by slot; -1: not failing
    std::vector<int> failing_;         // slots with fail_since_ >= 0
    std::vector<bool> watched_;
    size_t watched_count_ = 0;
    int64_t watched_since_ = -1;
    long long windows_ = 0;
    long long max_window_ms_ = 0;
    int max_window_slot_ = -1;
    int64_t max_window_start_ = 0;
    long long watched_windows_ = 0;
    long long watched_max_ms_ = 0;
    int64_t watched_max_fail_ = 0;
    int64_t watched_max_ok_ = 0;
    bool watched_closed_pending_ = false;
    int64_t watched_last_fail_ = 0;
    int64_t watched_last_ok_ = 0;
};

// Once per second: "12s: 24013 R (0 err) | 24012 W (2 err) | 0 lost | 0 noack | 0 slots failing"
// (text), one CSV row, or one JSON object per line.
std::string consistency_tick(ConsistencyFormat f, long long elapsed_s, const ConsistencyCounters& c,
                             size_t failing_slots);
// The CSV header row, printed before the first tick in --csv mode.
std::string consistency_csv_header();
// The summary: readable lines (text mode only), then the final machine-readable line
// "summary reads=... errors=... lost=... noack=... max_window_ms=... ..." (text and CSV), or one
// JSON object {"type":"summary",...} (JSON).
std::string consistency_summary(ConsistencyFormat f, const ConsistencySummary& s,
                                const std::vector<std::string>& watched_nodes);

}  // namespace slotcache::cli
