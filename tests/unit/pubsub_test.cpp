// Pub/sub's pure parts: pattern matching as Redis' stringmatchlen, the light PUBLISH frames the
// cluster sends (encode_light_publish against the codec's own encode/decode, and malformed
// variants), and the routing of sharded pub/sub (getNodeByQuery's is_pubsubshard rules).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cluster/bus_codec.h"
#include "cluster/routing.h"
#include "cluster/state.h"
#include "common/crc16.h"
#include "server/pubsub.h"

using namespace slotcache;
using cluster::Message;
using cluster::MsgType;
using cluster::Route;
using server::PubSub;

namespace {

std::string light(bool shard, std::string_view ch, std::string_view payload) {
    std::string out;
    cluster::encode_light_publish(shard, ch, payload, &out);
    return out;
}

Result<Message> decode_copy(const std::string& s) {
    std::vector<char> buf(s.begin(), s.end());
    return cluster::decode(buf.data(), buf.size());
}

std::string key_in(int slot, const std::string& prefix) {
    for (int i = 0;; i++) {
        std::string k = prefix + std::to_string(i);
        if (key_slot(k) == slot) {
            return k;
        }
    }
}

}  // namespace

TEST_CASE("pubsub patterns: glob rules of Redis' stringmatchlen") {
    // Redis' quirk: "*" does not match the empty channel (the loop ends with pattern left).
    CHECK_FALSE(PubSub::pattern_matches("*", ""));
    CHECK(PubSub::pattern_matches("*", "anything"));
    CHECK(PubSub::pattern_matches("news.*", "news.tech"));
    CHECK_FALSE(PubSub::pattern_matches("news.*", "new.tech"));
    CHECK(PubSub::pattern_matches("h?llo", "hello"));
    CHECK_FALSE(PubSub::pattern_matches("h?llo", "hllo"));
    CHECK(PubSub::pattern_matches("h[ae]llo", "hallo"));
    CHECK_FALSE(PubSub::pattern_matches("h[ae]llo", "hillo"));
    CHECK(PubSub::pattern_matches("h[^e]llo", "hallo"));
    CHECK_FALSE(PubSub::pattern_matches("h[^e]llo", "hello"));
    CHECK(PubSub::pattern_matches("h[a-c]llo", "hbllo"));
    CHECK(PubSub::pattern_matches("h\\*llo", "h*llo"));
    CHECK_FALSE(PubSub::pattern_matches("h\\*llo", "hello"));
    CHECK(PubSub::pattern_matches("a*b*c", "aXXbYYc"));
    CHECK_FALSE(PubSub::pattern_matches("a*b*c", "aXXbYY"));
    // Case-sensitive, binary-safe.
    CHECK_FALSE(PubSub::pattern_matches("News", "news"));
    CHECK(PubSub::pattern_matches(std::string_view("a\0*", 3), std::string_view("a\0zz", 4)));
    CHECK(PubSub::pattern_matches("", ""));
    CHECK_FALSE(PubSub::pattern_matches("", "x"));
}

TEST_CASE("bus codec: light PUBLISH frames equal encode() of the same message and round-trip") {
    for (bool shard : {false, true}) {
        CAPTURE(shard);
        for (std::string payload : {std::string(), std::string("hello"), std::string(70000, 'z'),
                                    std::string("\0\r\n", 3)}) {
            Message m;
            m.h.type = shard ? MsgType::PublishShardLight : MsgType::PublishLight;
            m.channel = "chan{1}";
            m.payload = payload;
            std::string frame = light(shard, m.channel, m.payload);
            std::string ref;
            cluster::encode(m, &ref);
            CHECK(frame == ref);
            CHECK(frame.size() == cluster::light_publish_size(m.channel, m.payload));
            CHECK(frame.size() == cluster::kPrefixLen + 8 + m.channel.size() + payload.size());
            Result<size_t> fl = cluster::frame_length(frame.data(), frame.size());
            REQUIRE(fl.ok());
            CHECK(*fl == frame.size());
            Result<Message> d = decode_copy(frame);
            REQUIRE(d.ok());
            CHECK(d->h.type == m.h.type);
            CHECK(d->channel == m.channel);
            CHECK(d->payload == payload);
        }
    }
}

