// The set family's op_* (sets.h). Loop thread only.
#include <algorithm>
#include <cstdint>
#include <unordered_set>

#include "commands/sets.h"
#include "common/crc16.h"
#include "common/random.h"

namespace slotcache::commands {

using keyspace::Encoding;
using keyspace::Entry;
using keyspace::kIntBufLen;
using keyspace::kNoExpire;
using keyspace::Set;
using keyspace::SetLimits;
using keyspace::Type;

namespace {

Set* as_set(Entry* e) {
    return static_cast<Set*>(e->object());
}

// Limits that never convert: for rebuilding a set in its current encoding.
constexpr SetLimits kNoConvert{SIZE_MAX, SIZE_MAX, SIZE_MAX};

Result<Entry*> write_entry(const OpArgs& op, std::string_view key, uint16_t slot) {
    Entry* e = lookup_write(op, key, slot);
    if (e != nullptr && e->type() != Type::Set)
        return Err::WrongType;
    return e;
}

// The set of each key (nullptr for a missing one), or WrongType for the first other type.
Result<std::vector<Set*>> collect_sets(const OpArgs& op, std::span<const std::string_view> keys,
                                       bool for_store) {
    std::vector<Set*> sets;
    sets.reserve(keys.size());
    for (std::string_view k : keys) {
        uint16_t slot = key_slot(k);
        Entry* e = for_store ? lookup_write(op, k, slot) : lookup_read(op, k, slot);
        if (e != nullptr && e->type() != Type::Set)
            return Err::WrongType;
        sets.push_back(e == nullptr ? nullptr : as_set(e));
    }
    return sets;
}

// Calls fn for each member of the intersection until fn returns false.
template <class Fn>
void for_each_common(std::vector<Set*> sets, Fn&& fn) {
    if (sets.empty() || std::find(sets.begin(), sets.end(), nullptr) != sets.end())
        return;
    std::sort(sets.begin(), sets.end(),
              [](const Set* a, const Set* b) { return a->size() < b->size(); });
    bool more = true;
    sets[0]->for_each([&](std::string_view m) {
        if (!more)
            return;
        for (size_t j = 1; j < sets.size(); j++) {
            if (sets[j] != sets[0] && !sets[j]->contains(m))
                return;
        }
        more = fn(m);
    });
}

}  // namespace

Result<Set*> op_set_read(const OpArgs& op, std::string_view key, uint16_t slot) {
    Entry* e = lookup_read(op, key, slot);
    if (e == nullptr)
        return static_cast<Set*>(nullptr);
    if (e->type() != Type::Set)
        return Err::WrongType;
    return as_set(e);
}

Result<long long> op_sadd(const OpArgs& op, std::string_view key, uint16_t slot,
                          std::span<const std::string_view> members, const SetLimits& lim) {
    Result<Entry*> r = write_entry(op, key, slot);
    if (!r.ok())
        return r.err();
    Entry* e = *r;
    long long added = 0;
    if (e == nullptr) {
        std::unique_ptr<Set> s = Set::create(members[0], members.size(), lim);
        for (std::string_view m : members)
            added += s->add(m, lim);
        Encoding enc = s->encoding();
        op.db.add_object(key, slot, Type::Set, enc, std::move(s), kNoExpire, op.now_ms);
        return added;
    }
    Set* s = as_set(e);
    for (std::string_view m : members)
        added += s->add(m, lim);
    if (s->encoding() != e->encoding())
        op.db.set_object_encoding(e, s->encoding());
    return added;
}

Result<long long> op_srem(const OpArgs& op, std::string_view key, uint16_t slot,
                          std::span<const std::string_view> members) {
    Result<Entry*> r = write_entry(op, key, slot);
    if (!r.ok())
        return r.err();
    if (*r == nullptr)
        return 0LL;
    Set* s = as_set(*r);
    long long removed = 0;
    for (std::string_view m : members) {
        removed += s->remove(m);
        if (s->size() == 0)
            break;
    }
    if (s->size() == 0)
        op.db.del(*r);
    return removed;
}

Result<PopOne> op_spop_one(const OpArgs& op, std::string_view key, uint16_t slot) {
    Result<Entry*> r = write_entry(op, key, slot);
    if (!r.ok())
        return r.err();
    PopOne out;
    if (*r == nullptr)
        return out;
    Set* s = as_set(*r);
    char buf[kIntBufLen];
    out.found = true;
    out.member = s->random_member(buf);
    s->remove(out.member);
    if (s->size() == 0)
        op.db.del(*r);
    return out;
}

Result<std::vector<std::string>> op_spop_count(const OpArgs& op, std::string_view key,
                                               uint16_t slot, uint64_t count, bool* whole) {
    *whole = false;
    Result<Entry*> r = write_entry(op, key, slot);
    if (!r.ok())
        return r.err();
    std::vector<std::string> out;
    Entry* e = *r;
    if (e == nullptr || count == 0)
        return out;
    Set* s = as_set(e);
    size_t size = s->size();
    out.reserve(std::min<uint64_t>(count, size));
    // Case 1: the whole set goes.
    if (count >= size) {
        s->for_each([&out](std::string_view m) { out.emplace_back(m); });
        op.db.del(e);
        *whole = true;
        return out;
    }
    // Case 2 (Redis' SPOP_MOVE_STRATEGY_MUL = 5): few members leave, pop them one by one.
    size_t remaining = size - count;
    char buf[kIntBufLen];
    if (remaining * 5 > count) {
        for (uint64_t i = 0; i < count; i++) {
            out.emplace_back(s->random_member(buf));
            s->remove(out.back());
        }
        return out;
    }
    // Case 3: most members leave; move the few survivors to a new set, pop what is left.
    std::unique_ptr<Set> keep = Set::empty_like(s->encoding(), remaining);
    for (size_t i = 0; i < remaining; i++) {
        std::string_view m = s->random_member(buf);
        keep->add(m, kNoConvert);
        std::string copy(m);
        s->remove(copy);
    }
    s->for_each([&out](std::string_view m) { out.emplace_back(m); });
    Encoding enc = keep->encoding();
    op.db.set_object_encoding(e, enc, std::move(keep));
    return out;
}

size_t srandmember_count(const Set& s, long long count) {
    if (count < 0)
        return static_cast<size_t>(-static_cast<unsigned long long>(count));
    return std::min<size_t>(static_cast<unsigned long long>(count), s.size());
}

void srandmember_picks(const Set& s, long long count, const keyspace::MemberFn& fn) {
    char buf[kIntBufLen];
    size_t n = srandmember_count(s, count);
    if (count < 0) {
        // Repeats allowed: each pick independent.
        for (size_t i = 0; i < n; i++)
            fn(s.random_member(buf));
        return;
    }
    size_t size = s.size();
    if (n == size) {
        s.for_each(fn);
        return;
    }
    std::vector<std::string> all;
    if (n * 3 > size) {
        // A large share: a partial Fisher-Yates shuffle of every member.
        all.reserve(size);
        s.for_each([&all](std::string_view m) { all.emplace_back(m); });
        for (size_t i = 0; i < n; i++) {
            std::swap(all[i], all[i + random_below(size - i)]);
            fn(all[i]);
        }
        return;
    }
    // A small share: random picks, rejecting repeats.
    std::unordered_set<std::string> seen;
    while (seen.size() < n) {
        std::string_view m = s.random_member(buf);
        if (seen.emplace(m).second)
            fn(m);
    }
}

Result<long long> op_smove(const OpArgs& op, std::string_view src, std::string_view dst,
                           std::string_view member, const SetLimits& lim) {
    uint16_t src_slot = key_slot(src);
    uint16_t dst_slot = key_slot(dst);
    Entry* se = lookup_write(op, src, src_slot);
    Entry* de = lookup_write(op, dst, dst_slot);
    if (se == nullptr)
        return 0LL;
    if (se->type() != Type::Set || (de != nullptr && de->type() != Type::Set)) {
        return Err::WrongType;
    }
    Set* ss = as_set(se);
    if (se == de)
        return ss->contains(member) ? 1LL : 0LL;
    if (!ss->remove(member))
        return 0LL;
    if (ss->size() == 0)
        op.db.del(se);
    de = op.db.find(dst, dst_slot);  // the deletion above may have moved entries
    if (de == nullptr) {
        std::unique_ptr<Set> s = Set::create(member, 1, lim);
        s->add(member, lim);
        Encoding enc = s->encoding();
        op.db.add_object(dst, dst_slot, Type::Set, enc, std::move(s), kNoExpire, op.now_ms);
    } else {
        Set* ds = as_set(de);
        ds->add(member, lim);
        if (ds->encoding() != de->encoding())
            op.db.set_object_encoding(de, ds->encoding());
    }
    return 1LL;
}

Result<std::unique_ptr<Set>> op_set_combine(const OpArgs& op, SetOp kind,
                                            std::span<const std::string_view> keys, bool for_store,
                                            const SetLimits& lim) {
    Result<std::vector<Set*>> r = collect_sets(op, keys, for_store);
    if (!r.ok())
        return r.err();
    std::vector<Set*>& sets = *r;
    auto out = std::make_unique<Set>();
    Set* res = out.get();
    switch (kind) {
        case SetOp::Inter:
            for_each_common(sets, [&](std::string_view m) {
                res->add(m, lim);
                return true;
            });
            break;
        case SetOp::Union:
            for (Set* s : sets) {
                if (s != nullptr)
                    s->for_each([&](std::string_view m) { res->add(m, lim); });
            }
            break;
        case SetOp::Diff:
            if (sets[0] == nullptr)
                break;
            sets[0]->for_each([&](std::string_view m) {
                for (size_t j = 1; j < sets.size(); j++) {
                    if (sets[j] != nullptr && sets[j]->contains(m))
                        return;
                }
                res->add(m, lim);
            });
            break;
    }
    return out;
}

Result<long long> op_sintercard(const OpArgs& op, std::span<const std::string_view> keys,
                                long long limit) {
    Result<std::vector<Set*>> r = collect_sets(op, keys, false);
    if (!r.ok())
        return r.err();
    long long n = 0;
    for_each_common(*r, [&](std::string_view) { return ++n != limit; });
    return n;
}

bool op_store_set(const OpArgs& op, std::string_view dst, std::unique_ptr<Set> result) {
    uint16_t slot = key_slot(dst);
    Entry* e = lookup_write(op, dst, slot);
    if (result->size() == 0) {
        if (e == nullptr)
            return false;
        op.db.del(e);
        return true;
    }
    Encoding enc = result->encoding();
    if (e == nullptr) {
        op.db.add_object(dst, slot, Type::Set, enc, std::move(result), kNoExpire, op.now_ms);
    } else {
        op.db.replace_object(e, Type::Set, enc, std::move(result), kNoExpire);
    }
    return true;
}

}  // namespace slotcache::commands
