// The generic key operations on collection values (issue 8), with a test-only Object standing
// for the type families' classes: TYPE and SCAN ... TYPE by type name (an unknown name matches
// nothing, as in Redis 7.0), COPY cloning the object, RENAME and MOVE keeping it, DEL / UNLINK
// of an object, OBJECT ENCODING's name.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "commands/keys.h"
#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "server/stats.h"

using namespace slotcache;
using namespace slotcache::commands;
using keyspace::Encoding;
using keyspace::kNoExpire;
using keyspace::Type;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

class Items : public keyspace::Object {
public:
    std::vector<std::string> items;
    size_t memory_usage() const override { return sizeof(*this) + items.size() * 32; }
    std::unique_ptr<keyspace::Object> clone() const override {
        return std::make_unique<Items>(*this);
    }
};

struct Fixture {
    keyspace::Keyspace ks{2};
    server::Stats stats;
    keyspace::Db& db = ks.db(0);
    OpArgs op() { return OpArgs{db, kNow, &stats}; }

    Items* add(std::string_view key, Type type, Encoding enc, int64_t expire = kNoExpire) {
        auto obj = std::make_unique<Items>();
        obj->items = {"a", "b"};
        Items* raw = obj.get();
        db.add_object(key, key_slot(key), type, enc, std::move(obj), expire, kNow);
        return raw;
    }
    Items* object(std::string_view key, keyspace::Db* in = nullptr) {
        const keyspace::Entry* e = (in ? *in : db).find(key, key_slot(key));
        return e ? static_cast<Items*>(e->object()) : nullptr;
    }
    std::vector<std::string> scan_type(std::string_view type) {
        ScanOptions opt{.count = 1000, .type = type, .has_type = true};
        std::vector<std::string> out;
        uint64_t cursor = 0;
        do {
            cursor = op_scan(op(), cursor, opt, &out);
        } while (cursor != 0);
        std::sort(out.begin(), out.end());
        return out;
    }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "keys on collections: TYPE names and SCAN TYPE filter by them") {
    add("l", Type::List, Encoding::QuickList);
    add("s", Type::Set, Encoding::IntSet);
    add("z", Type::ZSet, Encoding::SkipList);
    add("h", Type::Hash, Encoding::ListPack);
    db.set_string("str", key_slot("str"), "v", kNoExpire, kNow);
    add("gone", Type::Set, Encoding::HashTable, kNow - 1);
    CHECK(op_type(op(), "l", key_slot("l")) == "list");
    CHECK(op_type(op(), "s", key_slot("s")) == "set");
    CHECK(op_type(op(), "z", key_slot("z")) == "zset");
    CHECK(op_type(op(), "h", key_slot("h")) == "hash");
    CHECK(scan_type("list") == std::vector<std::string>{"l"});
    CHECK(scan_type("SET") == std::vector<std::string>{"s"});  // case-insensitive, as strcasecmp
    CHECK(scan_type("zset") == std::vector<std::string>{"z"});
    CHECK(scan_type("hash") == std::vector<std::string>{"h"});
    CHECK(scan_type("string") == std::vector<std::string>{"str"});
    CHECK(scan_type("stream").empty());
    CHECK(scan_type("bogus").empty());
    CHECK(scan_type("none").empty());  // an expired key is not reported as "none"
    CHECK(keyspace::encoding_name(db.find("s", key_slot("s"))->encoding()) == "intset");
}

TEST_CASE_FIXTURE(Fixture, "keys on collections: COPY clones, RENAME and MOVE keep the object") {
    Items* orig = add("l", Type::List, Encoding::QuickList, kNow + 5000);
    CHECK(op_copy(op(), "l", db, "copy", false));
    Items* copy = object("copy");
    REQUIRE(copy != nullptr);
    CHECK(copy != orig);
    copy->items.push_back("c");
    CHECK(orig->items.size() == 2);
    CHECK(op_expire_time(op(), "copy", key_slot("copy")) == kNow + 5000);

    CHECK(op_copy(op(), "l", ks.db(1), "l", false));  // another db
    CHECK(object("l", &ks.db(1)) != orig);

    auto r = op_rename(op(), "l", "renamed", false);
    REQUIRE(r.ok());
    CHECK(object("renamed") == orig);  // the same object, not a copy
    CHECK(object("l") == nullptr);
    CHECK(op_type(op(), "renamed", key_slot("renamed")) == "list");
}

TEST_CASE_FIXTURE(Fixture, "keys on collections: MOVE relinks the object, DEL and UNLINK free it") {
    Items* orig = add("m", Type::Hash, Encoding::HashTable);
    keyspace::Entry* e = db.find("m", key_slot("m"));
    CHECK(db.move_to(e, ks.db(1)) != nullptr);
    CHECK(object("m", &ks.db(1)) == orig);
    CHECK(object("m") == nullptr);
    add("d1", Type::Set, Encoding::HashTable);
    add("d2", Type::ZSet, Encoding::ListPack);
    std::vector<std::string_view> args{"unlink", "d1", "d2", "missing"};
    std::vector<size_t> deleted;
    CHECK(op_del(op(), args, 1, true, &deleted) == 2);
    CHECK(deleted == std::vector<size_t>{1, 2});
    CHECK(db.size() == 0);
}
