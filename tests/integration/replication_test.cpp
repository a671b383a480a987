// Replication between slotcache processes: full sync and the stream, partial resync after a
// link cut, full resync when the cut outlasts the backlog, WAIT, read-only replicas, promotion,
// client types (CLIENT LIST/KILL TYPE) and the master's view of keys that expired on a replica.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

ServerProcess start_replica_of(int master_port, Args extra = {}) {
    Args a = {"--replicaof", "127.0.0.1 " + std::to_string(master_port)};
    a.insert(a.end(), extra.begin(), extra.end());
    return ServerProcess(a);
}

long long offset_of(Conn& c) { return info_int(c, "replication", "master_repl_offset"); }

bool link_up(Conn& c) { return info(c, "replication")["master_link_status"] == "up"; }

// The replica has applied everything the master produced.
bool caught_up(Conn& m, Conn& r) { return link_up(r) && offset_of(r) == offset_of(m); }

// The lines of a CLIENT LIST reply.
std::vector<std::string> lines_of(const Reply& r) {
    std::vector<std::string> out;
    std::istringstream in(r.str);
    std::string line;
    while (std::getline(in, line)) {
        out.push_back(line);
    }
    return out;
}

bool has(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

// The id of the master's first replica client, from CLIENT LIST (flags=S).
std::string replica_client_id(Conn& m) {
    std::istringstream in(m.cmd({"CLIENT", "LIST"}).str);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find(" flags=S ") != std::string::npos) {
            return line.substr(3, line.find(' ') - 3);
        }
    }
    return "";
}

}  // namespace

TEST_CASE("replication: a replica converges after 100,000 writes with TTLs") {
    ServerProcess master;
    ServerProcess replica = start_replica_of(master.port());
    Conn m = master.connect();
    Conn r = replica.connect();
    REQUIRE(wait_until([&] { return link_up(r); }, 10000ms));
    const int kKeys = 100000;
    for (int i = 0; i < kKeys; i++) {
        std::string k = "key:" + std::to_string(i);
        if (i % 2 == 0) {
            m.append({"SET", k, "v" + std::to_string(i), "EX", "1000"});
        } else {
            m.append({"SET", k, std::to_string(i)});
        }
        if (i % 1000 == 999) {
            for (int j = 0; j < 1000; j++) REQUIRE(m.read() == ok());
        }
    }
    m.cmd({"INCR", "key:1"});
    m.cmd({"PEXPIRE", "key:3", "5000000"});
    m.cmd({"DEL", "key:5"});
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 20000ms));
    CHECK(r.cmd({"DBSIZE"}) == integer(kKeys - 1));
    CHECK(r.cmd({"GET", "key:0"}) == bulk("v0"));
    CHECK(r.cmd({"GET", "key:1"}) == bulk("2"));
    CHECK(r.cmd({"GET", "key:5"}) == nil());
    CHECK(r.cmd({"GET", "key:99998"}) == bulk("v99998"));
    long long ttl = r.cmd({"TTL", "key:4"}).integer;
    CHECK(ttl > 990);
    CHECK(ttl <= 1000);
    CHECK(r.cmd({"TTL", "key:7"}) == integer(-1));
    CHECK(r.cmd({"PTTL", "key:3"}).integer > 4990000);
    // Same keys and the same number of keys with a TTL.
    std::string mdb = info(m, "keyspace")["db0"], rdb = info(r, "keyspace")["db0"];
    CHECK(rdb.substr(0, rdb.find(",avg_ttl")) == mdb.substr(0, mdb.find(",avg_ttl")));
}

TEST_CASE("replication: a replica that joins later gets the data by a full sync, other dbs too") {
    ServerProcess master;
    Conn m = master.connect();
    m.cmd({"SET", "a", "1"});
    m.cmd({"SELECT", "2"});
    m.cmd({"SET", "b", "2", "PX", "100000"});
    ServerProcess replica = start_replica_of(master.port());
    Conn r = replica.connect();
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 10000ms));
    CHECK(r.cmd({"GET", "a"}) == bulk("1"));
    r.cmd({"SELECT", "2"});
    CHECK(r.cmd({"GET", "b"}) == bulk("2"));
    CHECK(r.cmd({"PTTL", "b"}).integer > 90000);
    Conn m0 = master.connect();
    CHECK(info_int(m0, "stats", "sync_full") == 1);
    auto rep = info(m0, "replication");
    CHECK(rep["connected_slaves"] == "1");
    CHECK(rep["slave0"].find("state=online") != std::string::npos);
    CHECK(rep["repl_backlog_active"] == "1");
}

