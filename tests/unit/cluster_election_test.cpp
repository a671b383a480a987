// Unit tests for the failover decisions (src/cluster/election.cpp): replica rank by offset,
// failed-master rank, the election delay, the data-age rule, the vote rules of a master, and
// the replica-migration choice. A fake clock throughout.
#include <doctest/doctest.h>

#include <string>

#include "cluster/election.h"

using namespace slotcache::cluster;

namespace {

std::string id_of(char c) { return std::string(kNodeIdLen, c); }

std::bitset<kSlots> range(int first, int last) {
    std::bitset<kSlots> bits;
    for (int s = first; s <= last; ++s) bits.set(static_cast<size_t>(s));
    return bits;
}

constexpr int64_t kTimeout = 2000;

// Masters a (0-5460), b (5461-10922), c (10923-16383); myself "m" and "n", "o" are replicas
// of a unless a test moves them. Epochs: a 1, b 2, c 3; currentEpoch 3.
struct Shards {
    ClusterState st;
    Node* me;
    Node* a;
    Node* b;
    Node* c;
    Node* n;
    Node* o;

    Shards() {
        st.rename_node(st.myself(), id_of('m'));
        me = st.myself();
        a = st.create_node(id_of('a'), kNodeMaster, 0);
        b = st.create_node(id_of('b'), kNodeMaster, 0);
        c = st.create_node(id_of('c'), kNodeMaster, 0);
        n = st.create_node(id_of('n'), kNodeReplica, 0);
        o = st.create_node(id_of('o'), kNodeReplica, 0);
        for (int s = 0; s <= 5460; ++s) st.add_slot(a, s);
        for (int s = 5461; s <= 10922; ++s) st.add_slot(b, s);
        for (int s = 10923; s < kSlots; ++s) st.add_slot(c, s);
        a->config_epoch = 1;
        b->config_epoch = 2;
        c->config_epoch = 3;
        st.current_epoch = 3;
        st.set_master(me, a);
        st.set_master(n, a);
        st.set_master(o, a);
    }
};

}  // namespace

TEST_CASE("election: rank counts the siblings with a greater offset, not the no-failover ones") {
    Shards f;
    f.n->repl_offset = 100;
    f.o->repl_offset = 200;
    CHECK(replica_rank(f.st, 300) == 0);
    CHECK(replica_rank(f.st, 150) == 1);
    CHECK(replica_rank(f.st, 50) == 2);
    CHECK(replica_rank(f.st, 100) == 1);  // equal offsets do not outrank
    f.o->flags |= kNodeNoFailover;
    CHECK(replica_rank(f.st, 50) == 1);
    // A replica of another shard never counts.
    f.st.set_master(f.o, f.b);
    f.o->flags &= static_cast<uint16_t>(~kNodeNoFailover);
    CHECK(replica_rank(f.st, 50) == 1);
}

TEST_CASE("election: failed-master rank orders the failed shards by master ID") {
    Shards f;
    CHECK(failed_master_rank(f.st) == 0);
    f.b->flags |= kNodeFail;  // b > a: later than us
    CHECK(failed_master_rank(f.st) == 0);
    f.st.set_master(f.me, f.c);
    CHECK(failed_master_rank(f.st) == 1);  // b < c and b failed
    f.a->flags |= kNodeFail;
    CHECK(failed_master_rank(f.st) == 2);
    // A failed master with no slots is no shard.
    f.st.clear_slots(f.a);
    CHECK(failed_master_rank(f.st) == 1);
}

TEST_CASE("election: delay = min(500, timeout/30) + jitter + 1 s per rank + 500 ms per shard") {
    CHECK(election_delay_ms(15000, 0, 0, 0) == 500);
    CHECK(election_delay_ms(2000, 0, 0, 0) == 66);
    CHECK(election_delay_ms(2000, 0, 0, 499) == 565);
    CHECK(election_delay_ms(2000, 2, 0, 10) == 66 + 10 + 2000);
    CHECK(election_delay_ms(2000, 1, 3, 0) == 66 + 1000 + 1500);
    CHECK(election_delay_ms(60000, 0, 0, 0) == 500);
}

TEST_CASE("election: data age beyond ping period + timeout * factor forbids an election") {
    // Age counts after node_timeout: 2000 + 10000 + 2000 * 10 = 32000 is the limit here.
    CHECK_FALSE(data_too_old(32000, kTimeout, 10, 10000));
    CHECK(data_too_old(32001, kTimeout, 10, 10000));
    CHECK_FALSE(data_too_old(1000000, kTimeout, 0, 10000));  // factor 0: never too old
    CHECK_FALSE(data_too_old(500, kTimeout, 1, 0));
}

