// redis-benchmark's options, test table, key randomisation and report formats (see
// bench_plan.h). Payloads are 'x' * datasize and keys are "key:__rand_int__",
// "counter:__rand_int__", "element:__rand_int__" exactly as redis-benchmark builds them, so
// that the two tools leave the same keys behind and their numbers compare.
#include "cli/bench_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "cli/text.h"
#include "common/strutil.h"

namespace slotcache::cli {

namespace {

constexpr const char* kRandInt = "__rand_int__";
constexpr int kMaxDataSize = 1024 * 1024 * 1024;

bool parse_valued(const std::string& opt, const std::string& v, BenchOptions* o) {
    if (opt == "-h") {
        o->host = v;
    } else if (opt == "-p") {
        o->port = std::atoi(v.c_str());
    } else if (opt == "-s") {
        o->socket = v;
    } else if (opt == "-a") {
        o->pass = v;
        o->has_pass = true;
    } else if (opt == "--user") {
        o->user = v;
    } else if (opt == "--dbnum") {
        o->dbnum = std::atoi(v.c_str());
    } else if (opt == "-c") {
        o->clients = std::max(1, std::atoi(v.c_str()));
    } else if (opt == "-n") {
        o->requests = std::max(0LL, std::atoll(v.c_str()));
    } else if (opt == "-d") {
        o->datasize = std::clamp(std::atoi(v.c_str()), 1, kMaxDataSize);
    } else if (opt == "-P") {
        o->pipeline = std::max(1, std::atoi(v.c_str()));
    } else if (opt == "-r") {
        o->keyspace = std::max(0LL, std::atoll(v.c_str()));
    } else if (opt == "-t") {
        o->tests = to_lower(v);
    } else if (opt == "--threads") {
        o->threads = std::atoi(v.c_str());
    } else if (opt == "-k" || opt == "--precision") {
        // Accepted for compatibility: connections are always kept alive, and latencies are
        // recorded in microseconds whatever the precision asked.
    } else {
        return false;
    }
    return true;
}

bool selected(const BenchOptions& o, const char* name) {
    if (o.tests.empty()) {
        return true;
    }
    const std::string list = "," + o.tests + ",";
    return list.find("," + std::string(name) + ",") != std::string::npos;
}

BenchTest make_test(std::string name, const std::vector<std::string>& argv) {
    BenchTest t;
    t.name = std::move(name);
    encode_command(argv, &t.wire);
    for (size_t p = t.wire.find(kRandInt); p != std::string::npos;
         p = t.wire.find(kRandInt, p + kRandIntLen)) {
        t.rand_offsets.push_back(p);
    }
    for (size_t p = t.wire.find("{tag}"); p != std::string::npos; p = t.wire.find("{tag}", p + 5)) {
        t.tag_offsets.push_back(p + 1);
    }
    return t;
}

std::string ms3(double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.3f", v);
    return buf;
}

}  // namespace

BenchParse parse_bench_options(const std::vector<std::string>& args) {
    BenchParse out;
    BenchOptions& o = out.options;
    size_t i = 0;
    for (; i < args.size(); i++) {
        const std::string& a = args[i];
        const bool last = i + 1 == args.size();
        if (a == "--help") {
            out.action = BenchAction::Help;
            return out;
        }
        if (a == "-v" || a == "--version") {
            out.action = BenchAction::Version;
            return out;
        }
        if (!last && parse_valued(a, args[i + 1], &o)) {
            i++;
        } else if (a == "-q") {
            o.quiet = true;
        } else if (a == "--csv") {
            o.csv = true;
        } else if (a == "--cluster") {
            o.cluster = true;
        } else if (!a.empty() && a[0] == '-') {
            out.action = BenchAction::Error;
            out.error = "Invalid option \"" + a + "\" or option argument missing";
            return out;
        } else {
            break;
        }
    }
    o.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    return out;
}

std::vector<BenchTest> plan_tests(const BenchOptions& o) {
    std::vector<BenchTest> tests;
    if (!o.command.empty()) {
        std::string name;
        for (const std::string& a : o.command) {
            name += (name.empty() ? "" : " ") + a;
        }
        tests.push_back(make_test(name, o.command));
        return tests;
    }
    const std::string data(static_cast<size_t>(o.datasize), 'x');
    if (selected(o, "ping_inline") || selected(o, "ping")) {
        BenchTest t;
        t.name = "PING_INLINE";
        t.wire = "PING\r\n";
        tests.push_back(t);
    }
    if (selected(o, "ping_mbulk") || selected(o, "ping")) {
        tests.push_back(make_test("PING_MBULK", {"PING"}));
    }
    struct Simple {
        const char* selector;
        const char* name;
        std::vector<std::string> argv;
    };
    // redis-benchmark's keys; in cluster mode each key name gets ":{tag}" after its stem.
    const std::string tag = o.cluster ? ":{tag}" : "";
    const std::string key = "key" + tag + ":__rand_int__";
    const std::string counter = "counter" + tag + ":__rand_int__";
    const std::string list = "mylist" + tag;
    const std::string set = "myset" + tag;
    const std::string hash = "myhash" + tag;
    const std::string zset = "myzset" + tag;
    const Simple simple[] = {
        {"set", "SET", {"SET", key, data}},
        {"get", "GET", {"GET", key}},
        {"incr", "INCR", {"INCR", counter}},
        {"lpush", "LPUSH", {"LPUSH", list, data}},
        {"rpush", "RPUSH", {"RPUSH", list, data}},
        {"lpop", "LPOP", {"LPOP", list}},
        {"rpop", "RPOP", {"RPOP", list}},
        {"sadd", "SADD", {"SADD", set, "element:__rand_int__"}},
        {"hset", "HSET", {"HSET", hash, "element:__rand_int__", data}},
        {"spop", "SPOP", {"SPOP", set}},
        {"zadd", "ZADD", {"ZADD", zset, "0", "element:__rand_int__"}},
        {"zpopmin", "ZPOPMIN", {"ZPOPMIN", zset}},
    };
    for (const Simple& s : simple) {
        if (selected(o, s.selector)) {
            tests.push_back(make_test(s.name, s.argv));
        }
    }
    if (selected(o, "mset")) {
        std::vector<std::string> argv = {"MSET"};
        for (int k = 0; k < 10; k++) {
            argv.push_back(key);
            argv.push_back(data);
        }
        tests.push_back(make_test("MSET (10 keys)", argv));
    }
    return tests;
}

void write_rand_int(char* p, uint64_t value) {
    for (size_t i = kRandIntLen; i > 0; i--) {
        p[i - 1] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

double percentile_ms(const std::vector<uint32_t>& sorted_us, double p) {
    if (sorted_us.empty()) {
        return 0;
    }
    const double n = static_cast<double>(sorted_us.size());
    size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * n));
    rank = std::clamp<size_t>(rank, 1, sorted_us.size());
    return sorted_us[rank - 1] / 1000.0;
}

LatencyStats summarise(std::vector<uint32_t>* latencies_us) {
    LatencyStats s;
    std::vector<uint32_t>& v = *latencies_us;
    if (v.empty()) {
        return s;
    }
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (uint32_t x : v) {
        sum += x;
    }
    s.avg_ms = sum / static_cast<double>(v.size()) / 1000.0;
    s.min_ms = v.front() / 1000.0;
    s.max_ms = v.back() / 1000.0;
    s.p50_ms = percentile_ms(v, 50);
    s.p95_ms = percentile_ms(v, 95);
    s.p99_ms = percentile_ms(v, 99);
    return s;
}

std::string percentile_distribution(const std::vector<uint32_t>& sorted_us) {
    std::string out;
    const size_t n = sorted_us.size();
    if (n == 0) {
        return out;
    }
    char line[160];
    double p = 0;
    for (int k = 0; k <= 20; k++) {
        p = k == 0 ? 0 : 100.0 - 100.0 / std::pow(2.0, k);
        size_t rank = std::clamp<size_t>(
            static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(n))), 1, n);
        const uint32_t value = sorted_us[rank - 1];
        // Every sample at or below this value is counted, as a histogram's cumulative count.
        const size_t count = static_cast<size_t>(
            std::upper_bound(sorted_us.begin(), sorted_us.end(), value) - sorted_us.begin());
        std::snprintf(line, sizeof(line), "%.3f%% <= %.3f milliseconds (cumulative count %zu)\n",
                      p, value / 1000.0, count);
        out += line;
        if (count == n) {
            break;
        }
    }
    std::snprintf(line, sizeof(line), "100.000%% <= %.3f milliseconds (cumulative count %zu)\n",
                  sorted_us.back() / 1000.0, n);
    out += line;
    return out;
}

