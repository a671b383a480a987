// The sorted set family's op_* and parsers (src/commands/zsets.h) against a bare keyspace::Db:
// ZADD's flags and encoding switch at both listpack limits, pops that delete the key, range
// resolution with LIMIT, set operations with weights and aggregates, hit/miss counting.
// Expected values from redis-server 7.0.15.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "commands/zsets.h"
#include "keyspace/set.h"
#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "server/stats.h"

using namespace slotcache;
using namespace slotcache::commands;
using keyspace::ZSet;

namespace {

struct Fixture {
    keyspace::Keyspace ks{1};
    server::Stats stats;
    ZsetLimits lim{4, 8};
    OpArgs op() { return OpArgs{ks.db(0), 1000, &stats}; }

    Result<ZAddOutcome> zadd(std::string_view key, std::vector<std::string_view> args) {
        std::vector<std::string_view> line = {"zadd", key};
        line.insert(line.end(), args.begin(), args.end());
        Parsed<ZAddArgs> a = parse_zadd(line);
        REQUIRE_MESSAGE(a.ok(), a.error());
        return op_zadd(op(), key, key_slot(key), a.value(), lim);
    }
    keyspace::Entry* entry(std::string_view key) { return ks.db(0).find(key, key_slot(key)); }
    ZSet* zset(std::string_view key) { return static_cast<ZSet*>(entry(key)->object()); }
};

}  // namespace

TEST_CASE("zset ops: ZADD flags, CH counting and INCR's NaN") {
    Fixture f;
    CHECK(f.zadd("z", {"1", "a", "2", "b"})->added == 2);
    auto r = f.zadd("z", {"GT", "CH", "0", "a", "3", "b", "1", "c"});
    CHECK(r->added == 1);
    CHECK(r->updated == 1);
    r = f.zadd("z", {"INCR", "+inf", "a"});
    CHECK(r->incr_done);
    CHECK(std::isinf(r->incr_score));
    CHECK(f.zadd("z", {"INCR", "-inf", "a"}).err() == Err::NanOrInf);
    CHECK(f.zadd("missing", {"XX", "1", "a"})->added == 0);
    CHECK(f.entry("missing") == nullptr);
    std::vector<std::string_view> bad = {"zadd", "z", "NX", "GT", "1", "a"};
    CHECK_FALSE(parse_zadd(bad).ok());
}

TEST_CASE("zset ops: the encoding switches past max entries and past max value") {
    Fixture f;
    CHECK(f.zadd("z", {"1", "a", "2", "b", "3", "c", "4", "d"})->added == 4);
    CHECK(f.entry("z")->encoding() == keyspace::Encoding::ListPack);
    CHECK(f.zadd("z", {"5", "e"})->added == 1);
    CHECK(f.entry("z")->encoding() == keyspace::Encoding::SkipList);
    CHECK(f.zset("z")->encoding() == keyspace::Encoding::SkipList);
    CHECK(f.zadd("v", {"1", "12345678"})->added == 1);
    CHECK(f.entry("v")->encoding() == keyspace::Encoding::ListPack);
    CHECK(f.zadd("v", {"1", "123456789"})->added == 1);
    CHECK(f.entry("v")->encoding() == keyspace::Encoding::SkipList);
    // Created with more elements than fit: skiplist at once (zsetTypeCreate's hint).
    CHECK(f.zadd("w", {"1", "a", "1", "a", "1", "a", "1", "a", "1", "a"})->added == 1);
    CHECK(f.entry("w")->encoding() == keyspace::Encoding::SkipList);
}

TEST_CASE("zset ops: pops return in order and delete the emptied key") {
    Fixture f;
    CHECK(f.zadd("z", {"1", "a", "2", "b", "3", "c"})->added == 3);
    auto p = op_zpop(f.op(), "z", key_slot("z"), true, 2);
    REQUIRE(p->size() == 2);
    CHECK((*p)[0].first == "c");
    CHECK((*p)[1].first == "b");
    p = op_zpop(f.op(), "z", key_slot("z"), false, 10);
    REQUIRE(p->size() == 1);
    CHECK(f.entry("z") == nullptr);
    CHECK(op_zpop(f.op(), "z", key_slot("z"), false, 1)->empty());
}

