// COMMAND INFO key specifications of the sorted set commands, as redis-server 7.0.15 reports
// them: the flags of each key (RW delete for ZREM, RO for ZCARD, OW update for a *STORE
// destination, ...) and the keynum form (numkeys at the spec's index, keys after it) of ZUNION,
// ZINTER, ZDIFF, ZINTERCARD, ZMPOP and the *STORE sources. The server's default writer only
// knows one range spec flagged "RW update" / "RO access".
//
// A KeySpecsWriter is a plain function pointer, so each command's specs get their own
// instantiation of write_specs<I> over one table.
//
// Loop thread (COMMAND INFO); the table is constant.
#include <array>
#include <string_view>
#include <utility>

#include "commands/zsets_reply.h"

namespace slotcache::commands {

namespace {

struct KeySpec {
    std::array<std::string_view, 3> flags;  // empty views unused
    int index;                              // begin_search index
    bool keynum;                            // find_keys keynum (0, 1, 1), else range (0, 1, 0)
};

struct CommandSpecs {
    std::string_view name;
    std::array<KeySpec, 2> specs;
    int count;
};

constexpr KeySpec kRO{{"RO"}, 1, false};
constexpr KeySpec kRWDelete{{"RW", "delete"}, 1, false};
constexpr KeySpec kRWAccessDelete{{"RW", "access", "delete"}, 1, false};
constexpr KeySpec kDest{{"OW", "update"}, 1, false};

constexpr CommandSpecs kSpecs[] = {
    {"zincrby", {KeySpec{{"RW", "access", "update"}, 1, false}}, 1},
    {"zrem", {kRWDelete}, 1},
    {"zcard", {kRO}, 1},
    {"zremrangebyrank", {kRWDelete}, 1},
    {"zremrangebyscore", {kRWDelete}, 1},
    {"zremrangebylex", {kRWDelete}, 1},
    {"zpopmin", {kRWAccessDelete}, 1},
    {"zpopmax", {kRWAccessDelete}, 1},
    {"zmpop", {KeySpec{{"RW", "access", "delete"}, 1, true}}, 1},
    {"bzmpop", {KeySpec{{"RW", "access", "delete"}, 2, true}}, 1},
    {"zrangestore", {kDest, KeySpec{{"RO", "access"}, 2, false}}, 2},
    {"zunion", {KeySpec{{"RO", "access"}, 1, true}}, 1},
    {"zinter", {KeySpec{{"RO", "access"}, 1, true}}, 1},
    {"zdiff", {KeySpec{{"RO", "access"}, 1, true}}, 1},
    {"zintercard", {KeySpec{{"RO", "access"}, 1, true}}, 1},
    {"zunionstore", {kDest, KeySpec{{"RO", "access"}, 2, true}}, 2},
    {"zinterstore", {kDest, KeySpec{{"RO", "access"}, 2, true}}, 2},
    {"zdiffstore", {kDest, KeySpec{{"RO", "access"}, 2, true}}, 2},
};

void write_spec(resp::Reply& r, const KeySpec& s) {
    size_t nflags = 0;
    while (nflags < s.flags.size() && !s.flags[nflags].empty()) {
        nflags++;
    }
    r.map(3);
    r.bulk("flags");
    r.set(nflags);
    for (size_t i = 0; i < nflags; i++) {
        r.simple(s.flags[i]);
    }
    r.bulk("begin_search");
    r.map(2);
    r.bulk("type");
    r.bulk("index");
    r.bulk("spec");
    r.map(1);
    r.bulk("index");
    r.integer(s.index);
    r.bulk("find_keys");
    r.map(2);
    r.bulk("type");
    r.bulk(s.keynum ? "keynum" : "range");
    r.bulk("spec");
    r.map(3);
    if (s.keynum) {
        r.bulk("keynumidx");
        r.integer(0);
        r.bulk("firstkey");
        r.integer(1);
        r.bulk("keystep");
        r.integer(1);
    } else {
        r.bulk("lastkey");
        r.integer(0);
        r.bulk("keystep");
        r.integer(1);
        r.bulk("limit");
        r.integer(0);
    }
}

template <size_t I>
void write_specs(resp::Reply& r) {
    const CommandSpecs& c = kSpecs[I];
    r.set(static_cast<size_t>(c.count));
    for (int i = 0; i < c.count; i++) {
        write_spec(r, c.specs[static_cast<size_t>(i)]);
    }
}

template <size_t... I>
constexpr std::array<server::KeySpecsWriter, sizeof...(I)> make_writers(std::index_sequence<I...>) {
    return {&write_specs<I>...};
}

constexpr auto kWriters = make_writers(std::make_index_sequence<std::size(kSpecs)>{});

}  // namespace

server::KeySpecsWriter zset_key_specs(std::string_view name) {
    for (size_t i = 0; i < std::size(kSpecs); i++) {
        if (kSpecs[i].name == name) {
            return kWriters[i];
        }
    }
    return nullptr;  // one range spec, "RW update" / "RO access": the server's default
}

}  // namespace slotcache::commands
