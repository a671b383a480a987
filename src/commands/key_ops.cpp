// The generic key family's data operations (declared in keys.h), after Redis 7.0's db.c and
// expire.c.
#include <climits>

#include "commands/keys.h"
#include "common/crc16.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::Entry;
using keyspace::kLookupNoTouch;
using keyspace::kNoExpire;

size_t op_del(const OpArgs& op, const std::vector<std::string_view>& args, size_t first,
              bool lazy, std::vector<size_t>* deleted_idx) {
    size_t deleted = 0;
    for (size_t j = first; j < args.size(); j++) {
        // An expired key is removed by the lookup (and propagated as its own DEL) but does not
        // count as deleted by this command, as with Redis' expireIfNeeded + dbDelete.
        Entry* e = op.db.lookup(args[j], key_slot(args[j]), op.now_ms,
                                kLookupNoTouch | op.lookup_flags);
        if (e != nullptr) {
            op.db.del(e, lazy);
            deleted++;
            if (deleted_idx != nullptr) deleted_idx->push_back(j);
        }
    }
    return deleted;
}

size_t op_exists(const OpArgs& op, const std::vector<std::string_view>& args, size_t first) {
    size_t n = 0;
    for (size_t j = first; j < args.size(); j++) {
        n += lookup_read(op, args[j], key_slot(args[j]), kLookupNoTouch) != nullptr ? 1 : 0;
    }
    return n;
}

size_t op_touch(const OpArgs& op, const std::vector<std::string_view>& args, size_t first) {
    size_t n = 0;
    for (size_t j = first; j < args.size(); j++) {
        n += lookup_read(op, args[j], key_slot(args[j])) != nullptr ? 1 : 0;
    }
    return n;
}

std::string_view op_type(const OpArgs& op, std::string_view key, uint16_t slot) {
    const Entry* e = lookup_read(op, key, slot, kLookupNoTouch);
    return e != nullptr ? keyspace::type_name(e->type()) : std::string_view("none");
}

ExpireOutcome op_expire(const OpArgs& op, std::string_view key, uint16_t slot, int64_t when,
                        const ExpireCondition& cond, bool may_delete) {
    Entry* e = lookup_write(op, key, slot);
    if (e == nullptr) {
        return ExpireOutcome::NotSet;
    }
    if (cond.any() && !expire_condition_allows(cond, e->expire_at, when)) {
        return ExpireOutcome::NotSet;
    }
    if (when <= op.now_ms && may_delete) {
        op.db.del(e);
        return ExpireOutcome::Deleted;
    }
    op.db.set_expire(e, when < 0 ? 0 : when);
    return ExpireOutcome::Set;
}

int64_t op_expire_time(const OpArgs& op, std::string_view key, uint16_t slot) {
    const Entry* e = lookup_read(op, key, slot, kLookupNoTouch);
    if (e == nullptr) {
        return -2;
    }
    return e->has_expire() ? e->expire_at : kNoExpire;
}

long long ttl_reply_value(int64_t expire_at, int64_t now_ms, bool ms, bool abs) {
    if (expire_at == -2 || expire_at == kNoExpire) {
        return expire_at;
    }
    long long ttl = abs ? expire_at : expire_at - now_ms;
    if (ttl < 0) {
        ttl = 0;
    }
    return ms ? ttl : (ttl + 500) / 1000;
}

bool op_persist(const OpArgs& op, std::string_view key, uint16_t slot) {
    Entry* e = lookup_write(op, key, slot);
    return e != nullptr && op.db.persist(e);
}

Result<RenameOutcome> op_rename(const OpArgs& op, std::string_view src, std::string_view dst,
                                bool nx) {
    uint16_t src_slot = key_slot(src);
    if (lookup_write(op, src, src_slot) == nullptr) {
        return Err::NoSuchKey;
    }
    if (src == dst) {
        return RenameOutcome::SameKey;
    }
    uint16_t dst_slot = key_slot(dst);
    // This lookup may expire dst, a modification of the Db: src is found again afterwards.
    if (lookup_write(op, dst, dst_slot) != nullptr && nx) {
        return RenameOutcome::DestinationExists;
    }
    op.db.rename(op.db.find(src, src_slot), dst, dst_slot);
    return RenameOutcome::Renamed;
}

bool op_copy(const OpArgs& op, std::string_view src, keyspace::Db& dst_db, std::string_view dst,
             bool replace) {
    uint16_t src_slot = key_slot(src);
    if (lookup_read(op, src, src_slot) == nullptr) {
        return false;
    }
    uint16_t dst_slot = key_slot(dst);
    // Expires a stale destination first, so that it does not block COPY without REPLACE.
    if (dst_db.lookup(dst, dst_slot, op.now_ms, op.lookup_flags) != nullptr && !replace) {
        return false;
    }
    const Entry* e = op.db.find(src, src_slot);
    return op.db.copy(e, dst_db, dst, dst_slot, replace, op.now_ms) != nullptr;
}

void op_keys(const OpArgs& op, std::string_view pattern, std::vector<std::string_view>* out) {
    bool all = pattern == "*";
    uint64_t cursor = 0;
    do {
        cursor = op.db.scan_step(cursor, [&](const Entry* e) {
            if ((all || glob_match(pattern, e->key())) &&
                !keyspace::Db::is_expired(e, op.now_ms)) {
                out->push_back(e->key());
            }
        });
    } while (cursor != 0);
}

uint64_t op_scan(const OpArgs& op, uint64_t cursor, const ScanOptions& opt,
                 std::vector<std::string>* out) {
    std::vector<std::string> candidates;
    uint64_t next = op.db.scan(cursor, static_cast<size_t>(opt.count), [&](const Entry* e) {
        if (!opt.has_pattern || glob_match(opt.pattern, e->key())) {
            candidates.emplace_back(e->key());
        }
    });
    // Redis filters after collecting: the TYPE check is a counted read, then expired keys are
    // dropped (and deleted on a master) by expireIfNeeded.
    for (std::string& key : candidates) {
        uint16_t slot = key_slot(key);
        const Entry* e = nullptr;
        if (opt.has_type) {
            e = lookup_read(op, key, slot, kLookupNoTouch);
            std::string_view type = e ? keyspace::type_name(e->type()) : "none";
            if (!iequals(opt.type, type)) {
                continue;
            }
        } else {
            e = op.db.lookup(key, slot, op.now_ms, kLookupNoTouch);
        }
        if (e != nullptr) {
            out->push_back(std::move(key));
        }
    }
    return next;
}

const Entry* op_randomkey(const OpArgs& op) { return op.db.random_live(op.now_ms); }

const Entry* op_object_lookup(const OpArgs& op, std::string_view key, uint16_t slot) {
    return lookup_read(op, key, slot, kLookupNoTouch);
}

long long object_refcount(const Entry* e, uint64_t maxmemory, keyspace::EvictionPolicy policy) {
    constexpr long long kSharedIntegers = 10000;  // Redis' OBJ_SHARED_INTEGERS
    constexpr long long kSharedRefcount = INT_MAX;
    bool lru_or_lfu = policy == keyspace::EvictionPolicy::AllKeysLru ||
                      policy == keyspace::EvictionPolicy::VolatileLru ||
                      keyspace::policy_is_lfu(policy);
    long long v = 0;
    if (e->is_string() && e->encoding() == keyspace::Encoding::Int && e->int_value(&v) &&
        v >= 0 && v < kSharedIntegers && (maxmemory == 0 || !lru_or_lfu)) {
        return kSharedRefcount;
    }
    return 1;
}

}  // namespace slotcache::commands
