// The packed-blob decoders (src/persistence/rdb_blobs.h): every entry encoding of listpack and
// ziplist, intset widths, zipmap, and the corruptions each must refuse.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "persistence/rdb_blobs.h"

using namespace slotcache::persistence;

namespace {

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int c : b) s.push_back(static_cast<char>(c));
    return s;
}

void put_le(std::string& s, uint64_t v, int n) {
    for (int i = 0; i < n; i++) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// A test-side listpack writer, entry by entry (the encoding bytes are given; the back-length
// is computed as listpack.c does).
struct LpBuilder {
    std::string body;
    int count = 0;
    void raw_entry(const std::string& enc_and_data) {
        body += enc_and_data;
        uint64_t l = enc_and_data.size();
        size_t n = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
        for (size_t i = 0; i < n; i++) {
            int b = static_cast<int>((l >> (7 * (n - 1 - i))) & 127);
            body.push_back(static_cast<char>(i == 0 ? b : b | 128));
        }
        count++;
    }
    void str(const std::string& v) {
        std::string e;
        if (v.size() < 64) {
            e.push_back(static_cast<char>(0x80 | v.size()));
        } else if (v.size() < 4096) {
            e.push_back(static_cast<char>(0xE0 | (v.size() >> 8)));
            e.push_back(static_cast<char>(v.size() & 0xFF));
        } else {
            e.push_back(static_cast<char>(0xF0));
            put_le(e, v.size(), 4);
        }
        raw_entry(e + v);
    }
    std::string finish(int declared = -1) const {
        std::string s;
        put_le(s, 6 + body.size() + 1, 4);
        put_le(s, static_cast<uint64_t>(declared < 0 ? count : declared), 2);
        return s + body + bytes({0xFF});
    }
};

std::vector<std::string> lp_items(const std::string& blob, bool* ok) {
    std::vector<std::string> out;
    *ok = decode_listpack(blob, [&](const BlobItem& it) {
        out.push_back(it.is_int ? "i" + std::to_string(it.ival) : "s" + std::string(it.sval));
        return true;
    });
    return out;
}

}  // namespace

TEST_CASE("listpack: a hand-written blob and every entry encoding") {
    // "a", 5 as Redis writes them.
    std::string small = bytes({0x0c, 0, 0, 0, 0x02, 0, 0x81, 'a', 0x02, 0x05, 0x01, 0xFF});
    bool ok = false;
    CHECK(lp_items(small, &ok) == std::vector<std::string>{"sa", "i5"});
    CHECK(ok);

    LpBuilder b;
    b.raw_entry(bytes({0x7F}));                              // 7-bit uint 127
    b.raw_entry(bytes({0xDF, 0xFF}));                        // 13-bit -1
    b.raw_entry(bytes({0xCF, 0xFF}));                        // 13-bit 4095
    b.raw_entry(bytes({0xF1, 0x00, 0x80}));                  // int16 -32768
    b.raw_entry(bytes({0xF2, 0x70, 0x11, 0x01}));            // int24 70000
    b.raw_entry(bytes({0xF3, 0xC0, 0xAB, 0x76, 0xFF}));      // int32 -9000000
    std::string e64 = bytes({0xF4});
    put_le(e64, 5000000000ULL, 8);
    b.raw_entry(e64);
    b.str(std::string(70, 'x'));     // 12-bit length, 2-byte back-length
    b.str(std::string(5000, 'y'));   // 32-bit length
    b.str("");
    std::vector<std::string> got = lp_items(b.finish(), &ok);
    REQUIRE(ok);
    REQUIRE(got.size() == 10);
    CHECK(got[0] == "i127");
    CHECK(got[1] == "i-1");
    CHECK(got[2] == "i4095");
    CHECK(got[3] == "i-32768");
    CHECK(got[4] == "i70000");
    CHECK(got[5] == "i-9000000");
    CHECK(got[6] == "i5000000000");
    CHECK(got[7] == "s" + std::string(70, 'x'));
    CHECK(got[8] == "s" + std::string(5000, 'y'));
    CHECK(got[9] == "s");
    size_t n = 0;
    CHECK(listpack_count(b.finish(), &n));
    CHECK(n == 10);
    // 65535 means "count unknown": accepted.
    CHECK(listpack_count(b.finish(0xFFFF), &n));
    // An empty listpack.
    CHECK(listpack_count(LpBuilder{}.finish(), &n));
    CHECK(n == 0);
}

