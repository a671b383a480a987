// Unit tests for slotcache-benchmark --threads' pure helpers: how many loops a run uses, the
// round-robin of clients over the loops, the shared request counter (exactly -n, also when
// threads race for it) and the merge of the loops' latency samples.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "cli/bench_plan.h"

using namespace slotcache::cli;

TEST_CASE("bench_threads: 0 and 1 mean one loop, never more loops than clients") {
    BenchOptions o;
    o.clients = 50;
    o.threads = 0;
    CHECK(bench_threads(o) == 1);
    o.threads = 1;
    CHECK(bench_threads(o) == 1);
    o.threads = -3;
    CHECK(bench_threads(o) == 1);
    o.threads = 4;
    CHECK(bench_threads(o) == 4);
    o.clients = 3;
    CHECK(bench_threads(o) == 3);
    BenchParse p = parse_bench_options({"--threads", "2", "-c", "10"});
    REQUIRE(p.action == BenchAction::Run);
    CHECK(bench_threads(p.options) == 2);
}

TEST_CASE("distribute_clients: client i on loop i % threads") {
    const auto g = distribute_clients(7, 3);
    REQUIRE(g.size() == 3);
    CHECK(g[0] == std::vector<int>{0, 3, 6});
    CHECK(g[1] == std::vector<int>{1, 4});
    CHECK(g[2] == std::vector<int>{2, 5});
    const auto one = distribute_clients(5, 1);
    REQUIRE(one.size() == 1);
    CHECK(one[0] == std::vector<int>{0, 1, 2, 3, 4});
    // --cluster binds client i to master i % masters: 2 loops over 3 masters, 6 clients, give
    // each loop a client of every master.
    const auto two = distribute_clients(6, 2);
    for (const auto& loop : two) {
        std::vector<int> masters;
        for (int i : loop) {
            masters.push_back(i % 3);
        }
        std::sort(masters.begin(), masters.end());
        CHECK(masters == std::vector<int>{0, 1, 2});
    }
}

TEST_CASE("claim_requests: batches of -P, the last one short, then 0") {
    std::atomic<long long> issued{0};
    CHECK(claim_requests(&issued, 10, 4) == 4);
    CHECK(claim_requests(&issued, 10, 4) == 4);
    CHECK(claim_requests(&issued, 10, 4) == 2);
    CHECK(claim_requests(&issued, 10, 4) == 0);
    CHECK(issued.load() == 10);
    std::atomic<long long> none{0};
    CHECK(claim_requests(&none, 0, 1) == 0);
}

TEST_CASE("claim_requests: racing threads claim exactly the total") {
    constexpr long long kTotal = 1000003;
    std::atomic<long long> issued{0};
    std::vector<long long> claimed(4, 0);
    std::vector<long long> largest(4, 0);
    std::vector<std::thread> ts;
    for (size_t t = 0; t < claimed.size(); t++) {
        ts.emplace_back([&issued, &claimed, &largest, t] {
            for (;;) {
                const long long n = claim_requests(&issued, kTotal, 16);
                if (n == 0) {
                    return;
                }
                largest[t] = std::max(largest[t], n);
                claimed[t] += n;
            }
        });
    }
    for (auto& th : ts) {
        th.join();
    }
    long long sum = 0;
    for (long long n : claimed) {
        sum += n;
    }
    CHECK(sum == kTotal);
    CHECK(issued.load() == kTotal);
    for (long long n : largest) {
        CHECK(n <= 16);
    }
}

TEST_CASE("merge_latencies: every loop's samples, then the stats of the whole run") {
    std::vector<std::vector<uint32_t>> parts = {{3000, 1000}, {}, {2000, 4000, 5000}};
    std::vector<uint32_t> all = merge_latencies(&parts);
    CHECK(all == std::vector<uint32_t>{3000, 1000, 2000, 4000, 5000});
    for (const auto& p : parts) {
        CHECK(p.empty());
    }
    LatencyStats s = summarise(&all);
    CHECK(s.min_ms == doctest::Approx(1.0));
    CHECK(s.max_ms == doctest::Approx(5.0));
    CHECK(s.p50_ms == doctest::Approx(3.0));
    CHECK(s.avg_ms == doctest::Approx(3.0));
    std::vector<std::vector<uint32_t>> single = {{7, 8}};
    CHECK(merge_latencies(&single) == std::vector<uint32_t>{7, 8});
}
