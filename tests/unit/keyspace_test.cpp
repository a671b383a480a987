// Db and Keyspace: string encodings and growth, per-slot counts and enumeration, drop_slot,
// random keys, SCAN across slots, rename / move / swap / copy, clear and detach.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "keyspace/memory.h"

using namespace slotcache::keyspace;
using slotcache::key_slot;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

std::string value_of(const Entry* e) {
    char buf[kIntBufLen];
    return std::string(e->string_value(buf));
}

Entry* put(Db& db, std::string_view key, std::string_view value, int64_t expire = kNoExpire) {
    return db.set_string(key, key_slot(key), value, expire, kNow);
}

Entry* get(Db& db, std::string_view key) { return db.lookup(key, key_slot(key), kNow); }

// A test collection: a vector of strings.
class FakeList : public Object {
public:
    std::vector<std::string> items;
    size_t memory_usage() const override { return sizeof(*this) + items.size() * 32; }
    std::unique_ptr<Object> clone() const override { return std::make_unique<FakeList>(*this); }
};

}  // namespace

TEST_CASE("keyspace: type and encoding names are Redis'") {
    CHECK(type_name(Type::String) == "string");
    CHECK(type_name(Type::List) == "list");
    CHECK(type_name(Type::Set) == "set");
    CHECK(type_name(Type::ZSet) == "zset");
    CHECK(type_name(Type::Hash) == "hash");
    CHECK(encoding_name(Encoding::Int) == "int");
    CHECK(encoding_name(Encoding::EmbStr) == "embstr");
    CHECK(encoding_name(Encoding::Raw) == "raw");
    CHECK(encoding_name(Encoding::ListPack) == "listpack");
    CHECK(encoding_name(Encoding::QuickList) == "quicklist");
    CHECK(encoding_name(Encoding::SkipList) == "skiplist");
    CHECK(static_cast<int>(Encoding::ListPack) == 11);
}

TEST_CASE("keyspace: string values choose int, embstr (<= 44 bytes) or raw") {
    Keyspace ks;
    Db& db = ks.db(0);
    CHECK(put(db, "a", "12345")->encoding() == Encoding::Int);
    CHECK(value_of(get(db, "a")) == "12345");
    CHECK(put(db, "a", "-9223372036854775808")->encoding() == Encoding::Int);
    CHECK(value_of(get(db, "a")) == "-9223372036854775808");
    CHECK(put(db, "a", "012")->encoding() == Encoding::EmbStr);  // leading zero: not an int
    CHECK(put(db, "a", "9223372036854775808")->encoding() == Encoding::EmbStr);  // overflow
    CHECK(put(db, "a", std::string(44, 'x'))->encoding() == Encoding::EmbStr);
    CHECK(put(db, "a", std::string(45, 'x'))->encoding() == Encoding::Raw);
    CHECK(value_of(get(db, "a")) == std::string(45, 'x'));
    CHECK(put(db, "a", "")->encoding() == Encoding::EmbStr);
    CHECK(get(db, "a")->string_length() == 0);
    Entry* e = db.set_int("n", key_slot("n"), -42, kNoExpire, kNow);
    CHECK(e->encoding() == Encoding::Int);
    CHECK(e->string_length() == 3);
    long long v = 0;
    CHECK(e->int_value(&v));
    CHECK(v == -42);
    CHECK(put(db, "s", "abc")->int_value(&v) == false);
    CHECK(db.size() == 3);
}

TEST_CASE("keyspace: replacing values keeps one entry per key and the lookup finds the new one") {
    Keyspace ks;
    Db& db = ks.db(0);
    std::string big(1000, 'b');
    for (int round = 0; round < 3; round++) {
        put(db, "k", "1");
        put(db, "k", big);
        put(db, "k", "short");
        put(db, "k", std::string(30, 'm'));
    }
    CHECK(db.size() == 1);
    CHECK(value_of(get(db, "k")) == std::string(30, 'm'));
}

TEST_CASE("keyspace: overwriting with a value of the same size class does not allocate") {
    Keyspace ks;
    Db& db = ks.db(0);
    Entry* e = put(db, "key:000000000001", "value:0000000001");
    register_thread();
    size_t before = used_memory();
    for (int i = 0; i < 1000; i++) {
        e = db.replace_string(e, i % 2 ? "value:0000000002" : "value:0000000003", kNoExpire);
    }
    Entry* again = db.find("key:000000000001", key_slot("key:000000000001"));
    CHECK(again == e);
    CHECK(used_memory() == before);
}