TEST_CASE("election: a slot-serving master votes once per epoch for a replica of a FAIL master") {
    // Myself "v" is a slot-serving master; r is a replica of a.
    ClusterState st;
    st.rename_node(st.myself(), id_of('v'));
    Node* v = st.myself();
    Node* a = st.create_node(id_of('a'), kNodeMaster, 0);
    Node* r = st.create_node(id_of('r'), kNodeReplica, 0);
    for (int s = 0; s <= 100; ++s) st.add_slot(a, s);
    for (int s = 101; s <= 200; ++s) st.add_slot(v, s);
    a->config_epoch = 1;
    v->config_epoch = 2;
    st.current_epoch = 5;
    st.set_master(r, a);
    std::bitset<kSlots> claimed = range(0, 100);
    VoteRequest req{r, 5, 1, &claimed, false};

    CHECK(check_vote(st, req, 1000, kTimeout) == VoteRefusal::MasterNotFailed);
    req.force_ack = true;  // manual failover
    CHECK(check_vote(st, req, 1000, kTimeout) == VoteRefusal::None);
    req.force_ack = false;
    a->flags |= kNodeFail;
    CHECK(check_vote(st, req, 1000, kTimeout) == VoteRefusal::None);
    req.current_epoch = 4;
    CHECK(check_vote(st, req, 1000, kTimeout) == VoteRefusal::OldEpoch);
    req.current_epoch = 5;

    // After voting in epoch 5: no second vote in 5, and none for a's replicas for 2 * timeout.
    st.last_vote_epoch = 5;
    a->voted_time_ms = 1000;
    CHECK(check_vote(st, req, 1000, kTimeout) == VoteRefusal::AlreadyVoted);
    st.current_epoch = 6;
    req.current_epoch = 6;
    CHECK(check_vote(st, req, 1000 + 2 * kTimeout - 1, kTimeout) == VoteRefusal::VotedRecently);
    CHECK(check_vote(st, req, 1000 + 2 * kTimeout, kTimeout) == VoteRefusal::None);

    // Slots whose owner, as we know it, has a newer config epoch than the request's.
    a->config_epoch = 7;
    CHECK(check_vote(st, req, 100000, kTimeout) == VoteRefusal::SlotsNewer);
    a->config_epoch = 1;

    // Requesters that are masters or unknown-master replicas, and voters without slots.
    VoteRequest bad = req;
    bad.requester = a;
    CHECK(check_vote(st, bad, 100000, kTimeout) == VoteRefusal::NotReplica);
    st.clear_slots(v);
    CHECK(check_vote(st, req, 100000, kTimeout) == VoteRefusal::NotVoter);
}

TEST_CASE("election: replica migration picks the smallest ID of the richest shard, after 5 s") {
    Shards f;
    // a has three working replicas (m, n, o); b had one and lost it (MIGRATE_TO stays).
    Node* gone = f.st.create_node(id_of('z'), kNodeReplica, 0);
    f.st.set_master(gone, f.b);
    gone->flags |= kNodeFail;
    StateConfig cfg;
    cfg.node_timeout_ms = kTimeout;
    f.st.update_state(0, cfg);
    f.st.update_state(10000, cfg);  // past the start-up delay
    REQUIRE(f.st.is_ok());

    // First sight of the orphan: the clock starts, nobody moves yet.
    CHECK(replica_migration_target(f.st, 20000, 1) == nullptr);
    CHECK(f.b->orphaned_time_ms == 20000);
    CHECK(replica_migration_target(f.st, 25000, 1) == nullptr);
    CHECK(replica_migration_target(f.st, 25001, 1) == f.b);  // m < n < o: myself moves
    // The barrier: a keeps only 3 working replicas; with barrier 3 nobody leaves.
    CHECK(replica_migration_target(f.st, 25001, 3) == nullptr);

    // Not the smallest ID: another replica moves instead.
    f.st.rename_node(f.n, id_of('0'));
    CHECK(replica_migration_target(f.st, 25001, 1) == nullptr);

    // A master that never had a replica is not an orphan.
    Shards g;
    StateConfig cfg2;
    g.st.update_state(0, cfg2);
    g.st.update_state(10000, cfg2);
    CHECK(replica_migration_target(g.st, 10000, 1) == nullptr);
    CHECK(replica_migration_target(g.st, 100000, 1) == nullptr);
}

TEST_CASE("election: refusal texts exist for every reason") {
    for (auto r : {VoteRefusal::None, VoteRefusal::NotVoter, VoteRefusal::OldEpoch,
                   VoteRefusal::AlreadyVoted, VoteRefusal::NotReplica,
                   VoteRefusal::MasterNotFailed, VoteRefusal::VotedRecently,
                   VoteRefusal::SlotsNewer}) {
        CHECK(std::string(vote_refusal_text(r)) != "?");
    }
}
