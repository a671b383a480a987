// Cluster bus codec: round trips of every message type, the exact sizes of the header and a
// gossip entry, and rejection of every kind of malformed frame (truncation at every length,
// bad prefix, bad node IDs, addresses, slot ranges, counts inconsistent with the length).
// Buffers handed to decode() are exact-sized heap copies so that ASan builds catch over-reads.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cluster/bus_codec.h"

using namespace slotcache;
using namespace slotcache::cluster;

namespace {

const std::string kIdA = "0123456789abcdef0123456789abcdef01234567";
const std::string kIdB = "fedcba9876543210fedcba9876543210fedcba98";
const std::string kIdC = "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd";

Message header_of(MsgType t) {
    Message m;
    m.h.type = t;
    m.h.sender = kIdA;
    m.h.current_epoch = 0x0102030405060708ULL;
    m.h.config_epoch = 7;
    m.h.repl_offset = 123456789012ULL;
    for (int s = 0; s < 5461; s++) {
        m.h.slots.set(static_cast<size_t>(s));
    }
    m.h.ip = "127.0.0.1";
    m.h.port = 7000;
    m.h.cport = 17000;
    m.h.flags = kNodeMaster | kNodeMyself;
    return m;
}

std::string enc(const Message& m) {
    std::string out;
    encode(m, &out);
    return out;
}

// decode() on an exact-sized heap copy of the first n bytes of s.
Result<Message> decode_copy(const std::string& s, size_t n) {
    std::unique_ptr<char[]> buf(new char[n == 0 ? 1 : n]);
    std::memcpy(buf.get(), s.data(), n);
    return decode(buf.get(), n);
}

Result<Message> decode_all(const std::string& s) { return decode_copy(s, s.size()); }

void put32(std::string* s, size_t off, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        (*s)[off + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    }
}

void put16(std::string* s, size_t off, uint16_t v) {
    (*s)[off] = static_cast<char>(v & 0xFF);
    (*s)[off + 1] = static_cast<char>(v >> 8);
}

// Rewrites the length field to match the buffer after an edit that changed its size.
void fix_length(std::string* s) { put32(s, 4, static_cast<uint32_t>(s->size())); }

std::vector<Message> one_of_each_type() {
    std::vector<Message> all;
    for (MsgType t : {MsgType::Ping, MsgType::Pong, MsgType::Meet}) {
        Message m = header_of(t);
        m.gossip.push_back({kIdB, 100, 200, "10.0.0.2", 7001, 17001, kNodeMaster | kNodePfail});
        m.gossip.push_back({kIdC, 0, 0, "", 0, 0, kNodeNoAddr | kNodeHandshake});
        m.gossip.push_back({kIdC, 1, 2, "fe80::1:2", 65535, 1, kNodeReplica});
        all.push_back(m);
    }
    Message fail = header_of(MsgType::Fail);
    fail.fail_node = kIdB;
    all.push_back(fail);
    for (MsgType t : {MsgType::Publish, MsgType::PublishShard}) {
        Message m = header_of(t);
        m.channel = "news";
        m.payload = std::string("hello\0world\r\n", 13);
        all.push_back(m);
    }
    for (MsgType t : {MsgType::FailoverAuthRequest, MsgType::FailoverAuthAck, MsgType::MfStart}) {
        Message m = header_of(t);
        m.h.mflags = kMsgForceAck | kMsgPaused;
        all.push_back(m);
    }
    Message upd = header_of(MsgType::Update);
    upd.update_config_epoch = 42;
    upd.update_node = kIdC;
    upd.update_slots.set(0).set(100).set(16383);
    all.push_back(upd);
    for (MsgType t : {MsgType::PublishLight, MsgType::PublishShardLight}) {
        Message m;
        m.h.type = t;
        m.channel = "ch";
        m.payload = "";
        all.push_back(m);
    }
    Message replica = header_of(MsgType::Pong);
    replica.h.master_id = kIdB;
    replica.h.flags = kNodeReplica;
    replica.h.hostname = "host-1.example.com";
    replica.h.cluster_state_fail = true;
    replica.h.ip = "";
    all.push_back(replica);
    return all;
}

}  // namespace

