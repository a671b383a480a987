// The rules of the CLUSTER slot commands (src/commands/cluster.h) as pure functions over a
// ClusterState: slot arguments of ADDSLOTS/DELSLOTS/ADDSLOTSRANGE/DELSLOTSRANGE and SETSLOT's
// checks and effects. Error texts and the order of the checks are redis-server 7.0.15's for the
// same command lines.
#include <doctest/doctest.h>

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/state.h"
#include "commands/cluster.h"

using namespace slotcache;
using namespace slotcache::commands;
using cluster::ClusterState;
using cluster::kSlots;
using cluster::Node;

namespace {

using Args = std::vector<std::string_view>;
using Slots = std::bitset<kSlots>;

const std::string kIdB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const std::string kIdC = "cccccccccccccccccccccccccccccccccccccccc";
const std::string kIdR = "dddddddddddddddddddddddddddddddddddddddd";

// myself (a master), master B, master C and R, a replica of B.
struct Fixture {
    ClusterState st;
    Node* me = st.myself();
    Node* b = st.create_node(kIdB, cluster::kNodeMaster, 0);
    Node* c = st.create_node(kIdC, cluster::kNodeMaster, 0);
    Node* r = st.create_node(kIdR, cluster::kNodeReplica, 0);
    Fixture() { st.set_master(r, b); }
};

std::string slot_args(const ClusterState& st, const Args& args, bool ranges, bool del,
                      Slots* out) {
    return check_slot_args(st, args, ranges, del, out);
}

std::string setslot(const ClusterState& st, const Args& args, SetSlotRequest* req,
                    size_t keys = 0) {
    return check_setslot(st, args, [keys](int) { return keys; }, req);
}

}  // namespace

TEST_CASE("parse_slot: 0..16383 in Redis' strict integer syntax, anything else -1") {
    CHECK(parse_slot("0") == 0);
    CHECK(parse_slot("16383") == 16383);
    CHECK(parse_slot("16384") == -1);
    CHECK(parse_slot("-1") == -1);
    CHECK(parse_slot("abc") == -1);
    CHECK(parse_slot("+1") == -1);
    CHECK(parse_slot("01") == -1);
    CHECK(parse_slot(" 1") == -1);
    CHECK(parse_slot("") == -1);
    CHECK(parse_slot("99999999999999999999") == -1);
}

TEST_CASE("ADDSLOTS: free slots are accepted and listed") {
    Fixture f;
    Slots s;
    CHECK(slot_args(f.st, {"0", "5", "16383"}, false, false, &s) == "");
    CHECK(s.count() == 3);
    CHECK(s.test(0));
    CHECK(s.test(5));
    CHECK(s.test(16383));
}

TEST_CASE("ADDSLOTS: every argument is parsed before any slot is checked") {
    Fixture f;
    Slots s;
    // "1 1 x": the bad slot wins over the repetition, as Redis parses all first.
    CHECK(slot_args(f.st, {"1", "1", "x"}, false, false, &s) ==
          "ERR Invalid or out of range slot");
    CHECK(slot_args(f.st, {"16384"}, false, false, &s) == "ERR Invalid or out of range slot");
    CHECK(slot_args(f.st, {"-1"}, false, false, &s) == "ERR Invalid or out of range slot");
    CHECK(slot_args(f.st, {"1", "1"}, false, false, &s) == "ERR Slot 1 specified multiple times");
}

TEST_CASE("ADDSLOTS: a slot served by any node is busy") {
    Fixture f;
    REQUIRE(f.st.add_slot(f.b, 7));
    REQUIRE(f.st.add_slot(f.me, 8));
    Slots s;
    CHECK(slot_args(f.st, {"6", "7"}, false, false, &s) == "ERR Slot 7 is already busy");
    CHECK(slot_args(f.st, {"8"}, false, false, &s) == "ERR Slot 8 is already busy");
    // Busy is checked before repetition for the same slot.
    CHECK(slot_args(f.st, {"7", "7"}, false, false, &s) == "ERR Slot 7 is already busy");
}

