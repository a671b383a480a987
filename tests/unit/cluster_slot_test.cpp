// Unit tests for the hash slot of a key (src/common/crc16): the CRC16 vector of the Redis Cluster
// spec, known slots, and every {hash tag} rule of the spec's "Hash tags" section.
#include <doctest/doctest.h>

#include <string>

#include "common/crc16.h"

using slotcache::crc16;
using slotcache::key_slot;

namespace {

uint16_t slot_of_bytes(const std::string& s) { return crc16(s.data(), s.size()) % 16384; }

}  // namespace

TEST_CASE("slot: CRC16 of \"123456789\" is 0x31C3 (the spec's test vector)") {
    CHECK(crc16("123456789", 9) == 0x31C3);
}

TEST_CASE("slot: known slots match Redis' CLUSTER KEYSLOT") {
    CHECK(key_slot("foo") == 12182);
    CHECK(key_slot("bar") == 5061);
    CHECK(key_slot("") == 0);
}

TEST_CASE("slot: keys sharing a hash tag land in the same slot") {
    CHECK(key_slot("{user1000}.following") == key_slot("{user1000}.followers"));
    CHECK(key_slot("{user1000}.following") == key_slot("user1000"));
}

TEST_CASE("slot: an empty tag {} hashes the whole key") {
    CHECK(key_slot("foo{}{bar}") == slot_of_bytes("foo{}{bar}"));
    CHECK(key_slot("foo{}{bar}") != key_slot("bar"));
}

TEST_CASE("slot: the tag ends at the first '}' after the first '{'") {
    CHECK(key_slot("foo{{bar}}zap") == slot_of_bytes("{bar"));
    CHECK(key_slot("foo{bar}{zap}") == key_slot("bar"));
}

TEST_CASE("slot: an unclosed '{' hashes the whole key") {
    CHECK(key_slot("foo{bar") == slot_of_bytes("foo{bar"));
    CHECK(key_slot("}foo{") == slot_of_bytes("}foo{"));
}

TEST_CASE("slot: keys are binary safe") {
    std::string k("a\0b", 3);
    CHECK(key_slot(k) == slot_of_bytes(k));
    CHECK(key_slot(k) != key_slot("a"));
}