TEST_CASE("bus codec: every message type round-trips through encode and decode") {
    std::vector<Message> all = one_of_each_type();
    bool seen[static_cast<int>(MsgType::Count)] = {};
    for (const Message& m : all) {
        std::string s = enc(m);
        CAPTURE(static_cast<int>(m.h.type));
        CHECK(s.size() == encoded_size(m));
        Result<size_t> fl = frame_length(s.data(), s.size());
        REQUIRE(fl.ok());
        CHECK(*fl == s.size());
        Result<Message> d = decode_all(s);
        REQUIRE(d.ok());
        CHECK(*d == m);
        seen[static_cast<int>(m.h.type)] = true;
    }
    for (bool b : seen) {
        CHECK(b);
    }
}

TEST_CASE("bus codec: an idle master's PING is 88 bytes + ip + one slot range") {
    Message m = header_of(MsgType::Ping);  // slots 0-5460: one range
    CHECK(enc(m).size() == kFixedHeaderLen + 9 /* ip */ + 4 /* range */ + 2 /* gossip count */);
    m.gossip.push_back({kIdB, 1, 2, "10.0.0.2", 7001, 17001, kNodeMaster});
    CHECK(enc(m).size() == kFixedHeaderLen + 9 + 4 + 2 + 55 + 8);
}

TEST_CASE("bus codec: slot sets switch to the bitmap past 511 ranges and round-trip both ways") {
    for (int ranges : {0, 1, 511, 512, 8192}) {
        Message m = header_of(MsgType::Update);
        m.h.slots.reset();
        for (int i = 0; i < ranges; i++) {
            m.h.slots.set(static_cast<size_t>(i * 2));
        }
        m.update_node = kIdB;
        m.update_slots = m.h.slots;
        std::string s = enc(m);
        size_t set_len = ranges <= 511 ? 2 + 4 * static_cast<size_t>(ranges) : 2 + 2048;
        CAPTURE(ranges);
        CHECK(s.size() == kFixedHeaderLen + 9 + set_len - 2 + 8 + 40 + set_len);
        Result<Message> d = decode_all(s);
        REQUIRE(d.ok());
        CHECK(*d == m);
    }
    Message all_slots = header_of(MsgType::Ping);
    all_slots.h.slots.set();
    Result<Message> d = decode_all(enc(all_slots));
    REQUIRE(d.ok());
    CHECK(d->h.slots.all());
}

TEST_CASE("bus codec: long and short slot ranges at either end of the slot space round-trip") {
    struct Range { size_t a, b; };
    for (std::vector<Range> rs : {std::vector<Range>{{0, 255}, {257, 16383}},
                                  std::vector<Range>{{0, 0}, {2, 256}, {1000, 16382}},
                                  std::vector<Range>{{16383, 16383}},
                                  std::vector<Range>{{0, 16383}}}) {
        Message m = header_of(MsgType::Ping);
        m.h.slots.reset();
        for (Range r : rs) {
            for (size_t s = r.a; s <= r.b; s++) {
                m.h.slots.set(s);
            }
        }
        std::string s = enc(m);
        CHECK(s.size() == kFixedHeaderLen + 9 + 4 * rs.size() + 2);
        Result<Message> d = decode_all(s);
        REQUIRE(d.ok());
        CHECK(d->h.slots == m.h.slots);
    }
}

TEST_CASE("bus codec: a frame cut at any length needs more bytes or is rejected, never read past") {
    for (const Message& m : one_of_each_type()) {
        std::string s = enc(m);
        for (size_t n = 0; n < s.size(); n++) {
            std::unique_ptr<char[]> buf(new char[n == 0 ? 1 : n]);
            std::memcpy(buf.get(), s.data(), n);
            Result<size_t> fl = frame_length(buf.get(), n);
            REQUIRE(fl.ok());
            CHECK(*fl == (n < kPrefixLen ? 0 : s.size()));
            CHECK(decode(buf.get(), n).err() == Err::Invalid);
        }
    }
}

TEST_CASE("bus codec: a frame whose length field is shorter than its content is rejected") {
    for (const Message& m : one_of_each_type()) {
        std::string s = enc(m);
        for (size_t n = kPrefixLen; n < s.size(); n++) {
            std::string cut = s.substr(0, n);
            put32(&cut, 4, static_cast<uint32_t>(n));
            CAPTURE(n);
            CHECK(decode_all(cut).err() == Err::Invalid);
        }
    }
}

