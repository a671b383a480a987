// The set structure (src/keyspace/set.h, intset.h, member_table.h): each encoding, Redis 7.2's
// conversions at the thresholds, intset width upgrades, the SSCAN guarantee across growth and
// shrinking, fair random picks, and the RDB / DUMP codec of every encoding (including Redis
// 7.0.15's own DUMP payloads).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "keyspace/set.h"
#include "persistence/dump.h"
#include "persistence/rdb_reader.h"

using namespace slotcache;
using keyspace::Encoding;
using keyspace::IntSet;
using keyspace::MemberTable;
using keyspace::Set;
using keyspace::SetLimits;

namespace {

std::set<std::string> members(const Set& s) {
    std::set<std::string> out;
    s.for_each([&](std::string_view m) { CHECK(out.emplace(m).second); });
    return out;
}

std::string hex_decode(std::string_view h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

// A set round-tripped through DUMP / RESTORE's payload decoder.
std::unique_ptr<Set> dump_restore(const Set& s, Encoding enc) {
    keyspace::Keyspace ks{1};
    keyspace::Db& db = ks.db(0);
    db.add_object("k", key_slot("k"), keyspace::Type::Set, enc, s.clone(), keyspace::kNoExpire, 0);
    std::string p;
    REQUIRE(persistence::dump_payload(db.find("k", key_slot("k")), true, &p));
    persistence::RdbValue v;
    std::string err;
    REQUIRE_MESSAGE(persistence::decode_dump_payload(p, &v, &err), err);
    REQUIRE(v.type == keyspace::Type::Set);
    CHECK(v.encoding == static_cast<Set*>(v.object.get())->encoding());
    return std::unique_ptr<Set>(static_cast<Set*>(v.object.release()));
}

}  // namespace

TEST_CASE("intset: sorted values, width upgrades 16 -> 32 -> 64 bits keep every value") {
    IntSet is;
    CHECK(is.add(5));
    CHECK(is.add(-3));
    CHECK_FALSE(is.add(5));
    CHECK(is.width() == 2);
    CHECK(is.add(70000));
    CHECK(is.width() == 4);
    CHECK(is.add(-5000000000LL));
    CHECK(is.width() == 8);
    REQUIRE(is.size() == 4);
    CHECK(is.at(0) == -5000000000LL);
    CHECK(is.at(1) == -3);
    CHECK(is.at(2) == 5);
    CHECK(is.at(3) == 70000);
    CHECK(is.remove(70000));
    CHECK_FALSE(is.remove(70000));
    CHECK(is.width() == 8);  // never downgraded, as Redis
    CHECK(is.contains(-3));
    CHECK_FALSE(is.contains(4));
    CHECK_FALSE(is.contains(1LL << 40));
}

TEST_CASE("intset: blobs are checked like Redis' deep integrity check") {
    IntSet is;
    is.add(1);
    is.add(2);
    std::string good(is.blob());
    std::unique_ptr<IntSet> copy(IntSet::from_blob(good));
    REQUIRE(copy);
    CHECK(copy->size() == 2);
    std::string unsorted = good;
    std::swap(unsorted[8], unsorted[10]);
    CHECK(IntSet::from_blob(unsorted) == nullptr);
    CHECK(IntSet::from_blob(good.substr(0, good.size() - 1)) == nullptr);
    std::string bad_width = good;
    bad_width[0] = 3;
    CHECK(IntSet::from_blob(bad_width) == nullptr);
    std::string empty = good.substr(0, 8);
    empty[4] = 0;
    CHECK(IntSet::from_blob(empty) == nullptr);
    CHECK(IntSet::from_blob("") == nullptr);
}

TEST_CASE("set: intset -> hashtable past set-max-intset-entries") {
    SetLimits lim{.max_intset_entries = 4};
    auto s = Set::create("1", 1, lim);
    CHECK(s->encoding() == Encoding::IntSet);
    for (int i = 0; i < 4; i++)
        CHECK(s->add(std::to_string(i), lim));
    CHECK(s->encoding() == Encoding::IntSet);
    CHECK(s->add("4", lim));
    CHECK(s->encoding() == Encoding::HashTable);
    CHECK(s->size() == 5);
    // One way only: shrinking never converts back.
    for (int i = 0; i < 4; i++)
        CHECK(s->remove(std::to_string(i)));
    CHECK(s->encoding() == Encoding::HashTable);
    CHECK(members(*s) == std::set<std::string>{"4"});
}

TEST_CASE("set: a non-integer member turns an intset into a listpack, or a hashtable when big") {
    SetLimits lim{.max_intset_entries = 512, .max_listpack_entries = 3, .max_listpack_value = 8};
    auto s = Set::create("1", 1, lim);
    s->add("1", lim);
    s->add("2", lim);
    CHECK(s->add("x", lim));
    CHECK(s->encoding() == Encoding::ListPack);
    CHECK(members(*s) == std::set<std::string>{"1", "2", "x"});
    CHECK(s->contains("1"));
    CHECK_FALSE(s->contains("01"));  // not the integer 1 in a listpack either
    // Count limit: the 4th member converts.
    CHECK(s->add("y", lim));
    CHECK(s->encoding() == Encoding::HashTable);

    auto t = Set::create("1", 1, lim);
    for (int i = 0; i < 3; i++)
        t->add(std::to_string(i), lim);
    t->add("z", lim);  // the intset already holds 3 = set-max-listpack-entries
    CHECK(t->encoding() == Encoding::HashTable);

    auto u = Set::create("1", 1, lim);
    u->add("123456789", lim);  // 9 digits > set-max-listpack-value
    u->add("z", lim);
    CHECK(u->encoding() == Encoding::HashTable);
}

TEST_CASE("set: listpack -> hashtable on a member longer than set-max-listpack-value") {
    SetLimits lim{.max_intset_entries = 512, .max_listpack_entries = 128, .max_listpack_value = 4};
    auto s = Set::create("a", 1, lim);
    CHECK(s->encoding() == Encoding::ListPack);
    CHECK(s->add("abcd", lim));
    CHECK(s->encoding() == Encoding::ListPack);
    CHECK(s->add("abcde", lim));
    CHECK(s->encoding() == Encoding::HashTable);
    CHECK(members(*s) == std::set<std::string>{"abcd", "abcde"});
    // setTypeCreate's size hint: too many members at once go straight to a hashtable.
    CHECK(Set::create("a", 129, lim)->encoding() == Encoding::HashTable);
    CHECK(Set::create("1", 512, lim)->encoding() == Encoding::IntSet);
    CHECK(Set::create("1", 100, {.max_intset_entries = 10})->encoding() == Encoding::ListPack);
    CHECK(Set::create("1", 513, {})->encoding() == Encoding::HashTable);
}

TEST_CASE("member table: grows and shrinks incrementally, never losing or duplicating") {
    MemberTable t;
    std::set<std::string> ref;
    for (int i = 0; i < 20000; i++) {
        std::string m = "m" + std::to_string(i);
        CHECK(t.add(m));
        ref.insert(m);
        if (i % 7 == 0) {
            CHECK_FALSE(t.add(m));
        }
    }
    CHECK(t.size() == ref.size());
    for (int i = 0; i < 20000; i += 3) {
        std::string m = "m" + std::to_string(i);
        CHECK(t.remove(m));
        ref.erase(m);
        CHECK_FALSE(t.contains(m));
    }
    std::set<std::string> seen;
    t.for_each([&](std::string_view m) { CHECK(seen.emplace(m).second); });
    CHECK(seen == ref);
    for (const std::string& m : ref)
        REQUIRE(t.contains(m));
    for (const std::string& m : ref)
        REQUIRE(t.remove(m));
    CHECK(t.size() == 0);
    CHECK(t.capacity() <= 16);
}

TEST_CASE("member table: a scan returns every member present throughout, across growth") {
    MemberTable t;
    for (int i = 0; i < 1000; i++)
        t.add("keep" + std::to_string(i));
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int steps = 0;
    int added = 0;
    bool saw_rehash = false;
    do {
        cursor = t.scan(cursor, [&](std::string_view m) { seen.emplace(m); });
        // Grow (and later shrink) the table while the scan runs.
        for (int j = 0; j < 40; j++)
            t.add("new" + std::to_string(added++));
        if (steps > 3000) {
            for (int j = 0; j < 60 && added > 0; j++)
                t.remove("new" + std::to_string(--added));
        }
        saw_rehash |= t.is_rehashing();
        steps++;
    } while (cursor != 0 && steps < 1000000);
    CHECK(saw_rehash);
    for (int i = 0; i < 1000; i++)
        REQUIRE(seen.count("keep" + std::to_string(i)) == 1);
}

TEST_CASE("set: random picks are fair in every encoding") {
    auto check_fair = [](Set& s, size_t n) {
        std::map<std::string, int> hits;
        char buf[keyspace::kIntBufLen];
        const int draws = static_cast<int>(n) * 400;
        for (int i = 0; i < draws; i++)
            hits[std::string(s.random_member(buf))]++;
        REQUIRE(hits.size() == n);
        for (auto& [m, c] : hits) {
            CHECK(c > 400 * 0.75);
            CHECK(c < 400 * 1.25);
        }
    };
    SetLimits lim;
    auto is = Set::create("1", 1, lim);
    for (int i = 0; i < 50; i++)
        is->add(std::to_string(i * 1000), lim);
    CHECK(is->encoding() == Encoding::IntSet);
    check_fair(*is, 50);
    auto lp = Set::create("a", 1, lim);
    for (int i = 0; i < 50; i++)
        lp->add("a" + std::to_string(i), lim);
    CHECK(lp->encoding() == Encoding::ListPack);
    check_fair(*lp, 50);
    auto ht = Set::create("a", 1, lim);
    for (int i = 0; i < 200; i++)
        ht->add("h" + std::to_string(i), lim);
    CHECK(ht->encoding() == Encoding::HashTable);
    check_fair(*ht, 200);
}

TEST_CASE("set: clone and DUMP/RESTORE round trip each encoding") {
    SetLimits lim;
    auto is = Set::create("1", 1, lim);
    for (long long v : {1LL, -7LL, 1LL << 40})
        is->add(std::to_string(v), lim);
    auto lp = Set::create("a", 1, lim);
    for (std::string m : {"a", "", "12", "x y"})
        lp->add(m, lim);
    auto ht = Set::create("a", 1000, lim);
    for (int i = 0; i < 1000; i++)
        ht->add("element:" + std::to_string(i), lim);
    for (Set* s : {is.get(), lp.get(), ht.get()}) {
        auto c = s->clone();
        CHECK(members(static_cast<Set&>(*c)) == members(*s));
        CHECK(static_cast<Set&>(*c).encoding() == s->encoding());
        CHECK(s->memory_usage() > 0);
        auto back = dump_restore(*s, s->encoding());
        CHECK(members(*back) == members(*s));
        // Written as a plain set: the loader picks the encoding again (7.2's rules).
        CHECK(back->encoding() == s->encoding());
    }
}

TEST_CASE("set: redis-server 7.0.15 DUMP payloads of an intset and a hashtable restore here") {
    struct Case {
        const char* hex;
        Encoding enc;
        std::set<std::string> want;
    };
    const Case cases[] = {
        {"0b1c0400000005000000fbffffff010000000200000003000000701101000a0023e5f3765598617d",
         Encoding::IntSet,
         {"-5", "1", "2", "3", "70000"}},
        {"02040162c001016301610a000fc9d66ba8ac2d92", Encoding::ListPack, {"a", "b", "c", "1"}},
    };
    for (const Case& c : cases) {
        std::string p = hex_decode(c.hex);
        REQUIRE(persistence::verify_dump_payload(p));
        persistence::RdbValue v;
        std::string err;
        REQUIRE_MESSAGE(persistence::decode_dump_payload(p, &v, &err), err);
        auto* s = static_cast<Set*>(v.object.get());
        CHECK(s->encoding() == c.enc);
        CHECK(members(*s) == c.want);
    }
}

TEST_CASE("set: malformed set payloads are refused (duplicates, empty, bad intset)") {
    auto rd = [](uint8_t type, std::string body) {
        persistence::BufferSource src(body);
        persistence::RdbReader r(src);
        persistence::RdbValue v;
        bool ok = persistence::read_value(r, type, &v);
        return ok ? std::string("ok") : r.error();
    };
    CHECK(rd(2, std::string("\x02\x01"
                            "a\x01"
                            "b",
                            6)) == "ok");
    CHECK(rd(2, std::string("\x02\x01"
                            "a\x01"
                            "a",
                            6))
              .find("duplicate") != std::string::npos);
    CHECK(rd(2, std::string("\x00", 1)).find("empty set") != std::string::npos);
    CHECK(rd(2, std::string("\x05\x01"
                            "a",
                            3)) != "ok");  // count past the input
    // An intset blob with values out of order.
    std::string bad("\x0c\x02\x00\x00\x00\x02\x00\x00\x00\x05\x00\x01\x00", 13);
    CHECK(rd(11, bad).find("bad intset") != std::string::npos);
    std::string good("\x0c\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x05\x00", 13);
    CHECK(rd(11, good) == "ok");
}

TEST_CASE("set: every truncation and byte flip of set payloads fails cleanly or loads a set") {
    const char* bodies[] = {
        "0b1c0400000005000000fbffffff010000000200000003000000701101000a00",
        "02040162c001016301610a00",
    };
    for (const char* hex : bodies) {
        std::string body = hex_decode(hex);
        auto try_load = [](const std::string& b) {
            persistence::BufferSource src(std::string_view(b).substr(1));
            persistence::RdbReader r(src);
            persistence::RdbValue v;
            if (!persistence::read_value(r, static_cast<uint8_t>(b[0]), &v)) {
                CHECK_FALSE(r.error().empty());
                return;
            }
            if (v.object)
                CHECK(static_cast<Set*>(v.object.get())->size() > 0);
        };
        for (size_t n = 1; n < body.size(); n++)
            try_load(body.substr(0, n));
        for (size_t i = 1; i < body.size(); i++) {
            for (int bit = 0; bit < 8; bit++) {
                std::string b = body;
                b[i] = static_cast<char>(b[i] ^ (1 << bit));
                try_load(b);
            }
        }
    }
}
