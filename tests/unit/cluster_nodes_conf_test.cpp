// Unit tests for src/cluster/nodes_conf.cpp: the file text, atomic write + load round trip, files
// as Redis 7.0 (and 7.2) write them, and corrupt files rejected with the line named.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "cluster/format.h"
#include "cluster/nodes_conf.h"

using namespace slotcache::cluster;

namespace {

std::string id_of(char c) { return std::string(kNodeIdLen, c); }

// A scratch directory under /tmp, removed with its files at the end of the test.
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/nodes_conf_test.XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
    std::string file(const std::string& name) const { return path + "/" + name; }
};

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
}

// myself "m" master 0-99 (migrating 5 to a, importing 6 from a), master "a" 100-199 with
// replica "r", a handshake node; epochs 4 / 7, currentEpoch 7, lastVoteEpoch 6.
void build(ClusterState& st) {
    st.rename_node(st.myself(), id_of('m'));
    Node* me = st.myself();
    Node* a = st.create_node(id_of('a'), kNodeMaster, 0);
    Node* r = st.create_node(id_of('r'), kNodeNoFailover, 0);
    Node* h = st.create_node(id_of('h'), kNodeHandshake, 0);
    st.set_master(r, a);
    me->ip = "10.0.0.1";
    me->port = 7000;
    me->cport = 17000;
    a->ip = "10.0.0.2";
    a->port = 7001;
    a->cport = 17001;
    a->hostname = "a.example";
    r->ip = "::1";
    r->port = 7002;
    r->cport = 17002;
    h->ip = "10.0.0.9";
    for (int s = 0; s < 100; ++s) {
        st.add_slot(me, s);
    }
    for (int s = 100; s < 200; ++s) {
        st.add_slot(a, s);
    }
    st.migrating_to[5] = a;
    st.importing_from[6] = a;
    me->config_epoch = 4;
    a->config_epoch = 7;
    st.current_epoch = 7;
    st.last_vote_epoch = 6;
}

const std::string kExpected =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 10.0.0.2:7001@17001,a.example master - 0 0 7 "
    "disconnected 100-199\n"
    "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm 10.0.0.1:7000@17000 myself,master - 0 0 4 "
    "connected 0-99 [5->-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa] "
    "[6-<-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n"
    "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr ::1:7002@17002 slave,nofailover "
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0 0 7 disconnected\n"
    "vars currentEpoch 7 lastVoteEpoch 6\n";

std::string parse_error(const std::string& text) {
    ClusterState st;
    std::string err;
    CHECK_FALSE(parse_nodes_conf(text, st, 0, &err));
    return err;
}

const std::string kMyLine = id_of('m') + " 10.0.0.1:7000@17000 myself,master - 0 0 1 connected";

}  // namespace

TEST_CASE("nodes.conf: the text is the NODES lines without handshake nodes, then vars") {
    ClusterState st;
    build(st);
    CHECK(nodes_conf_text(st) == kExpected);
}

TEST_CASE("nodes.conf: write then load gives back the same configuration") {
    TempDir dir;
    ClusterState st;
    build(st);
    std::string path = dir.file("nodes.conf");
    std::string err;
    REQUIRE(write_nodes_conf(path, st, &err));
    CHECK(read_file(path) == kExpected);
    CHECK_FALSE(access((path + ".tmp-" + std::to_string(getpid())).c_str(), F_OK) == 0);

    ClusterState loaded;
    std::string old_myself = loaded.myself()->id;
    REQUIRE(load_nodes_conf(path, loaded, 1000, &err) == LoadOutcome::Loaded);
    CHECK(nodes_conf_text(loaded) == kExpected);
    CHECK(loaded.myself()->id == id_of('m'));
    CHECK(loaded.find(old_myself) == nullptr);
    CHECK(loaded.node_count() == 3);
    Node* a = loaded.find(id_of('a'));
    Node* r = loaded.find(id_of('r'));
    REQUIRE(a != nullptr);
    REQUIRE(r != nullptr);
    CHECK(r->master == a);
    CHECK(a->replicas.size() == 1);
    CHECK(a->hostname == "a.example");
    CHECK(r->ip == "::1");
    CHECK(loaded.slot_owner(150) == a);
    CHECK(loaded.migrating_to[5] == a);
    CHECK(loaded.importing_from[6] == a);
    CHECK(loaded.current_epoch == 7);
    CHECK(loaded.last_vote_epoch == 6);
}

