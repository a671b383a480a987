// Sorted sets in RDB form (src/persistence/rdb_zset.h): our DUMP round-trips through our
// RESTORE decoder in both encodings; redis-server 7.0.15's DUMP payloads (listpack, type 17,
// and skiplist, type 5) decode to the same members and encodings; the older plain (3) and
// ziplist (12) types load; hostile payloads (duplicates, NaN, truncation, odd blobs, empty
// sets) are clean errors.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "common/crc16.h"
#include "keyspace/keyspace.h"
#include "keyspace/zset.h"
#include "persistence/dump.h"
#include "persistence/rdb_io.h"
#include "persistence/rdb_reader.h"

using namespace slotcache;
using namespace slotcache::persistence;
using keyspace::ZSet;

namespace {

std::string unhex(std::string_view h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

std::vector<std::pair<std::string, double>> elements(const ZSet& z) {
    std::vector<std::pair<std::string, double>> out;
    ZSet::Iter it = z.iter(0, z.size(), false);
    std::string_view m;
    double s;
    while (it.next(&m, &s)) {
        out.emplace_back(std::string(m), s);
    }
    return out;
}

// Decodes one value of RDB type `type` from body; returns the zset or nullptr with *err.
std::unique_ptr<keyspace::Object> load(uint8_t type, const std::string& body, std::string* err) {
    BufferSource src(body);
    RdbReader r(src);
    RdbValue v;
    if (!read_value(r, type, &v)) {
        *err = r.error();
        return nullptr;
    }
    CHECK(v.type == keyspace::Type::ZSet);
    CHECK(v.encoding == static_cast<ZSet*>(v.object.get())->encoding());
    return std::move(v.object);
}

}  // namespace

TEST_CASE("rdb zset: our DUMP restores to the same members, scores and encoding") {
    keyspace::Keyspace ks(1);
    for (int n : {3, 500}) {
        auto z = std::make_unique<ZSet>();
        for (int i = 0; i < n; i++) {
            z->insert("m" + std::to_string(i), i % 3 == 0 ? i * 0.1 : -i);
        }
        z->insert("inf", INFINITY);
        if (n > 128) {
            z->convert_to_skiplist();
        }
        auto want = elements(*z);
        keyspace::Encoding enc = z->encoding();
        std::string key = "k" + std::to_string(n);
        keyspace::Entry* e = ks.db(0).add_object(key, key_slot(key), keyspace::Type::ZSet, enc,
                                                 std::move(z), keyspace::kNoExpire, 0);
        std::string payload;
        REQUIRE(dump_payload(e, true, &payload));
        CHECK(static_cast<uint8_t>(payload[0]) == 5);  // zset-2
        REQUIRE(verify_dump_payload(payload));
        RdbValue v;
        std::string err;
        REQUIRE(decode_dump_payload(payload, &v, &err));
        auto* got = static_cast<ZSet*>(v.object.get());
        CHECK(got->encoding() == enc);
        CHECK(elements(*got) == want);
    }
}

TEST_CASE("rdb zset: redis-server 7.0's DUMP payloads (listpack and skiplist) restore") {
    // ZADD t 1 a 2.5 b -inf c (listpack, type 17).
    std::string lp =
        unhex("111d1d0000000600816302842d696e6605816102010181620283322e3504ff0a003992339be11f323d");
    // ZADD u 1 a 2.5 b with zset-max-listpack-entries 1 (skiplist, written as type 5).
    std::string sl = unhex("0502016200000000000004400161000000000000f03f0a00f46eb73919767291");
    for (const std::string* p : {&lp, &sl}) {
        REQUIRE(verify_dump_payload(*p));
        RdbValue v;
        std::string err;
        REQUIRE_MESSAGE(decode_dump_payload(*p, &v, &err), err);
        auto* z = static_cast<ZSet*>(v.object.get());
        double s;
        CHECK(z->score("a", &s));
        CHECK(s == 1);
        CHECK(z->score("b", &s));
        CHECK(s == 2.5);
        CHECK(z->check());
    }
    RdbValue v;
    std::string err;
    REQUIRE(decode_dump_payload(lp, &v, &err));
    auto* z = static_cast<ZSet*>(v.object.get());
    CHECK(z->encoding() == keyspace::Encoding::ListPack);
    CHECK(z->rank("c") == 0);  // -inf first
}

TEST_CASE("rdb zset: the plain type 3 (string scores) and the ziplist type 12 load") {
    // Type 3: 2 elements: "a" -> "1.5", "b" -> 254 (+inf).
    std::string t3 = std::string("\x02", 1) +
                     "\x01"
                     "a"
                     "\x03"
                     "1.5" +
                     "\x01"
                     "b" +
                     "\xfe";
    std::string err;
    auto o = load(3, t3, &err);
    REQUIRE_MESSAGE(o != nullptr, err);
    auto* z = static_cast<ZSet*>(o.get());
    CHECK(elements(*z) == std::vector<std::pair<std::string, double>>{{"a", 1.5}, {"b", INFINITY}});

    // Type 12: ziplist a, 1 (immediate int), b, "2.5".
    std::string zl = unhex(
        "18000000120000000400000161"
        "03f2"
        "020162"
        "0303322e35"
        "ff");
    std::string t12 = std::string(1, static_cast<char>(zl.size())) + zl;
    o = load(12, t12, &err);
    REQUIRE_MESSAGE(o != nullptr, err);
    z = static_cast<ZSet*>(o.get());
    CHECK(elements(*z) == std::vector<std::pair<std::string, double>>{{"a", 1}, {"b", 2.5}});
    CHECK(z->encoding() == keyspace::Encoding::ListPack);
}

TEST_CASE("rdb zset: loading picks skiplist past zset-max-listpack-entries / -value") {
    keyspace::ZSetLimits saved = keyspace::zset_listpack_limits();
    keyspace::set_zset_listpack_limits({2, 64});
    // Type 5 with three elements.
    std::string t5 = "\x03";
    for (const char* m : {"a", "b", "c"}) {
        t5 += "\x01";
        t5 += m;
        t5 += std::string("\x00\x00\x00\x00\x00\x00\xf0\x3f", 8);  // 1.0
    }
    std::string err;
    auto o = load(5, t5, &err);
    REQUIRE_MESSAGE(o != nullptr, err);
    CHECK(static_cast<ZSet*>(o.get())->encoding() == keyspace::Encoding::SkipList);
    keyspace::set_zset_listpack_limits({128, 1});
    std::string t5b = std::string(
                          "\x01\x02"
                          "ab",
                          4) +
                      std::string("\x00\x00\x00\x00\x00\x00\xf0\x3f", 8);
    o = load(5, t5b, &err);
    REQUIRE_MESSAGE(o != nullptr, err);
    CHECK(static_cast<ZSet*>(o.get())->encoding() == keyspace::Encoding::SkipList);
    keyspace::set_zset_listpack_limits(saved);
}

TEST_CASE("rdb zset: duplicates, NaN, truncation, odd blobs and empty sets are errors") {
    std::string err;
    std::string one = std::string("\x00\x00\x00\x00\x00\x00\xf0\x3f", 8);
    // Duplicate member.
    CHECK(load(5,
               std::string("\x02\x01"
                           "a",
                           3) +
                   one +
                   "\x01"
                   "a" +
                   one,
               &err) == nullptr);
    CHECK(err.find("duplicate") != std::string::npos);
    // NaN score (type 3's 253).
    CHECK(load(3,
               std::string("\x01\x01"
                           "a"
                           "\xfd",
                           4),
               &err) == nullptr);
    CHECK(err.find("NaN") != std::string::npos);
    // Bad score text.
    CHECK(load(3,
               std::string("\x01\x01"
                           "a"
                           "\x02"
                           "zz",
                           6),
               &err) == nullptr);
    // Empty.
    CHECK(load(5, std::string("\x00", 1), &err) == nullptr);
    // A length far beyond the bytes left.
    CHECK(load(5, std::string("\x80\x7f\xff\xff\xff", 5), &err) == nullptr);
    // Truncated score.
    CHECK(load(5,
               std::string("\x01\x01"
                           "a"
                           "\x00\x00",
                           5),
               &err) == nullptr);
    // Ziplist with an odd number of items (a, 1, b).
    std::string zl = unhex(
        "13000000100000000300000161"
        "03f2"
        "020162"
        "ff");
    CHECK(load(12, std::string(1, static_cast<char>(zl.size())) + zl, &err) == nullptr);
    // A listpack whose header lies about its size.
    std::string lp = unhex("ff000000020001610101ff");
    CHECK(load(17, std::string(1, static_cast<char>(lp.size())) + lp, &err) == nullptr);
}

TEST_CASE("rdb zset: a listpack blob past zset-max-listpack-entries loads as skiplist") {
    // 200 pairs "m000".."m199" -> i % 100 (7-bit integers), built as Redis' listpack.
    std::string entries;
    for (int i = 0; i < 200; i++) {
        char m[8];
        std::snprintf(m, sizeof(m), "m%03d", i);
        entries += static_cast<char>(0x80 | 4);  // 6-bit string, 4 bytes
        entries += std::string(m, 4);
        entries += static_cast<char>(5);  // backlen
        entries += static_cast<char>(i % 100);  // 7-bit uint
        entries += static_cast<char>(1);
    }
    uint32_t total = static_cast<uint32_t>(6 + entries.size() + 1);
    std::string blob;
    for (int i = 0; i < 4; i++) {
        blob += static_cast<char>((total >> (8 * i)) & 0xFF);
    }
    blob += static_cast<char>(400 & 0xFF);
    blob += static_cast<char>(400 >> 8);
    blob += entries;
    blob += static_cast<char>(0xFF);
    std::string body;
    body += static_cast<char>(0x40 | (blob.size() >> 8));  // 14-bit length
    body += static_cast<char>(blob.size() & 0xFF);
    body += blob;
    std::string err;
    auto o = load(17, body, &err);
    REQUIRE_MESSAGE(o != nullptr, err);
    auto* z = static_cast<ZSet*>(o.get());
    CHECK(z->size() == 200);
    CHECK(z->encoding() == keyspace::Encoding::SkipList);
    double s;
    CHECK(z->score("m150", &s));
    CHECK(s == 50);
    CHECK(z->check());
}
