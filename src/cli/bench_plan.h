// The pure half of slotcache-benchmark: redis-benchmark's options, its test table (which
// command each test sends), the __rand_int__ key substitution, and the latency statistics and
// report lines. benchmark.cpp does the I/O around it.
//
// Any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace slotcache::cli {

struct BenchOptions {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string socket;
    std::string user;
    std::string pass;
    bool has_pass = false;
    int dbnum = 0;
    int clients = 50;             // -c
    long long requests = 100000;  // -n
    int datasize = 3;             // -d
    int pipeline = 1;             // -P
    long long keyspace = 0;       // -r: 0 keeps "__rand_int__" literal, as redis-benchmark does
    std::string tests;            // -t, lowercased: "" means every test
    bool quiet = false;           // -q
    bool csv = false;             // --csv
    bool cluster = false;         // --cluster: keys carry a {tag} of the client's master
    int threads = 0;              // --threads: event loops (threads); 0 and 1 mean one loop
    std::vector<std::string> command;  // a command given after the options replaces the tests
};

enum class BenchAction : uint8_t { Run, Help, Version, Error };

struct BenchParse {
    BenchAction action = BenchAction::Run;
    BenchOptions options;
    std::string error;
};

// args excludes argv[0].
BenchParse parse_bench_options(const std::vector<std::string>& args);
std::string bench_usage();

struct BenchTest {
    std::string name;               // "SET", "PING_INLINE", "MSET (10 keys)", ...
    std::string wire;               // one request as sent (RESP, or inline for PING_INLINE)
    std::vector<size_t> rand_offsets;  // where each "__rand_int__" placeholder starts in wire
    std::vector<size_t> tag_offsets;   // where each "{tag}" placeholder's "tag" starts in wire
};

// The tests the options select, in redis-benchmark's order: PING_INLINE, PING_MBULK, SET, GET,
// INCR, LPUSH, RPUSH, LPOP, RPOP, SADD, HSET, SPOP, ZADD, ZPOPMIN, MSET (10 keys); or the one
// command given on the command line. -t names are matched case-insensitively; "ping" selects
// both PING tests. With --cluster every key gets ":{tag}" ("key:{tag}:__rand_int__",
// "mylist:{tag}"), as redis-benchmark builds them; "{tag}" in a command line is replaced too.
std::vector<BenchTest> plan_tests(const BenchOptions& o);

inline constexpr size_t kRandIntLen = 12;  // "__rand_int__" and its zero-padded replacement

// Writes value as 12 zero-padded digits at p (value < 10^12).
void write_rand_int(char* p, uint64_t value);

struct LatencyStats {
    double avg_ms = 0;
    double min_ms = 0;
    double p50_ms = 0;
    double p95_ms = 0;
    double p99_ms = 0;
    double max_ms = 0;
};

// Sorts latencies_us in place and summarises it. The percentile is the smallest sample with at
// least p% of the samples at or below it (HdrHistogram's definition). Empty input gives zeros.
LatencyStats summarise(std::vector<uint32_t>* latencies_us);
double percentile_ms(const std::vector<uint32_t>& sorted_us, double p);

// --threads: how many loops (threads) a run uses: 1 for --threads 0 or 1, never more than -c.
int bench_threads(const BenchOptions& o);
// Client i runs on loop i % threads (redis-benchmark's round-robin): each loop's client
// indices, ascending. threads >= 1.
std::vector<std::vector<int>> distribute_clients(int clients, int threads);
// Claims up to `want` (>= 1) of the run's `total` requests from the counter every loop shares:
// the number claimed, 0 once all were issued. The claims never sum past total.
long long claim_requests(std::atomic<long long>* issued, long long total, long long want);
// The loops' latency samples in one array (loop order), the parts emptied.
std::vector<uint32_t> merge_latencies(std::vector<std::vector<uint32_t>>* parts);

// redis-benchmark's "Latency by percentile distribution" lines for sorted samples: 0%, 50%,
// 75%, 87.5%, ... halving the remaining distance until every sample is counted, then 100%.
std::string percentile_distribution(const std::vector<uint32_t>& sorted_us);

// "SET: 123456.79 requests per second, p50=0.223 msec\n"
std::string quiet_line(const std::string& name, double rps, const LatencyStats& s);
// The CSV header line, and one test's line, as redis-benchmark --csv prints them.
std::string csv_header();
std::string csv_line(const std::string& name, double rps, const LatencyStats& s);

}  // namespace slotcache::cli