TEST_CASE("replication: writes on a replica are refused, reads are served") {
    ServerProcess master;
    ServerProcess replica = start_replica_of(master.port());
    Conn m = master.connect();
    Conn r = replica.connect();
    REQUIRE(wait_until([&] { return link_up(r); }, 10000ms));
    m.cmd({"SET", "k", "v"});
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 5000ms));
    CHECK(r.cmd({"SET", "k", "x"}) ==
          error("READONLY You can't write against a read only replica."));
    CHECK(r.cmd({"DEL", "k"}) == error("READONLY You can't write against a read only replica."));
    CHECK(r.cmd({"GET", "k"}) == bulk("v"));
    Reply role = r.cmd({"ROLE"});
    REQUIRE(role.elements.size() == 5);
    CHECK(role.elements[0] == bulk("slave"));
    CHECK(role.elements[2] == integer(master.port()));
    CHECK(role.elements[3] == bulk("connected"));
    CHECK(r.cmd({"WAIT", "1", "0"}).is_error());
}

TEST_CASE("replication: a cut link resumes with a partial sync") {
    ServerProcess master;
    ServerProcess replica = start_replica_of(master.port());
    Conn m = master.connect();
    Conn r = replica.connect();
    REQUIRE(wait_until([&] { return link_up(r); }, 10000ms));
    for (int i = 0; i < 100; i++) m.cmd({"SET", "a" + std::to_string(i), "x"});
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 5000ms));
    long long full = info_int(m, "stats", "sync_full");
    std::string id = replica_client_id(m);
    REQUIRE(!id.empty());
    CHECK(m.cmd({"CLIENT", "KILL", "ID", id}) == integer(1));
    for (int i = 0; i < 100; i++) m.cmd({"SET", "b" + std::to_string(i), "y"});
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 10000ms));
    CHECK(info_int(m, "stats", "sync_partial_ok") == 1);
    CHECK(info_int(m, "stats", "sync_full") == full);
    CHECK(r.cmd({"GET", "b99"}) == bulk("y"));
    CHECK(r.cmd({"DBSIZE"}) == integer(200));
}

TEST_CASE("replication: a cut longer than the backlog forces a full sync") {
    ServerProcess master({"--repl-backlog-size", "16384"});
    ServerProcess replica = start_replica_of(master.port());
    Conn m = master.connect();
    Conn r = replica.connect();
    REQUIRE(wait_until([&] { return link_up(r); }, 10000ms));
    std::string id = replica_client_id(m);
    REQUIRE(!id.empty());
    replica.pause_process();
    m.cmd({"CLIENT", "KILL", "ID", id});
    std::string big(1000, 'z');
    for (int i = 0; i < 100; i++) m.cmd({"SET", "k" + std::to_string(i), big});
    replica.resume_process();
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 15000ms));
    CHECK(info_int(m, "stats", "sync_full") == 2);
    CHECK(info_int(m, "stats", "sync_partial_err") == 1);
    CHECK(info_int(m, "stats", "sync_partial_ok") == 0);
    CHECK(r.cmd({"STRLEN", "k99"}) == integer(1000));
}

TEST_CASE("replication: WAIT counts the replicas that acknowledged the write") {
    ServerProcess master;
    Conn m = master.connect();
    CHECK(m.cmd({"WAIT", "0", "0"}) == integer(0));
    ServerProcess r1 = start_replica_of(master.port());
    ServerProcess r2 = start_replica_of(master.port());
    // Both synced: a replica is listed from its SYNC on, but acknowledges only once its
    // snapshot (made after repl-diskless-sync-delay) is loaded.
    REQUIRE(wait_until(
        [&] {
            auto rep = info(m, "replication");
            return rep["slave0"].find("state=online") != std::string::npos &&
                   rep["slave1"].find("state=online") != std::string::npos;
        },
        20000ms));
    m.cmd({"SET", "k", "v"});
    CHECK(m.cmd({"WAIT", "2", "5000"}) == integer(2));
    m.cmd({"SET", "k", "w"});
    long long t0 = now_ms();
    CHECK(m.cmd({"WAIT", "3", "300"}) == integer(2));
    CHECK(now_ms() - t0 >= 290);
    r2.pause_process();
    m.cmd({"SET", "k", "x"});
    CHECK(m.cmd({"WAIT", "2", "300"}) == integer(1));
    r2.resume_process();
    CHECK(m.cmd({"WAIT", "1", "-1"}) == error("ERR timeout is negative"));
}

