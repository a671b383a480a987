// The consistency checker's run (see consistency.h): one thread, blocking I/O through
// ClusterClient, one GET then one INCR per round on the counters in turn.
//
// Approach: counters are visited round-robin rather than at random (consistency-test.rb picks
// random keys): every counter, hence every slot it maps to, comes back every `keys` rounds, so a
// slot's window closes at most one pass after its node is writable again. --rate paces the
// rounds on a schedule; after a stall (a timeout, a dead node) the schedule restarts from now
// instead of bursting to catch up, so failed operations are counted at the rate asked.
// Times are Unix milliseconds derived from the monotonic clock (start wall time + elapsed), so
// the printed instants compare with a shell's `date +%s%3N` and never jump.
//
// Rejected: several connections in parallel (whether an INCR ran is only known for the one in
// flight, and the accounting of one counter must see its operations in order); a libuv loop
// (the checker waits on one reply at a time, like the application it stands for).
//
// Signals: SIGINT and SIGTERM set a flag checked after each operation (an operation in flight
// ends within the timeout), then the summary is printed. Main thread only.
#include "cli/consistency.h"

#include <signal.h>
#include <time.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cli/cluster_client.h"
#include "cli/consistency_check.h"
#include "common/clock.h"
#include "common/crc16.h"
#include "common/strutil.h"

namespace slotcache::cli {

namespace {

volatile sig_atomic_t g_stop = 0;

void on_stop_signal(int) {
    g_stop = 1;
}

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a pacing sleep ends at once
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

// Unix milliseconds that never jump: the wall clock read once, plus monotonic time.
class RunClock {
public:
    RunClock() : unix_ms_(unix_ms()), mono_us_(monotonic_us()) {}
    int64_t now_ms() const { return unix_ms_ + (monotonic_us() - mono_us_) / 1000; }
    int64_t now_us() const { return unix_ms_ * 1000 + (monotonic_us() - mono_us_); }

private:
    int64_t unix_ms_;
    int64_t mono_us_;
};

// consistency-test.rb's puterr: each distinct message at most once per second, and at most
// kMaxPerSecond lines a second (redirection errors name slots: they could all be distinct).
class ErrorLog {
public:
    void print(const std::string& what, int64_t now_ms) {
        const int64_t second = now_ms / 1000;
        if (second != second_) {
            second_ = second;
            printed_ = 0;
        }
        auto it = last_.find(what);
        if ((it != last_.end() && it->second == second) || printed_ >= kMaxPerSecond) {
            return;
        }
        last_[what] = second;
        printed_++;
        std::fprintf(stderr, "%s\n", what.c_str());
    }

private:
    static constexpr int kMaxPerSecond = 10;
    std::map<std::string, int64_t> last_;
    int64_t second_ = -1;
    int printed_ = 0;
};

void sleep_us(int64_t us) {
    timespec ts{static_cast<time_t>(us / 1000000), static_cast<long>(us % 1000000) * 1000};
    nanosleep(&ts, nullptr);  // EINTR: the stop flag is checked by the caller
}

// Read+INCR rounds on a schedule of `rate` per second (0: unlimited).
class Pacer {
public:
    Pacer(long long rate, const RunClock* clock) : rate_(rate), clock_(clock) {}
    void wait() {
        if (rate_ <= 0) {
            return;
        }
        const int64_t now = clock_->now_us();
        if (next_us_ == 0 || now - next_us_ > kMaxLagUs) {
            next_us_ = now;
        }
        if (next_us_ > now) {
            sleep_us(next_us_ - now);
        }
        next_us_ += 1000000 / rate_;
    }

private:
    static constexpr int64_t kMaxLagUs = 100 * 1000;
    long long rate_;
    const RunClock* clock_;
    int64_t next_us_ = 0;
};

// GET's reply as a counter: nil is 0.
bool counter_value(const Reply& r, long long* out) {
    if (r.type == ReplyType::Nil) {
        *out = 0;
        return true;
    }
    if (r.type == ReplyType::Integer) {
        *out = r.integer;
        return true;
    }
    return r.type == ReplyType::String && parse_ll(r.str, out);
}

struct Counter {
    std::string key;
    int slot;
};

class Checker {
public:
    Checker(const ConsistencyOptions& o, ClusterClient* client)
        : o_(o), client_(client), tracker_(static_cast<size_t>(o.keys)) {
        for (long long i = 0; i < o.keys; i++) {
            std::string key = counter_key(o.prefix, i);
            const int slot = key_slot(key);
            counters_.push_back({std::move(key), slot});
        }
    }

