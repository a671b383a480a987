// The RDB codec of lists (persistence/rdb_list.h): our type-18 writer reads back equal, and the
// older encodings Redis 7.0 still loads (1 plain, 10 ziplist, 14 quicklist of ziplists, 18 with
// PLAIN nodes) decode to the right elements; malformed payloads fail cleanly.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "keyspace/list.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_io.h"
#include "persistence/rdb_list.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"

using namespace slotcache;
using namespace slotcache::persistence;
using keyspace::List;

namespace {

std::vector<std::string> elements(const keyspace::Object* o) {
    const auto* l = static_cast<const List*>(o);
    std::vector<std::string> out;
    List::Iter it(*l, 0, false);
    std::string_view v;
    while (it.next(&v))
        out.emplace_back(v);
    return out;
}

// Decodes payload as a value of RDB type `type`; false with *err on failure.
bool decode(uint8_t type, const std::string& payload, RdbValue* v, std::string* err = nullptr) {
    BufferSource src(payload);
    RdbReader r(src);
    bool ok = read_value(r, type, v);
    if (err)
        *err = r.error();
    return ok;
}

// A ziplist of short strings (< 64 bytes) and 4-bit immediate integers 0..12 (Redis'
// ziplist.c encodings 00pppppp and 1111xxxx).
struct ZlItem {
    bool is_int;
    int ival;
    std::string s;
};

std::string ziplist(const std::vector<ZlItem>& items) {
    std::string body;
    size_t prev = 0;
    size_t tail = 10;
    for (const ZlItem& it : items) {
        tail = 10 + body.size();
        std::string e;
        e.push_back(static_cast<char>(prev));
        if (it.is_int) {
            e.push_back(static_cast<char>(0xF1 + it.ival));
        } else {
            e.push_back(static_cast<char>(it.s.size()));
            e += it.s;
        }
        prev = e.size();
        body += e;
    }
    std::string zl(10, '\0');
    uint32_t bytes = static_cast<uint32_t>(10 + body.size() + 1);
    uint32_t t = static_cast<uint32_t>(tail);
    uint16_t n = static_cast<uint16_t>(items.size());
    memcpy(&zl[0], &bytes, 4);
    memcpy(&zl[4], &t, 4);
    memcpy(&zl[8], &n, 2);
    zl += body;
    zl.push_back(static_cast<char>(0xFF));
    return zl;
}

}  // namespace

TEST_CASE("rdb list: type 18 written by us reads back equal, node by node") {
    keyspace::Keyspace ks(1);
    keyspace::Db& db = ks.db(0);
    auto l = std::make_unique<List>(-1);
    std::vector<std::string> want;
    for (int i = 0; i < 2000; i++) {
        want.push_back("element-" + std::to_string(i) +
                       (i % 100 == 0 ? std::string(500, 'z') : ""));
        l->push_back(want.back());
    }
    size_t nodes = l->node_count();
    CHECK(nodes >= 5);
    keyspace::Entry* e = db.add_object("k", 0, keyspace::Type::List, keyspace::Encoding::QuickList,
                                       std::move(l), keyspace::kNoExpire, 0);
    std::string out;
    StringSink sink(&out);
    RdbWriter w(sink, true);
    REQUIRE(write_list_value(w, e));
    RdbValue v;
    REQUIRE(decode(kTypeListQuicklist2, out, &v));
    CHECK(v.type == keyspace::Type::List);
    CHECK(v.encoding == keyspace::Encoding::QuickList);
    CHECK(elements(v.object.get()) == want);
}

TEST_CASE("rdb list: type 1 (plain), 10 (ziplist), 14 (quicklist), 18 with a PLAIN node") {
    std::string plain;
    {
        StringSink sink(&plain);
        RdbWriter w(sink, false);
        REQUIRE(w.write_length(3));
        for (const char* s : {"a", "12345", ""})
            REQUIRE(w.write_string(s));
    }
    RdbValue v1;
    REQUIRE(decode(kTypeList, plain, &v1));
    CHECK(elements(v1.object.get()) == std::vector<std::string>{"a", "12345", ""});

    std::string zl = ziplist({{false, 0, "hello"}, {true, 7, ""}, {false, 0, "x"}});
    std::string p10;
    {
        StringSink sink(&p10);
        RdbWriter w(sink, false);
        REQUIRE(w.write_string(zl));
    }
    RdbValue v10;
    REQUIRE(decode(kTypeListZiplist, p10, &v10));
    CHECK(elements(v10.object.get()) == std::vector<std::string>{"hello", "7", "x"});

    std::string p14;
    {
        StringSink sink(&p14);
        RdbWriter w(sink, false);
        REQUIRE(w.write_length(2));
        REQUIRE(w.write_string(zl));
        REQUIRE(w.write_string(ziplist({{true, 12, ""}})));
    }
    RdbValue v14;
    REQUIRE(decode(kTypeListQuicklist, p14, &v14));
    CHECK(elements(v14.object.get()) == std::vector<std::string>{"hello", "7", "x", "12"});

    std::string p18;
    {
        StringSink sink(&p18);
        RdbWriter w(sink, false);
        REQUIRE(w.write_length(1));
        REQUIRE(w.write_length(1));  // PLAIN
        REQUIRE(w.write_string(std::string(100, 'p')));
    }
    RdbValue v18;
    REQUIRE(decode(kTypeListQuicklist2, p18, &v18));
    CHECK(elements(v18.object.get()) == std::vector<std::string>{std::string(100, 'p')});
}

TEST_CASE("rdb list: malformed payloads fail with an error, never a crash") {
    std::string err;
    RdbValue v;
    // Huge count with nothing behind it.
    CHECK_FALSE(decode(kTypeList, std::string("\x80\x7f\xff\xff\xff", 5), &v, &err));
    CHECK_FALSE(err.empty());
    // Empty list.
    CHECK_FALSE(decode(kTypeList, std::string("\x00", 1), &v, &err));
    // Unknown container.
    CHECK_FALSE(decode(kTypeListQuicklist2, std::string("\x01\x07\x01x", 4), &v, &err));
    // A ziplist with a wrong byte count.
    std::string zl = ziplist({{false, 0, "abc"}});
    zl[0] = 99;
    std::string p;
    {
        StringSink sink(&p);
        RdbWriter w(sink, false);
        REQUIRE(w.write_string(zl));
    }
    CHECK_FALSE(decode(kTypeListZiplist, p, &v, &err));
    // Every truncation of a valid type-18 payload fails.
    std::string good;
    {
        auto l = std::make_unique<List>();
        for (int i = 0; i < 50; i++)
            l->push_back("v" + std::to_string(i));
        keyspace::Keyspace ks(1);
        keyspace::Entry* e =
            ks.db(0).add_object("k", 0, keyspace::Type::List, keyspace::Encoding::QuickList,
                                std::move(l), keyspace::kNoExpire, 0);
        StringSink sink(&good);
        RdbWriter w(sink, false);
        REQUIRE(write_list_value(w, e));
    }
    for (size_t n = 0; n < good.size(); n++) {
        RdbValue t;
        CHECK_FALSE(decode(kTypeListQuicklist2, good.substr(0, n), &t));
    }
}