TEST_CASE("DELSLOTS: unassigned is checked before repetition") {
    Fixture f;
    Slots s;
    CHECK(slot_args(f.st, {"2", "2"}, false, true, &s) == "ERR Slot 2 is already unassigned");
    REQUIRE(f.st.add_slot(f.b, 2));
    CHECK(slot_args(f.st, {"2", "2"}, false, true, &s) == "ERR Slot 2 specified multiple times");
    // Any owner's slot may be deleted, not only myself's.
    CHECK(slot_args(f.st, {"2"}, false, true, &s) == "");
    CHECK(s.test(2));
}

TEST_CASE("ADDSLOTSRANGE: pairs are parsed and checked one at a time") {
    Fixture f;
    Slots s;
    CHECK(slot_args(f.st, {"0", "16383"}, true, false, &s) == "");
    CHECK(s.count() == static_cast<size_t>(kSlots));
    CHECK(slot_args(f.st, {"5", "3"}, true, false, &s) ==
          "ERR start slot number 5 is greater than end slot number 3");
    // The first pair's order error comes before the second pair's bad slot...
    CHECK(slot_args(f.st, {"6", "5", "x", "5"}, true, false, &s) ==
          "ERR start slot number 6 is greater than end slot number 5");
    // ...and a bad slot in the first pair before anything else.
    CHECK(slot_args(f.st, {"x", "5", "6", "5"}, true, false, &s) ==
          "ERR Invalid or out of range slot");
    CHECK(slot_args(f.st, {"3001", "3020", "3030", "70000"}, true, false, &s) ==
          "ERR Invalid or out of range slot");
    CHECK(slot_args(f.st, {"4", "6", "5", "7"}, true, false, &s) ==
          "ERR Slot 5 specified multiple times");
    REQUIRE(f.st.add_slot(f.c, 3200));
    CHECK(slot_args(f.st, {"3001", "3020", "3200", "3250"}, true, false, &s) ==
          "ERR Slot 3200 is already busy");
}

TEST_CASE("DELSLOTSRANGE: a gap in a range is an unassigned slot") {
    Fixture f;
    for (int i = 0; i <= 10; i++) REQUIRE(f.st.add_slot(f.me, i));
    REQUIRE(f.st.del_slot(5));
    Slots s;
    CHECK(slot_args(f.st, {"0", "10"}, true, true, &s) == "ERR Slot 5 is already unassigned");
    CHECK(slot_args(f.st, {"0", "4", "6", "10"}, true, true, &s) == "");
    CHECK(s.count() == 10);
}

TEST_CASE("apply_slot_args: slots go to myself and lose their importing mark") {
    Fixture f;
    f.st.importing_from[3] = f.b;
    Slots s;
    s.set(3);
    s.set(4);
    apply_slot_args(f.st, s, false);
    CHECK(f.st.slot_owner(3) == f.me);
    CHECK(f.st.slot_owner(4) == f.me);
    CHECK(f.me->num_slots == 2);
    CHECK(f.st.importing_from[3] == nullptr);

    Slots d;
    d.set(4);
    apply_slot_args(f.st, d, true);
    CHECK(f.st.slot_owner(4) == nullptr);
    CHECK(f.st.slot_owner(3) == f.me);
    CHECK(f.me->num_slots == 1);
}

TEST_CASE("SETSLOT: only masters, a valid slot, a known action with its argument count") {
    Fixture f;
    SetSlotRequest req;
    CHECK(setslot(f.st, {"x", "stable"}, &req) == "ERR Invalid or out of range slot");
    CHECK(setslot(f.st, {"16384", "stable"}, &req) == "ERR Invalid or out of range slot");
    const std::string bad =
        "ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP";
    CHECK(setslot(f.st, {"1", "foo"}, &req) == bad);
    CHECK(setslot(f.st, {"1", "stable", "x"}, &req) == bad);
    CHECK(setslot(f.st, {"1", "node"}, &req) == bad);
    CHECK(setslot(f.st, {"1", "migrating"}, &req) == bad);
    CHECK(setslot(f.st, {"1", "STABLE"}, &req) == "");
    CHECK(req.slot == 1);
    CHECK(req.action == SetSlotAction::Stable);

    f.st.set_master(f.me, f.b);
    CHECK(setslot(f.st, {"1", "stable"}, &req) == "ERR Please use SETSLOT only with masters.");
    CHECK(setslot(f.st, {"x", "foo"}, &req) == "ERR Please use SETSLOT only with masters.");
}