TEST_CASE("nodes.conf: writing again replaces the file") {
    TempDir dir;
    ClusterState st;
    build(st);
    std::string path = dir.file("nodes.conf");
    std::string err;
    REQUIRE(write_nodes_conf(path, st, &err));
    st.current_epoch = 8;
    REQUIRE(write_nodes_conf(path, st, &err));
    CHECK(read_file(path).ends_with("vars currentEpoch 8 lastVoteEpoch 6\n"));
}

TEST_CASE("nodes.conf: a save without fsync rewrites in place; a shorter text loads the same") {
    TempDir dir;
    ClusterState st;
    build(st);
    std::string path = dir.file("nodes.conf");
    std::string err;
    REQUIRE(write_nodes_conf(path, st, &err, false));
    CHECK(read_file(path) == kExpected);
    // The migrating mark goes away: the text shrinks, the file is truncated to it.
    st.migrating_to[5] = nullptr;
    REQUIRE(write_nodes_conf(path, st, &err, false));
    CHECK(read_file(path) == nodes_conf_text(st));
    CHECK_FALSE(access((path + ".tmp-" + std::to_string(getpid())).c_str(), F_OK) == 0);
    // What a crash between the write and the truncate would leave: the new text then newlines.
    std::string padded = nodes_conf_text(st) + std::string(40, '\n');
    ClusterState loaded;
    REQUIRE(parse_nodes_conf(padded, loaded, 1000, &err));
    CHECK(nodes_conf_text(loaded) == nodes_conf_text(st));
}

TEST_CASE("nodes.conf: a write into a missing directory fails with the path and errno text") {
    ClusterState st;
    std::string err;
    CHECK_FALSE(write_nodes_conf("/nonexistent-dir-xyz/nodes.conf", st, &err));
    CHECK(err.find("/nonexistent-dir-xyz/nodes.conf.tmp-") == 0);
    CHECK(err.find("No such file or directory") != std::string::npos);
}

TEST_CASE("nodes.conf: a missing or empty file is Missing, not an error") {
    TempDir dir;
    ClusterState st;
    std::string err;
    CHECK(load_nodes_conf(dir.file("none.conf"), st, 0, &err) == LoadOutcome::Missing);
    write_file(dir.file("empty.conf"), "");
    CHECK(load_nodes_conf(dir.file("empty.conf"), st, 0, &err) == LoadOutcome::Missing);
}

TEST_CASE("nodes.conf: a corrupt file fails naming the path and the line") {
    TempDir dir;
    write_file(dir.file("bad.conf"), kMyLine + "\nnot a node line\n");
    ClusterState st;
    std::string err;
    CHECK(load_nodes_conf(dir.file("bad.conf"), st, 0, &err) == LoadOutcome::Failed);
    CHECK(err == dir.file("bad.conf") +
                     ": corrupted cluster config file, line 2: a node line has at least 8 "
                     "fields: not a node line");
}

TEST_CASE("nodes.conf: a file written by Redis 7.0 loads, replicas before their master") {
    std::string text =
        "07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@40004 slave "
        "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected\n"
        "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@40002 master - 0 "
        "1426238316232 2 connected 5461-10922\n"
        "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@40003 master - 0 "
        "1426238318243 3 connected 10923-16383\n"
        "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@40001 myself,master - 0 0 1 "
        "connected 0-5460\n"
        "\n"
        "vars currentEpoch 6 lastVoteEpoch 0\n";
    ClusterState st;
    std::string err;
    REQUIRE(parse_nodes_conf(text, st, 555, &err));
    Node* me = st.myself();
    CHECK(me->id == "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca");
    CHECK(me->num_slots == 5461);
    Node* rep = st.find("07c37dfeb235213a872192d90877d0cd55635b91");
    REQUIRE(rep != nullptr);
    CHECK(rep->is_replica());
    CHECK(rep->master == me);
    CHECK(rep->pong_received_ms == 555);  // stored times only say "we had one"
    CHECK(rep->ping_sent_ms == 0);
    CHECK(st.slots_assigned() == kSlots);
    CHECK(st.current_epoch == 6);
}

