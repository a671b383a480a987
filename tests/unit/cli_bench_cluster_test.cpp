// Unit tests for slotcache-benchmark --cluster's pure parts: the hash tag of each slot, the
// masters read from CLUSTER NODES, the slots re-read from CLUSTER SLOTS, the banner, and the
// {tag} placeholders of the test table. No sockets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli/bench_cluster.h"
#include "cli/bench_plan.h"
#include "cli/reply.h"
#include "common/crc16.h"

using namespace slotcache::cli;

namespace {

Reply parse_reply(const std::string& wire) {
    ReplyReader reader;
    reader.feed(wire.data(), wire.size());
    REQUIRE(reader.next() == ReadStatus::Complete);
    return reader.take();
}

const char* kNodes =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 127.0.0.1:7002@17002 master - 0 1 3 connected "
    "10923-16383\n"
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb :7000@17000 myself,master - 0 0 1 connected "
    "0-5460\n"
    "cccccccccccccccccccccccccccccccccccccccc 127.0.0.1:7003@17003 slave "
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 0 1 1 connected\n"
    "dddddddddddddddddddddddddddddddddddddddd 127.0.0.1:7004@17004 master - 0 1 4 connected\n"
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee 127.0.0.1:7001@17001 master - 0 1 2 connected "
    "5461-10922\n";

}  // namespace

TEST_CASE("bench cluster: every slot has a 3-character tag that hashes to it, without braces") {
    for (int slot = 0; slot < slotcache::kSlotCount; slot++) {
        const std::string& tag = slot_tag(slot);
        REQUIRE(tag.size() == kSlotTagLen);
        REQUIRE(tag.find_first_of("{}") == std::string::npos);
        REQUIRE(slotcache::key_slot("key:{" + tag + "}:__rand_int__") == slot);
    }
}

TEST_CASE("bench cluster: masters serving slots, in CLUSTER NODES order; no address -> seed") {
    std::vector<BenchMaster> masters;
    std::string err;
    REQUIRE(parse_bench_masters(kNodes, "10.0.0.9", &masters, &err));
    REQUIRE(masters.size() == 3);
    CHECK(masters[0].addr() == "127.0.0.1:7002");
    CHECK(masters[1].addr() == "10.0.0.9:7000");
    CHECK(masters[1].id == std::string(40, 'b'));
    CHECK(masters[2].addr() == "127.0.0.1:7001");
    CHECK(masters[0].slots.size() == 16384 - 10923);
    CHECK(masters[1].slots.front() == 0);
    CHECK(masters[1].slots.back() == 5460);
    CHECK(cluster_banner(masters) ==
          "Cluster has 3 master nodes:\n\n"
          "Master 0: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 127.0.0.1:7002\n"
          "Master 1: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 10.0.0.9:7000\n"
          "Master 2: eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee 127.0.0.1:7001\n\n");
}

TEST_CASE("bench cluster: no master with slots, or a malformed text, is an error") {
    std::vector<BenchMaster> masters;
    std::string err;
    CHECK_FALSE(parse_bench_masters(
        "dddddddddddddddddddddddddddddddddddddddd 127.0.0.1:7004@17004 myself,master - 0 1 4 "
        "connected\n",
        "127.0.0.1", &masters, &err));
    CHECK_FALSE(parse_bench_masters("garbage\n", "127.0.0.1", &masters, &err));
}

TEST_CASE("bench cluster: CLUSTER SLOTS replaces the masters' slots; unknown nodes ignored") {
    std::vector<BenchMaster> masters;
    std::string err;
    REQUIRE(parse_bench_masters(kNodes, "127.0.0.1", &masters, &err));
    // Slot 0 moved to 7001; 7009 is a node the benchmark has no client on.
    const Reply r = parse_reply(
        "*4\r\n"
        "*3\r\n:0\r\n:0\r\n*2\r\n$9\r\n127.0.0.1\r\n:7001\r\n"
        "*3\r\n:1\r\n:5460\r\n*2\r\n$0\r\n\r\n:7000\r\n"
        "*3\r\n:5461\r\n:10922\r\n*2\r\n$9\r\n127.0.0.1\r\n:7001\r\n"
        "*3\r\n:10923\r\n:16383\r\n*2\r\n$9\r\n127.0.0.1\r\n:7009\r\n");
    REQUIRE(apply_cluster_slots(r, "127.0.0.1", &masters, &err));
    CHECK(masters[0].slots.empty());
    REQUIRE(masters[1].slots.size() == 5460);
    CHECK(masters[1].slots.front() == 1);
    REQUIRE(masters[2].slots.size() == 5463);
    CHECK(masters[2].slots.front() == 0);
    CHECK(masters[2].slots[1] == 5461);
    CHECK_FALSE(apply_cluster_slots(parse_reply(":1\r\n"), "127.0.0.1", &masters, &err));
}

TEST_CASE("bench plan: --cluster puts :{tag} into every key, as redis-benchmark") {
    BenchParse p = parse_bench_options({"--cluster", "-t", "set,lpush,mset", "-q"});
    REQUIRE(p.action == BenchAction::Run);
    CHECK(p.options.cluster);
    const std::vector<BenchTest> tests = plan_tests(p.options);
    REQUIRE(tests.size() == 3);
    CHECK(tests[0].wire == "*3\r\n$3\r\nSET\r\n$22\r\nkey:{tag}:__rand_int__\r\n$3\r\nxxx\r\n");
    REQUIRE(tests[0].tag_offsets.size() == 1);
    CHECK(tests[0].wire.compare(tests[0].tag_offsets[0], 4, "tag}") == 0);
    CHECK(tests[1].wire.find("mylist:{tag}") != std::string::npos);
    CHECK(tests[2].tag_offsets.size() == 10);
    CHECK(tests[2].rand_offsets.size() == 10);
    BenchParse plain = parse_bench_options({"-t", "set"});
    const std::vector<BenchTest> plain_tests = plan_tests(plain.options);
    CHECK(plain_tests[0].tag_offsets.empty());
    CHECK(plain_tests[0].wire.find("key:__rand_int__") != std::string::npos);
}

TEST_CASE("bench plan: {tag} in a command line is a placeholder too") {
    BenchParse p = parse_bench_options({"--cluster", "SET", "k:{tag}", "v"});
    const std::vector<BenchTest> tests = plan_tests(p.options);
    REQUIRE(tests.size() == 1);
    REQUIRE(tests[0].tag_offsets.size() == 1);
}