    bool watch(std::string* err);
    void read_initial();
    void run();
    void print_summary();

private:
    // One GET of counter i: true with *value; false when it failed, which is printed and
    // counted when `count` (the start-up reads are neither).
    bool get(size_t i, long long* value, bool count);
    void incr(size_t i);
    std::string failure(const CallOutcome& out, const Reply& r) const;
    void tick(int64_t now);

    // Borrowed: both live in consistency_main's frame, which outlives the Checker.
    const ConsistencyOptions& o_;
    ClusterClient* client_;
    ConsistencyTracker tracker_;
    std::vector<Counter> counters_;
    RunClock clock_;
    ErrorLog errors_;
    int64_t start_ms_ = 0;
    int64_t next_tick_ms_ = 0;
};

bool Checker::watch(std::string* err) {
    for (const std::string& n : o_.window_nodes) {
        NodeAddress a;
        (void)parse_node_address(n, &a);
        const std::vector<int> slots = client_->slot_map().slots_of(a);
        if (slots.empty()) {
            std::string masters;
            const SlotMap& m = client_->slot_map();
            for (size_t i = 0; i < m.node_count(); i++) {
                if (!m.slots_of(m.node(static_cast<int>(i))).empty()) {
                    masters += " " + m.node(static_cast<int>(i)).str();
                }
            }
            *err = "--window-slots-of " + n + ": that node serves no slot (slots are served by" +
                   masters + ")";
            return false;
        }
        for (int s : slots) {
            tracker_.watch_slot(s);
        }
    }
    return true;
}

std::string Checker::failure(const CallOutcome& out, const Reply& r) const {
    if (!out.replied) {
        return out.error;
    }
    return client_->slot_map().node(out.node).str() + ": " + r.str;
}

bool Checker::get(size_t i, long long* value, bool count) {
    Reply r;
    const CallOutcome out = client_->call(counters_[i].key, {"GET", counters_[i].key}, &r);
    if (out.replied && !r.is_error() && counter_value(r, value)) {
        return true;
    }
    if (count) {
        const std::string why = out.replied && !r.is_error() ? "not a counter" : failure(out, r);
        errors_.print("Reading: " + why, clock_.now_ms());
        tracker_.on_read_failed(counters_[i].slot, clock_.now_ms());
    }
    return false;
}

void Checker::incr(size_t i) {
    Reply r;
    const int64_t t0 = clock_.now_us();
    const CallOutcome out = client_->call(counters_[i].key, {"INCR", counters_[i].key}, &r);
    const int64_t now_us = clock_.now_us();
    if (out.replied && r.type == ReplyType::Integer) {
        tracker_.on_write(i, counters_[i].slot, r.integer, now_us / 1000, (now_us - t0) / 1000);
        return;
    }
    errors_.print("Writing: " + failure(out, r), now_us / 1000);
    tracker_.on_write_failed(counters_[i].slot, now_us / 1000);
}

void Checker::read_initial() {
    long long unknown = 0;
    for (size_t i = 0; i < counters_.size() && !g_stop; i++) {
        long long v = 0;
        if (get(i, &v, false)) {
            tracker_.set_initial(i, v);
        } else {
            unknown++;
        }
    }
    if (unknown > 0) {
        std::fprintf(stderr,
                     "could not read %lld counters at start: their first read sets what they "
                     "should hold\n",
                     unknown);
    }
}

void Checker::tick(int64_t now) {
    if (now < next_tick_ms_) {
        return;
    }
    const long long elapsed_s = (next_tick_ms_ - start_ms_) / 1000;
    // After a stall longer than a second, the missed ticks are not printed late.
    while (next_tick_ms_ <= now) {
        next_tick_ms_ += 1000;
    }
    std::string line =
        consistency_tick(o_.format, elapsed_s, tracker_.counters(), tracker_.failing_slots());
    std::fputs(line.c_str(), stdout);
    std::fflush(stdout);
}

void Checker::run() {
    Pacer pacer(o_.rate, &clock_);
    start_ms_ = clock_.now_ms();
    next_tick_ms_ = start_ms_ + 1000;
    const int64_t end_ms = o_.duration_s > 0 ? start_ms_ + o_.duration_s * 1000 : 0;
    size_t next = 0;
    long long rounds = 0;
    while (!g_stop && (end_ms == 0 || clock_.now_ms() < end_ms) &&
           (o_.requests == 0 || rounds < o_.requests)) {
        pacer.wait();
        if (g_stop) {
            break;
        }
        const size_t i = next;
        next = (next + 1) % counters_.size();
        long long v = 0;
        if (get(i, &v, true)) {
            tracker_.on_read(i, v);
        }
        incr(i);
        rounds++;
        int64_t fail_ms = 0;
        int64_t ok_ms = 0;
        if (tracker_.take_closed_watched_outage(&fail_ms, &ok_ms) &&
            o_.format == ConsistencyFormat::Text) {
            std::printf("watched slots writable again: %" PRId64
                        " ms after the first failure (unix ms %" PRId64 " -> %" PRId64 ")\n",
                        ok_ms - fail_ms, fail_ms, ok_ms);
            std::fflush(stdout);
        }
        tick(clock_.now_ms());
    }
}

void Checker::print_summary() {
    const ConsistencySummary s = tracker_.summary(start_ms_, clock_.now_ms());
    std::fputs(consistency_summary(o_.format, s, o_.window_nodes).c_str(), stdout);
    std::fflush(stdout);
}

std::string describe(const ConsistencyOptions& o, const ClusterClient& client) {
    size_t masters = 0;
    const SlotMap& m = client.slot_map();
    for (size_t i = 0; i < m.node_count(); i++) {
        masters += m.slots_of(m.node(static_cast<int>(i))).empty() ? 0 : 1;
    }
    const std::string n = std::to_string(o.keys);
    return "consistency check: " + n + " counters " + o.prefix + ":0.." + o.prefix + ":" +
           std::to_string(o.keys - 1) + ", " +
           (client.standalone() ? std::string("standalone server")
                                : "cluster of " + std::to_string(masters) + " masters") +
           " (map from " + o.host + ":" + std::to_string(o.port) + "), rate " +
           (o.rate > 0 ? std::to_string(o.rate) + "/s" : std::string("unlimited")) + ", duration " +
           (o.duration_s > 0 ? std::to_string(o.duration_s) + " s"
                             : std::string("until interrupted")) +
           ", timeout " + std::to_string(o.timeout_ms) + " ms\n";
}

}  // namespace

int consistency_main(const std::vector<std::string>& args) {
    const ConsistencyParse parsed = parse_consistency_options(args);
    if (parsed.help) {
        std::fputs(consistency_usage().c_str(), stdout);
        return 0;
    }
    if (!parsed.ok) {
        std::printf("%s\n\n%s", parsed.error.c_str(), consistency_usage().c_str());
        return 1;
    }
    const ConsistencyOptions& o = parsed.options;
    ClusterClientOptions co;
    co.seeds.push_back({o.host, o.port});
    co.user = o.user;
    co.pass = o.pass;
    co.has_pass = o.has_pass;
    co.timeout_ms = static_cast<int>(o.timeout_ms);
    ClusterClient client(std::move(co));
    std::string err;
    if (!client.refresh(&err)) {
        std::fprintf(stderr, "Could not read the slot map: %s\n", err.c_str());
        return 1;
    }
    Checker checker(o, &client);
    if (!checker.watch(&err)) {
        std::fprintf(stderr, "%s\n", err.c_str());
        return 1;
    }
    install_signal_handlers();
    if (o.format == ConsistencyFormat::Text) {
        std::fputs(describe(o, client).c_str(), stdout);
    } else if (o.format == ConsistencyFormat::Csv) {
        std::fputs(consistency_csv_header().c_str(), stdout);
    }
    std::fflush(stdout);
    checker.read_initial();
    checker.run();
    checker.print_summary();
    return 0;
}

}  // namespace slotcache::cli