TEST_CASE("replication: min-replicas-to-write refuses writes without enough good replicas") {
    ServerProcess master({"--min-replicas-to-write", "1", "--min-replicas-max-lag", "10"});
    Conn m = master.connect();
    CHECK(m.cmd({"SET", "k", "v"}) == error("NOREPLICAS Not enough good replicas to write."));
    CHECK(m.cmd({"GET", "k"}) == nil());
    ServerProcess replica = start_replica_of(master.port());
    REQUIRE(wait_until([&] { return m.cmd({"SET", "k", "v"}) == ok(); }, 10000ms));
}

TEST_CASE("replication: REPLICAOF NO ONE promotes; the old master then continues partially") {
    ServerProcess a;
    ServerProcess b = start_replica_of(a.port());
    Conn ca = a.connect();
    Conn cb = b.connect();
    REQUIRE(wait_until([&] { return link_up(cb); }, 10000ms));
    ca.cmd({"SET", "k", "1"});
    REQUIRE(wait_until([&] { return caught_up(ca, cb); }, 5000ms));
    std::string old_id = info(ca, "replication")["master_replid"];
    CHECK(cb.cmd({"REPLICAOF", "NO", "ONE"}) == ok());
    auto rep = info(cb, "replication");
    CHECK(rep["role"] == "master");
    CHECK(rep["master_replid2"] == old_id);
    CHECK(cb.cmd({"SET", "k", "2"}) == ok());
    // The old master follows the promoted one and continues from its own history.
    CHECK(ca.cmd({"REPLICAOF", "127.0.0.1", std::to_string(b.port())}) == ok());
    REQUIRE(wait_until([&] { return caught_up(cb, ca); }, 10000ms));
    CHECK(ca.cmd({"GET", "k"}) == bulk("2"));
    CHECK(info_int(cb, "stats", "sync_partial_ok") == 1);
    CHECK(info_int(cb, "stats", "sync_full") == 0);
    CHECK(ca.cmd({"REPLICAOF", "127.0.0.1", std::to_string(b.port())}) ==
          status("OK Already connected to specified master"));
}

