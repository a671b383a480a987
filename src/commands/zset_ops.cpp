// The sorted set family's data operations and parsers (zsets.h), after Redis 7.0's t_zset.c.
//
// Loop thread only.
#include <algorithm>
#include <cmath>

#include "commands/zsets.h"
#include "keyspace/set.h"
#include "common/crc16.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::Encoding;
using keyspace::Entry;
using keyspace::Type;
using keyspace::ZLexBound;
using keyspace::ZSet;

namespace {

ZSet* zset_of(Entry* e) {
    return static_cast<ZSet*>(e->object());
}

// Deletes the key when its zset emptied (Redis deletes an empty collection at once).
void delete_if_empty(const OpArgs& op, std::string_view key, uint16_t slot, const ZSet* z) {
    if (z->size() == 0) {
        op.db.del(key, slot);
    }
}

void note_encoding(const OpArgs& op, std::string_view key, uint16_t slot) {
    if (Entry* e = op.db.find(key, slot)) {
        op.db.set_object_encoding(e, Encoding::SkipList);
    }
}

}  // namespace

bool zset_insert(ZSet& z, std::string_view member, double score, const ZsetLimits& lim) {
    bool convert =
        z.is_listpack() && (z.size() + 1 > lim.max_entries || member.size() > lim.max_value);
    if (convert) {
        z.convert_to_skiplist();
    }
    z.insert(member, score);
    return convert;
}

Result<ZSet*> zset_read(const OpArgs& op, std::string_view key, uint16_t slot) {
    Entry* e = lookup_read(op, key, slot);
    if (e == nullptr) {
        return static_cast<ZSet*>(nullptr);
    }
    if (e->type() != Type::ZSet) {
        return Err::WrongType;
    }
    return zset_of(e);
}

Result<ZSet*> zset_write(const OpArgs& op, std::string_view key, uint16_t slot) {
    Entry* e = lookup_write(op, key, slot);
    if (e == nullptr) {
        return static_cast<ZSet*>(nullptr);
    }
    if (e->type() != Type::ZSet) {
        return Err::WrongType;
    }
    return zset_of(e);
}

// ---- ZADD ----------------------------------------------------------------------------------

Parsed<ZAddArgs> parse_zadd(const std::vector<std::string_view>& args) {
    ZAddArgs a;
    size_t i = 2;
    for (; i < args.size(); i++) {
        std::string_view o = args[i];
        if (iequals(o, "nx")) {
            a.flags.nx = true;
        } else if (iequals(o, "xx")) {
            a.flags.xx = true;
        } else if (iequals(o, "ch")) {
            a.flags.ch = true;
        } else if (iequals(o, "incr")) {
            a.flags.incr = true;
        } else if (iequals(o, "gt")) {
            a.flags.gt = true;
        } else if (iequals(o, "lt")) {
            a.flags.lt = true;
        } else {
            break;
        }
    }
    size_t rest = args.size() - i;
    if (rest == 0 || rest % 2 != 0) {
        return Err::Syntax;
    }
    const ZAddFlags& f = a.flags;
    if (f.nx && f.xx) {
        return Parsed<ZAddArgs>::failure(
            "ERR XX and NX options at the same time are not compatible");
    }
    if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) {
        return Parsed<ZAddArgs>::failure(
            "ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if (f.incr && rest > 2) {
        return Parsed<ZAddArgs>::failure(
            "ERR INCR option supports a single increment-element pair");
    }
    // All scores are checked before anything changes: ZADD applies fully or not at all.
    a.line = &args;
    a.first = i;
    a.count = rest / 2;
    for (; i < args.size(); i += 2) {
        double d;
        if (!parse_double(args[i], &d)) {
            return Err::NotFloat;
        }
    }
    return a;
}

double ZAddArgs::score(size_t i) const {
    double d = 0;
    (void)parse_double((*line)[first + 2 * i], &d);  // checked by the parser
    return d;
}