TEST_CASE("nodes.conf: old and newer address forms, CRLF and unknown vars are tolerated") {
    std::string text = id_of('m') + " 10.0.0.1:7000 myself,master - 0 0 1 connected 0\r\n" +
                       id_of('a') +
                       " 10.0.0.2:7001@17001,,tls-port=0,shard-id=abc master,fail - 0 0 9 "
                       "disconnected 1\n" +
                       id_of('b') + " :0@0 noflags - 0 0 0 disconnected\n" +
                       "vars currentEpoch 2 lastVoteEpoch 1 futureVar x\n";
    ClusterState st;
    std::string err;
    REQUIRE(parse_nodes_conf(text, st, 77, &err));
    CHECK(st.myself()->cport == 17000);
    Node* a = st.find(id_of('a'));
    REQUIRE(a != nullptr);
    CHECK(a->hostname.empty());
    CHECK(a->is_failed());
    CHECK(a->fail_time_ms == 77);
    CHECK(st.find(id_of('b'))->flags == 0);
    CHECK(st.current_epoch == 9);  // raised to the greatest config epoch
    CHECK(st.last_vote_epoch == 1);
}

TEST_CASE("nodes.conf: corrupt lines are rejected with the reason") {
    std::string a_line = id_of('a') + " 10.0.0.2:7001@17001 master - 0 0 2 connected";
    CHECK(parse_error(kMyLine + " 0-10\n" + a_line + " 10\n") ==
          "corrupted cluster config file, line 2: slot 10 claimed twice: " + a_line + " 10");
    CHECK(parse_error(kMyLine + " 16384\n").find("line 1: bad slot range") != std::string::npos);
    CHECK(parse_error(kMyLine + " 5-3\n").find("bad slot range") != std::string::npos);
    CHECK(parse_error(kMyLine + " 1-x\n").find("bad slot range") != std::string::npos);
    CHECK(parse_error(kMyLine + " [5->-zz]\n").find("bad node ID in migrating") !=
          std::string::npos);
    CHECK(parse_error(kMyLine + " [5-=-" + id_of('a') + "]\n").find("bad migrating") !=
          std::string::npos);
    CHECK(parse_error(kMyLine + " [99999->-" + id_of('a') + "]\n").find("bad slot in") !=
          std::string::npos);
    CHECK(parse_error(kMyLine + " [5->-" + id_of('a') + "]\n") ==
          "corrupted cluster config file, line 1: node " + id_of('a') +
              " has no line of its own");
    CHECK(parse_error("xyz 10.0.0.1:7000@17000 myself,master - 0 0 1 connected\n")
              .find("bad node ID") != std::string::npos);
    CHECK(parse_error(id_of('m') + " 10.0.0.1-7000 myself,master - 0 0 1 connected\n")
              .find("bad address") != std::string::npos);
    CHECK(parse_error(id_of('m') + " 10.0.0.1:70000@1 myself,master - 0 0 1 connected\n")
              .find("bad port") != std::string::npos);
    CHECK(parse_error(id_of('m') + " 10.0.0.1:7000@x myself,master - 0 0 1 connected\n")
              .find("bad cluster bus port") != std::string::npos);
    CHECK(parse_error(id_of('m') + " 10.0.0.1:7000@1,h,junk myself,master - 0 0 1 connected\n")
              .find("bad address field") != std::string::npos);
    CHECK(parse_error(id_of('m') + " 10.0.0.1:7000@1 myself,boss - 0 0 1 connected\n")
              .find("unknown flag") != std::string::npos);
    CHECK(parse_error(id_of('m') + " 10.0.0.1:7000@1 myself,master,slave - 0 0 1 connected\n")
              .find("both master and slave") != std::string::npos);
    CHECK(parse_error(id_of('m') + " 10.0.0.1:7000@1 myself,master - 0 0 -1 connected\n")
              .find("config epoch") != std::string::npos);
    CHECK(parse_error(id_of('m') + " 10.0.0.1:7000@1 myself,master nope 0 0 1 connected\n")
              .find("bad master ID") != std::string::npos);
    CHECK(parse_error(kMyLine + "\n" + kMyLine + "\n").find("line 2: node listed twice") !=
          std::string::npos);
    CHECK(parse_error(kMyLine + "\n" + id_of('a') +
                      " 10.0.0.2:7001@17001 myself,master - 0 0 2 connected\n")
              .find("two nodes flagged myself") != std::string::npos);
    CHECK(parse_error(a_line + "\n") ==
          "corrupted cluster config file: no node flagged myself");
    CHECK(parse_error(kMyLine + "\nvars currentEpoch\n").find("line 2: vars need") !=
          std::string::npos);
    CHECK(parse_error(kMyLine + "\nvars currentEpoch -3\n").find("bad epoch") !=
          std::string::npos);
    CHECK(parse_error(kMyLine + "\n" + id_of('r') + " 10.0.0.3:7002@17002 slave " + id_of('z') +
                      " 0 0 0 connected\n")
              .find("line 2: node " + id_of('z') + " has no line") != std::string::npos);
}