TEST_CASE("SETSLOT MIGRATING: the slot must be mine, the target a known master") {
    Fixture f;
    SetSlotRequest req;
    CHECK(setslot(f.st, {"1", "migrating", kIdB}, &req) == "ERR I'm not the owner of hash slot 1");
    REQUIRE(f.st.add_slot(f.me, 1));
    // Ownership is checked before the node.
    CHECK(setslot(f.st, {"1", "migrating", "abc"}, &req) == "ERR I don't know about node abc");
    CHECK(setslot(f.st, {"1", "migrating", kIdR}, &req) == "ERR Target node is not a master");
    CHECK(setslot(f.st, {"1", "Migrating", kIdB}, &req) == "");
    CHECK(req.action == SetSlotAction::Migrating);
    CHECK(req.target == f.b);
    // Redis accepts myself as the target.
    CHECK(setslot(f.st, {"1", "migrating", f.me->id}, &req) == "");
}

TEST_CASE("SETSLOT IMPORTING: the slot must not be mine, the target a known master") {
    Fixture f;
    REQUIRE(f.st.add_slot(f.me, 2));
    SetSlotRequest req;
    CHECK(setslot(f.st, {"2", "importing", "abc"}, &req) ==
          "ERR I'm already the owner of hash slot 2");
    CHECK(setslot(f.st, {"3", "importing", "abc"}, &req) == "ERR I don't know about node abc");
    CHECK(setslot(f.st, {"3", "importing", kIdR}, &req) == "ERR Target node is not a master");
    REQUIRE(f.st.add_slot(f.b, 3));
    CHECK(setslot(f.st, {"3", "importing", kIdB}, &req) == "");
    CHECK(req.action == SetSlotAction::Importing);
    CHECK(req.target == f.b);
}

TEST_CASE("SETSLOT NODE: known master; my slot with keys cannot be given away") {
    Fixture f;
    REQUIRE(f.st.add_slot(f.me, 9));
    SetSlotRequest req;
    CHECK(setslot(f.st, {"9", "node", "abc"}, &req) == "ERR Unknown node abc");
    CHECK(setslot(f.st, {"9", "node", kIdR}, &req) == "ERR Target node is not a master");
    CHECK(setslot(f.st, {"9", "node", kIdB}, &req, 3) ==
          "ERR Can't assign hashslot 9 to a different node while I still hold keys for this "
          "hash slot.");
    CHECK(setslot(f.st, {"9", "node", kIdB}, &req, 0) == "");
    CHECK(req.action == SetSlotAction::Node);
    CHECK(req.target == f.b);
    // Keys do not matter when the slot stays mine, or was not mine.
    CHECK(setslot(f.st, {"9", "node", f.me->id}, &req, 3) == "");
    CHECK(setslot(f.st, {"10", "node", kIdB}, &req, 3) == "");
}

TEST_CASE("SETSLOT keys_in_slot is asked only for NODE") {
    Fixture f;
    REQUIRE(f.st.add_slot(f.me, 1));
    int calls = 0;
    auto count = [&calls](int) {
        calls++;
        return size_t{0};
    };
    SetSlotRequest req;
    CHECK(check_setslot(f.st, Args{"1", "migrating", kIdB}, count, &req) == "");
    CHECK(check_setslot(f.st, Args{"1", "stable"}, count, &req) == "");
    CHECK(calls == 0);
    CHECK(check_setslot(f.st, Args{"1", "node", kIdB}, count, &req) == "");
    CHECK(calls == 1);
}

TEST_CASE("apply_setslot: MIGRATING, IMPORTING set the marks, STABLE clears both") {
    Fixture f;
    apply_setslot(f.st, SetSlotRequest{5, SetSlotAction::Migrating, f.b}, 0);
    apply_setslot(f.st, SetSlotRequest{5, SetSlotAction::Importing, f.c}, 0);
    CHECK(f.st.migrating_to[5] == f.b);
    CHECK(f.st.importing_from[5] == f.c);
    SetSlotEffect e = apply_setslot(f.st, SetSlotRequest{5, SetSlotAction::Stable, nullptr}, 0);
    CHECK(f.st.migrating_to[5] == nullptr);
    CHECK(f.st.importing_from[5] == nullptr);
    CHECK_FALSE(e.closed_import);
}

