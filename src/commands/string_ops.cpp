// The string family's data operations (declared in strings.h). Each follows the Redis 7.0
// t_string.c command of the same name; the comments note where the order of checks is what
// makes a reply match Redis'.
#include <climits>
#include <cmath>

#include "commands/strings.h"
#include "common/crc16.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::Entry;
using keyspace::kIntBufLen;
using keyspace::kKeepTtl;
using keyspace::kNoExpire;

namespace {

std::string copy_value(const Entry* e) {
    char buf[kIntBufLen];
    return std::string(e->string_value(buf));
}

// Writes a string value over e (or a new key when e is null). kKeepTtl on a new key means none.
void store_string(const OpArgs& op, Entry* e, std::string_view key, uint16_t slot,
                  std::string_view value, int64_t expire_at) {
    if (e != nullptr) {
        op.db.replace_string(e, value, expire_at);
    } else {
        op.db.add_string(key, slot, value, expire_at == kKeepTtl ? kNoExpire : expire_at,
                         op.now_ms);
    }
}

}  // namespace

Result<const Entry*> op_get(const OpArgs& op, std::string_view key, uint16_t slot) {
    const Entry* e = lookup_read(op, key, slot);
    if (e != nullptr && !e->is_string()) {
        return Err::WrongType;
    }
    return e;
}

Result<SetOutcome> op_set(const OpArgs& op, std::string_view key, uint16_t slot,
                          const SetParams& p) {
    SetOutcome out;
    Entry* e = nullptr;
    if (p.get) {
        // Redis runs GET's lookupKeyRead (a counted read) before anything else.
        e = lookup_read(op, key, slot);
        if (e != nullptr && !e->is_string()) {
            return Err::WrongType;
        }
        if (e != nullptr) {
            out.had_old = true;
            out.old = copy_value(e);
        }
    } else {
        e = lookup_write(op, key, slot);
    }
    if ((p.nx && e != nullptr) || (p.xx && e == nullptr)) {
        return out;
    }
    store_string(op, e, key, slot, p.value, p.expire_at);
    out.written = true;
    return out;
}

bool op_mset(const OpArgs& op, const std::vector<std::string_view>& kv, bool nx) {
    if (nx) {
        for (size_t j = 1; j + 1 < kv.size(); j += 2) {
            if (lookup_write(op, kv[j], key_slot(kv[j])) != nullptr) {
                return false;
            }
        }
    }
    for (size_t j = 1; j + 1 < kv.size(); j += 2) {
        uint16_t slot = key_slot(kv[j]);
        store_string(op, lookup_write(op, kv[j], slot), kv[j], slot, kv[j + 1], kNoExpire);
    }
    return true;
}

Result<SetOutcome> op_getdel(const OpArgs& op, std::string_view key, uint16_t slot) {
    SetOutcome out;
    Entry* e = lookup_read(op, key, slot);
    if (e == nullptr) {
        return out;
    }
    if (!e->is_string()) {
        return Err::WrongType;
    }
    out.had_old = true;
    out.old = copy_value(e);
    op.db.del(e);
    out.written = true;
    return out;
}

Result<GetexOutcome> op_getex(const OpArgs& op, std::string_view key, uint16_t slot,
                              const GetexOptions& opt, bool may_delete) {
    GetexOutcome out;
    Entry* e = lookup_read(op, key, slot);
    if (e == nullptr) {
        return out;
    }
    if (!e->is_string()) {
        return Err::WrongType;
    }
    int64_t when = 0;
    if (expire_has_time(opt.expire)) {
        Result<int64_t> r = resolve_set_expire(opt.expire, opt.expire_arg, op.now_ms);
        if (!r.ok()) {
            return r.err();
        }
        when = *r;
    }
    out.found = true;
    out.value = copy_value(e);
    bool absolute = opt.expire == ExpireKind::ExAt || opt.expire == ExpireKind::PxAt;
    if (absolute && may_delete && when <= op.now_ms) {
        op.db.del(e);
        out.effect = GetexEffect::Delete;
    } else if (expire_has_time(opt.expire)) {
        op.db.set_expire(e, when);
        out.effect = GetexEffect::Expire;
        out.when = when;
    } else if (opt.expire == ExpireKind::Persist && op.db.persist(e)) {
        out.effect = GetexEffect::Persist;
    }
    return out;
}