std::string quiet_line(const std::string& name, double rps, const LatencyStats& s) {
    char buf[512];
    std::snprintf(buf, sizeof(buf), "%s: %.2f requests per second, p50=%.3f msec\n",
                  name.c_str(), rps, s.p50_ms);
    return buf;
}

std::string csv_header() {
    return "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
           "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n";
}

std::string csv_line(const std::string& name, double rps, const LatencyStats& s) {
    char rps_buf[64];
    std::snprintf(rps_buf, sizeof(rps_buf), "%.2f", rps);
    return "\"" + name + "\",\"" + rps_buf + "\",\"" + ms3(s.avg_ms) + "\",\"" + ms3(s.min_ms) +
           "\",\"" + ms3(s.p50_ms) + "\",\"" + ms3(s.p95_ms) + "\",\"" + ms3(s.p99_ms) +
           "\",\"" + ms3(s.max_ms) + "\"\n";
}

int bench_threads(const BenchOptions& o) {
    return std::max(1, std::min(o.threads, o.clients));
}

std::vector<std::vector<int>> distribute_clients(int clients, int threads) {
    std::vector<std::vector<int>> out(static_cast<size_t>(std::max(1, threads)));
    for (int i = 0; i < clients; i++) {
        out[static_cast<size_t>(i) % out.size()].push_back(i);
    }
    return out;
}

