// The set family's data operations (src/commands/sets.h) on a real keyspace::Db: SPOP's three
// strategies, SRANDMEMBER's distinct and repeating picks, SMOVE, the combinations and their
// *STORE form, WRONGTYPE and empty-set deletion.
#include <doctest/doctest.h>

#include <climits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "commands/sets.h"
#include "commands/strings.h"
#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "server/stats.h"

using namespace slotcache;
using namespace slotcache::commands;
using keyspace::Encoding;
using keyspace::Set;
using keyspace::SetLimits;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

struct Fixture {
    keyspace::Keyspace ks{1};
    server::Stats stats;
    SetLimits lim;
    OpArgs op() { return OpArgs{ks.db(0), kNow, &stats}; }
    long long sadd(std::string_view key, std::vector<std::string_view> m) {
        Result<long long> r = op_sadd(op(), key, key_slot(key), m, lim);
        REQUIRE(r.ok());
        return *r;
    }
    void fill(std::string_view key, int n, const char* prefix) {
        std::vector<std::string> ms;
        for (int i = 0; i < n; i++)
            ms.push_back(prefix + std::to_string(i));
        std::vector<std::string_view> v(ms.begin(), ms.end());
        sadd(key, v);
    }
    Set* get(std::string_view key) {
        Result<Set*> r = op_set_read(op(), key, key_slot(key));
        REQUIRE(r.ok());
        return *r;
    }
    std::set<std::string> members(std::string_view key) {
        std::set<std::string> out;
        if (Set* s = get(key))
            s->for_each([&](std::string_view m) { out.emplace(m); });
        return out;
    }
    Encoding entry_encoding(std::string_view key) {
        return ks.db(0).find(key, key_slot(key))->encoding();
    }
};

}  // namespace

TEST_CASE("sets: SADD keeps the entry's encoding in step with the set's conversions") {
    Fixture f;
    CHECK(f.sadd("s", {"1", "2"}) == 2);
    CHECK(f.entry_encoding("s") == Encoding::IntSet);
    CHECK(f.sadd("s", {"2", "a"}) == 1);
    CHECK(f.entry_encoding("s") == Encoding::ListPack);
    f.fill("s", 200, "m");
    CHECK(f.entry_encoding("s") == Encoding::HashTable);
    CHECK(f.get("s")->size() == 203);
}

TEST_CASE("sets: SREM of the last member deletes the key; WRONGTYPE for strings") {
    Fixture f;
    f.sadd("s", {"a", "b"});
    std::vector<std::string_view> rm = {"a", "b", "c"};
    CHECK(*op_srem(f.op(), "s", key_slot("s"), rm) == 2);
    CHECK(f.ks.db(0).find("s", key_slot("s")) == nullptr);
    REQUIRE(op_set(f.op(), "str", key_slot("str"), SetParams{.value = "x"}).ok());
    CHECK(op_srem(f.op(), "str", key_slot("str"), rm).err() == Err::WrongType);
    std::vector<std::string_view> add = {"a"};
    CHECK(op_sadd(f.op(), "str", key_slot("str"), add, f.lim).err() == Err::WrongType);
}

TEST_CASE("sets: SPOP count uses each strategy and pops distinct members") {
    for (int count : {3, 90, 100, 150}) {
        Fixture f;
        f.fill("s", 100, "m");
        std::set<std::string> before = f.members("s");
        bool whole = false;
        auto r = op_spop_count(f.op(), "s", key_slot("s"), count, &whole);
        REQUIRE(r.ok());
        std::set<std::string> popped(r->begin(), r->end());
        CHECK(popped.size() == r->size());
        CHECK(r->size() == static_cast<size_t>(std::min(count, 100)));
        CHECK(whole == (count >= 100));
        std::set<std::string> after = f.members("s");
        CHECK(after.size() + popped.size() == 100);
        for (const std::string& m : popped) {
            CHECK(before.count(m) == 1);
            CHECK(after.count(m) == 0);
        }
        if (!whole)
            CHECK(f.entry_encoding("s") == f.get("s")->encoding());
    }
}

TEST_CASE("sets: SRANDMEMBER positive counts are distinct, negative ones may repeat") {
    Fixture f;
    f.fill("s", 50, "m");
    auto picks = [&](long long count) {
        std::vector<std::string> out;
        srandmember_picks(*f.get("s"), count, [&](std::string_view m) { out.emplace_back(m); });
        CHECK(out.size() == srandmember_count(*f.get("s"), count));
        return out;
    };
    for (long long count : {1LL, 10LL, 40LL, 50LL, 60LL}) {
        std::vector<std::string> r = picks(count);
        std::set<std::string> u(r.begin(), r.end());
        CHECK(u.size() == r.size());
        CHECK(r.size() == static_cast<size_t>(std::min(count, 50LL)));
    }
    std::vector<std::string> r = picks(-500);
    CHECK(r.size() == 500);
    std::set<std::string> u(r.begin(), r.end());
    CHECK(u.size() < 500);
    CHECK(f.get("s")->size() == 50);
    CHECK(srandmember_count(*f.get("s"), -LLONG_MAX) == static_cast<size_t>(LLONG_MAX));
}