Result<ZAddOutcome> op_zadd(const OpArgs& op, std::string_view key, uint16_t slot,
                            const ZAddArgs& a, const ZsetLimits& lim) {
    Result<ZSet*> found = zset_write(op, key, slot);
    if (!found.ok()) {
        return found.err();
    }
    ZAddOutcome out;
    ZSet* z = *found;
    const ZAddFlags& f = a.flags;
    bool converted = false;
    if (z == nullptr) {
        if (f.xx) {
            return out;
        }
        // zsetTypeCreate's size hint: a ZADD that cannot fit a listpack starts as skiplist.
        size_t maxlen = 0;
        for (size_t i = 0; i < a.count; i++) {
            maxlen = std::max(maxlen, a.member(i).size());
        }
        auto obj = std::make_unique<ZSet>();
        Encoding enc = Encoding::ListPack;
        if (a.count > lim.max_entries || maxlen > lim.max_value) {
            obj->convert_to_skiplist();
            enc = Encoding::SkipList;
        }
        z = obj.get();
        op.db.add_object(key, slot, Type::ZSet, enc, std::move(obj), keyspace::kNoExpire,
                         op.now_ms);
    }
    for (size_t i = 0; i < a.count; i++) {
        std::string_view member = a.member(i);
        double score = a.score(i);
        double cur;
        if (z->score(member, &cur)) {
            if (f.nx) {
                continue;
            }
            if (f.incr) {
                score += cur;
                if (std::isnan(score)) {
                    return Err::NanOrInf;
                }
            }
            if ((f.lt && score >= cur) || (f.gt && score <= cur)) {
                continue;
            }
            out.incr_done = true;
            out.incr_score = score;
            if (score != cur) {
                z->update(member, score);
                out.updated++;
            }
        } else if (!f.xx) {
            converted |= zset_insert(*z, member, score, lim);
            out.added++;
            out.incr_done = true;
            out.incr_score = score;
        }
    }
    if (converted) {
        note_encoding(op, key, slot);
    }
    return out;
}

Result<long long> op_zrem(const OpArgs& op, std::string_view key, uint16_t slot,
                          const std::vector<std::string_view>& members) {
    Result<ZSet*> found = zset_write(op, key, slot);
    if (!found.ok()) {
        return found.err();
    }
    ZSet* z = *found;
    if (z == nullptr) {
        return 0LL;
    }
    long long removed = 0;
    for (size_t i = 2; i < members.size(); i++) {
        if (z->erase(members[i])) {
            removed++;
            if (z->size() == 0) {
                break;
            }
        }
    }
    delete_if_empty(op, key, slot, z);
    return removed;
}

// ---- ranges --------------------------------------------------------------------------------

bool parse_score_bound(std::string_view s, double* v, bool* exclusive) {
    *exclusive = false;
    if (!s.empty() && s[0] == '(') {
        *exclusive = true;
        s.remove_prefix(1);
    }
    return parse_double(s, v);
}

bool parse_lex_bound(std::string_view s, ZLexBound* out) {
    if (s.empty()) {
        return false;
    }
    out->value = {};
    out->exclusive = false;
    switch (s[0]) {
        case '+':
            if (s.size() != 1) {
                return false;
            }
            out->kind = ZLexBound::Kind::PosInf;
            return true;
        case '-':
            if (s.size() != 1) {
                return false;
            }
            out->kind = ZLexBound::Kind::NegInf;
            return true;
        case '(':
        case '[':
            out->kind = ZLexBound::Kind::Value;
            out->exclusive = s[0] == '(';
            out->value = s.substr(1);
            return true;
        default:
            return false;
    }
}

void zrange_resolve(const ZSet& z, const ZRangeSpec& s, size_t* from, size_t* count,
                    bool* reverse) {
    *reverse = s.rev;
    *from = 0;
    *count = 0;
    long long llen = static_cast<long long>(z.size());
    if (s.kind == ZRangeKind::Rank) {
        long long start = s.start < 0 ? llen + s.start : s.start;
        long long end = s.end < 0 ? llen + s.end : s.end;
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= llen) {
            return;
        }
        if (end >= llen) {
            end = llen - 1;
        }
        *count = static_cast<size_t>(end - start + 1);
        *from = static_cast<size_t>(s.rev ? llen - 1 - start : start);
        return;
    }
    size_t low, high;
    if (s.kind == ZRangeKind::Score) {
        low = z.score_low(s.score);
        high = z.score_high(s.score);
    } else {
        low = z.lex_low(s.lex.min);
        high = z.lex_high(s.lex.max);
    }
    if (high <= low || s.offset < 0) {
        return;
    }
    size_t n = high - low;
    size_t off = static_cast<size_t>(s.offset);
    if (off >= n) {
        return;
    }
    n -= off;
    if (s.limit >= 0 && static_cast<unsigned long long>(s.limit) < n) {
        n = static_cast<size_t>(s.limit);
    }
    *count = n;
    *from = s.rev ? high - 1 - off : low + off;
}

