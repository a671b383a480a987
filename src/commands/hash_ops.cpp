// The hash family's data operations (declared in hashes.h), after Redis 7.0's t_hash.c.
#include <climits>
#include <cmath>
#include <memory>

#include "commands/hashes.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::Entry;
using keyspace::Hash;
using keyspace::HashLimits;

namespace {

// The hash at key for a write: *e is its entry, nullptr when the key is absent.
Result<Hash*> hash_for_write(const OpArgs& op, std::string_view key, uint16_t slot, Entry** e) {
    *e = lookup_write(op, key, slot);
    if (*e == nullptr) {
        return static_cast<Hash*>(nullptr);
    }
    Hash* h = keyspace::hash_of(*e);
    if (h == nullptr) {
        return Err::WrongType;
    }
    return h;
}

// Redis' hashTypeLookupWriteOrCreate, once the lookup missed: a new empty (listpack) hash.
Hash* create_hash(const OpArgs& op, std::string_view key, uint16_t slot, Entry** e) {
    auto obj = std::make_unique<Hash>();
    Hash* h = obj.get();
    *e = op.db.add_object(key, slot, keyspace::Type::Hash, keyspace::Encoding::ListPack,
                          std::move(obj), keyspace::kNoExpire, op.now_ms);
    return h;
}

// Records a conversion done inside the hash on its entry (OBJECT ENCODING).
void sync_encoding(const OpArgs& op, Entry* e, const Hash* h) {
    if (e->encoding() != h->encoding()) {
        op.db.set_object_encoding(e, h->encoding());
    }
}

}  // namespace

Result<const Hash*> op_hash_read(const OpArgs& op, std::string_view key, uint16_t slot) {
    const Entry* e = lookup_read(op, key, slot);
    if (e == nullptr) {
        return static_cast<const Hash*>(nullptr);
    }
    const Hash* h = keyspace::hash_of(e);
    if (h == nullptr) {
        return Err::WrongType;
    }
    return h;
}

Result<long long> op_hset(const OpArgs& op, std::string_view key, uint16_t slot,
                          std::span<const std::string_view> pairs, const HashLimits& limits) {
    Entry* e;
    Result<Hash*> r = hash_for_write(op, key, slot, &e);
    if (!r.ok()) {
        return r.err();
    }
    Hash* h = *r != nullptr ? *r : create_hash(op, key, slot, &e);
    // hashTypeTryConversion: any long argument converts before the first field is set.
    for (std::string_view s : pairs) {
        h->convert_for_length(s.size(), limits);
    }
    long long added = 0;
    for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
        added += h->set(pairs[i], pairs[i + 1], limits) ? 1 : 0;
    }
    sync_encoding(op, e, h);
    return added;
}

Result<bool> op_hsetnx(const OpArgs& op, std::string_view key, uint16_t slot,
                       std::string_view field, std::string_view value, const HashLimits& limits) {
    Entry* e;
    Result<Hash*> r = hash_for_write(op, key, slot, &e);
    if (!r.ok()) {
        return r.err();
    }
    Hash* h = *r != nullptr ? *r : create_hash(op, key, slot, &e);
    // Redis 7.0 checks existence first: a long value for an existing field converts nothing.
    bool added = !h->contains(field) && h->set(field, value, limits);
    sync_encoding(op, e, h);
    return added;
}

Result<long long> op_hdel(const OpArgs& op, std::string_view key, uint16_t slot,
                          std::span<const std::string_view> fields) {
    Entry* e;
    Result<Hash*> r = hash_for_write(op, key, slot, &e);
    if (!r.ok() || *r == nullptr) {
        return r.ok() ? Result<long long>(0) : Result<long long>(r.err());
    }
    Hash* h = *r;
    long long removed = 0;
    for (std::string_view f : fields) {
        removed += h->remove(f) ? 1 : 0;
        if (h->size() == 0) {
            op.db.del(e);
            break;
        }
    }
    return removed;
}

Result<long long> op_hincrby(const OpArgs& op, std::string_view key, uint16_t slot,
                             std::string_view field, long long incr, const HashLimits& limits) {
    Entry* e;
    Result<Hash*> r = hash_for_write(op, key, slot, &e);
    if (!r.ok()) {
        return r.err();
    }
    long long value = 0;
    std::string_view cur;
    if (*r != nullptr && (*r)->get(field, &cur) && !parse_ll(cur, &value)) {
        return Err::NotInteger;
    }
    if ((incr < 0 && value < 0 && incr < LLONG_MIN - value) ||
        (incr > 0 && value > 0 && incr > LLONG_MAX - value)) {
        return Err::Overflow;
    }
    value += incr;
    Hash* h = *r != nullptr ? *r : create_hash(op, key, slot, &e);
    char buf[24];
    size_t n = ll_to_chars(value, buf);
    h->set(field, std::string_view(buf, n), limits);
    sync_encoding(op, e, h);
    return value;
}

Result<std::string> op_hincrbyfloat(const OpArgs& op, std::string_view key, uint16_t slot,
                                    std::string_view field, long double incr,
                                    const HashLimits& limits) {
    Entry* e;
    Result<Hash*> r = hash_for_write(op, key, slot, &e);
    if (!r.ok()) {
        return r.err();
    }
    long double value = 0;
    std::string_view cur;
    if (*r != nullptr && (*r)->get(field, &cur) && !parse_long_double(cur, &value)) {
        return Err::NotFloat;
    }
    value += incr;
    if (std::isnan(value) || std::isinf(value)) {
        return Err::NanOrInf;
    }
    std::string s = long_double_to_string(value);
    Hash* h = *r != nullptr ? *r : create_hash(op, key, slot, &e);
    h->set(field, s, limits);
    sync_encoding(op, e, h);
    return s;
}

}  // namespace slotcache::commands
