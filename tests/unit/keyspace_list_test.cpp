// The quicklist (keyspace/list.h) against a std::deque model: both ends, the middle across
// node boundaries, node size limits, erase (LTRIM), LREM from both ends, iteration, clone.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <random>
#include <string>

#include "keyspace/list.h"

using slotcache::keyspace::List;

namespace {

std::string val(int i, size_t len = 0) {
    std::string s = "v" + std::to_string(i);
    if (s.size() < len)
        s.append(len - s.size(), 'x');
    return s;
}

void check_same(const List& l, const std::deque<std::string>& m) {
    REQUIRE(l.size() == m.size());
    List::Iter it(l, 0, false);
    std::string_view v;
    size_t i = 0;
    while (it.next(&v)) {
        REQUIRE(i < m.size());
        CHECK(v == m[i]);
        i++;
    }
    CHECK(i == m.size());
    if (!m.empty()) {
        char buf[slotcache::keyspace::kIntBufLen];
        List::Iter rit(l, m.size() - 1, true);
        size_t j = m.size();
        while (rit.next(&v))
            CHECK(v == m[--j]);
        CHECK(j == 0);
        for (size_t k = 0; k < m.size(); k += 7)
            CHECK(l.at(k, buf) == m[k]);
    }
    // Each node is a well-formed listpack: header bytes = length, terminator.
    size_t total = 0;
    for (size_t n = 0; n < l.node_count(); n++) {
        std::string_view lp = l.node_listpack(n);
        uint32_t bytes;
        memcpy(&bytes, lp.data(), 4);
        CHECK(bytes == lp.size());
        CHECK(static_cast<uint8_t>(lp.back()) == 0xFF);
        uint16_t cnt;
        memcpy(&cnt, lp.data() + 4, 2);
        CHECK(cnt > 0);
        total += cnt;
    }
    CHECK(total == m.size());
}

}  // namespace

TEST_CASE("list: push and pop at both ends across many nodes") {
    List l(-2);
    std::deque<std::string> m;
    for (int i = 0; i < 3000; i++) {
        if (i % 2) {
            l.push_back(val(i, 20));
            m.push_back(val(i, 20));
        } else {
            l.push_front(val(i, 20));
            m.push_front(val(i, 20));
        }
    }
    CHECK(l.node_count() > 5);
    check_same(l, m);
    std::string out;
    for (int i = 0; i < 1000; i++) {
        REQUIRE(l.pop_front(&out));
        CHECK(out == m.front());
        m.pop_front();
        REQUIRE(l.pop_back(&out));
        CHECK(out == m.back());
        m.pop_back();
    }
    check_same(l, m);
    while (l.pop_back(&out))
        m.pop_back();
    CHECK(m.empty());
    CHECK(l.node_count() == 0);
}

TEST_CASE("list: node limits by bytes (negative fill) and by count (positive fill)") {
    List bytes(-1);  // 4 KB nodes
    for (int i = 0; i < 1000; i++)
        bytes.push_back(val(i, 100));
    for (size_t n = 0; n < bytes.node_count(); n++) {
        CHECK(bytes.node_listpack(n).size() <= 4096);
    }
    List counted(5);
    for (int i = 0; i < 23; i++)
        counted.push_back(val(i));
    CHECK(counted.node_count() == 5);
    // An element larger than the limit gets a node of its own.
    List big(-1);
    big.push_back("a");
    big.push_back(std::string(10000, 'z'));
    big.push_back("b");
    CHECK(big.node_count() == 3);
    char buf[slotcache::keyspace::kIntBufLen];
    CHECK(big.at(1, buf).size() == 10000);
}

TEST_CASE("list: entry encodings of 63, 64, 4095, 4096 byte strings round trip") {
    List l(-5);
    for (size_t len : {0, 1, 63, 64, 127, 128, 4095, 4096, 20000}) {
        l.push_back(std::string(len, 'q'));
    }
    std::deque<std::string> m;
    for (size_t len : {0, 1, 63, 64, 127, 128, 4095, 4096, 20000})
        m.push_back(std::string(len, 'q'));
    check_same(l, m);
}

