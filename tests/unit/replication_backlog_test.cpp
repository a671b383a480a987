#include <doctest/doctest.h>

#include <string>

#include "replication/backlog.h"

using namespace slotcache::replication;

namespace {

std::string tail(const Backlog& b, long long from) {
    std::string out;
    b.copy_from(from, &out);
    return out;
}

ReplIds ids_of(const char* id) {
    ReplIds ids;
    ids.replid = id;
    return ids;
}

const char* kA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const char* kB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

}  // namespace

TEST_CASE("backlog: offsets follow the bytes appended, starting after the creation offset") {
    Backlog b(16, 100);
    CHECK(b.histlen() == 0);
    CHECK(b.end_offset() == 100);
    CHECK(b.first_byte_offset() == 101);
    b.append("hello");
    CHECK(b.end_offset() == 105);
    CHECK(b.first_byte_offset() == 101);
    CHECK(tail(b, 101) == "hello");
    CHECK(tail(b, 104) == "lo");
    CHECK(tail(b, 106).empty());
}

TEST_CASE("backlog: wrapping keeps only the newest capacity bytes") {
    Backlog b(8, 0);
    b.append("abcdef");
    b.append("ghijk");  // 11 bytes total, 8 kept: "defghijk"
    CHECK(b.histlen() == 8);
    CHECK(b.first_byte_offset() == 4);
    CHECK(tail(b, 4) == "defghijk");
    CHECK(tail(b, 9) == "ijk");
    CHECK_FALSE(b.covers(3));
    CHECK(b.covers(12));
    CHECK_FALSE(b.covers(13));
}

TEST_CASE("backlog: an append larger than the ring keeps its last bytes") {
    Backlog b(4, 0);
    b.append("xy");
    b.append("0123456789");
    CHECK(b.end_offset() == 12);
    CHECK(tail(b, b.first_byte_offset()) == "6789");
    b.append("A");
    CHECK(tail(b, b.first_byte_offset()) == "789A");
}

TEST_CASE("backlog: resize keeps the newest history that fits") {
    Backlog b(8, 0);
    b.append("abcdefgh");
    b.resize(4);
    CHECK(b.histlen() == 4);
    CHECK(tail(b, b.first_byte_offset()) == "efgh");
    b.append("ij");
    CHECK(tail(b, b.first_byte_offset()) == "ghij");
    b.resize(16);
    b.append("klm");
    CHECK(tail(b, b.first_byte_offset()) == "ghijklm");
    CHECK(b.end_offset() == 13);
}

TEST_CASE("psync: same replid and an offset inside the backlog continues") {
    ReplIds ids = ids_of(kA);
    Backlog b(100, 0);
    b.append("0123456789");
    auto d = decide_psync(ids, &b, kA, 5);
    CHECK(d.outcome == PsyncOutcome::Continue);
    // Nothing missing: the replica is exactly at our offset.
    CHECK(decide_psync(ids, &b, kA, 11).outcome == PsyncOutcome::Continue);
}

TEST_CASE("psync: '?' is a full sync that is not a failed partial sync") {
    ReplIds ids = ids_of(kA);
    Backlog b(100, 0);
    auto d = decide_psync(ids, &b, "?", -1);
    CHECK(d.outcome == PsyncOutcome::FullResync);
    CHECK_FALSE(d.partial_failed);
}

TEST_CASE("psync: unknown replid, no backlog, or offset outside the backlog -> full sync") {
    ReplIds ids = ids_of(kA);
    Backlog b(4, 0);
    b.append("0123456789");  // holds offsets 7..10
    CHECK(decide_psync(ids, &b, kB, 8).partial_failed);
    CHECK(decide_psync(ids, nullptr, kA, 8).outcome == PsyncOutcome::FullResync);
    CHECK(decide_psync(ids, &b, kA, 6).outcome == PsyncOutcome::FullResync);
    CHECK(decide_psync(ids, &b, kA, 7).outcome == PsyncOutcome::Continue);
    CHECK(decide_psync(ids, &b, kA, 12).outcome == PsyncOutcome::FullResync);
}

TEST_CASE("psync: after a promotion the old master's replid continues up to the switch point") {
    ReplIds ids = ids_of(kB);
    Backlog b(100, 0);
    b.append("0123456789");  // 10 bytes under the old master kB
    ids.shift(10);           // promoted at offset 10: kB valid up to 11
    CHECK(ids.replid2 == kB);
    CHECK(ids.replid != kB);
    CHECK(ids.second_repl_offset == 11);
    b.append("abc");  // written under the new replid
    // A replica of the old master at offset 10 asks for 11: continues.
    CHECK(decide_psync(ids, &b, kB, 11).outcome == PsyncOutcome::Continue);
    CHECK(decide_psync(ids, &b, kB, 4).outcome == PsyncOutcome::Continue);
    // It cannot claim bytes of the old history we never had.
    auto d = decide_psync(ids, &b, kB, 12);
    CHECK(d.outcome == PsyncOutcome::FullResync);
    CHECK(d.partial_failed);
    // The new replid works as usual.
    CHECK(decide_psync(ids, &b, ids.replid, 14).outcome == PsyncOutcome::Continue);
}

TEST_CASE("psync: replid comparison ignores case, as Redis' strcasecmp") {
    ReplIds ids = ids_of(kA);
    Backlog b(10, 0);
    CHECK(decide_psync(ids, &b, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 1).outcome ==
          PsyncOutcome::Continue);
}

TEST_CASE("repl ids: reset makes a fresh 40-hex id and clears the previous one") {
    ReplIds ids = ids_of(kA);
    ids.shift(5);
    ids.reset();
    CHECK(ids.replid.size() == 40);
    CHECK(ids.replid2 == kNullReplId);
    CHECK(ids.second_repl_offset == -1);
}