TEST_CASE("zset ops: range resolution applies Redis' clamping and LIMIT") {
    ZSet z;
    for (int i = 0; i < 10; i++) {
        z.insert("m" + std::to_string(i), i);
    }
    size_t from, count;
    bool rev;
    ZRangeSpec s;
    s.start = -3;
    s.end = 100;
    zrange_resolve(z, s, &from, &count, &rev);
    CHECK(from == 7);
    CHECK(count == 3);
    s.rev = true;
    zrange_resolve(z, s, &from, &count, &rev);
    CHECK(from == 2);  // ascending rank of the first element walked down
    CHECK(count == 3);
    ZRangeSpec sc;
    sc.kind = ZRangeKind::Score;
    sc.score = {2, 8, true, false};  // (2 .. 8 = 3..8
    sc.offset = 1;
    sc.limit = 2;
    zrange_resolve(z, sc, &from, &count, &rev);
    CHECK(from == 4);
    CHECK(count == 2);
    sc.rev = true;
    zrange_resolve(z, sc, &from, &count, &rev);
    CHECK(from == 7);
    CHECK(count == 2);
    sc.offset = -1;
    zrange_resolve(z, sc, &from, &count, &rev);
    CHECK(count == 0);
}

TEST_CASE("zset ops: set operations with weights and aggregates; inputs count hits") {
    Fixture f;
    CHECK(f.zadd("a", {"1", "x", "2", "y"})->added == 2);
    CHECK(f.zadd("b", {"10", "y", "20", "z"})->added == 2);
    std::vector<std::string_view> line = {"zunion", "2", "a",         "b",  "WEIGHTS",
                                          "2",      "1", "AGGREGATE", "MAX"};
    Parsed<ZSetOpArgs> a = parse_zsetop(line, 1, "zunion", ZSetOp::Union, false, false);
    REQUIRE(a.ok());
    uint64_t hits = f.stats.keyspace_hits;
    auto u = op_zsetop(f.op(), ZSetOp::Union, a.value(), f.lim, false);
    REQUIRE(u.ok());
    CHECK(f.stats.keyspace_hits == hits + 2);
    double s;
    CHECK(((*u)->score("x", &s) && s == 2));
    CHECK(((*u)->score("y", &s) && s == 10));
    CHECK(((*u)->score("z", &s) && s == 20));
    auto i = op_zsetop(f.op(), ZSetOp::Inter, a.value(), f.lim, false);
    CHECK((*i)->size() == 1);
    auto d = op_zsetop(f.op(), ZSetOp::Diff, a.value(), f.lim, false);
    CHECK((*d)->size() == 1);
    CHECK((*d)->score("x", &s));
    CHECK(s == 1);  // ZDIFF ignores weights
    std::vector<std::string_view> bad = {"zunion", "0", "a"};
    CHECK(parse_zsetop(bad, 1, "zunion", ZSetOp::Union, false, false).error() ==
          "ERR at least 1 input key is needed for 'zunion' command");
}

TEST_CASE("zset ops: plain sets are inputs scored 1") {
    Fixture f;
    CHECK(f.zadd("z", {"5", "a", "7", "b"})->added == 2);
    keyspace::SetLimits slim;
    auto set = keyspace::Set::create("a", 2, slim);
    set->add("a", slim);
    set->add("c", slim);
    keyspace::Encoding enc = set->encoding();
    f.ks.db(0).add_object("s", key_slot("s"), keyspace::Type::Set, enc, std::move(set),
                          keyspace::kNoExpire, 0);
    std::vector<std::string_view> line = {"zunion", "2", "z", "s"};
    Parsed<ZSetOpArgs> a = parse_zsetop(line, 1, "zunion", ZSetOp::Union, false, false);
    REQUIRE(a.ok());
    auto u = op_zsetop(f.op(), ZSetOp::Union, a.value(), f.lim, false);
    REQUIRE(u.ok());
    double s;
    CHECK(((*u)->score("a", &s) && s == 6));
    CHECK(((*u)->score("c", &s) && s == 1));
    CHECK((*u)->size() == 3);
    auto i = op_zsetop(f.op(), ZSetOp::Inter, a.value(), f.lim, false);
    CHECK((*i)->size() == 1);
    CHECK(*op_zintercard(f.op(), a.value()) == 1);
    // A string input is still WRONGTYPE.
    f.ks.db(0).add_string("str", key_slot("str"), "x", keyspace::kNoExpire, 0);
    std::vector<std::string_view> bad = {"zunion", "2", "z", "str"};
    Parsed<ZSetOpArgs> b = parse_zsetop(bad, 1, "zunion", ZSetOp::Union, false, false);
    REQUIRE(b.ok());
    CHECK(op_zsetop(f.op(), ZSetOp::Union, b.value(), f.lim, false).err() == Err::WrongType);
}