TEST_CASE("listpack: corruptions are refused before any element is reported") {
    LpBuilder b;
    b.str("hello");
    b.str(std::string(200, 'z'));
    std::string good = b.finish();
    size_t n = 0;
    REQUIRE(listpack_count(good, &n));

    auto refused = [](const std::string& blob) {
        int calls = 0;
        bool ok = decode_listpack(blob, [&](const BlobItem&) {
            calls++;
            return true;
        });
        return !ok && calls == 0;
    };
    CHECK(refused(b.finish(3)));                            // declared count wrong
    std::string s = good;
    s[0] = static_cast<char>(s[0] + 1);                     // total bytes wrong
    CHECK(refused(s));
    s = good;
    s.back() = 0;                                           // no terminator
    CHECK(refused(s));
    s = good;
    s[6 + 6] = 9;                                           // back-length of "hello" wrong
    CHECK(refused(s));
    s = good;
    s[6] = static_cast<char>(0xF5);                         // unassigned encoding
    CHECK(refused(s));
    for (size_t cut = 0; cut + 1 < good.size(); cut++) {    // every truncation, header fixed up
        std::string t = good.substr(0, cut) + bytes({0xFF});
        if (t.size() >= 4) {
            uint32_t len = static_cast<uint32_t>(t.size());
            for (int i = 0; i < 4; i++) t[size_t(i)] = static_cast<char>((len >> (8 * i)) & 0xFF);
        }
        bool decoded = decode_listpack(t, [](const BlobItem&) { return true; });
        CAPTURE(cut);
        CHECK_FALSE(decoded);
    }
    // fn returning false stops the walk and fails it.
    CHECK_FALSE(decode_listpack(good, [](const BlobItem&) { return false; }));
}

TEST_CASE("ziplist: every entry encoding, back-links and the tail offset") {
    std::vector<std::string> entries;  // encoding + data, without prevlen
    entries.push_back(bytes({0x03, 'a', 'b', 'c'}));         // 6-bit string
    entries.push_back(bytes({0x40, 0x46}) + std::string(70, 'q'));  // 14-bit string
    entries.push_back(bytes({0x80, 0x00, 0x00, 0x01, 0x2C}) + std::string(300, 'r'));
    entries.push_back(bytes({0xFE, 0x80}));                  // int8 -128
    entries.push_back(bytes({0xC0, 0x39, 0x30}));            // int16 12345
    entries.push_back(bytes({0xF0, 0xFF, 0xFF, 0xFF}));      // int24 -1
    entries.push_back(bytes({0xD0, 0x00, 0x00, 0x00, 0x80}));  // int32 min
    std::string e64 = bytes({0xE0});
    put_le(e64, static_cast<uint64_t>(-5000000000LL), 8);
    entries.push_back(e64);
    entries.push_back(bytes({0xF1}));                        // immediate 0
    entries.push_back(bytes({0xFD}));                        // immediate 12

    std::string body;
    size_t prev = 0, tail = 10;
    for (const auto& e : entries) {
        tail = 10 + body.size();
        std::string pl;
        if (prev < 254) {
            pl.push_back(static_cast<char>(prev));
        } else {
            pl.push_back(static_cast<char>(0xFE));
            put_le(pl, prev, 4);
        }
        body += pl + e;
        prev = pl.size() + e.size();
    }
    auto make = [&](size_t tail_off, int count) {
        std::string s;
        put_le(s, 10 + body.size() + 1, 4);
        put_le(s, tail_off, 4);
        put_le(s, static_cast<uint64_t>(count), 2);
        return s + body + bytes({0xFF});
    };
    std::vector<std::string> got;
    bool ok = decode_ziplist(make(tail, 10), [&](const BlobItem& it) {
        got.push_back(it.is_int ? "i" + std::to_string(it.ival) : "s" + std::string(it.sval));
        return true;
    });
    REQUIRE(ok);
    REQUIRE(got.size() == 10);
    CHECK(got[0] == "sabc");
    CHECK(got[1] == "s" + std::string(70, 'q'));
    CHECK(got[2] == "s" + std::string(300, 'r'));
    CHECK(got[3] == "i-128");
    CHECK(got[4] == "i12345");
    CHECK(got[5] == "i-1");
    CHECK(got[6] == "i-2147483648");
    CHECK(got[7] == "i-5000000000");
    CHECK(got[8] == "i0");
    CHECK(got[9] == "i12");
    size_t n = 0;
    CHECK(ziplist_count(make(tail, 0xFFFF), &n));
    CHECK(n == 10);
    CHECK_FALSE(ziplist_count(make(tail, 9), &n));      // count
    CHECK_FALSE(ziplist_count(make(tail - 1, 10), &n)); // tail
    std::string bad = make(tail, 10);
    bad[10 + 5] = 7;  // prevlen of the second entry
    CHECK_FALSE(ziplist_count(bad, &n));
    // An empty ziplist: tail at the header's end.
    std::string empty;
    put_le(empty, 11, 4);
    put_le(empty, 10, 4);
    put_le(empty, 0, 2);
    empty += bytes({0xFF});
    CHECK(ziplist_count(empty, &n));
    CHECK(n == 0);
}

