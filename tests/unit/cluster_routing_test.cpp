// Routing during a slot migration (src/cluster/routing.h) as a pure function: which node serves
// a command when slots are stable, migrating, importing, on a replica, when the cluster is down.
// Every expectation is redis-server 7.0.15's getNodeByQuery for the same state (checked with
// tests/cluster/resharding_test.cpp against real processes).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "cluster/routing.h"
#include "cluster/state.h"
#include "common/crc16.h"

using namespace slotcache;
using cluster::ClusterState;
using cluster::Node;
using cluster::Route;
using cluster::RouteQuery;
using cluster::RouteResult;

namespace {

const std::string kIdB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const std::string kIdR = "dddddddddddddddddddddddddddddddddddddddd";

// A key "<prefix><n>" whose slot is `slot`.
std::string key_in(int slot, const std::string& prefix) {
    for (int i = 0;; i++) {
        std::string k = prefix + std::to_string(i);
        if (key_slot(k) == slot) return k;
    }
}

// myself serves 0-8191, B 8192-16383, R replicates B; the state is ok.
struct Fixture {
    ClusterState st;
    Node* me = st.myself();
    Node* b = st.create_node(kIdB, cluster::kNodeMaster, 0);
    Node* r = st.create_node(kIdR, cluster::kNodeReplica, 0);
    std::set<std::string> present;  // the keys that exist here