TEST_CASE("bus codec: a light PUBLISH cut short or with lengths that do not add up is rejected") {
    std::string frame = light(true, "ch", "payload");
    // Every truncation, re-framed to its own length: below the minimum, frame_length refuses;
    // above it, the two lengths no longer add up.
    for (size_t n = cluster::kPrefixLen; n < frame.size(); n++) {
        CAPTURE(n);
        std::string t = frame.substr(0, n);
        uint32_t len = static_cast<uint32_t>(n);
        for (int i = 0; i < 4; i++) {
            t[4 + i] = static_cast<char>((len >> (8 * i)) & 0xFF);
        }
        Result<size_t> fl = cluster::frame_length(t.data(), t.size());
        if (fl.ok() && *fl == t.size()) {
            CHECK(decode_copy(t).err() == Err::Invalid);
        } else {
            CHECK(!fl.ok());
        }
    }
    // A channel length past the frame.
    std::string bad = frame;
    bad[cluster::kPrefixLen] = 100;
    CHECK(decode_copy(bad).err() == Err::Invalid);
}

namespace {

const std::string kIdB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

// myself replicates B, which serves every slot.
struct ReplicaOfB {
    cluster::ClusterState st;
    cluster::Node* me = st.myself();
    cluster::Node* b = st.create_node(kIdB, cluster::kNodeMaster, 0);

    ReplicaOfB() {
        me->flags = cluster::kNodeReplica | cluster::kNodeMyself;
        st.set_master(me, b);
        for (int s = 0; s < cluster::kSlots; s++) {
            REQUIRE(st.add_slot(b, s));
        }
    }

    cluster::RouteResult route(const std::vector<std::string>& channels, bool shard,
                               bool allow_when_down, bool reads_when_down = false) {
        std::vector<std::string_view> args{"SSUBSCRIBE"};
        std::vector<int> idx;
        for (const auto& c : channels) {
            idx.push_back(static_cast<int>(args.size()));
            args.emplace_back(c);
        }
        cluster::RouteQuery q;
        q.args = &args;
        q.key_indexes = &idx;
        q.is_write = false;
        q.asking_flag_command = false;
        q.client_asking = false;
        q.client_readonly = false;
        q.allow_reads_when_down = reads_when_down;
        q.pubsubshard = shard;
        q.allow_pubsubshard_when_down = allow_when_down;
        return cluster::route_command(st, q);
    }
};

}  // namespace

TEST_CASE("routing: sharded pub/sub is served by a replica of the slot's master, no READONLY") {
    ReplicaOfB f;
    cluster::StateConfig cfg;
    f.st.update_state(0, cfg);
    f.st.update_state(60'000, cfg);
    REQUIRE(f.st.is_ok());
    std::string ch = key_in(42, "ch");
    CHECK(f.route({ch}, true, true).route == Route::Here);
    // A read without READONLY is redirected to the master.
    cluster::RouteResult r = f.route({ch}, false, true);
    CHECK(r.route == Route::Moved);
    CHECK(r.node == f.b);
    CHECK(f.route({ch, key_in(43, "ch")}, true, true).route == Route::CrossSlot);
}

TEST_CASE("routing: cluster-allow-pubsubshard-when-down decides for sharded pub/sub alone") {
    ReplicaOfB f;
    // The cluster state is fail until update_state says otherwise.
    REQUIRE_FALSE(f.st.is_ok());
    std::string ch = key_in(42, "ch");
    CHECK(f.route({ch}, true, true).route == Route::Here);
    CHECK(f.route({ch}, true, false).route == Route::DownState);
    // The reads setting does not matter to it, nor it to reads.
    CHECK(f.route({ch}, true, false, true).route == Route::DownState);
    CHECK(f.route({ch}, false, true, false).route == Route::DownState);
}