TEST_CASE("intset: widths, sign, order") {
    // What redis-server 7.0 DUMPs for SADD s 1 5 -3.
    std::string s16 = bytes({0x02, 0, 0, 0, 0x03, 0, 0, 0, 0xFD, 0xFF, 0x01, 0x00, 0x05, 0x00});
    std::vector<long long> got;
    auto collect = [&](long long v) {
        got.push_back(v);
        return true;
    };
    REQUIRE(decode_intset(s16, collect));
    CHECK(got == std::vector<long long>{-3, 1, 5});

    std::string s64 = bytes({0x08, 0, 0, 0, 0x02, 0, 0, 0});
    put_le(s64, static_cast<uint64_t>(-5000000000LL), 8);
    put_le(s64, 5000000000ULL, 8);
    got.clear();
    REQUIRE(decode_intset(s64, collect));
    CHECK(got == std::vector<long long>{-5000000000LL, 5000000000LL});

    CHECK_FALSE(decode_intset(s16.substr(0, 13), collect));  // truncated
    std::string unsorted = bytes({0x02, 0, 0, 0, 0x02, 0, 0, 0, 0x05, 0x00, 0x01, 0x00});
    CHECK_FALSE(decode_intset(unsorted, collect));
    std::string dup = bytes({0x02, 0, 0, 0, 0x02, 0, 0, 0, 0x05, 0x00, 0x05, 0x00});
    CHECK_FALSE(decode_intset(dup, collect));
    std::string width3 = bytes({0x03, 0, 0, 0, 0x01, 0, 0, 0, 1, 2, 3});
    CHECK_FALSE(decode_intset(width3, collect));
    std::string huge = bytes({0x08, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8});
    CHECK_FALSE(decode_intset(huge, collect));
}

TEST_CASE("zipmap: pairs, free bytes, big lengths") {
    std::string zm = bytes({0x02, 0x03, 'f', 'o', 'o', 0x03, 0x02, 'b', 'a', 'r', 0, 0});
    std::string big(300, 'k');
    zm += bytes({0xFE});
    put_le(zm, big.size(), 4);
    zm += big + bytes({0x01, 0x00, 'v', 0xFF});
    std::vector<std::pair<std::string, std::string>> got;
    REQUIRE(decode_zipmap(zm, [&](std::string_view k, std::string_view v) {
        got.emplace_back(k, v);
        return true;
    }));
    REQUIRE(got.size() == 2);
    CHECK(got[0] == std::make_pair(std::string("foo"), std::string("bar")));
    CHECK(got[1] == std::make_pair(big, std::string("v")));

    auto ok = [](const std::string& b) {
        return decode_zipmap(b, [](std::string_view, std::string_view) { return true; });
    };
    std::string wrong_count = zm;
    wrong_count[0] = 3;
    CHECK_FALSE(ok(wrong_count));
    CHECK_FALSE(ok(zm.substr(0, zm.size() - 2) + bytes({0xFF})));  // value cut short
    CHECK_FALSE(ok(bytes({0x01, 0x05, 'a', 0xFF})));
}