TEST_CASE("keyspace: append grows a raw buffer geometrically and keeps the bytes") {
    Keyspace ks;
    Db& db = ks.db(0);
    Entry* e = put(db, "k", "12");
    e = db.string_append(e, "3");
    CHECK(e->encoding() == Encoding::Raw);  // Redis: APPEND always leaves raw
    CHECK(value_of(e) == "123");
    std::string expect = "123";
    for (int i = 0; i < 2000; i++) {
        e = db.string_append(e, "abcdefgh");
        expect += "abcdefgh";
    }
    CHECK(value_of(e) == expect);
    CHECK(value_of(get(db, "k")) == expect);
    CHECK(entry_memory_usage(e) < expect.size() * 3);
    e = put(db, "e", "hello");
    e = db.string_append(e, "");
    CHECK(e->encoding() == Encoding::Raw);
    CHECK(value_of(e) == "hello");
}

TEST_CASE("keyspace: setrange zero-pads a gap and overwrites in place") {
    Keyspace ks;
    Db& db = ks.db(0);
    Entry* e = put(db, "k", "Hello World");
    e = db.string_setrange(e, 6, "Redis");
    CHECK(value_of(e) == "Hello Redis");
    e = db.string_setrange(e, 15, "!");
    CHECK(value_of(e) == std::string("Hello Redis\0\0\0\0!", 16));
    CHECK(e->string_length() == 16);
    Entry* same = db.string_setrange(e, 2, "");
    CHECK(same == e);
    CHECK(e->string_length() == 16);
    Entry* empty = put(db, "z", "");
    empty = db.string_setrange(empty, 3, "x");
    CHECK(value_of(empty) == std::string("\0\0\0x", 4));
}

TEST_CASE("keyspace: keep-TTL replacement keeps the expire, a plain one removes it") {
    Keyspace ks;
    Db& db = ks.db(0);
    Entry* e = put(db, "k", "v", kNow + 5000);
    CHECK(db.volatile_count() == 1);
    e = db.replace_string(e, std::string(100, 'x'), kKeepTtl);
    CHECK(e->expire_at == kNow + 5000);
    CHECK(db.volatile_entries()[e->volatile_idx] == e);
    e = db.replace_string(e, "v2", kNoExpire);
    CHECK_FALSE(e->has_expire());
    CHECK(db.volatile_count() == 0);
}

TEST_CASE("keyspace: per-slot counts, enumeration and drop_slot") {
    Keyspace ks;
    Db& db = ks.db(0);
    for (int i = 0; i < 100; i++) {
        put(db, "{user1}:" + std::to_string(i), "v", i % 2 ? kNow + 100000 : kNoExpire);
        put(db, "{user2}:" + std::to_string(i), "v");
    }
    uint16_t s1 = key_slot("{user1}");
    uint16_t s2 = key_slot("{user2}");
    REQUIRE(s1 != s2);
    CHECK(db.slot_size(s1) == 100);
    CHECK(db.slot_size(s2) == 100);
    CHECK(db.slot_size(static_cast<uint16_t>((s1 + 1) % 16384)) == (s2 == s1 + 1 ? 100u : 0u));
    std::vector<std::string_view> keys;
    CHECK(db.keys_in_slot(s1, 10, &keys) == 10);
    CHECK(keys.size() == 10);
    for (auto k : keys) {
        CHECK(k.substr(0, 7) == "{user1}");
    }
    keys.clear();
    CHECK(db.keys_in_slot(s1, 1000, &keys) == 100);
    CHECK(std::set<std::string_view>(keys.begin(), keys.end()).size() == 100);
    CHECK(db.volatile_count() == 50);
    size_t called = 0;
    CHECK(db.drop_slot(s1, [&](std::string_view k) { called += k.substr(0, 7) == "{user1}"; }) ==
          100);
    CHECK(called == 100);
    CHECK(db.slot_size(s1) == 0);
    CHECK(db.size() == 100);
    CHECK(db.volatile_count() == 0);
    CHECK(get(db, "{user1}:5") == nullptr);
    CHECK(get(db, "{user2}:5") != nullptr);
    CHECK(db.drop_slot(s1) == 0);
}