TEST_CASE("list: random ops in the middle match a deque (insert, set, remove, erase)") {
    std::mt19937 rng(42);
    for (int fill : {-1, 3, -2}) {
        List l(fill);
        std::deque<std::string> m;
        for (int step = 0; step < 4000; step++) {
            int op = static_cast<int>(rng() % 8);
            std::string v = val(static_cast<int>(rng() % 50), rng() % 3 == 0 ? 300 : 4);
            if (op <= 1 || m.empty()) {
                l.push_back(v);
                m.push_back(v);
            } else if (op == 2) {
                l.push_front(v);
                m.push_front(v);
            } else if (op == 3) {
                size_t i = rng() % m.size();
                l.set(i, v);
                m[i] = v;
            } else if (op == 4) {
                std::string pivot = m[rng() % m.size()];
                bool after = rng() % 2;
                REQUIRE(l.insert(pivot, v, after));
                auto it = std::find(m.begin(), m.end(), pivot);
                m.insert(after ? it + 1 : it, v);
            } else if (op == 5) {
                std::string target = m[rng() % m.size()];
                long long count = static_cast<long long>(rng() % 5) - 2;
                size_t got = l.remove(target, count);
                size_t want = 0;
                size_t limit = count == 0 ? SIZE_MAX : static_cast<size_t>(std::llabs(count));
                if (count >= 0) {
                    for (auto it = m.begin(); it != m.end() && want < limit;) {
                        if (*it == target) {
                            it = m.erase(it);
                            want++;
                        } else {
                            ++it;
                        }
                    }
                } else {
                    for (size_t i = m.size(); i-- > 0 && want < limit;) {
                        if (m[i] == target) {
                            m.erase(m.begin() + static_cast<long>(i));
                            want++;
                        }
                    }
                }
                CHECK(got == want);
            } else if (op == 6 && m.size() > 10) {
                size_t from = rng() % m.size();
                size_t n = rng() % (m.size() - from + 1);
                l.erase(from, n);
                m.erase(m.begin() + static_cast<long>(from),
                        m.begin() + static_cast<long>(from + n));
            } else {
                std::string out;
                if (rng() % 2) {
                    REQUIRE(l.pop_front(&out));
                    CHECK(out == m.front());
                    m.pop_front();
                } else {
                    REQUIRE(l.pop_back(&out));
                    CHECK(out == m.back());
                    m.pop_back();
                }
            }
            if (step % 500 == 0)
                check_same(l, m);
        }
        check_same(l, m);
        if (fill == 3) {
            for (size_t n = 0; n < l.node_count(); n++) {
                uint16_t cnt;
                memcpy(&cnt, l.node_listpack(n).data() + 4, 2);
                CHECK(cnt <= 3);
            }
        }
        auto copy = l.clone();
        check_same(*static_cast<List*>(copy.get()), m);
        CHECK(l.memory_usage() > 0);
    }
}

TEST_CASE("list: LINSERT with a missing pivot changes nothing") {
    List l;
    l.push_back("a");
    CHECK_FALSE(l.insert("zz", "b", true));
    CHECK(l.size() == 1);
}

TEST_CASE("list: canonical integers are stored as listpack integers and read back as text") {
    List l;
    std::deque<std::string> m;
    for (const char* v : {"0",
                          "1",
                          "127",
                          "128",
                          "-1",
                          "4095",
                          "-4096",
                          "4096",
                          "32767",
                          "-32768",
                          "32768",
                          "8388607",
                          "-8388608",
                          "8388608",
                          "2147483647",
                          "-2147483648",
                          "2147483648",
                          "9223372036854775807",
                          "-9223372036854775808",
                          "9223372036854775808",
                          "012",
                          "+1",
                          "-0",
                          "1 ",
                          "",
                          "-",
                          "1e3"}) {
        l.push_back(v);
        m.push_back(v);
    }
    check_same(l, m);
    // 1000 six-digit numbers take 5 bytes each (24-bit integer + backlen), as in Redis.
    List nums;
    for (int i = 100000; i < 101000; i++)
        nums.push_back(std::to_string(i));
    CHECK(nums.node_listpack(0).size() == 6 + 1 + 5 * 1000);
    CHECK(nums.remove("100500", 0) == 1);
    CHECK(nums.insert("100501", "x", false));
    char buf[slotcache::keyspace::kIntBufLen];
    CHECK(nums.at(500, buf) == "x");
    CHECK(nums.at(501, buf) == "100501");
}
