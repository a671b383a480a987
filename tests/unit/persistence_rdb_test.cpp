// The RDB codec: CRC64, LZF, length and string encodings, whole-keyspace round trips, files
// and DUMP payloads written by redis-server 7.0.15 (tests/unit/fixtures), and rejection of
// truncated and corrupted input at every length and byte.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "common/crc16.h"
#include "common/crc64.h"
#include "keyspace/keyspace.h"
#include "persistence/dump.h"
#include "persistence/lzf.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"

using namespace slotcache;
using namespace slotcache::persistence;
using keyspace::Entry;
using keyspace::Keyspace;
using keyspace::kNoExpire;

namespace {

constexpr int64_t kNow = 1'700'000'000'000;

std::string fixture(const char* name) {
    std::ifstream f(std::string("tests/unit/fixtures/") + name, std::ios::binary);
    REQUIRE_MESSAGE(f.good(), "missing fixture ", name, " (run the tests from the repo root)");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void put(Keyspace& ks, int db, std::string_view k, std::string_view v, int64_t exp = kNoExpire) {
    ks.db(db).set_string(k, key_slot(k), v, exp, kNow);
}

const Entry* find(Keyspace& ks, int db, std::string_view k) {
    return ks.db(db).find(k, key_slot(k));
}

std::string value_of(const Entry* e) {
    char buf[keyspace::kIntBufLen];
    return std::string(e->string_value(buf));
}

// Every key of every Db as "db/key" -> "value|expire".
std::map<std::string, std::string> contents(const Keyspace& ks) {
    std::map<std::string, std::string> out;
    for (int i = 0; i < ks.db_count(); i++) {
        uint64_t c = 0;
        do {
            c = ks.db(i).scan_step(c, [&](const Entry* e) {
                out[std::to_string(i) + "/" + std::string(e->key())] =
                    value_of(e) + "|" + std::to_string(e->expire_at);
            });
        } while (c != 0);
    }
    return out;
}

std::string write_all(const Keyspace& ks, bool compress = true, bool checksum = true) {
    std::string out;
    StringSink sink(&out);
    WriteOptions o;
    o.now_ms = kNow;
    o.compress = compress;
    o.checksum = checksum;
    REQUIRE(write_rdb(ks, sink, o));
    return out;
}

bool load(std::string_view data, Keyspace& ks, std::string* err, bool replica = false,
          LoadStats* stats_out = nullptr) {
    BufferSource src(data);
    LoadOptions o;
    o.now_ms = kNow;
    o.replica = replica;
    LoadStats st;
    bool ok = load_rdb(src, ks, o, &st, err);
    if (stats_out) *stats_out = st;
    return ok;
}

std::string random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

// A keyspace covering every string encoding, expires and several Dbs.
void fill_sample(Keyspace& ks) {
    put(ks, 0, "str", "hello");
    put(ks, 0, "empty", "");
    put(ks, 0, "int8", "100");
    put(ks, 0, "int16", "-1000");
    put(ks, 0, "int32", "1000000");
    put(ks, 0, "int32max", "2147483647");
    put(ks, 0, "bigint", "123456789012");
    put(ks, 0, "llmin", "-9223372036854775808");
    put(ks, 0, "lead0", "0123");
    put(ks, 0, "plus", "+5");
    put(ks, 0, "compressible", std::string(5000, 'a') + "tail");
    put(ks, 0, "incompressible", random_bytes(300, 1));
    put(ks, 0, "binary", std::string("\0\r\n\xff", 4));
    put(ks, 0, "ttl", "v", kNow + 100000);
    put(ks, 1, "len14", std::string(16383, 'x') + random_bytes(1, 2));
    put(ks, 1, "len32", random_bytes(70000, 3));
    put(ks, 15, "last", "db", kNow + 1);
    for (int i = 0; i < 500; i++) put(ks, 2, "k:" + std::to_string(i), std::to_string(i * 7));
}

}  // namespace

TEST_CASE("crc64: Jones check value matches Redis' test (crc64 of 123456789)") {
    CHECK(crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9caULL);
    CHECK(crc64(crc64(0, "1234", 4), "56789", 5) == 0xe9c6d914c4b8d9caULL);
}

TEST_CASE("lzf: compress then decompress gives the input back; repetitive input shrinks") {
    LzfCompressor c;
    std::vector<std::string> inputs = {std::string(10000, 'a'), random_bytes(5000, 9),
                                       "abcabcabcabcabcabcabcabcabcabcabcabc",
                                       std::string(100000, 'x') + random_bytes(100, 4)};
    std::string mixed;
    for (int i = 0; i < 2000; i++) mixed += "key:" + std::to_string(i % 37) + ",";
    inputs.push_back(mixed);
    for (const auto& in : inputs) {
        std::vector<uint8_t> out(in.size() + in.size() / 16 + 64);
        size_t n = c.compress(reinterpret_cast<const uint8_t*>(in.data()), in.size(), out.data(),
                              out.size());
        REQUIRE(n > 0);
        std::string back(in.size(), '\0');
        REQUIRE(lzf_decompress(out.data(), n, reinterpret_cast<uint8_t*>(back.data()), back.size()));
        CHECK(back == in);
        // Wrong plain length is refused both ways.
        CHECK_FALSE(lzf_decompress(out.data(), n, reinterpret_cast<uint8_t*>(back.data()),
                                   back.size() - 1));
    }
    std::vector<uint8_t> out(10000);
    CHECK(c.compress(reinterpret_cast<const uint8_t*>(inputs[0].data()), 10000, out.data(),
                     out.size()) < 200);
    // Output that does not fit in the buffer -> 0 (the caller stores the string plainly).
    CHECK(c.compress(reinterpret_cast<const uint8_t*>(inputs[1].data()), 5000, out.data(), 4996) ==
          0);
}

TEST_CASE("lzf: a back reference before the start of the output is rejected") {
    const uint8_t bad[] = {0x20, 0x05};  // ref of 3 bytes, 6 back, with nothing produced
    uint8_t out[3];
    CHECK_FALSE(lzf_decompress(bad, sizeof bad, out, 3));
    const uint8_t run[] = {0x05, 'a'};  // literal of 6 bytes, only 1 present
    uint8_t out6[6];
    CHECK_FALSE(lzf_decompress(run, sizeof run, out6, 6));
}

TEST_CASE("rdb: lengths of every width round-trip through writer and reader") {
    const uint64_t lens[] = {0, 63, 64, 16383, 16384, 0xffffffffULL, 0x100000000ULL, UINT64_MAX};
    const size_t sizes[] = {1, 1, 2, 2, 5, 5, 9, 9};
    for (size_t i = 0; i < std::size(lens); i++) {
        std::string buf;
        StringSink sink(&buf);
        RdbWriter w(sink, false);
        REQUIRE(w.write_length(lens[i]));
        CHECK(buf.size() == sizes[i]);
        BufferSource src(buf);
        RdbReader r(src);
        uint64_t got;
        bool enc;
        REQUIRE(r.read_length(&got, &enc));
        CHECK_FALSE(enc);
        CHECK(got == lens[i]);
    }
}

TEST_CASE("rdb: strings pick Redis' encodings (INT8/16/32 for canonical integers, LZF, plain)") {
    auto enc = [](std::string_view s, bool compress = true) {
        std::string buf;
        StringSink sink(&buf);
        RdbWriter w(sink, compress);
        REQUIRE(w.write_string(s));
        return buf;
    };
    CHECK(enc("100") == std::string("\xc0\x64", 2));
    CHECK(enc("-1000") == std::string("\xc1\x18\xfc", 3));
    CHECK(enc("1000000") == std::string("\xc2\x40\x42\x0f\x00", 5));
    CHECK(enc("0123") == std::string("\x04" "0123", 5));  // not canonical: plain
    CHECK(enc("2147483648") == std::string("\x0a" "2147483648", 11));
    CHECK(static_cast<uint8_t>(enc(std::string(100, 'z'))[0]) == 0xc3);
    CHECK(enc(std::string(100, 'z'), false).size() == 102);  // 14-bit length
    CHECK(enc(std::string(20, 'z')).size() == 21);  // too short to compress
    std::string big(300, 'q');
    std::string e = enc(big);
    BufferSource src(e);
    RdbReader r(src);
    std::string back;
    REQUIRE(r.read_string(&back));
    CHECK(back == big);
}

TEST_CASE("rdb: a keyspace round-trips with values, TTLs and Dbs (compressed and not)") {
    for (bool compress : {true, false}) {
        Keyspace a;
        fill_sample(a);
        std::string data = write_all(a, compress);
        CHECK(data.substr(0, 9) == "REDIS0010");
        Keyspace b;
        std::string err;
        LoadStats st;
        REQUIRE_MESSAGE(load(data, b, &err, false, &st), err);
        CHECK(contents(a) == contents(b));
        CHECK(st.keys_loaded == a.total_keys());
        CHECK(st.aux.redis_ver == "7.0.15");
        CHECK(st.aux.ctime == kNow / 1000);
        CHECK(find(b, 0, "int8")->encoding() == keyspace::Encoding::Int);
    }
}

TEST_CASE("rdb: repl AUX fields are written and read back") {
    Keyspace a;
    put(a, 0, "k", "v");
    ReplInfo ri{std::string(40, 'a'), 123456789012LL, 3};
    std::string out;
    StringSink sink(&out);
    WriteOptions o;
    o.now_ms = kNow;
    o.repl = &ri;
    REQUIRE(write_rdb(a, sink, o));
    Keyspace b;
    std::string err;
    LoadStats st;
    REQUIRE(load(out, b, &err, false, &st));
    CHECK(st.aux.repl_id == ri.repl_id);
    CHECK(st.aux.repl_offset == ri.repl_offset);
    CHECK(st.aux.repl_stream_db == 3);
}

TEST_CASE("rdb: an empty keyspace is header, AUX, EOF and checksum; checksum off writes zeros") {
    Keyspace a;
    std::string data = write_all(a);
    Keyspace b;
    std::string err;
    REQUIRE(load(data, b, &err));
    CHECK(b.total_keys() == 0);
    std::string nock = write_all(a, true, false);
    CHECK(nock.substr(nock.size() - 8) == std::string(8, '\0'));
    REQUIRE(load(nock, b, &err));
}

TEST_CASE("rdb: keys whose TTL passed are skipped on a master, kept on a replica") {
    Keyspace a;
    put(a, 0, "live", "1", kNow + 5000);
    put(a, 0, "dead", "2", kNow - 5000);
    std::string data = write_all(a);
    Keyspace m, r;
    std::string err;
    LoadStats st;
    REQUIRE(load(data, m, &err, false, &st));
    CHECK(st.expired_skipped == 1);
    CHECK(find(m, 0, "dead") == nullptr);
    CHECK(find(m, 0, "live") != nullptr);
    REQUIRE(load(data, r, &err, true));
    REQUIRE(find(r, 0, "dead") != nullptr);
    CHECK(find(r, 0, "dead")->expire_at == kNow - 5000);
}

TEST_CASE("rdb: a file written by redis-server 7.0.15 loads with the same keys and TTLs") {
    std::string data = fixture("redis_strings.rdb");
    Keyspace ks;
    std::string err;
    LoadStats st;
    REQUIRE_MESSAGE(load(data, ks, &err, false, &st), err);
    CHECK(st.rdb_version == 10);
    CHECK(st.aux.redis_ver == "7.0.15");
    CHECK(value_of(find(ks, 0, "str")) == "hello");
    CHECK(value_of(find(ks, 0, "int8")) == "100");
    CHECK(value_of(find(ks, 0, "int16")) == "-1000");
    CHECK(value_of(find(ks, 0, "int32")) == "1000000");
    CHECK(value_of(find(ks, 0, "bigint")) == "123456789012");
    CHECK(value_of(find(ks, 0, "neg")) == "-5");
    CHECK(value_of(find(ks, 0, "empty")).empty());
    std::string longv;
    for (int i = 0; i < 100; i++) longv += "abcdefgh";
    CHECK(value_of(find(ks, 0, "long")) == longv);  // LZF in the file
    CHECK(value_of(find(ks, 0, "incomp")).size() == 300);
    CHECK(value_of(find(ks, 0, "lead0")) == "0123");
    CHECK(value_of(find(ks, 0, "key with spaces")) == "07");
    std::string bin;
    for (int i = 0; i < 256; i++) bin += static_cast<char>(i);
    CHECK(value_of(find(ks, 0, "bin")) == bin);
    CHECK(find(ks, 0, "ttlkey")->expire_at == 4102444800000LL);
    CHECK(find(ks, 0, "ttl2")->has_expire());
    CHECK(value_of(find(ks, 3, "indb3")) == "x3");
    CHECK(value_of(find(ks, 3, "k2")) == std::string(20000, 'z'));
    CHECK(ks.total_keys() == 16);
}

TEST_CASE("rdb: a Redis file with a list loads; a function library is refused clearly") {
    Keyspace ks;
    std::string err;
    CHECK(load(fixture("redis_list.rdb"), ks, &err));
    const slotcache::keyspace::Entry* l = find(ks, 0, "mylist");
    REQUIRE(l != nullptr);
    CHECK(l->type() == slotcache::keyspace::Type::List);
    Keyspace ks2;
    CHECK_FALSE(load(fixture("redis_function.rdb"), ks2, &err));
    CHECK(err.find("function library") != std::string::npos);
}

TEST_CASE("rdb: duplicated keys, out-of-range Db, newer versions and bad checksums are refused") {
    std::string err;
    {
        Keyspace a;
        put(a, 0, "k", "v");
        std::string data = write_all(a, true, false);
        // Insert a second copy of the key record just before EOF.
        size_t eof = data.size() - 9;
        std::string rec = std::string(1, '\0') + "\x01k\x01v";
        data.insert(eof, rec);
        Keyspace b;
        CHECK_FALSE(load(data, b, &err));
        CHECK(err.find("duplicated key 'k' in DB 0") != std::string::npos);
    }
    {
        Keyspace a(16);
        put(a, 0, "k", "v");
        put(a, 9, "k9", "v");
        Keyspace small(4);
        CHECK_FALSE(load(write_all(a), small, &err));
        CHECK(err.find("DB index 9 is out of range") != std::string::npos);
    }
    {
        Keyspace a;
        std::string data = write_all(a);
        data[8] = '1';  // REDIS0011
        Keyspace b;
        CHECK_FALSE(load(data, b, &err));
        CHECK(err.find("can't handle RDB format version 11") != std::string::npos);
    }
    {
        Keyspace a;
        put(a, 0, "k", "value");
        std::string data = write_all(a);
        data[data.size() - 12] ^= 1;  // inside the last value
        Keyspace b;
        CHECK_FALSE(load(data, b, &err));
        CHECK(err.find("wrong RDB checksum") != std::string::npos);
    }
}

TEST_CASE("rdb: every truncation of a file is rejected with an offset, never a crash") {
    Keyspace a;
    fill_sample(a);
    std::string data = write_all(a);
    for (size_t n = 0; n < data.size(); n += (n < 4000 ? 1 : 97)) {
        Keyspace b;
        std::string err;
        REQUIRE_FALSE(load(std::string_view(data).substr(0, n), b, &err));
        CHECK(err.rfind("offset ", 0) == 0);
    }
}

TEST_CASE("rdb: every single-byte corruption of a small file is rejected") {
    Keyspace a;
    put(a, 0, "str", "hello");
    put(a, 0, "n", "12345");
    put(a, 0, "long", std::string(200, 'a') + "b", kNow + 100000);
    std::string data = write_all(a);
    for (size_t i = 0; i < data.size(); i++) {
        for (uint8_t x : {0x01, 0x80, 0xff}) {
            std::string bad = data;
            bad[i] = static_cast<char>(bad[i] ^ x);
            Keyspace b;
            std::string err;
            CHECK_FALSE_MESSAGE(load(bad, b, &err), "byte ", i, " xor ", int(x));
        }
    }
}

TEST_CASE("rdb: a file cannot make the reader allocate more than its input can describe") {
    // A string claiming 400 MB with 10 bytes of input.
    std::string data = std::string("REDIS0010\x00\x01k\x80\x18\x00\x00\x00", 17) + "0123456789";
    Keyspace ks;
    std::string err;
    CHECK_FALSE(load(data, ks, &err));
    CHECK(err.find("exceeds the remaining input") != std::string::npos);
    // An LZF string claiming a 500 MB plain length from 4 compressed bytes.
    std::string lzf = std::string("REDIS0010\x00\x01k\xc3\x04\x80\x1d\xcd\x65\x00", 19) + "abcd";
    CHECK_FALSE(load(lzf, ks, &err));
    CHECK(err.find("invalid LZF lengths") != std::string::npos);
}

TEST_CASE("rdb: MODULE_AUX records are skipped; IDLE, FREQ and second expires are read") {
    std::string body;
    StringSink sink(&body);
    RdbWriter w(sink, false);
    REQUIRE(w.write_header());
    // MODULE_AUX: id, when-opcode UINT, when, then UINT 7, STRING "abc", DOUBLE, EOF.
    REQUIRE(w.write_u8(kOpModuleAux));
    REQUIRE((w.write_length(12345) && w.write_length(kModuleOpUint) && w.write_length(2)));
    REQUIRE((w.write_length(kModuleOpUint) && w.write_length(7)));
    REQUIRE((w.write_length(kModuleOpString) && w.write_string("abc")));
    REQUIRE((w.write_length(kModuleOpDouble) && w.write_raw("12345678", 8)));
    REQUIRE(w.write_length(kModuleOpEof));
    REQUIRE((w.write_u8(kOpIdle) && w.write_length(100)));
    REQUIRE((w.write_u8(kOpFreq) && w.write_u8(5)));
    REQUIRE((w.write_u8(kTypeString) && w.write_string("a") && w.write_string("1")));
    const uint8_t secs[] = {kOpExpireTime, 0x00, 0x00, 0x00, 0x7f};  // 2^31 - 2^24 s: future
    REQUIRE(w.write_raw(secs, sizeof secs));
    REQUIRE((w.write_u8(kTypeString) && w.write_string("b") && w.write_string("2")));
    REQUIRE(w.write_eof(true));
    Keyspace ks;
    std::string err;
    LoadStats st;
    REQUIRE_MESSAGE(load(body, ks, &err, false, &st), err);
    CHECK(st.module_aux_skipped == 1);
    CHECK(value_of(find(ks, 0, "a")) == "1");
    CHECK(find(ks, 0, "b")->expire_at == 0x7f000000LL * 1000);
}

TEST_CASE("dump: payloads match redis-server 7.0.15 byte for byte and restore its payloads") {
    Keyspace ks;
    put(ks, 0, "str", "hello");
    put(ks, 0, "int8", "100");
    std::string p;
    REQUIRE(dump_payload(find(ks, 0, "str"), true, &p));
    CHECK(p == fixture("redis_dump_str.bin"));
    REQUIRE(dump_payload(find(ks, 0, "int8"), true, &p));
    CHECK(p == fixture("redis_dump_int.bin"));

    std::string lz = fixture("redis_dump_lzf.bin");
    REQUIRE(verify_dump_payload(lz));
    RdbValue v;
    std::string err;
    REQUIRE(decode_dump_payload(lz, &v, &err));
    std::string longv;
    for (int i = 0; i < 100; i++) longv += "abcdefgh";
    CHECK(v.str == longv);

    std::string list = fixture("redis_dump_list.bin");
    CHECK(verify_dump_payload(list));
    RdbValue lv;
    CHECK(decode_dump_payload(list, &lv, &err));
    CHECK(lv.type == slotcache::keyspace::Type::List);
}

TEST_CASE("dump: a newer version, a wrong checksum or a short payload fail verification") {
    Keyspace ks;
    put(ks, 0, "k", std::string(100, 'v'));
    std::string p;
    REQUIRE(dump_payload(find(ks, 0, "k"), true, &p));
    CHECK(verify_dump_payload(p));
    RdbValue v;
    std::string err;
    REQUIRE(decode_dump_payload(p, &v, &err));
    CHECK(v.str == std::string(100, 'v'));
    for (size_t i = 0; i < p.size(); i++) {
        std::string bad = p;
        bad[i] ^= 0x10;
        CHECK_FALSE(verify_dump_payload(bad));
    }
    CHECK_FALSE(verify_dump_payload(p.substr(0, 9)));
    CHECK_FALSE(verify_dump_payload(""));
    // Version 11 with a correct checksum is still refused.
    std::string v11 = p.substr(0, p.size() - 10) + std::string("\x0b\x00", 2);
    uint64_t crc = crc64(0, v11.data(), v11.size());
    for (int i = 0; i < 8; i++) v11 += static_cast<char>(crc >> (8 * i));
    CHECK_FALSE(verify_dump_payload(v11));
    // Older versions verify.
    std::string v9 = p.substr(0, p.size() - 10) + std::string("\x09\x00", 2);
    crc = crc64(0, v9.data(), v9.size());
    for (int i = 0; i < 8; i++) v9 += static_cast<char>(crc >> (8 * i));
    CHECK(verify_dump_payload(v9));
}