TEST_CASE("keyspace: random_entry is fair across slots of different sizes") {
    Keyspace ks;
    Db& db = ks.db(0);
    CHECK(db.random_entry() == nullptr);
    // One slot with 90 keys, another with 10: a fair pick lands in the first ~90% of the time.
    for (int i = 0; i < 90; i++) {
        put(db, "{a}" + std::to_string(i), "v");
    }
    for (int i = 0; i < 10; i++) {
        put(db, "{b}" + std::to_string(i), "v");
    }
    int in_a = 0;
    std::set<std::string> distinct;
    for (int i = 0; i < 10000; i++) {
        Entry* e = db.random_entry();
        in_a += e->key().substr(0, 3) == "{a}";
        distinct.insert(std::string(e->key()));
    }
    CHECK(in_a > 8500);
    CHECK(in_a < 9500);
    CHECK(distinct.size() == 100);
}

TEST_CASE("keyspace: scan across slots visits every key and ends with cursor 0") {
    Keyspace ks;
    Db& db = ks.db(0);
    for (int i = 0; i < 3000; i++) {
        put(db, "key:" + std::to_string(i), "v");
    }
    std::multiset<std::string> seen;
    uint64_t cursor = 0;
    int calls = 0;
    do {
        cursor = db.scan(cursor, 10, [&](const Entry* e) { seen.insert(std::string(e->key())); });
        calls++;
    } while (cursor != 0 && calls < 100000);
    CHECK(cursor == 0);
    CHECK(seen.size() == 3000);
    CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 3000);
    Keyspace empty;
    CHECK(empty.db(0).scan(0, 10, [](const Entry*) {}) == 0);
}

TEST_CASE("keyspace: scan keeps its guarantee while keys are added and the slot tables resize") {
    Keyspace ks;
    Db& db = ks.db(0);
    for (int i = 0; i < 2000; i++) {
        put(db, "{s}" + std::to_string(i), "v");  // one slot: one big table that grows
    }
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int next = 2000;
    do {
        cursor = db.scan(cursor, 20, [&](const Entry* e) { seen.insert(std::string(e->key())); });
        for (int k = 0; k < 50 && next < 20000; k++) {
            put(db, "{s}" + std::to_string(next++), "v");
        }
    } while (cursor != 0);
    for (int i = 0; i < 2000; i++) {
        REQUIRE(seen.count("{s}" + std::to_string(i)) == 1);
    }
}

TEST_CASE("keyspace: rename moves value and TTL, replaces the target, may change slot") {
    Keyspace ks;
    Db& db = ks.db(0);
    Entry* e = put(db, "src", std::string(100, 'r'), kNow + 1000);
    put(db, "dst", "old");
    Entry* r = db.rename(e, "dst", key_slot("dst"));
    CHECK(db.size() == 1);
    CHECK(db.find("src", key_slot("src")) == nullptr);
    CHECK(db.find("dst", key_slot("dst")) == r);
    CHECK(value_of(r) == std::string(100, 'r'));
    CHECK(r->expire_at == kNow + 1000);
    CHECK(db.volatile_count() == 1);
    CHECK(db.volatile_entries()[0] == r);
    CHECK(db.rename(r, "dst", key_slot("dst")) == r);
}

TEST_CASE("keyspace: move_to relinks into another db unless the key exists there") {
    Keyspace ks;
    Db& a = ks.db(0);
    Db& b = ks.db(1);
    Entry* e = put(a, "k", "v", kNow + 1000);
    Entry* m = a.move_to(e, b);
    CHECK(m == e);
    CHECK(a.size() == 0);
    CHECK(a.volatile_count() == 0);
    CHECK(b.size() == 1);
    CHECK(b.volatile_count() == 1);
    Entry* again = put(a, "k", "other");
    CHECK(a.move_to(again, b) == nullptr);
    CHECK(a.size() == 1);
    CHECK(a.move_to(again, a) == nullptr);
}

TEST_CASE("keyspace: swap_db exchanges contents, ids stay") {
    Keyspace ks;
    put(ks.db(0), "zero", "0");
    put(ks.db(1), "one", "1", kNow + 1000);
    put(ks.db(1), "uno", "1");
    ks.swap_db(0, 1);
    CHECK(ks.db(0).id() == 0);
    CHECK(ks.db(0).size() == 2);
    CHECK(ks.db(0).volatile_count() == 1);
    CHECK(get(ks.db(0), "one") != nullptr);
    CHECK(get(ks.db(1), "zero") != nullptr);
}