TEST_CASE("replication: CLIENT LIST and KILL TYPE tell replicas and the master link apart") {
    ServerProcess master;
    ServerProcess replica = start_replica_of(master.port());
    Conn m = master.connect();
    Conn r = replica.connect();
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 10000ms));

    // The master sees one replica (also under its old name) and our own normal connection.
    auto reps = lines_of(m.cmd({"CLIENT", "LIST", "TYPE", "replica"}));
    REQUIRE(reps.size() == 1);
    CHECK(has(reps[0], " flags=S "));
    CHECK(lines_of(m.cmd({"CLIENT", "LIST", "TYPE", "SLAVE"})).size() == 1);
    auto normal = lines_of(m.cmd({"CLIENT", "LIST", "TYPE", "normal"}));
    REQUIRE(normal.size() == 1);
    CHECK(has(normal[0], " cmd=client|list "));
    CHECK(m.cmd({"CLIENT", "LIST", "TYPE", "master"}) == bulk(""));
    CHECK(m.cmd({"CLIENT", "LIST", "TYPE", "pubsub"}) == bulk(""));
    CHECK(m.cmd({"CLIENT", "LIST", "TYPE", "bogus"}) == error("ERR Unknown client type 'bogus'"));

    // The replica sees its master link, which belongs to no ACL user.
    auto link = lines_of(r.cmd({"CLIENT", "LIST", "TYPE", "master"}));
    REQUIRE(link.size() == 1);
    CHECK(has(link[0], " flags=M "));
    CHECK(has(link[0], " user=(superuser) "));
    CHECK(lines_of(r.cmd({"CLIENT", "LIST", "TYPE", "normal"})).size() == 1);
    CHECK(r.cmd({"CLIENT", "LIST", "TYPE", "replica"}) == bulk(""));

    CHECK(r.cmd({"CLIENT", "KILL", "TYPE", "replica"}) == integer(0));
    CHECK(r.cmd({"CLIENT", "KILL", "TYPE", "master", "USER", "default"}) == integer(0));
    CHECK(r.cmd({"CLIENT", "KILL", "USER", "nobody"}) == error("ERR No such user 'nobody'"));
    CHECK(r.cmd({"CLIENT", "KILL", "TYPE", "bogus"}) == error("ERR Unknown client type 'bogus'"));
    CHECK(r.cmd({"CLIENT", "KILL", "TYPE", "master"}) == integer(1));
    m.cmd({"SET", "after-link-kill", "1"});
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 10000ms));
    CHECK(r.cmd({"GET", "after-link-kill"}) == bulk("1"));

    // Killing normal clients spares the replica (and, with SKIPME, ourselves).
    CHECK(m.cmd({"CLIENT", "KILL", "TYPE", "normal"}) == integer(0));
    CHECK(m.cmd({"CLIENT", "KILL", "TYPE", "slave"}) == integer(1));
    m.cmd({"SET", "after-replica-kill", "1"});
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 10000ms));
    CHECK(r.cmd({"GET", "after-replica-kill"}) == bulk("1"));
}

TEST_CASE("replication: the stream acts on keys that expired on the replica meanwhile") {
    ServerProcess master;
    ServerProcess replica = start_replica_of(master.port());
    Conn m = master.connect();
    Conn r = replica.connect();
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 10000ms));
    // The replica applies these after the TTL passed: the master's INCR and PERSIST must still
    // find the key (Redis never expires keys for the master client), else the replica would
    // hold 1 where the master holds 11.
    replica.pause_process();
    CHECK(m.cmd({"SET", "k", "10", "PX", "1000"}) == ok());
    CHECK(m.cmd({"INCR", "k"}) == integer(11));
    CHECK(m.cmd({"PERSIST", "k"}) == integer(1));
    CHECK(m.cmd({"SET", "gone", "x", "PX", "1000"}) == ok());
    CHECK(m.cmd({"DEL", "gone"}) == integer(1));
    std::this_thread::sleep_for(1500ms);
    replica.resume_process();
    REQUIRE(wait_until([&] { return caught_up(m, r); }, 10000ms));
    CHECK(r.cmd({"GET", "k"}) == bulk("11"));
    CHECK(r.cmd({"TTL", "k"}) == integer(-1));
    // The DEL removed the expired key rather than leaving it behind.
    CHECK(info(r, "keyspace")["db0"] == "keys=1,expires=0,avg_ttl=0");
}

TEST_CASE("replication: SIGTERM while the replica's link is mid-handshake exits cleanly") {
    // A "master" that accepts and never answers: the replica stays in its handshake. At
    // shutdown the loop's last sweep closed that link, and ~Replica closed it a second time (a
    // libuv assertion: the process aborted instead of exiting 0).
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(listen(fd, 4) == 0);
    socklen_t len = sizeof(addr);
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    int silent_port = ntohs(addr.sin_port);

    ServerProcess replica;
    Conn c = replica.connect();
    CHECK(c.cmd({"REPLICAOF", "127.0.0.1", std::to_string(silent_port)}) == ok());
    CHECK(wait_until(
        [&] {
            Reply r = c.cmd({"INFO", "replication"});
            return r.str.find("master_link_status:down") != std::string::npos &&
                   r.str.find("master_sync_in_progress:0") != std::string::npos &&
                   replica.log().find("Master replied") == std::string::npos &&
                   replica.log().find("Connecting to MASTER") != std::string::npos;
        },
        5000ms, 20ms));
    int accepted = accept(fd, nullptr, nullptr);  // the link is open, its PING unanswered
    CHECK(accepted >= 0);
    CHECK(replica.stop() == 0);
    if (accepted >= 0) close(accepted);
    close(fd);
}
