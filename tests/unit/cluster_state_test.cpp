// Unit tests for ClusterState (src/cluster/state.cpp): the node table, slot ownership, the slot
// configuration propagation rules, epochs and their collisions, failure reports and the FAIL
// flag, the cluster state, the FORGET ban list and CLUSTER RESET. A fake clock throughout.
#include <doctest/doctest.h>

#include <string>

#include "cluster/state.h"

using namespace slotcache::cluster;

namespace {

std::string id_of(char c) { return std::string(kNodeIdLen, c); }

// myself is a master with ID "m...", plus masters a, b (and replicas when asked).
struct Fixture {
    ClusterState st;
    Node* me;
    Node* a;
    Node* b;

    Fixture() {
        st.rename_node(st.myself(), id_of('m'));
        me = st.myself();
        a = st.create_node(id_of('a'), kNodeMaster, 0);
        b = st.create_node(id_of('b'), kNodeMaster, 0);
    }
    // myself 0-5460, a 5461-10922, b 10923-16383, epochs 1, 2, 3.
    void three_shards() {
        for (int s = 0; s <= 5460; ++s) {
            st.add_slot(me, s);
        }
        for (int s = 5461; s <= 10922; ++s) {
            st.add_slot(a, s);
        }
        for (int s = 10923; s < kSlots; ++s) {
            st.add_slot(b, s);
        }
        me->config_epoch = 1;
        a->config_epoch = 2;
        b->config_epoch = 3;
        st.current_epoch = 3;
    }
};

std::bitset<kSlots> range(int first, int last) {
    std::bitset<kSlots> bits;
    for (int s = first; s <= last; ++s) {
        bits.set(static_cast<size_t>(s));
    }
    return bits;
}

constexpr int64_t kTimeout = 15000;

}  // namespace

