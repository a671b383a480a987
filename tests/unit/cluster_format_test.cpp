// Unit tests for src/cluster/format.cpp: CLUSTER NODES lines, CLUSTER SLOTS and CLUSTER SHARDS
// replies and CLUSTER INFO text, byte for byte, over a hand-built ClusterState.
#include <doctest/doctest.h>

#include <string>

#include "cluster/format.h"

using namespace slotcache::cluster;
using slotcache::config::EndpointType;
using slotcache::resp::OutBuffer;
using slotcache::resp::Reply;

namespace {

std::string id_of(char c) { return std::string(kNodeIdLen, c); }

std::string drain(const OutBuffer& b) {
    iovec v[64];
    size_t n = b.iov(v, 64);
    std::string s;
    for (size_t i = 0; i < n; ++i) {
        s.append(static_cast<const char*>(v[i].iov_base), v[i].iov_len);
    }
    return s;
}

std::string bulk(const std::string& s) {
    return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

// myself "m" master of 0-5460 (+ migrating 10 to a, importing 20 from b), epoch 1;
// master "a" of 5461-10922 and 16383, epoch 2, with replica "r"; master "b" of 10923-16382,
// epoch 3, hostname "b.example", FAIL? flagged; replica "f" of a is FAIL.
struct Built {
    ClusterState st;
    Node* me;
    Node* a;
    Node* b;
    Node* r;
    Node* f;

    Built() {
        st.rename_node(st.myself(), id_of('m'));
        me = st.myself();
        a = st.create_node(id_of('a'), kNodeMaster, 0);
        b = st.create_node(id_of('b'), kNodeMaster | kNodePfail, 0);
        r = st.create_node(id_of('r'), 0, 0);
        f = st.create_node(id_of('f'), kNodeFail, 0);
        st.set_master(r, a);
        st.set_master(f, a);
        set_addr(me, "127.0.0.1", 7000);
        set_addr(a, "127.0.0.1", 7001);
        set_addr(b, "127.0.0.1", 7002);
        set_addr(r, "127.0.0.1", 7003);
        set_addr(f, "127.0.0.1", 7004);
        b->hostname = "b.example";
        for (int s = 0; s <= 5460; ++s) {
            st.add_slot(me, s);
        }
        for (int s = 5461; s <= 10922; ++s) {
            st.add_slot(a, s);
        }
        st.add_slot(a, 16383);
        for (int s = 10923; s <= 16382; ++s) {
            st.add_slot(b, s);
        }
        me->config_epoch = 1;
        a->config_epoch = 2;
        b->config_epoch = 3;
        st.current_epoch = 3;
        a->ping_sent_ms = 0;
        a->pong_received_ms = 1700000000123;
        b->ping_sent_ms = 1700000000001;
        b->pong_received_ms = 1700000000000;
        r->repl_offset = 1234;
        st.migrating_to[10] = a;
        st.importing_from[20] = b;
    }
    static void set_addr(Node* n, const char* ip, int port) {
        n->ip = ip;
        n->port = port;
        n->cport = port + 10000;
    }
};

}  // namespace

TEST_CASE("format: node flags print in Redis' order, noflags when none") {
    CHECK(node_flags_text(kNodeMyself | kNodeMaster) == "myself,master");
    CHECK(node_flags_text(kNodeReplica | kNodePfail) == "slave,fail?");
    CHECK(node_flags_text(kNodeFail | kNodeMaster | kNodeNoFailover) == "master,fail,nofailover");
    CHECK(node_flags_text(kNodeHandshake | kNodeNoAddr) == "handshake,noaddr");
    CHECK(node_flags_text(kNodeMeet | kNodeMigrateTo) == "noflags");
    CHECK(node_flags_text(0) == "noflags");
}

TEST_CASE("format: slot ranges are 'a-b' or a single slot, space separated") {
    std::bitset<kSlots> s;
    CHECK(slot_ranges_text(s).empty());
    s.set(0);
    s.set(1);
    s.set(3);
    s.set(16383);
    CHECK(slot_ranges_text(s) == "0-1 3 16383");
}

TEST_CASE("format: CLUSTER NODES is byte-exact, sorted by ID, with myself's marks") {
    Built w;
    std::string expected =
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 127.0.0.1:7001@17001 master - 0 1700000000123 "
        "2 disconnected 5461-10922 16383\n"
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 127.0.0.1:7002@17002,b.example master,fail? - "
        "1700000000001 1700000000000 3 disconnected 10923-16382\n"
        "ffffffffffffffffffffffffffffffffffffffff 127.0.0.1:7004@17004 slave,fail "
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0 0 2 disconnected\n"
        "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm 127.0.0.1:7000@17000 myself,master - 0 0 1 "
        "connected 0-5460 [10->-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa] "
        "[20-<-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]\n"
        "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr 127.0.0.1:7003@17003 slave "
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0 0 2 disconnected\n";
    CHECK(nodes_text(w.st) == expected);
}

TEST_CASE("format: NODES skips flagged nodes; myself shows ping/pong 0 and connected") {
    Built w;
    Node* h = w.st.create_node(id_of('h'), kNodeHandshake, 0);
    Built::set_addr(h, "10.0.0.9", 7009);
    CHECK(nodes_text(w.st).find("hhhh") != std::string::npos);
    CHECK(nodes_text(w.st, kNodeHandshake).find("hhhh") == std::string::npos);
    w.me->ping_sent_ms = 5;
    w.me->pong_received_ms = 6;
    CHECK(node_line(w.st, w.me).starts_with(
        "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm 127.0.0.1:7000@17000 myself,master - 0 0 1 "
        "connected 0-5460"));
}

TEST_CASE("format: a node without address prints ':0@0' and noaddr") {
    ClusterState st;
    Node* n = st.create_node(id_of('n'), kNodeMaster | kNodeNoAddr, 0);
    CHECK(node_line(st, n) == id_of('n') + " :0@0 master,noaddr - 0 0 0 disconnected");
}

TEST_CASE("format: preferred endpoint per cluster-preferred-endpoint-type") {
    Built w;
    CHECK(preferred_endpoint(w.b, EndpointType::Ip) == "127.0.0.1");
    CHECK(preferred_endpoint(w.b, EndpointType::Hostname) == "b.example");
    CHECK(preferred_endpoint(w.a, EndpointType::Hostname) == "?");
    CHECK(preferred_endpoint(w.a, EndpointType::UnknownEndpoint) == "");
}

TEST_CASE("format: CLUSTER SLOTS by range start, FAIL replicas skipped, metadata map") {
    Built w;
    OutBuffer out;
    Reply r(out, 2);
    write_slots_reply(r, w.st, EndpointType::Ip);
    auto node = [](const std::string& ip, int port, char id, const std::string& meta) {
        return "*4\r\n" + bulk(ip) + ":" + std::to_string(port) + "\r\n" + bulk(id_of(id)) +
               meta;
    };
    std::string expected = "*4\r\n";
    expected += "*3\r\n:0\r\n:5460\r\n" + node("127.0.0.1", 7000, 'm', "*0\r\n");
    expected += "*4\r\n:5461\r\n:10922\r\n" + node("127.0.0.1", 7001, 'a', "*0\r\n") +
                node("127.0.0.1", 7003, 'r', "*0\r\n");
    expected += "*3\r\n:10923\r\n:16382\r\n" +
                node("127.0.0.1", 7002, 'b', "*2\r\n" + bulk("hostname") + bulk("b.example"));
    expected += "*4\r\n:16383\r\n:16383\r\n" + node("127.0.0.1", 7001, 'a', "*0\r\n") +
                node("127.0.0.1", 7003, 'r', "*0\r\n");
    CHECK(drain(out) == expected);
}

TEST_CASE("format: CLUSTER SLOTS with hostname endpoints puts the ip in the map (RESP3)") {
    ClusterState st;
    Node* me = st.myself();
    me->ip = "10.0.0.1";
    me->port = 6379;
    me->hostname = "me.example";
    st.add_slot(me, 7);
    OutBuffer out;
    Reply r(out, 3);
    write_slots_reply(r, st, EndpointType::Hostname);
    CHECK(drain(out) == "*1\r\n*3\r\n:7\r\n:7\r\n*4\r\n" + bulk("me.example") + ":6379\r\n" +
                            bulk(me->id) + "%1\r\n" + bulk("ip") + bulk("10.0.0.1"));
    OutBuffer out2;
    Reply r2(out2, 3);
    write_slots_reply(r2, st, EndpointType::UnknownEndpoint);
    CHECK(drain(out2) == "*1\r\n*3\r\n:7\r\n:7\r\n*4\r\n_\r\n:6379\r\n" + bulk(me->id) +
                             "%2\r\n" + bulk("ip") + bulk("10.0.0.1") + bulk("hostname") +
                             bulk("me.example"));
}

TEST_CASE("format: CLUSTER SHARDS lists every master's slots and nodes with health") {
    Built w;
    Node* empty = w.st.create_node(id_of('e'), kNodeMaster, 0);
    Built::set_addr(empty, "127.0.0.1", 7005);
    OutBuffer out;
    Reply r(out, 3);
    write_shards_reply(r, w.st, EndpointType::Ip, 777);
    auto node = [](char id, int port, const std::string& role, long long off,
                   const std::string& health, const std::string& host = "") {
        std::string s = host.empty() ? "%7\r\n" : "%8\r\n";
        s += bulk("id") + bulk(id_of(id)) + bulk("port") + ":" + std::to_string(port) + "\r\n" +
             bulk("ip") + bulk("127.0.0.1") + bulk("endpoint") + bulk("127.0.0.1");
        if (!host.empty()) {
            s += bulk("hostname") + bulk(host);
        }
        s += bulk("role") + bulk(role) + bulk("replication-offset") + ":" +
             std::to_string(off) + "\r\n" + bulk("health") + bulk(health);
        return s;
    };
    std::string expected = "*4\r\n";
    expected += "%2\r\n" + bulk("slots") + "*2\r\n:0\r\n:5460\r\n" + bulk("nodes") + "*1\r\n" +
                node('m', 7000, "master", 777, "online");
    expected += "%2\r\n" + bulk("slots") + "*4\r\n:5461\r\n:10922\r\n:16383\r\n:16383\r\n" +
                bulk("nodes") + "*3\r\n" + node('a', 7001, "master", 0, "online") +
                node('r', 7003, "replica", 1234, "online") +
                node('f', 7004, "replica", 0, "fail");
    expected += "%2\r\n" + bulk("slots") + "*2\r\n:10923\r\n:16382\r\n" + bulk("nodes") +
                "*1\r\n" + node('b', 7002, "master", 0, "online", "b.example");
    expected += "%2\r\n" + bulk("slots") + "*0\r\n" + bulk("nodes") + "*1\r\n" +
                node('e', 7005, "master", 0, "online");
    CHECK(drain(out) == expected);
}

TEST_CASE("format: a replica at offset 0 is 'loading' in CLUSTER SHARDS") {
    Built w;
    w.r->repl_offset = 0;
    OutBuffer out;
    Reply r(out, 2);
    write_shards_reply(r, w.st, EndpointType::Ip, 0);
    std::string s = drain(out);
    CHECK(s.find(bulk("replica") + bulk("replication-offset") + ":0\r\n" + bulk("health") +
                 bulk("loading")) != std::string::npos);
}

TEST_CASE("format: CLUSTER INFO lists state, counts, epochs and non-zero message counters") {
    Built w;
    w.st.update_state(0, StateConfig{});
    w.st.update_state(3000, StateConfig{});  // after the writable delay
    uint64_t sent[16] = {};
    uint64_t received[16] = {};
    sent[0] = 10;  // ping
    sent[1] = 3;   // pong
    received[1] = 9;
    received[5] = 1;  // auth-req
    received[10] = 2;  // publishshard
    std::string expected =
        "cluster_state:ok\r\n"
        "cluster_slots_assigned:16384\r\n"
        "cluster_slots_ok:10924\r\n"
        "cluster_slots_pfail:5460\r\n"
        "cluster_slots_fail:0\r\n"
        "cluster_known_nodes:5\r\n"
        "cluster_size:3\r\n"
        "cluster_current_epoch:3\r\n"
        "cluster_my_epoch:1\r\n"
        "cluster_stats_messages_ping_sent:10\r\n"
        "cluster_stats_messages_pong_sent:3\r\n"
        "cluster_stats_messages_sent:13\r\n"
        "cluster_stats_messages_pong_received:9\r\n"
        "cluster_stats_messages_auth-req_received:1\r\n"
        "cluster_stats_messages_publishshard_received:2\r\n"
        "cluster_stats_messages_received:12\r\n"
        "total_cluster_links_buffer_limit_exceeded:0\r\n";
    CHECK(cluster_info_text(w.st, sent, received) == expected);
}

TEST_CASE("format: CLUSTER INFO of a replica shows its master's epoch") {
    Built w;
    w.st.clear_slots(w.me);
    w.st.set_master(w.me, w.a);
    uint64_t none[11] = {};
    std::string info = cluster_info_text(w.st, none, none);
    CHECK(info.find("cluster_my_epoch:2\r\n") != std::string::npos);
    CHECK(info.find("cluster_stats_messages_sent:0\r\n") != std::string::npos);
}
