// Hashes in the RDB codec (src/persistence/rdb_hash.h): round trips of both encodings through
// a whole RDB and through DUMP payloads, DUMPs written by redis-server 7.0.15 (a listpack, type
// 16, and a hashtable, type 4), hand-made ziplist (13) and zipmap (9) blobs, the encoding chosen
// by the limits, and the refusal of duplicates, empty hashes, odd blobs and truncations.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "common/crc16.h"
#include "keyspace/hash.h"
#include "keyspace/keyspace.h"
#include "persistence/dump.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"

using namespace slotcache;
using namespace slotcache::persistence;
using keyspace::Encoding;
using keyspace::Hash;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;
using Pairs = std::map<std::string, std::string>;

std::string fixture(const char* name) {
    std::ifstream f(std::string("tests/unit/fixtures/") + name, std::ios::binary);
    REQUIRE_MESSAGE(f.good(), "missing fixture ", name, " (run the tests from the repo root)");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

Pairs pairs_of(const Hash& h) {
    Pairs out;
    h.for_each([&](std::string_view f, std::string_view v) { out[std::string(f)] = v; });
    return out;
}

// Decodes a value body: type byte then the RDB value.
bool decode(const std::string& body, RdbValue* v, std::string* err) {
    BufferSource src(body);
    RdbReader r(src);
    uint8_t type;
    bool ok = r.read_u8(&type) && read_value(r, type, v);
    *err = r.error();
    return ok;
}

std::string str(std::string_view s) {
    // An RDB string with a 6-bit length (tests keep blobs under 64 bytes).
    REQUIRE(s.size() < 64);
    return std::string(1, static_cast<char>(s.size())) + std::string(s);
}

// A ziplist of short strings (ziplist.c: zlbytes, zltail, zllen, entries, 0xFF).
std::string ziplist(const std::vector<std::string>& items) {
    std::string body;
    size_t prev = 0;
    size_t tail = 10;
    for (const std::string& it : items) {
        tail = 10 + body.size();
        std::string e;
        e.push_back(static_cast<char>(prev));
        e.push_back(static_cast<char>(it.size()));  // 00pppppp: string up to 63 bytes
        e += it;
        body += e;
        prev = e.size();
    }
    std::string s;
    auto le = [&](uint64_t v, int n) {
        for (int i = 0; i < n; i++)
            s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    le(10 + body.size() + 1, 4);
    le(tail, 4);
    le(items.size(), 2);
    return s + body + "\xFF";
}

void with_limits(size_t entries, size_t value) {
    keyspace::set_hash_limits({entries, value});
}

struct LimitsGuard {
    ~LimitsGuard() { keyspace::set_hash_limits({}); }
};

}  // namespace

TEST_CASE("rdb hash: a redis-server 7.0 listpack DUMP (type 16) restores as listpack") {
    LimitsGuard g;
    with_limits(512, 64);
    std::string p = fixture("redis_dump_hash_listpack.bin");
    REQUIRE(verify_dump_payload(p));
    RdbValue v;
    std::string err;
    REQUIRE_MESSAGE(decode_dump_payload(p, &v, &err), err);
    CHECK(v.type == keyspace::Type::Hash);
    CHECK(v.encoding == Encoding::ListPack);
    auto* h = static_cast<Hash*>(v.object.get());
    CHECK(pairs_of(*h) ==
          Pairs{{"a", "1"}, {"b", "2"}, {"c", "300000"}, {"d", "-5"}, {"e", "hello world"}});
}

TEST_CASE("rdb hash: a redis-server 7.0 hashtable DUMP (type 4) restores; limits decide") {
    LimitsGuard g;
    std::string p = fixture("redis_dump_hash_table.bin");
    for (size_t entries : {size_t{512}, size_t{1000}}) {
        with_limits(entries, 64);
        RdbValue v;
        std::string err;
        REQUIRE_MESSAGE(decode_dump_payload(p, &v, &err), err);
        auto* h = static_cast<Hash*>(v.object.get());
        CHECK(h->size() == 600);
        CHECK(v.encoding == (entries == 512 ? Encoding::HashTable : Encoding::ListPack));
        std::string_view val;
        REQUIRE(h->get("f600", &val));
        CHECK(val == "v600");
    }
}

TEST_CASE("rdb hash: our DUMP is type 4 and restores equal, for both encodings") {
    LimitsGuard g;
    for (int n : {3, 700}) {
        keyspace::Keyspace ks(1);
        auto obj = std::make_unique<Hash>();
        for (int i = 0; i < n; i++) {
            obj->set("field" + std::to_string(i),
                     i % 2 ? std::to_string(i) : "s" + std::to_string(i), keyspace::HashLimits{});
        }
        Encoding enc = obj->encoding();
        Pairs want = pairs_of(*obj);
        keyspace::Entry* e = ks.db(0).add_object("h", key_slot("h"), keyspace::Type::Hash, enc,
                                                 std::move(obj), keyspace::kNoExpire, kNow);
        std::string payload;
        REQUIRE(dump_payload(e, false, &payload));
        CHECK(static_cast<uint8_t>(payload[0]) == kTypeHash);
        RdbValue v;
        std::string err;
        REQUIRE_MESSAGE(decode_dump_payload(payload, &v, &err), err);
        CHECK(v.encoding == enc);
        CHECK(pairs_of(*static_cast<Hash*>(v.object.get())) == want);
    }
}

TEST_CASE("rdb hash: a whole RDB with hashes of both encodings loads back equal") {
    LimitsGuard g;
    keyspace::Keyspace ks(1);
    std::map<std::string, Pairs> want;
    for (int k = 0; k < 20; k++) {
        std::string key = "hash:" + std::to_string(k);
        auto obj = std::make_unique<Hash>();
        for (int i = 0; i < k * 50 + 1; i++) {
            obj->set("f" + std::to_string(i), std::string(static_cast<size_t>(i % 90), 'x'),
                     keyspace::HashLimits{});
        }
        want[key] = pairs_of(*obj);
        Encoding enc = obj->encoding();
        ks.db(0).add_object(key, key_slot(key), keyspace::Type::Hash, enc, std::move(obj),
                            keyspace::kNoExpire, kNow);
    }
    std::string file;
    StringSink sink(&file);
    WriteOptions wo;
    wo.now_ms = kNow;
    REQUIRE(write_rdb(ks, sink, wo));
    keyspace::Keyspace back(1);
    BufferSource src(file);
    LoadOptions lo;
    lo.now_ms = kNow;
    LoadStats st;
    std::string err;
    REQUIRE_MESSAGE(load_rdb(src, back, lo, &st, &err), err);
    CHECK(st.keys_loaded == 20);
    for (auto& [key, pairs] : want) {
        const keyspace::Entry* e = back.db(0).find(key, key_slot(key));
        REQUIRE(e != nullptr);
        const Hash* h = keyspace::hash_of(e);
        REQUIRE(h != nullptr);
        CHECK(e->encoding() == h->encoding());
        CHECK(pairs_of(*h) == pairs);
    }
}

TEST_CASE("rdb hash: hand-made ziplist (13) and zipmap (9) blobs") {
    LimitsGuard g;
    with_limits(512, 64);
    RdbValue v;
    std::string err;
    std::string zl = ziplist({"name", "ann", "age", "42"});
    REQUIRE_MESSAGE(decode(std::string(1, kTypeHashZiplist) + str(zl), &v, &err), err);
    CHECK(v.encoding == Encoding::ListPack);
    CHECK(pairs_of(*static_cast<Hash*>(v.object.get())) == Pairs{{"name", "ann"}, {"age", "42"}});

    // zipmap.c: zmlen, then (len key len free value [free bytes])*, 0xFF.
    std::string zm(
        "\x02\x03"
        "foo"
        "\x03\x02"
        "bar\x00\x00"
        "\x01"
        "x"
        "\x01\x00"
        "y\xff",
        18);
    RdbValue z;
    REQUIRE_MESSAGE(decode(std::string(1, kTypeHashZipmap) + str(zm), &z, &err), err);
    CHECK(pairs_of(*static_cast<Hash*>(z.object.get())) == Pairs{{"foo", "bar"}, {"x", "y"}});

    // A blob value past hash-max-listpack-value loads as a hashtable.
    with_limits(512, 2);
    RdbValue big;
    REQUIRE(decode(std::string(1, kTypeHashZiplist) + str(zl), &big, &err));
    CHECK(big.encoding == Encoding::HashTable);
}

TEST_CASE("rdb hash: duplicates, empty hashes, odd blobs and truncations are refused") {
    LimitsGuard g;
    RdbValue v;
    std::string err;
    // Plain type 4 with a duplicated field.
    std::string dup =
        std::string(1, kTypeHash) + "\x02" + str("a") + str("1") + str("a") + str("2");
    CHECK_FALSE(decode(dup, &v, &err));
    CHECK(err.find("duplicate hash field") != std::string::npos);
    CHECK_FALSE(decode(std::string(1, kTypeHash) + std::string(1, '\0'), &v, &err));
    CHECK(err.find("empty hash") != std::string::npos);
    // A length far beyond the input fails before allocating.
    CHECK_FALSE(decode(std::string(1, kTypeHash) + "\x80\x7f\xff\xff\xff", &v, &err));
    CHECK_FALSE(
        decode(std::string(1, kTypeHashZiplist) + str(ziplist({"a", "1", "a", "2"})), &v, &err));
    CHECK(err.find("duplicate") != std::string::npos);
    CHECK_FALSE(decode(std::string(1, kTypeHashZiplist) + str(ziplist({"a", "1", "b"})), &v, &err));
    CHECK(err.find("odd number") != std::string::npos);
    CHECK_FALSE(decode(std::string(1, kTypeHashZiplist) + str(ziplist({})), &v, &err));
    // Every truncation of a valid listpack payload body fails cleanly.
    std::string p = fixture("redis_dump_hash_listpack.bin");
    std::string body = p.substr(0, p.size() - 10);
    for (size_t n = 0; n < body.size(); n++) {
        RdbValue t;
        CHECK_FALSE(decode(body.substr(0, n), &t, &err));
    }
    // Every single-byte corruption of the listpack blob fails or decodes to a sane hash.
    for (size_t i = 2; i < body.size(); i++) {
        std::string bad = body;
        bad[i] = static_cast<char>(bad[i] ^ 0x5A);
        RdbValue t;
        if (decode(bad, &t, &err)) {
            CHECK(static_cast<Hash*>(t.object.get())->size() > 0);
        }
    }
}

TEST_CASE("rdb hash: a duplicate past 64 listpack fields is found (the set path)") {
    LimitsGuard g;
    with_limits(1000, 64);
    auto payload = [](bool dup) {
        std::string body(1, static_cast<char>(kTypeHash));
        body += "\x40";  // 14-bit length: 201 pairs
        body += static_cast<char>(201);
        for (int i = 0; i < 200; i++) {
            body += str("f" + std::to_string(i)) + str("v");
        }
        return body + str(dup ? "f100" : "f200") + str("v");
    };
    RdbValue v;
    std::string err;
    REQUIRE_MESSAGE(decode(payload(false), &v, &err), err);
    CHECK(v.encoding == Encoding::ListPack);
    CHECK(static_cast<Hash*>(v.object.get())->size() == 201);
    RdbValue d;
    CHECK_FALSE(decode(payload(true), &d, &err));
    CHECK(err.find("duplicate hash field 'f100'") != std::string::npos);
}