TEST_CASE("state: a new state has a master myself with a random 40 hex ID") {
    ClusterState st;
    REQUIRE(st.myself() != nullptr);
    CHECK(st.myself()->is_myself());
    CHECK(st.myself()->is_master());
    CHECK(st.myself()->id.size() == 40);
    CHECK(st.myself()->id.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(st.node_count() == 1);
    CHECK(random_node_id() != random_node_id());
}

TEST_CASE("state: create_node with an empty ID picks a random one; an existing ID is reused") {
    ClusterState st;
    Node* h = st.create_node("", kNodeHandshake | kNodeMeet, 42);
    CHECK(h->id.size() == 40);
    CHECK(h->ctime_ms == 42);
    CHECK(st.find(h->id) == h);
    CHECK(st.create_node(h->id, 0, 0) == h);
    CHECK(st.node_count() == 2);
}

TEST_CASE("state: find_handshake matches only handshake nodes with that address") {
    ClusterState st;
    Node* h = st.create_node("", kNodeHandshake, 0);
    h->ip = "127.0.0.1";
    h->port = 7001;
    Node* real = st.create_node(id_of('r'), kNodeMaster, 0);
    real->ip = "127.0.0.1";
    real->port = 7002;
    CHECK(st.find_handshake("127.0.0.1", 7001) == h);
    CHECK(st.find_handshake("127.0.0.1", 7002) == nullptr);
    CHECK(st.find_handshake("127.0.0.2", 7001) == nullptr);
}

TEST_CASE("state: rename_node rekeys the table and keeps the pointer") {
    ClusterState st;
    Node* h = st.create_node("", kNodeHandshake, 0);
    std::string old = h->id;
    st.rename_node(h, id_of('c'));
    CHECK(h->id == id_of('c'));
    CHECK(st.find(id_of('c')) == h);
    CHECK(st.find(old) == nullptr);
}

TEST_CASE("state: set_master links replica and master both ways; null makes a master") {
    Fixture f;
    Node* r = f.st.create_node(id_of('r'), kNodeMaster, 0);
    f.st.set_master(r, f.a);
    CHECK(r->is_replica());
    CHECK_FALSE(r->is_master());
    CHECK(r->master == f.a);
    REQUIRE(f.a->replicas.size() == 1);
    CHECK(f.a->has_flag(kNodeMigrateTo));
    f.st.set_master(r, f.a);
    CHECK(f.a->replicas.size() == 1);
    f.st.set_master(r, f.b);
    CHECK(f.a->replicas.empty());
    CHECK_FALSE(f.a->has_flag(kNodeMigrateTo));
    CHECK(f.b->replicas.size() == 1);
    f.st.set_master(r, nullptr);
    CHECK(r->is_master());
    CHECK(r->master == nullptr);
    CHECK(f.b->replicas.empty());
}

TEST_CASE("state: add_slot refuses an assigned slot; del_slot an unassigned one") {
    Fixture f;
    CHECK(f.st.add_slot(f.a, 100));
    CHECK_FALSE(f.st.add_slot(f.b, 100));
    CHECK(f.st.slot_owner(100) == f.a);
    CHECK(f.a->has_slot(100));
    CHECK(f.a->num_slots == 1);
    CHECK(f.st.del_slot(100));
    CHECK_FALSE(f.st.del_slot(100));
    CHECK(f.st.slot_owner(100) == nullptr);
    CHECK(f.a->num_slots == 0);
}

TEST_CASE("state: clear_slots unassigns every slot of a node and counts them") {
    Fixture f;
    f.three_shards();
    CHECK(f.st.clear_slots(f.a) == 5462);
    CHECK(f.a->num_slots == 0);
    CHECK(f.st.slot_owner(6000) == nullptr);
    CHECK(f.st.slots_assigned() == kSlots - 5462);
}

TEST_CASE("state: recount_slots makes the slot table follow a node's edited bitmap") {
    Fixture f;
    f.st.add_slot(f.a, 1);
    f.st.add_slot(f.b, 2);
    f.b->slots.set(1);
    f.b->slots.reset(2);
    f.b->slots.set(3);
    f.st.recount_slots(f.b);
    CHECK(f.st.slot_owner(1) == f.b);
    CHECK(f.st.slot_owner(2) == nullptr);
    CHECK(f.st.slot_owner(3) == f.b);
    CHECK(f.b->num_slots == 2);
    CHECK_FALSE(f.a->has_slot(1));
    CHECK(f.a->num_slots == 0);
}

TEST_CASE("state: del_node clears slots, marks, replicas' master and its failure reports") {
    Fixture f;
    f.three_shards();
    Node* r = f.st.create_node(id_of('r'), 0, 0);
    f.st.set_master(r, f.a);
    f.st.migrating_to[5] = f.a;
    f.st.importing_from[6] = f.a;
    f.st.add_failure_report(f.b, f.a, 0);
    f.st.del_node(f.a);
    CHECK(f.st.find(id_of('a')) == nullptr);
    CHECK(f.st.slot_owner(6000) == nullptr);
    CHECK(f.st.migrating_to[5] == nullptr);
    CHECK(f.st.importing_from[6] == nullptr);
    CHECK(r->master == nullptr);
    CHECK(f.b->fail_reports.empty());
    f.st.del_node(f.me);
    CHECK(f.st.find(id_of('m')) == f.me);
}

TEST_CASE("state: del_node of a replica removes it from its master's list") {
    Fixture f;
    Node* r = f.st.create_node(id_of('r'), 0, 0);
    f.st.set_master(r, f.a);
    f.st.del_node(r);
    CHECK(f.a->replicas.empty());
}

TEST_CASE("state: masters_with_slots counts only masters serving slots") {
    Fixture f;
    CHECK(f.st.masters_with_slots() == 0);
    f.st.add_slot(f.a, 0);
    CHECK(f.st.masters_with_slots() == 1);
    f.three_shards();
    CHECK(f.st.masters_with_slots() == 3);
}

// ---- update_slots_from_master -------------------------------------------------------------

TEST_CASE("slot update: unassigned slots go to the claiming master") {
    Fixture f;
    SlotUpdate up = f.st.update_slots_from_master(f.a, 1, range(0, 99));
    CHECK(up.changed);
    CHECK_FALSE(up.sender_is_stale);
    CHECK(f.st.slot_owner(0) == f.a);
    CHECK(f.st.slot_owner(99) == f.a);
    CHECK(f.a->num_slots == 100);
}

TEST_CASE("slot update: a greater config epoch takes the slot; an equal or lower one does not") {
    Fixture f;
    f.three_shards();
    SlotUpdate up = f.st.update_slots_from_master(f.b, 3, range(5461, 5470));
    CHECK(up.changed);
    CHECK(f.st.slot_owner(5461) == f.b);
    CHECK(f.st.slot_owner(5471) == f.a);
    CHECK(f.a->num_slots == 5462 - 10);

    SlotUpdate same = f.st.update_slots_from_master(f.a, 2, range(5461, 5461));
    CHECK_FALSE(same.changed);
    CHECK(f.st.slot_owner(5461) == f.b);
}

TEST_CASE("slot update: a sender claiming slots of a newer owner is stale and gets an UPDATE") {
    Fixture f;
    f.three_shards();
    SlotUpdate up = f.st.update_slots_from_master(f.a, 2, range(10923, 10923) | range(5461, 10922));
    CHECK_FALSE(up.changed);
    CHECK(up.sender_is_stale);
    CHECK(up.newer_owner == f.b);
    CHECK(f.st.slot_owner(10923) == f.b);
}

TEST_CASE("slot update: equal epochs are neither a takeover nor stale") {
    Fixture f;
    f.three_shards();
    f.b->config_epoch = 2;
    SlotUpdate up = f.st.update_slots_from_master(f.a, 2, range(10923, 10923));
    CHECK_FALSE(up.changed);
    CHECK_FALSE(up.sender_is_stale);
}

TEST_CASE("slot update: a slot myself is importing is left alone") {
    Fixture f;
    f.three_shards();
    f.st.importing_from[100] = f.a;
    SlotUpdate up = f.st.update_slots_from_master(f.b, 9, range(100, 101));
    CHECK(f.st.slot_owner(100) == f.me);
    CHECK(f.st.slot_owner(101) == f.b);
    CHECK(up.dirty_slots == std::vector<int>{101});
    CHECK_FALSE(up.lost_all_my_slots);
}

TEST_CASE("slot update: myself losing its last slot is told to follow the sender") {
    Fixture f;
    f.three_shards();
    SlotUpdate up = f.st.update_slots_from_master(f.a, 5, range(0, 5460));
    CHECK(up.changed);
    CHECK(up.lost_all_my_slots);
    CHECK(up.only_our_slots_claimed);
    CHECK(up.dirty_slots.size() == 5461);
    CHECK(f.me->num_slots == 0);
}

TEST_CASE("slot update: sender also claiming its own slots -> not only ours") {
    Fixture f;
    f.three_shards();
    SlotUpdate up = f.st.update_slots_from_master(f.a, 5, range(0, 10922));
    CHECK(up.lost_all_my_slots);
    CHECK_FALSE(up.only_our_slots_claimed);
}

TEST_CASE("slot update: a replica whose master lost every slot is told to follow") {
    Fixture f;
    f.three_shards();
    Node* old_master = f.st.create_node(id_of('o'), kNodeMaster, 0);
    f.st.clear_slots(f.me);
    for (int s = 0; s <= 5460; ++s) {
        f.st.add_slot(old_master, s);
    }
    old_master->config_epoch = 1;
    f.st.set_master(f.me, old_master);
    SlotUpdate up = f.st.update_slots_from_master(f.a, 5, range(0, 5460));
    CHECK(up.lost_all_my_slots);
    CHECK(up.dirty_slots.empty());
}

TEST_CASE("slot update: a claim by myself is discarded") {
    Fixture f;
    SlotUpdate up = f.st.update_slots_from_master(f.me, 100, range(0, 10));
    CHECK_FALSE(up.changed);
    CHECK(f.st.slot_owner(0) == nullptr);
}

// ---- epochs -------------------------------------------------------------------------------

TEST_CASE("epochs: max_config_epoch covers every node and currentEpoch") {
    Fixture f;
    f.a->config_epoch = 7;
    CHECK(f.st.max_config_epoch() == 7);
    f.st.current_epoch = 9;
    CHECK(f.st.max_config_epoch() == 9);
}

TEST_CASE("epochs: bump without consensus when myself's epoch is 0 or not the greatest") {
    Fixture f;
    CHECK(f.st.bump_epoch_without_consensus());
    CHECK(f.st.current_epoch == 1);
    CHECK(f.me->config_epoch == 1);
    CHECK_FALSE(f.st.bump_epoch_without_consensus());
    f.a->config_epoch = 4;
    CHECK(f.st.bump_epoch_without_consensus());
    CHECK(f.st.current_epoch == 2);
    CHECK(f.me->config_epoch == 2);
    CHECK(f.st.bump_epoch_without_consensus());
    CHECK(f.me->config_epoch == 3);
}

TEST_CASE("epochs: collision -> the master with the smaller ID takes currentEpoch + 1") {
    Fixture f;  // a < b < m
    f.st.current_epoch = 5;
    f.me->config_epoch = 5;
    Node* z = f.st.create_node(id_of('z'), kNodeMaster, 0);
    z->config_epoch = 5;
    f.a->config_epoch = 5;
    CHECK_FALSE(f.st.handle_config_epoch_collision(f.a));  // a is smaller: a moves, not us
    CHECK(f.me->config_epoch == 5);
    CHECK(f.st.handle_config_epoch_collision(z));
    CHECK(f.st.current_epoch == 6);
    CHECK(f.me->config_epoch == 6);
}

TEST_CASE("epochs: no collision handling for different epochs or a replica sender") {
    Fixture f;
    Node* z = f.st.create_node(id_of('z'), kNodeMaster, 0);
    f.me->config_epoch = 3;
    z->config_epoch = 4;
    CHECK_FALSE(f.st.handle_config_epoch_collision(z));
    z->config_epoch = 3;
    f.st.set_master(z, f.a);
    CHECK_FALSE(f.st.handle_config_epoch_collision(z));
}

TEST_CASE("epochs: observe_epochs adopts greater currentEpoch and sender configEpoch") {
    Fixture f;
    f.st.current_epoch = 4;
    f.a->config_epoch = 2;
    CHECK_FALSE(f.st.observe_epochs(f.a, 3, 1));
    CHECK(f.st.current_epoch == 4);
    CHECK(f.a->config_epoch == 2);
    CHECK(f.st.observe_epochs(f.a, 6, 2));
    CHECK(f.st.current_epoch == 6);
    CHECK(f.st.observe_epochs(f.a, 6, 5));
    CHECK(f.a->config_epoch == 5);
}

// ---- failure reports ----------------------------------------------------------------------

TEST_CASE("failure reports: one per reporter, refreshed, expiring after 2 * node_timeout") {
    Fixture f;
    Node* c = f.st.create_node(id_of('c'), kNodeMaster, 0);
    CHECK(f.st.add_failure_report(c, f.a, 1000));
    CHECK_FALSE(f.st.add_failure_report(c, f.a, 2000));
    CHECK(f.st.add_failure_report(c, f.b, 3000));
    CHECK(f.st.count_failure_reports(c, 2000 + 2 * kTimeout, kTimeout) == 2);
    CHECK(f.st.count_failure_reports(c, 2001 + 2 * kTimeout, kTimeout) == 1);
    CHECK(f.st.count_failure_reports(c, 3001 + 2 * kTimeout, kTimeout) == 0);
    f.st.add_failure_report(c, f.a, 0);
    f.st.del_failure_report(c, f.a);
    CHECK(f.st.count_failure_reports(c, 0, kTimeout) == 0);
}

TEST_CASE("failure detection: PFAIL plus a majority of reports -> FAIL") {
    Fixture f;
    f.three_shards();  // 3 slot-serving masters: quorum 2
    f.b->flags |= kNodePfail;
    CHECK_FALSE(f.st.mark_failing_if_needed(f.b, 100, kTimeout));  // only myself's vote
    f.st.add_failure_report(f.b, f.a, 100);
    CHECK(f.st.mark_failing_if_needed(f.b, 200, kTimeout));
    CHECK(f.b->is_failed());
    CHECK_FALSE(f.b->timed_out());
    CHECK(f.b->fail_time_ms == 200);
    CHECK_FALSE(f.st.mark_failing_if_needed(f.b, 300, kTimeout));  // already FAIL
}

TEST_CASE("failure detection: no FAIL without our own PFAIL, or with expired reports") {
    Fixture f;
    f.three_shards();
    f.st.add_failure_report(f.b, f.a, 0);
    CHECK_FALSE(f.st.mark_failing_if_needed(f.b, 100, kTimeout));
    f.b->flags |= kNodePfail;
    CHECK_FALSE(f.st.mark_failing_if_needed(f.b, 2 * kTimeout + 1, kTimeout));
    CHECK_FALSE(f.b->is_failed());
}

TEST_CASE("failure detection: a replica myself does not count itself") {
    Fixture f;
    f.three_shards();
    Node* c = f.st.create_node(id_of('c'), kNodeMaster, 0);
    f.st.clear_slots(f.me);
    for (int s = 0; s <= 5460; ++s) {
        f.st.add_slot(c, s);
    }
    f.st.set_master(f.me, c);
    f.b->flags |= kNodePfail;
    f.st.add_failure_report(f.b, f.a, 0);
    CHECK_FALSE(f.st.mark_failing_if_needed(f.b, 1, kTimeout));
    f.st.add_failure_report(f.b, c, 0);
    CHECK(f.st.mark_failing_if_needed(f.b, 1, kTimeout));
}

TEST_CASE("clear FAIL: replicas and slot-less masters at once, serving masters after 2 timeouts") {
    Fixture f;
    f.three_shards();
    Node* r = f.st.create_node(id_of('r'), kNodeFail, 0);
    f.st.set_master(r, f.a);
    CHECK(f.st.clear_failure_if_needed(r, 0, kTimeout));
    CHECK_FALSE(r->is_failed());

    Node* empty = f.st.create_node(id_of('e'), kNodeMaster | kNodeFail, 0);
    CHECK(f.st.clear_failure_if_needed(empty, 0, kTimeout));

    f.b->flags |= kNodeFail;
    f.b->fail_time_ms = 1000;
    CHECK_FALSE(f.st.clear_failure_if_needed(f.b, 1000 + 2 * kTimeout, kTimeout));
    CHECK(f.b->is_failed());
    CHECK(f.st.clear_failure_if_needed(f.b, 1001 + 2 * kTimeout, kTimeout));
    CHECK_FALSE(f.b->is_failed());
    CHECK_FALSE(f.st.clear_failure_if_needed(f.b, 0, kTimeout));  // not FAIL
}

// ---- cluster state ------------------------------------------------------------------------

TEST_CASE("cluster state: ok with every slot served, after the 2 s writable delay") {
    Fixture f;
    f.three_shards();
    StateConfig cfg;
    CHECK_FALSE(f.st.update_state(10000, cfg));
    CHECK_FALSE(f.st.is_ok());
    CHECK_FALSE(f.st.update_state(11999, cfg));
    CHECK(f.st.update_state(12000, cfg));
    CHECK(f.st.is_ok());
    CHECK(f.st.size() == 3);
    CHECK_FALSE(f.st.update_state(12001, cfg));
}

TEST_CASE("cluster state: an unassigned slot or a FAIL owner -> fail under full coverage") {
    Fixture f;
    f.three_shards();
    StateConfig cfg;
    f.st.update_state(0, cfg);
    f.st.update_state(5000, cfg);
    REQUIRE(f.st.is_ok());
    f.st.del_slot(16383);
    CHECK(f.st.update_state(5001, cfg));
    CHECK_FALSE(f.st.is_ok());

    cfg.require_full_coverage = false;
    CHECK(f.st.update_state(5002, cfg));
    CHECK(f.st.is_ok());

    cfg.require_full_coverage = true;
    f.st.add_slot(f.b, 16383);
    f.b->flags |= kNodeFail;  // 2 of 3 masters still reachable: only coverage fails
    CHECK(f.st.update_state(5003, cfg));
    CHECK_FALSE(f.st.is_ok());
    CHECK(f.st.slots_fail() == kSlots - 10923);
}

TEST_CASE("cluster state: a minority partition -> fail, and ok only after the rejoin delay") {
    Fixture f;
    f.three_shards();
    StateConfig cfg;
    cfg.require_full_coverage = false;
    f.st.update_state(0, cfg);
    f.st.update_state(3000, cfg);
    REQUIRE(f.st.is_ok());
    f.a->flags |= kNodePfail;
    f.b->flags |= kNodePfail;
    CHECK(f.st.update_state(4000, cfg));
    CHECK_FALSE(f.st.is_ok());
    CHECK(f.st.slots_pfail() == kSlots - 5461);
    CHECK(f.st.slots_ok() == 5461);
    f.a->flags &= static_cast<uint16_t>(~kNodePfail);
    f.b->flags &= static_cast<uint16_t>(~kNodePfail);
    // node_timeout 15 s clamps to a 5 s rejoin delay, counted from the last minority view.
    CHECK_FALSE(f.st.update_state(8999, cfg));
    CHECK_FALSE(f.st.is_ok());
    CHECK(f.st.update_state(9000, cfg));
    CHECK(f.st.is_ok());
}

TEST_CASE("cluster state: no slot-serving master at all -> fail") {
    ClusterState st;
    StateConfig cfg;
    cfg.require_full_coverage = false;
    st.update_state(0, cfg);
    st.update_state(10000, cfg);
    CHECK_FALSE(st.is_ok());
    CHECK(st.size() == 0);
}

TEST_CASE("cluster state: a replica myself turns ok without the writable delay") {
    Fixture f;
    f.three_shards();
    Node* c = f.st.create_node(id_of('c'), kNodeMaster, 0);
    f.st.clear_slots(f.me);
    for (int s = 0; s <= 5460; ++s) {
        f.st.add_slot(c, s);
    }
    f.st.set_master(f.me, c);
    CHECK(f.st.update_state(0, StateConfig{}));
    CHECK(f.st.is_ok());
}

// ---- blacklist and reset ------------------------------------------------------------------

TEST_CASE("blacklist: a forgotten ID is banned for 60 seconds") {
    ClusterState st;
    st.blacklist_add(id_of('a'), 1000);
    CHECK(st.is_blacklisted(id_of('a'), 1000));
    CHECK(st.is_blacklisted(id_of('a'), 61000));
    CHECK_FALSE(st.is_blacklisted(id_of('b'), 1000));
    CHECK_FALSE(st.is_blacklisted(id_of('a'), 61001));
    st.blacklist_add(id_of('a'), 70000);
    st.blacklist_add(id_of('a'), 100000);  // re-adding restarts the 60 s
    CHECK(st.is_blacklisted(id_of('a'), 160000));
}

TEST_CASE("reset soft: forgets others, unassigns slots, clears marks, keeps ID and epochs") {
    Fixture f;
    f.three_shards();
    f.st.migrating_to[1] = f.a;
    f.st.importing_from[2] = f.b;
    f.st.set_master(f.me, f.a);
    f.st.reset(false, 0);
    CHECK(f.st.node_count() == 1);
    CHECK(f.st.myself() == f.me);
    CHECK(f.me->is_master());
    CHECK(f.me->master == nullptr);
    CHECK(f.me->id == id_of('m'));
    CHECK(f.st.slots_assigned() == 0);
    CHECK(f.me->num_slots == 0);
    CHECK(f.st.migrating_to[1] == nullptr);
    CHECK(f.st.importing_from[2] == nullptr);
    CHECK(f.st.current_epoch == 3);
    CHECK(f.me->config_epoch == 1);
}

TEST_CASE("reset hard: also a new ID and every epoch 0") {
    Fixture f;
    f.three_shards();
    f.st.last_vote_epoch = 3;
    f.st.reset(true, 0);
    CHECK(f.st.node_count() == 1);
    CHECK(f.me->id != id_of('m'));
    CHECK(f.st.find(f.me->id) == f.me);
    CHECK(f.st.current_epoch == 0);
    CHECK(f.st.last_vote_epoch == 0);
    CHECK(f.me->config_epoch == 0);
}