Result<long long> op_zremrange(const OpArgs& op, std::string_view key, uint16_t slot,
                               const ZRangeSpec& s) {
    Result<ZSet*> found = zset_write(op, key, slot);
    if (!found.ok()) {
        return found.err();
    }
    ZSet* z = *found;
    if (z == nullptr) {
        return 0LL;
    }
    ZRangeSpec fwd = s;
    fwd.rev = false;
    fwd.offset = 0;
    fwd.limit = -1;
    size_t from, count;
    bool rev;
    zrange_resolve(*z, fwd, &from, &count, &rev);
    long long removed = static_cast<long long>(z->erase_ranks(from, from + count));
    delete_if_empty(op, key, slot, z);
    return removed;
}

// ---- pops ----------------------------------------------------------------------------------

Result<std::vector<std::pair<std::string, double>>> op_zpop(const OpArgs& op, std::string_view key,
                                                            uint16_t slot, bool max, size_t count) {
    std::vector<std::pair<std::string, double>> out;
    Result<ZSet*> found = zset_write(op, key, slot);
    if (!found.ok()) {
        return found.err();
    }
    ZSet* z = *found;
    if (z == nullptr || count == 0) {
        return out;
    }
    size_t n = std::min(count, z->size());
    size_t from = max ? z->size() - 1 : 0;
    ZSet::Iter it = z->iter(from, n, max);
    out.reserve(n);
    std::string_view m;
    double sc;
    while (it.next(&m, &sc)) {
        out.emplace_back(std::string(m), sc);
    }
    if (max) {
        z->erase_ranks(z->size() - n, z->size());
    } else {
        z->erase_ranks(0, n);
    }
    delete_if_empty(op, key, slot, z);
    return out;
}

// ---- set operations ------------------------------------------------------------------------

namespace {

// Redis reads the input keys (WRONGTYPE) before it parses the options after them: an option
// error is kept and reported by the op once the inputs passed their type check.
ZSetOpArgs option_error(ZSetOpArgs a, std::string text) {
    a.options_error = std::move(text);
    return a;
}

}  // namespace

Parsed<ZSetOpArgs> parse_zsetop(const std::vector<std::string_view>& args, size_t numkeys_idx,
                                std::string_view cmd, ZSetOp kind, bool store, bool card) {
    ZSetOpArgs a;
    long long numkeys;
    if (!parse_ll(args[numkeys_idx], &numkeys)) {
        return Err::NotInteger;
    }
    if (numkeys < 1) {
        std::string e = "ERR at least 1 input key is needed for '";
        e.append(cmd);
        e.append("' command");
        return Parsed<ZSetOpArgs>::failure(std::move(e));
    }
    if (static_cast<unsigned long long>(numkeys) > args.size() - numkeys_idx - 1) {
        return Err::Syntax;
    }
    size_t j = numkeys_idx + 1;
    for (long long i = 0; i < numkeys; i++, j++) {
        a.keys.push_back(args[j]);
    }
    a.weights.assign(a.keys.size(), 1.0);
    size_t n = a.keys.size();
    while (j < args.size()) {
        size_t remaining = args.size() - j;
        if (card) {
            if (remaining >= 2 && iequals(args[j], "limit")) {
                long long l;
                if (!parse_ll(args[j + 1], &l)) {
                    return option_error(std::move(a), "ERR LIMIT can't be negative");
                }
                if (l < 0) {
                    return option_error(std::move(a), "ERR LIMIT can't be negative");
                }
                a.limit = l;
                j += 2;
            } else {
                return option_error(std::move(a), std::string(err_text(Err::Syntax)));
            }
        } else if (kind != ZSetOp::Diff && remaining >= n + 1 && iequals(args[j], "weights")) {
            j++;
            for (size_t i = 0; i < n; i++, j++) {
                if (!parse_double(args[j], &a.weights[i])) {
                    return option_error(std::move(a), "ERR weight value is not a float");
                }
            }
        } else if (kind != ZSetOp::Diff && remaining >= 2 && iequals(args[j], "aggregate")) {
            std::string_view v = args[j + 1];
            if (iequals(v, "sum")) {
                a.aggregate = ZAggregate::Sum;
            } else if (iequals(v, "min")) {
                a.aggregate = ZAggregate::Min;
            } else if (iequals(v, "max")) {
                a.aggregate = ZAggregate::Max;
            } else {
                return option_error(std::move(a), std::string(err_text(Err::Syntax)));
            }
            j += 2;
        } else if (!store && iequals(args[j], "withscores")) {
            a.withscores = true;
            j++;
        } else {
            return option_error(std::move(a), std::string(err_text(Err::Syntax)));
        }
    }
    return a;
}