    Fixture() {
        st.set_master(r, b);
        for (int s = 0; s < cluster::kSlots; s++) REQUIRE(st.add_slot(s < 8192 ? me : b, s));
        cluster::StateConfig cfg;
        st.update_state(0, cfg);
        st.update_state(60'000, cfg);  // past the writable delay of a fresh master
        REQUIRE(st.is_ok());
    }

    struct Cmd {
        std::vector<std::string> args;
        bool write = false;
        bool asking_command = false;  // RESTORE-ASKING
        bool migrate = false;
        bool asking = false;          // the client sent ASKING
        bool readonly = false;        // the client sent READONLY
        bool reads_when_down = false;
    };

    // Routes a command whose every argument after the name is a key.
    RouteResult route(const Cmd& c) {
        std::vector<std::string_view> args{"CMD"};
        std::vector<int> idx;
        for (const auto& a : c.args) {
            idx.push_back(static_cast<int>(args.size()));
            args.emplace_back(a);
        }
        RouteQuery q;
        q.args = &args;
        q.key_indexes = &idx;
        q.is_write = c.write;
        q.asking_flag_command = c.asking_command;
        q.migrate_command = c.migrate;
        q.client_asking = c.asking;
        q.client_readonly = c.readonly;
        q.allow_reads_when_down = c.reads_when_down;
        q.key_exists = [this](std::string_view k, int) {
            return present.count(std::string(k)) > 0;
        };
        return cluster::route_command(st, q);
    }
};

}  // namespace

TEST_CASE("routing: stable slots are served by their owner, MOVED elsewhere; no keys: here") {
    Fixture f;
    std::string mine = key_in(100, "a");
    std::string theirs = key_in(9000, "a");
    CHECK(f.route({{mine}}).route == Route::Here);
    RouteResult r = f.route({{theirs}, true});
    CHECK(r.route == Route::Moved);
    CHECK(r.slot == 9000);
    CHECK(r.node == f.b);
    CHECK(f.route({{}}).route == Route::Here);
    CHECK(cluster::route_error(r, "127.0.0.1:7001") == "MOVED 9000 127.0.0.1:7001");
}

TEST_CASE("routing: keys of two slots -> CROSSSLOT, even on one owner; a repeated key is one") {
    Fixture f;
    std::string a = key_in(10, "a");
    std::string b = key_in(11, "b");
    CHECK(f.route({{a, b}}).route == Route::CrossSlot);
    CHECK(f.route({{a, a}}).route == Route::Here);
}

TEST_CASE("routing: a migrating slot serves its present keys; absent keys get ASK the target") {
    Fixture f;
    f.st.migrating_to[200] = f.b;
    std::string here = key_in(200, "h");
    std::string gone = key_in(200, "g");
    f.present.insert(here);
    CHECK(f.route({{here}, true}).route == Route::Here);
    RouteResult r = f.route({{gone}});
    CHECK(r.route == Route::Ask);
    CHECK(r.node == f.b);
    CHECK(cluster::route_error(r, "127.0.0.1:7001") == "ASK 200 127.0.0.1:7001");
    // A write creating a key goes to the target too: the source would strand it.
    CHECK(f.route({{gone}, true}).route == Route::Ask);
}

TEST_CASE("routing: a migrating slot with some keys moved -> TRYAGAIN; all moved -> ASK") {
    Fixture f;
    f.st.migrating_to[300] = f.b;
    std::string k1 = key_in(300, "x");
    std::string k2 = key_in(300, "y");
    f.present.insert(k1);
    RouteResult r = f.route({{k1, k2}});
    CHECK(r.route == Route::TryAgain);
    CHECK(cluster::route_error(r, "") == "TRYAGAIN Multiple keys request during rehashing of slot");
    f.present.clear();
    CHECK(f.route({{k1, k2}}).route == Route::Ask);
    f.present = {k1, k2};
    CHECK(f.route({{k1, k2}}).route == Route::Here);
}

TEST_CASE("routing: an importing slot needs ASKING (one command) or an ASKING-flagged command") {
    Fixture f;
    f.st.importing_from[9100] = f.b;
    std::string k = key_in(9100, "i");
    RouteResult r = f.route({{k}, true});
    CHECK(r.route == Route::Moved);  // the owner is still B
    CHECK(r.node == f.b);
    Fixture::Cmd asking{{k}, true};
    asking.asking = true;
    CHECK(f.route(asking).route == Route::Here);
    Fixture::Cmd restore_asking{{k}, true};
    restore_asking.asking_command = true;
    CHECK(f.route(restore_asking).route == Route::Here);
}

TEST_CASE("routing: an importing slot with ASKING and several keys, some absent -> TRYAGAIN") {
    Fixture f;
    f.st.importing_from[9200] = f.b;
    std::string k1 = key_in(9200, "p");
    std::string k2 = key_in(9200, "q");
    Fixture::Cmd c{{k1, k2}};
    c.asking = true;
    f.present.insert(k1);
    CHECK(f.route(c).route == Route::TryAgain);
    f.present.insert(k2);
    CHECK(f.route(c).route == Route::Here);
    // One key, absent: served (the command creates it or reports it missing).
    Fixture::Cmd one{{key_in(9200, "z")}};
    one.asking = true;
    CHECK(f.route(one).route == Route::Here);
}

TEST_CASE("routing: MIGRATE in a migrating or importing slot runs here whatever the owner") {
    Fixture f;
    f.st.migrating_to[400] = f.b;
    f.st.importing_from[9300] = f.b;
    Fixture::Cmd out{{key_in(400, "m")}, true};
    out.migrate = true;
    CHECK(f.route(out).route == Route::Here);  // absent here: still not ASK
    Fixture::Cmd in{{key_in(9300, "m")}, true};
    in.migrate = true;
    CHECK(f.route(in).route == Route::Here);  // owned by B: still not MOVED
    // In a stable slot MIGRATE is routed like any command.
    Fixture::Cmd stable{{key_in(9400, "m")}, true};
    stable.migrate = true;
    CHECK(f.route(stable).route == Route::Moved);
}

TEST_CASE("routing: a replica serves its master's slots to READONLY clients, reads only") {
    Fixture f;
    f.st.set_myself(f.r);
    std::string k = key_in(9500, "r");
    Fixture::Cmd read{{k}};
    CHECK(f.route(read).route == Route::Moved);
    read.readonly = true;
    CHECK(f.route(read).route == Route::Here);
    Fixture::Cmd write{{k}, true};
    write.readonly = true;
    RouteResult r = f.route(write);
    CHECK(r.route == Route::Moved);
    CHECK(r.node == f.b);
    // Slots of another master are MOVED even for READONLY clients.
    Fixture::Cmd other{{key_in(50, "r")}};
    other.readonly = true;
    CHECK(f.route(other).route == Route::Moved);
}

TEST_CASE("routing: unassigned slot and cluster down, with and without reads when down") {
    Fixture f;
    std::string k = key_in(500, "d");
    REQUIRE(f.st.del_slot(500));
    CHECK(f.route({{k}}).route == Route::DownUnbound);
    cluster::StateConfig cfg;
    f.st.update_state(120'000, cfg);
    REQUIRE_FALSE(f.st.is_ok());
    std::string k2 = key_in(501, "d");
    CHECK(f.route({{k2}}).route == Route::DownState);
    Fixture::Cmd read{{k2}};
    read.reads_when_down = true;
    CHECK(f.route(read).route == Route::Here);
    Fixture::Cmd write{{k2}, true};
    write.reads_when_down = true;
    RouteResult r = f.route(write);
    CHECK(r.route == Route::DownReadOnlyState);
    CHECK(cluster::route_error(r, "") ==
          "CLUSTERDOWN The cluster is down and only accepts read commands");
}