TEST_CASE("apply_setslot NODE: a migrating mark survives while keys remain") {
    Fixture f;
    REQUIRE(f.st.add_slot(f.me, 7));
    f.st.migrating_to[7] = f.b;
    // NODE myself with keys left (allowed: the slot stays mine): still migrating.
    apply_setslot(f.st, SetSlotRequest{7, SetSlotAction::Node, f.me}, 2);
    CHECK(f.st.slot_owner(7) == f.me);
    CHECK(f.st.migrating_to[7] == f.b);
    // Every key moved: the slot goes to B and the migration is over.
    apply_setslot(f.st, SetSlotRequest{7, SetSlotAction::Node, f.b}, 0);
    CHECK(f.st.slot_owner(7) == f.b);
    CHECK(f.me->num_slots == 0);
    CHECK(f.b->num_slots == 1);
    CHECK(f.st.migrating_to[7] == nullptr);
}

TEST_CASE("apply_setslot NODE myself ends an import: mark cleared, epoch bumped") {
    Fixture f;
    f.st.current_epoch = 5;
    f.b->config_epoch = 5;
    f.me->config_epoch = 2;
    REQUIRE(f.st.add_slot(f.b, 11));
    f.st.importing_from[11] = f.b;
    SetSlotEffect e = apply_setslot(f.st, SetSlotRequest{11, SetSlotAction::Node, f.me}, 4);
    CHECK(f.st.slot_owner(11) == f.me);
    CHECK(f.b->num_slots == 0);
    CHECK(f.st.importing_from[11] == nullptr);
    CHECK(e.closed_import);
    CHECK(e.epoch_bumped);
    CHECK(f.me->config_epoch == 6);
    CHECK(f.st.current_epoch == 6);
}

TEST_CASE("apply_setslot NODE myself ending an import keeps a unique greatest epoch") {
    Fixture f;
    f.st.current_epoch = 4;
    f.me->config_epoch = 4;
    f.b->config_epoch = 3;
    f.st.importing_from[12] = f.b;
    SetSlotEffect e = apply_setslot(f.st, SetSlotRequest{12, SetSlotAction::Node, f.me}, 0);
    CHECK(e.closed_import);
    CHECK_FALSE(e.epoch_bumped);
    CHECK(f.me->config_epoch == 4);
    CHECK(f.st.slot_owner(12) == f.me);
}

TEST_CASE("apply_setslot NODE to another node while importing keeps the import mark") {
    Fixture f;
    f.st.importing_from[13] = f.b;
    SetSlotEffect e = apply_setslot(f.st, SetSlotRequest{13, SetSlotAction::Node, f.c}, 0);
    CHECK(f.st.slot_owner(13) == f.c);
    CHECK(f.st.importing_from[13] == f.b);
    CHECK_FALSE(e.closed_import);
}

TEST_CASE("apply_setslot NODE giving away my last slot reports it (I become the new owner's "
          "replica)") {
    Fixture f;
    REQUIRE(f.st.add_slot(f.me, 20));
    REQUIRE(f.st.add_slot(f.me, 21));
    SetSlotEffect e = apply_setslot(f.st, SetSlotRequest{20, SetSlotAction::Node, f.b}, 0);
    CHECK_FALSE(e.lost_last_slot);
    e = apply_setslot(f.st, SetSlotRequest{21, SetSlotAction::Node, f.b}, 0);
    CHECK(e.lost_last_slot);
    CHECK(f.me->num_slots == 0);
    // A slot that was not mine, or that stays mine, loses nothing.
    REQUIRE(f.st.add_slot(f.c, 22));
    e = apply_setslot(f.st, SetSlotRequest{22, SetSlotAction::Node, f.b}, 0);
    CHECK_FALSE(e.lost_last_slot);
    f.st.importing_from[23] = f.b;
    e = apply_setslot(f.st, SetSlotRequest{23, SetSlotAction::Node, f.me}, 0);
    CHECK_FALSE(e.lost_last_slot);
}