TEST_CASE("bus codec: bad magic, unknown version and out-of-range lengths close the link") {
    std::string s = enc(header_of(MsgType::Ping));
    std::string redis = s;
    std::memcpy(redis.data(), "RCmb", 4);
    CHECK(frame_length(redis.data(), redis.size()).err() == Err::Invalid);
    CHECK(decode_all(redis).err() == Err::Invalid);

    std::string v2 = s;
    put16(&v2, 8, 2);
    CHECK(frame_length(v2.data(), v2.size()).err() == Err::Invalid);

    std::string huge = s;
    put32(&huge, 4, static_cast<uint32_t>(kMaxMessageLen + 1));
    CHECK(frame_length(huge.data(), huge.size()).err() == Err::Invalid);

    std::string tiny = s;
    put32(&tiny, 4, static_cast<uint32_t>(kFixedHeaderLen - 1));  // below a PING's minimum
    CHECK(frame_length(tiny.data(), tiny.size()).err() == Err::Invalid);
    put32(&tiny, 4, 0);
    CHECK(frame_length(tiny.data(), tiny.size()).err() == Err::Invalid);
}

TEST_CASE("bus codec: a frame of an unknown type is framed by its length and skipped") {
    std::string s = enc(header_of(MsgType::Ping));
    s[10] = static_cast<char>(200);
    s += "future extension";
    fix_length(&s);
    Result<size_t> fl = frame_length(s.data(), s.size());
    REQUIRE(fl.ok());
    CHECK(*fl == s.size());
    Result<Message> d = decode_all(s);
    REQUIRE(d.ok());
    CHECK(d->h.type == MsgType::Unknown);

    std::string bare = s.substr(0, kPrefixLen);  // an unknown type needs only the prefix
    fix_length(&bare);
    CHECK(decode_all(bare).ok());
}

TEST_CASE("bus codec: node IDs must be 40 lowercase hex characters everywhere") {
    Message ping = one_of_each_type()[0];
    std::string s = enc(ping);
    for (char bad : {'A', 'g', ' ', '\0', 'F'}) {
        std::string sender = s;
        sender[12 + 39] = bad;
        CHECK(decode_all(sender).err() == Err::Invalid);
        std::string gossip_id = s;
        gossip_id[kFixedHeaderLen + 9 + 4 + 2 + 5] = bad;  // header, ip, range, count
        CHECK(decode_all(gossip_id).err() == Err::Invalid);
    }
    Message fail = header_of(MsgType::Fail);
    fail.fail_node = kIdB;
    std::string f = enc(fail);
    f[f.size() - 1] = 'X';
    CHECK(decode_all(f).err() == Err::Invalid);

    Message replica = header_of(MsgType::Ping);
    replica.h.master_id = kIdB;
    std::string r = enc(replica);
    r[kFixedHeaderLen] = 'z';
    CHECK(decode_all(r).err() == Err::Invalid);
    CHECK(is_valid_node_id(kIdA));
    CHECK_FALSE(is_valid_node_id(kIdA.substr(1)));
}

TEST_CASE("bus codec: a gossip count inconsistent with the frame length is rejected") {
    Message ping = one_of_each_type()[0];  // three entries
    std::string s = enc(ping);
    size_t count_off = kFixedHeaderLen + 9 + 4;
    for (uint16_t bad : {uint16_t{2}, uint16_t{4}, uint16_t{0}, uint16_t{65535}}) {
        std::string t = s;
        put16(&t, count_off, bad);
        CAPTURE(bad);
        CHECK(decode_all(t).err() == Err::Invalid);
    }
}