TEST_CASE("sets: SRANDMEMBER picks every subset fairly") {
    Fixture f;
    f.fill("s", 6, "m");  // small share (count 1) and large share (count 3) strategies
    for (long long count : {1LL, 3LL}) {
        std::map<std::string, int> hits;
        for (int i = 0; i < 6000; i++) {
            srandmember_picks(*f.get("s"), count,
                              [&](std::string_view m) { hits[std::string(m)]++; });
        }
        REQUIRE(hits.size() == 6);
        for (auto& [m, c] : hits) {
            CHECK(c > 1000 * count * 0.85);
            CHECK(c < 1000 * count * 1.15);
        }
    }
}

TEST_CASE("sets: SMOVE moves, creates the destination, deletes an emptied source") {
    Fixture f;
    f.sadd("a", {"x"});
    CHECK(*op_smove(f.op(), "a", "b", "x", f.lim) == 1);
    CHECK(f.get("a") == nullptr);
    CHECK(f.members("b") == std::set<std::string>{"x"});
    CHECK(*op_smove(f.op(), "a", "b", "x", f.lim) == 0);
    CHECK(*op_smove(f.op(), "b", "b", "x", f.lim) == 1);
    CHECK(*op_smove(f.op(), "b", "b", "y", f.lim) == 0);
    REQUIRE(op_set(f.op(), "str", key_slot("str"), SetParams{.value = "x"}).ok());
    CHECK(op_smove(f.op(), "b", "str", "x", f.lim).err() == Err::WrongType);
    CHECK(f.members("b") == std::set<std::string>{"x"});
}

TEST_CASE("sets: SINTER/SUNION/SDIFF, SINTERCARD's limit, and *STORE replacing any type") {
    Fixture f;
    f.sadd("a", {"1", "2", "3", "x"});
    f.sadd("b", {"2", "3", "4"});
    std::vector<std::string_view> ab = {"a", "b"};
    auto members = [](const Set& s) {
        std::set<std::string> out;
        s.for_each([&](std::string_view m) { out.emplace(m); });
        return out;
    };
    auto inter = op_set_combine(f.op(), SetOp::Inter, ab, false, f.lim);
    CHECK(members(**inter) == std::set<std::string>{"2", "3"});
    CHECK((*inter)->encoding() == Encoding::IntSet);
    auto uni = op_set_combine(f.op(), SetOp::Union, ab, false, f.lim);
    CHECK(members(**uni) == std::set<std::string>{"1", "2", "3", "4", "x"});
    auto diff = op_set_combine(f.op(), SetOp::Diff, ab, false, f.lim);
    CHECK(members(**diff) == std::set<std::string>{"1", "x"});
    CHECK(*op_sintercard(f.op(), ab, 0) == 2);
    CHECK(*op_sintercard(f.op(), ab, 1) == 1);
    std::vector<std::string_view> with_missing = {"a", "nokey"};
    CHECK(*op_sintercard(f.op(), with_missing, 0) == 0);

    REQUIRE(
        op_set(f.op(), "dst", key_slot("dst"), SetParams{.value = "x", .expire_at = kNow + 1000})
            .ok());
    CHECK(op_store_set(f.op(), "dst", std::move(*uni)));
    CHECK(f.members("dst").size() == 5);
    CHECK(f.ks.db(0).find("dst", key_slot("dst"))->expire_at == keyspace::kNoExpire);
    auto none = op_set_combine(f.op(), SetOp::Inter, with_missing, true, f.lim);
    CHECK(op_store_set(f.op(), "dst", std::move(*none)));
    CHECK(f.get("dst") == nullptr);
    auto none2 = op_set_combine(f.op(), SetOp::Inter, with_missing, true, f.lim);
    CHECK_FALSE(op_store_set(f.op(), "dst", std::move(*none2)));

    REQUIRE(op_set(f.op(), "str", key_slot("str"), SetParams{.value = "x"}).ok());
    std::vector<std::string_view> bad = {"nokey", "str"};
    CHECK(op_set_combine(f.op(), SetOp::Inter, bad, false, f.lim).err() == Err::WrongType);
}