TEST_CASE("keyspace: copy is deep for raw strings and objects, respects replace") {
    Keyspace ks;
    Db& a = ks.db(0);
    Db& b = ks.db(2);
    Entry* s = put(a, "s", std::string(60, 's'), kNow + 1000);
    Entry* c = a.copy(s, b, "t", key_slot("t"), false, kNow);
    REQUIRE(c != nullptr);
    c = b.string_append(c, "!");
    CHECK(value_of(get(a, "s")) == std::string(60, 's'));
    CHECK(value_of(get(b, "t")) == std::string(60, 's') + "!");
    CHECK(c->expire_at == kNow + 1000);
    CHECK(a.copy(get(a, "s"), b, "t", key_slot("t"), false, kNow) == nullptr);
    CHECK(a.copy(get(a, "s"), b, "t", key_slot("t"), true, kNow) != nullptr);
    CHECK(value_of(get(b, "t")) == std::string(60, 's'));

    auto list = std::make_unique<FakeList>();
    list->items = {"x", "y"};
    Entry* l = a.add_object("l", key_slot("l"), Type::List, Encoding::QuickList, std::move(list),
                            kNoExpire, kNow);
    CHECK(l->type() == Type::List);
    CHECK(l->encoding() == Encoding::QuickList);
    Entry* lc = a.copy(l, a, "l2", key_slot("l2"), false, kNow);
    static_cast<FakeList*>(lc->object())->items.push_back("z");
    CHECK(static_cast<FakeList*>(get(a, "l")->object())->items.size() == 2);
    CHECK(static_cast<FakeList*>(get(a, "l2")->object())->items.size() == 3);
    CHECK(entry_memory_usage(lc) > sizeof(FakeList));
    // Replacing a collection with a string frees the object (ASan checks the leak).
    Entry* ls = a.replace_string(get(a, "l2"), "now a string", kNoExpire);
    CHECK(ls->type() == Type::String);
    CHECK(ls->object() == nullptr);
}

TEST_CASE("keyspace: set_object_encoding converts in place") {
    Keyspace ks;
    Db& db = ks.db(0);
    Entry* e = db.add_object("h", key_slot("h"), Type::Hash, Encoding::ListPack,
                             std::make_unique<FakeList>(), kNoExpire, kNow);
    db.set_object_encoding(e, Encoding::HashTable);
    CHECK(encoding_name(get(db, "h")->encoding()) == "hashtable");
    auto repl = std::make_unique<FakeList>();
    repl->items = {"a"};
    db.set_object_encoding(e, Encoding::ListPack, std::move(repl));
    CHECK(static_cast<FakeList*>(get(db, "h")->object())->items.size() == 1);
}

TEST_CASE("keyspace: clear and detach empty the db; detached contents free elsewhere") {
    Keyspace ks;
    Db& db = ks.db(0);
    for (int i = 0; i < 100; i++) {
        put(db, "k" + std::to_string(i), std::string(i, 'v'), i % 3 ? kNoExpire : kNow + 100);
    }
    DbContentsPtr old = db.detach();
    CHECK(db.size() == 0);
    CHECK(db.volatile_count() == 0);
    CHECK(get(db, "k1") == nullptr);
    put(db, "k1", "new");
    old.reset();
    CHECK(value_of(get(db, "k1")) == "new");
    CHECK(db.clear() == 1);
    CHECK(db.size() == 0);
    CHECK(ks.clear_all() == 0);
}

TEST_CASE("keyspace: deleting keys keeps counts, slot tables and the volatile vector exact") {
    Keyspace ks;
    Db& db = ks.db(0);
    for (int i = 0; i < 1000; i++) {
        put(db, "k" + std::to_string(i), "v", i % 2 ? kNow + 1000 : kNoExpire);
    }
    for (int i = 0; i < 1000; i += 2) {
        CHECK(db.del("k" + std::to_string(i), key_slot("k" + std::to_string(i))));
    }
    CHECK_FALSE(db.del("k0", key_slot("k0")));
    CHECK(db.size() == 500);
    CHECK(db.volatile_count() == 500);
    for (size_t i = 0; i < db.volatile_count(); i++) {
        CHECK(db.volatile_entries()[i]->volatile_idx == i);
    }
    for (int i = 1; i < 1000; i += 2) {
        Entry* e = get(db, "k" + std::to_string(i));
        REQUIRE(e != nullptr);
        db.del(e);
    }
    CHECK(db.size() == 0);
    CHECK(db.volatile_count() == 0);
    CHECK(db.random_entry() == nullptr);
}

TEST_CASE("keyspace: cron rehash finishes resizes that no command touches") {
    Keyspace ks;
    Db& db = ks.db(0);
    for (int i = 0; i < 5000; i++) {
        put(db, "{x}" + std::to_string(i), "v");
    }
    for (int i = 0; i < 100; i++) {
        ks.rehash_step(1000);
    }
    for (int i = 0; i < 5000; i++) {
        REQUIRE(get(db, "{x}" + std::to_string(i)) != nullptr);
    }
}