TEST_CASE("bus codec: slot ranges must be ascending, disjoint and below 16384") {
    Message m = header_of(MsgType::Ping);
    m.h.slots.reset();
    m.h.slots.set(10).set(20);  // two ranges: [10,10] [20,20] at offset 88 + 9
    std::string s = enc(m);
    size_t r0 = kFixedHeaderLen + 9;
    struct Case { uint16_t a0, b0, a1, b1; };
    for (Case c : {Case{10, 10, 10, 20}, Case{20, 20, 10, 10}, Case{5, 4, 20, 20},
                   Case{10, 10, 20, 16384}, Case{0, 16383, 1, 2}}) {
        std::string t = s;
        put16(&t, r0, c.a0);
        put16(&t, r0 + 2, c.b0);
        put16(&t, r0 + 4, c.a1);
        put16(&t, r0 + 6, c.b1);
        CHECK(decode_all(t).err() == Err::Invalid);
    }
    std::string adjacent = s;  // adjacent ranges are not what encode writes, but are valid
    put16(&adjacent, r0 + 4, 11);
    put16(&adjacent, r0 + 6, 11);
    Result<Message> d = decode_all(adjacent);
    REQUIRE(d.ok());
    CHECK(d->h.slots.count() == 2);
    CHECK(d->h.slots.test(11));

    std::string too_many = s;
    put16(&too_many, 86, 512);  // more ranges than a bitmap would take
    CHECK(decode_all(too_many).err() == Err::Invalid);
}

TEST_CASE("bus codec: addresses and hostnames are checked for length and characters") {
    Message m = header_of(MsgType::Ping);
    m.h.ip = std::string(kMaxIpLen, '1');
    m.h.hostname = std::string(kMaxHostnameLen, 'h');
    Result<Message> ok = decode_all(enc(m));
    REQUIRE(ok.ok());
    CHECK(*ok == m);

    m.h.ip = "10.0.0.1";
    m.h.hostname = "node";
    std::string s = enc(m);
    size_t ip_off = kFixedHeaderLen;
    for (char bad : {'/', ' ', 'g', '\n', '%'}) {
        std::string t = s;
        t[ip_off + 2] = bad;
        CHECK(decode_all(t).err() == Err::Invalid);
    }
    std::string badhost = s;
    badhost[ip_off + 8 + 1] = '_';
    CHECK(decode_all(badhost).err() == Err::Invalid);

    // An ip length above 46 is rejected even when the frame holds the bytes.
    Message longip = header_of(MsgType::Ping);
    longip.h.ip = std::string(47, '1');
    CHECK(decode_all(enc(longip)).err() == Err::Invalid);
    Message gossip_ip = header_of(MsgType::Ping);
    gossip_ip.gossip.push_back({kIdB, 0, 0, "1.2.3.4 ", 1, 2, 0});
    CHECK(decode_all(enc(gossip_ip)).err() == Err::Invalid);
}

TEST_CASE("bus codec: PUBLISH lengths must add up to the frame exactly") {
    Message light;
    light.h.type = MsgType::PublishLight;
    light.channel = "chan";
    light.payload = "data";
    std::string s = enc(light);
    CHECK(s.size() == kPrefixLen + 8 + 8);
    std::string t = s;
    put32(&t, kPrefixLen, 5);
    CHECK(decode_all(t).err() == Err::Invalid);
    t = s;
    put32(&t, kPrefixLen, 0xFFFFFFFFu);
    CHECK(decode_all(t).err() == Err::Invalid);
    t = s;
    put32(&t, kPrefixLen + 4, 3);
    CHECK(decode_all(t).err() == Err::Invalid);
    t = s + "x";
    fix_length(&t);
    CHECK(decode_all(t).err() == Err::Invalid);
}

TEST_CASE("bus codec: trailing bytes after a known type's body are rejected") {
    for (const Message& m : one_of_each_type()) {
        std::string s = enc(m) + '\0';
        fix_length(&s);
        CAPTURE(static_cast<int>(m.h.type));
        CHECK(decode_all(s).err() == Err::Invalid);
    }
}

TEST_CASE("bus codec: reserved prefix byte and unknown header flag bits are ignored") {
    Message m = header_of(MsgType::Ping);
    std::string s = enc(m);
    s[11] = 0x7f;
    s[82] = static_cast<char>(s[82] | 0xf0);
    Result<Message> d = decode_all(s);
    REQUIRE(d.ok());
    CHECK(*d == m);
}

TEST_CASE("bus codec: decode rejects a buffer longer or shorter than the frame") {
    std::string s = enc(header_of(MsgType::MfStart));
    CHECK(decode_all(s + "x").err() == Err::Invalid);
    CHECK(decode_copy(s, s.size() - 1).err() == Err::Invalid);
    CHECK(decode_copy(s, 0).err() == Err::Invalid);
}
