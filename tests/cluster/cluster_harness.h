// Cluster test harness: N real cluster-mode server processes, formed into a cluster the way an
// operator does it by hand (CLUSTER MEET, CLUSTER ADDSLOTSRANGE), and the polls a cluster test
// needs (cluster_state, CLUSTER NODES agreement, flags of one node as others see it).
//
// What: `ClusterNode` is one server started with cluster flags in its own directory on a fixed
// port of the suite's range 16400-16799 (bus port + 10000), so it can be stopped and started
// again with the same dir/nodes.conf and port (a restart). `TestCluster` owns N of them.
// Approach: reuses the integration harness' `Conn`/`Reply`/`wait_until`; every wait is a poll with
// a deadline; a failed formation throws with every node's CLUSTER NODES and log tail, so doctest
// prints why. The same tests run unchanged against Debian's redis-server 7.0
// (SLOTCACHE_SERVER=/usr/bin/redis-server), the reference.
// Rejected: `itest::ServerProcess` (it picks its own port from 11000-11999 and cannot restart a
// node in place); `redis-cli --cluster create` here (the interop suite covers it; MEET and
// ADDSLOTSRANGE keep each step visible and checkable); fixed sleeps.
// Invariants: a started node is always killed — by stop(), the destructor, atexit, or
// PR_SET_PDEATHSIG if the test binary dies; only pids started here are signalled.
// Thread: single-threaded test code.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "integration/harness.h"

namespace slotcache::ctest {

using itest::Args;
using itest::Conn;
using itest::Millis;
using itest::Reply;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// Keys and slots (an independent CRC16-XMODEM, so the server's own key_slot is not the oracle)

int key_slot(std::string_view key);
// The slots the i-th of n masters takes when 16384 slots are split evenly: [i*16384/n,
// (i+1)*16384/n - 1].
std::pair<int, int> even_range(size_t i, size_t n);
// A key "<prefix><n>" whose slot is in [lo, hi] (the first n that fits).
std::string key_in_slots(int lo, int hi, const std::string& prefix = "key:");

// ---------------------------------------------------------------------------------------------
// CLUSTER NODES / CLUSTER INFO

// One line of CLUSTER NODES: <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent>
// <pong-recv> <config-epoch> <link-state> <slot> <slot> ...
struct NodeLine {
    std::string id;
    std::string address;  // "ip:port@cport[,hostname]" as printed
    int port = 0;
    int cport = 0;
    std::vector<std::string> flags;
    std::string master;  // "-" for a master
    long long config_epoch = -1;
    std::string link;                // "connected" / "disconnected"
    std::vector<std::string> slots;  // "0-5460", "5461", "[93->-id]" as printed
    std::string raw;

    bool has_flag(std::string_view f) const;
};
std::vector<NodeLine> parse_cluster_nodes(const std::string& text);
// "a:1\r\nb:2\r\n" -> {a:1, b:2}; CLUSTER INFO's format (and INFO's, without sections).
std::map<std::string, std::string> parse_fields(const std::string& text);

// ---------------------------------------------------------------------------------------------
// Processes

struct ClusterOptions {
    int node_timeout_ms = 1000;
    std::string config_file;  // if not empty: passed as argv[1], before the flags
    bool require_full_coverage = true;
    Args extra;  // more "--directive value" for every node
};

class ClusterNode {
public:
    ClusterNode(int port, std::string dir, ClusterOptions options);
    ~ClusterNode();
    ClusterNode(const ClusterNode&) = delete;
    ClusterNode& operator=(const ClusterNode&) = delete;

    // Starts the process (same port, dir and nodes.conf every time) and waits up to 10 s for
    // PING; throws std::runtime_error with the log when it does not come up.
    void start();
    // SIGTERM (after SIGCONT), up to `grace`, then SIGKILL. Exit status as a shell shows it;
    // -1 if it was not running.
    int stop(Millis grace = 5000ms);
    void crash();   // SIGKILL: no shutdown work at all (nodes.conf stays as last saved)
    void pause();   // SIGSTOP: a partition as the others see it
    void resume();  // SIGCONT
    bool running();
    bool paused() const { return paused_; }

    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    const std::string& dir() const { return dir_; }
    std::string log() const;
    Conn connect() const { return Conn("127.0.0.1", port_); }
    // One command on a fresh connection (a Closed reply when the node does not answer).
    Reply cmd(const Args& args) const;
    std::string myid() const;
    std::map<std::string, std::string> cluster_info() const;
    std::vector<NodeLine> nodes() const;  // this node's CLUSTER NODES, parsed

private:
    int port_;
    std::string dir_;
    ClusterOptions options_;
    pid_t pid_ = -1;
    bool paused_ = false;
};

class TestCluster {
public:
    // Starts n empty cluster nodes (not yet introduced to each other).
    explicit TestCluster(int n, ClusterOptions options = {});
    ~TestCluster();
    TestCluster(const TestCluster&) = delete;

    size_t size() const { return nodes_.size(); }
    ClusterNode& node(size_t i) { return *nodes_.at(i); }
    std::vector<size_t> all() const;

    // CLUSTER MEET from node 0 to every other node (throws unless each replies OK).
    void meet_all();
    // Node which[k] takes even_range(k, which.size()) by ADDSLOTSRANGE (throws unless OK);
    // by default every node.
    void add_slots_evenly();
    void add_slots_evenly(const std::vector<size_t>& which);
    // meet_all + add_slots_evenly + wait_state("ok") on all + wait_agreement; throws with a dump
    // when the deadline passes.
    void form(Millis timeout = 20000ms);

    // cluster_state:<want> on every node of `which` before the deadline.
    bool wait_state(const std::string& want, const std::vector<size_t>& which,
                    Millis timeout = 15000ms);
    bool wait_state(const std::string& want, Millis timeout = 15000ms) {
        return wait_state(want, all(), timeout);
    }
    // Every running node of `which` lists the same nodes (id, ip:port@cport, master/replica
    // role, master id, slots), each link connected, no handshake/fail flag, `which.size()` nodes.
    bool agree(const std::vector<size_t>& which, std::string* why = nullptr);
    bool wait_agreement(const std::vector<size_t>& which, Millis timeout = 15000ms);
    bool wait_agreement(Millis timeout = 15000ms) { return wait_agreement(all(), timeout); }

    // The index of the node that serves `slot` according to node 0 (-1 if none).
    int owner(int slot);
    // The flags node `observer` shows for the node with id `id` ({} if it does not list it).
    std::vector<std::string> flags_seen(size_t observer, const std::string& id);
    // Every node's CLUSTER NODES and last log lines: the context of a failed wait (a paused
    // node is not asked: it would only time out).
    std::string dump();

private:
    std::vector<std::unique_ptr<ClusterNode>> nodes_;
    std::string root_;
};

// A fresh port p of 16400-16799 with p and p + 10000 free (consecutive calls never repeat
// within the range's cycle).
int next_cluster_port();

}  // namespace slotcache::ctest