namespace {

double aggregate(ZAggregate agg, double target, double v) {
    switch (agg) {
        case ZAggregate::Sum: {
            double s = target + v;
            return std::isnan(s) ? 0.0 : s;  // inf + -inf: Redis makes it 0
        }
        case ZAggregate::Min:
            return v < target ? v : target;
        case ZAggregate::Max:
            return v > target ? v : target;
    }
    return target;
}

double weighted(double score, double weight) {
    double v = score * weight;
    return std::isnan(v) ? 0.0 : v;
}

// One input of a set operation: a zset, a plain set (members scored 1, as Redis), or absent.
struct Input {
    const ZSet* z = nullptr;
    const keyspace::Set* set = nullptr;

    bool absent() const { return z == nullptr && set == nullptr; }
    size_t size() const { return z ? z->size() : set ? set->size() : 0; }
    bool score(std::string_view m, double* s) const {
        if (z != nullptr) {
            return z->score(m, s);
        }
        *s = 1.0;
        return set != nullptr && set->contains(m);
    }
    template <class Fn>
    void each(Fn&& fn) const {
        if (z != nullptr) {
            ZSet::Iter it = z->iter(0, z->size(), false);
            std::string_view m;
            double s;
            while (it.next(&m, &s)) {
                fn(m, s);
            }
        } else if (set != nullptr) {
            set->for_each([&](std::string_view m) { fn(m, 1.0); });
        }
    }
};

// The inputs in argument order. The objects stay valid across the later lookups: a lookup may
// delete another, expired key, never these entries.
Result<std::vector<Input>> lookup_inputs(const OpArgs& op,
                                         const std::vector<std::string_view>& keys,
                                         bool for_write) {
    std::vector<Input> out;
    out.reserve(keys.size());
    for (std::string_view k : keys) {
        uint16_t slot = key_slot(k);
        Entry* e = for_write ? lookup_write(op, k, slot) : lookup_read(op, k, slot);
        Input in;
        if (e != nullptr) {
            if (e->type() == Type::ZSet) {
                in.z = zset_of(e);
            } else if (e->type() == Type::Set) {
                in.set = static_cast<const keyspace::Set*>(e->object());
            } else {
                return Err::WrongType;
            }
        }
        out.push_back(in);
    }
    return out;
}

}  // namespace