Result<size_t> op_append(const OpArgs& op, std::string_view key, uint16_t slot,
                         std::string_view data, long long max_len) {
    Entry* e = lookup_write(op, key, slot);
    if (e == nullptr) {
        op.db.add_string(key, slot, data, kNoExpire, op.now_ms);
        return data.size();
    }
    if (!e->is_string()) {
        return Err::WrongType;
    }
    // Both terms are below 2^63 (a value and an argument), so the sum cannot overflow.
    if (static_cast<long long>(e->string_length() + data.size()) > max_len) {
        return Err::StringTooLong;
    }
    e = op.db.string_append(e, data);
    return e->string_length();
}

Result<size_t> op_strlen(const OpArgs& op, std::string_view key, uint16_t slot) {
    const Entry* e = lookup_read(op, key, slot);
    if (e == nullptr) {
        return size_t{0};
    }
    if (!e->is_string()) {
        return Err::WrongType;
    }
    return e->string_length();
}

Result<long long> op_incrby(const OpArgs& op, std::string_view key, uint16_t slot,
                            long long delta) {
    Entry* e = lookup_write(op, key, slot);
    long long value = 0;
    if (e != nullptr) {
        if (!e->is_string()) {
            return Err::WrongType;
        }
        if (!e->int_value(&value)) {
            return Err::NotInteger;
        }
    }
    long long result = 0;
    if (__builtin_add_overflow(value, delta, &result)) {
        return Err::Overflow;
    }
    if (e != nullptr) {
        op.db.replace_int(e, result, kKeepTtl);
    } else {
        op.db.add_int(key, slot, result, kNoExpire, op.now_ms);
    }
    return result;
}

Result<std::string> op_incrbyfloat(const OpArgs& op, std::string_view key, uint16_t slot,
                                   std::string_view incr) {
    Entry* e = lookup_write(op, key, slot);
    long double value = 0;
    if (e != nullptr) {
        if (!e->is_string()) {
            return Err::WrongType;
        }
        char buf[kIntBufLen];
        if (!parse_long_double(e->string_value(buf), &value)) {
            return Err::NotFloat;
        }
    }
    long double by = 0;
    if (!parse_long_double(incr, &by)) {
        return Err::NotFloat;
    }
    value += by;
    if (std::isnan(value) || std::isinf(value)) {
        return Err::NanOrInf;
    }
    std::string s = long_double_to_string(value);
    store_string(op, e, key, slot, s, kKeepTtl);
    return s;
}

bool string_range(size_t len, long long start, long long end, size_t* from, size_t* n) {
    // Both negative and crossed: empty even though clamping would make them meet at 0.
    if (start < 0 && end < 0 && start > end) {
        return false;
    }
    long long slen = static_cast<long long>(len);
    if (start < 0) {
        start += slen;
    }
    if (end < 0) {
        end += slen;
    }
    if (start < 0) {
        start = 0;
    }
    if (end < 0) {
        end = 0;
    }
    if (end >= slen) {
        end = slen - 1;
    }
    if (start > end || len == 0) {
        return false;
    }
    *from = static_cast<size_t>(start);
    *n = static_cast<size_t>(end - start + 1);
    return true;
}

Result<std::string_view> op_getrange(const OpArgs& op, std::string_view key, uint16_t slot,
                                     long long start, long long end, char* intbuf) {
    const Entry* e = lookup_read(op, key, slot);
    if (e == nullptr) {
        return std::string_view{};
    }
    if (!e->is_string()) {
        return Err::WrongType;
    }
    std::string_view v = e->string_value(intbuf);
    size_t from = 0;
    size_t n = 0;
    if (!string_range(v.size(), start, end, &from, &n)) {
        return std::string_view{};
    }
    return v.substr(from, n);
}

Result<size_t> op_setrange(const OpArgs& op, std::string_view key, uint16_t slot,
                           long long offset, std::string_view data, long long max_len) {
    Entry* e = lookup_write(op, key, slot);
    if (e != nullptr && !e->is_string()) {
        return Err::WrongType;
    }
    if (data.empty()) {
        return e != nullptr ? e->string_length() : size_t{0};
    }
    long long total = 0;
    if (__builtin_add_overflow(offset, static_cast<long long>(data.size()), &total) ||
        total > max_len) {
        return Err::StringTooLong;
    }
    if (e == nullptr) {
        // A non-null empty view: the keyspace memcpy()s from it.
        e = op.db.add_string(key, slot, std::string_view(""), kNoExpire, op.now_ms);
    }
    e = op.db.string_setrange(e, static_cast<size_t>(offset), data);
    return e->string_length();
}

}  // namespace slotcache::commands