long long claim_requests(std::atomic<long long>* issued, long long total, long long want) {
    long long cur = issued->load(std::memory_order_relaxed);
    for (;;) {
        const long long n = std::min(want, total - cur);
        if (n <= 0) {
            return 0;
        }
        if (issued->compare_exchange_weak(cur, cur + n, std::memory_order_relaxed)) {
            return n;
        }
    }
}

std::vector<uint32_t> merge_latencies(std::vector<std::vector<uint32_t>>* parts) {
    if (parts->size() == 1) {
        return std::move(parts->front());
    }
    size_t n = 0;
    for (const auto& p : *parts) {
        n += p.size();
    }
    std::vector<uint32_t> all;
    all.reserve(n);
    for (auto& p : *parts) {
        all.insert(all.end(), p.begin(), p.end());
        std::vector<uint32_t>().swap(p);
    }
    return all;
}

std::string bench_usage() {
    return "Usage: slotcache-benchmark [OPTIONS] [COMMAND ARGS...]\n\n"
           "Options:\n"
           " -h <hostname>      Server hostname (default 127.0.0.1)\n"
           " -p <port>          Server port (default 6379)\n"
           " -s <socket>        Server socket (overrides host and port)\n"
           " -a <password>      Password for Redis Auth\n"
           " --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.\n"
           " -c <clients>       Number of parallel connections (default 50)\n"
           " -n <requests>      Total number of requests (default 100000)\n"
           " -d <size>          Data size of SET/GET value in bytes (default 3)\n"
           " --dbnum <db>       SELECT the specified db number (default 0)\n"
           " --threads <num>    Enable multi-thread mode: <num> threads, each with its own\n"
           "                    event loop and its share of the clients.\n"
           " -k <boolean>       Accepted for compatibility; connections are kept alive\n"
           " -r <keyspacelen>   Use random keys for SET/GET/INCR, random values for SADD,\n"
           "                    random members and scores for ZADD.\n"
           "  Using this option the benchmark will expand the string __rand_int__\n"
           "  inside an argument with a 12 digits number in the specified range\n"
           "  from 0 to keyspacelen-1. The substitution changes every time a command\n"
           "  is executed.\n"
           " -P <numreq>        Pipeline <numreq> requests. Default 1 (no pipeline).\n"
           " -q                 Quiet. Just show query/sec values\n"
           " --csv              Output in CSV format\n"
           " --cluster          Enable cluster mode: each client is bound to a master and\n"
           "                    puts a {hash tag} of one of its slots into its keys.\n"
           " -t <tests>         Only run the comma separated list of tests. The test\n"
           "                    names are the same as the ones produced as output.\n"
           " --consistency      Run the consistency checker instead of the benchmark\n"
           "                    (see --consistency --help)\n"
           " --help             Output this help and exit.\n"
           " --version          Output version and exit.\n\n"
           "Examples:\n\n"
           " Run the benchmark with the default configuration against 127.0.0.1:6379:\n"
           "   $ slotcache-benchmark\n\n"
           " Benchmark 127.0.0.1:6379 for a few commands producing CSV output:\n"
           "   $ slotcache-benchmark -t ping,set,get -n 100000 --csv\n\n"
           " Fill 127.0.0.1:6379 with about 1 million keys only using the SET test:\n"
           "   $ slotcache-benchmark -t set -n 1000000 -r 100000000\n";
}

}  // namespace slotcache::cli