namespace {

// Redis 7.0's zunionInterDiffGenericCommand builds the result as a skiplist and, for the *STORE
// forms only, converts it to a listpack at the end when it fits (zsetConvertToListpackIfNeeded).
// The encoding path is visible: a listpack turns a -0 score into 0 (ZSet::lp_insert), a skiplist
// keeps it, so building through a listpack first would lose -0 in a result that outgrows it.
std::unique_ptr<ZSet> to_listpack_if_fits(std::unique_ptr<ZSet> z, const ZsetLimits& lim) {
    if (z->is_listpack() || z->size() > lim.max_entries || z->max_member_len() > lim.max_value) {
        return z;
    }
    auto lp = std::make_unique<ZSet>();
    ZSet::Iter it = z->iter(0, z->size(), false);
    std::string_view m;
    double s;
    while (it.next(&m, &s)) {
        lp->insert(m, s);
    }
    return lp;
}

Result<std::unique_ptr<ZSet>> zsetop_skiplist(const OpArgs& op, ZSetOp kind, const ZSetOpArgs& a,
                                              const ZsetLimits& lim, bool for_write) {
    Result<std::vector<Input>> in = lookup_inputs(op, a.keys, for_write);
    if (!in.ok()) {
        return in.err();
    }
    if (!a.options_error.empty()) {
        return Err::Invalid;
    }
    const std::vector<Input>& src = *in;
    auto out = std::make_unique<ZSet>();
    out->convert_to_skiplist();
    if (kind == ZSetOp::Union) {
        // Redis sorts the inputs by size (glibc's qsort is a stable merge sort here) and
        // accumulates in that order: it decides a float sum's rounding and MIN/MAX's 0 vs -0.
        std::vector<size_t> order(src.size());
        for (size_t i = 0; i < order.size(); i++) {
            order[i] = i;
        }
        std::stable_sort(order.begin(), order.end(),
                         [&](size_t x, size_t y) { return src[x].size() < src[y].size(); });
        for (size_t i : order) {
            src[i].each([&](std::string_view m, double s) {
                double v = weighted(s, a.weights[i]);
                double cur;
                if (out->score(m, &cur)) {
                    double nv = aggregate(a.aggregate, cur, v);
                    if (nv == cur && std::signbit(nv) != std::signbit(cur)) {
                        // update() keeps an equal score as is; Redis' union accumulator
                        // stores the aggregate, so 0 becomes -0 (or back) here too.
                        out->erase(m);
                        zset_insert(*out, m, nv, lim);
                    } else {
                        out->update(m, nv);
                    }
                } else {
                    zset_insert(*out, m, v, lim);
                }
            });
        }
        return out;
    }
    if (src[0].absent()) {
        return out;
    }
    if (kind == ZSetOp::Diff) {
        src[0].each([&](std::string_view m, double s) {
            bool elsewhere = false;
            double cur;
            for (size_t i = 1; i < src.size() && !elsewhere; i++) {
                elsewhere = src[i].score(m, &cur);
            }
            if (!elsewhere) {
                zset_insert(*out, m, s, lim);
            }
        });
        return out;
    }
    // Inter: walk the smallest input, as Redis (which sorts the inputs by size).
    std::vector<size_t> order(src.size());
    for (size_t i = 0; i < order.size(); i++) {
        order[i] = i;
        if (src[i].absent()) {
            return out;
        }
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return src[x].size() < src[y].size(); });
    src[order[0]].each([&](std::string_view m, double s) {
        double v = weighted(s, a.weights[order[0]]);
        bool all = true;
        for (size_t k = 1; k < order.size() && all; k++) {
            double other;
            all = src[order[k]].score(m, &other);
            if (all) {
                v = aggregate(a.aggregate, v, weighted(other, a.weights[order[k]]));
            }
        }
        if (all) {
            zset_insert(*out, m, v, lim);
        }
    });
    return out;
}

}  // namespace

Result<std::unique_ptr<ZSet>> op_zsetop(const OpArgs& op, ZSetOp kind, const ZSetOpArgs& a,
                                        const ZsetLimits& lim, bool for_write) {
    Result<std::unique_ptr<ZSet>> r = zsetop_skiplist(op, kind, a, lim, for_write);
    if (!r.ok() || !for_write) {
        return r;
    }
    return to_listpack_if_fits(std::move(*r), lim);
}

long long zset_store(const OpArgs& op, std::string_view dst, uint16_t slot,
                     std::unique_ptr<ZSet> z) {
    long long n = static_cast<long long>(z->size());
    Entry* e = op.db.find(dst, slot);
    if (n == 0) {
        if (e != nullptr) {
            op.db.del(e);
        }
        return 0;
    }
    Encoding enc = z->encoding();
    if (e != nullptr) {
        op.db.replace_object(e, Type::ZSet, enc, std::move(z), keyspace::kNoExpire);
    } else {
        op.db.add_object(dst, slot, Type::ZSet, enc, std::move(z), keyspace::kNoExpire, op.now_ms);
    }
    return n;
}

Result<long long> op_zintercard(const OpArgs& op, const ZSetOpArgs& a) {
    Result<std::vector<Input>> in = lookup_inputs(op, a.keys, false);
    if (!in.ok()) {
        return in.err();
    }
    if (!a.options_error.empty()) {
        return Err::Invalid;
    }
    const std::vector<Input>& src = *in;
    size_t smallest = 0;
    for (size_t i = 0; i < src.size(); i++) {
        if (src[i].absent()) {
            return 0LL;
        }
        if (src[i].size() < src[smallest].size()) {
            smallest = i;
        }
    }
    long long n = 0;
    bool done = false;
    src[smallest].each([&](std::string_view m, double) {
        if (done) {
            return;
        }
        for (size_t i = 0; i < src.size(); i++) {
            double other;
            if (i != smallest && !src[i].score(m, &other)) {
                return;
            }
        }
        n++;
        done = a.limit > 0 && n >= a.limit;
    });
    return n;
}

}  // namespace slotcache::commands
