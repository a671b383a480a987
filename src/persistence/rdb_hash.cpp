// Hash RDB loaders and writer (see rdb_hash.h).
#include "persistence/rdb_hash.h"

#include <memory>
#include <string>
#include <unordered_set>

#include "common/strutil.h"
#include "keyspace/hash.h"
#include "persistence/rdb_blobs.h"

namespace slotcache::persistence {

using keyspace::Hash;

namespace {

// Duplicate detection while loading. A listpack-encoded hash answers contains() by a scan, so
// past 64 fields (the limits can be raised far beyond 512) the fields seen are also kept in a
// set, as Redis' dupSearchDict does: loading stays linear.
class DupGuard {
public:
    // True when field is already in h; otherwise field counts as seen from now on.
    bool is_duplicate(const Hash& h, std::string_view field) {
        if (h.encoding() == keyspace::Encoding::HashTable || h.size() <= kScanMax) {
            return h.contains(field);
        }
        if (!active_) {
            h.for_each([&](std::string_view f, std::string_view) { seen_.emplace(f); });
            active_ = true;
        }
        return !seen_.emplace(field).second;
    }

private:
    static constexpr size_t kScanMax = 64;
    std::unordered_set<std::string> seen_;
    bool active_ = false;
};

// Adds one pair, refusing a duplicate (a corrupt or hostile payload: Redis refuses it too).
bool add_pair(RdbReader& r, Hash* h, DupGuard& dups, std::string_view field,
              std::string_view value) {
    if (dups.is_duplicate(*h, field)) {
        return r.fail("duplicate hash field '" + std::string(field) + "'");
    }
    h->set(field, value, keyspace::hash_limits());
    return true;
}

bool finish(RdbReader& r, std::unique_ptr<Hash> h, RdbValue* out) {
    if (h->size() == 0) {
        return r.fail("empty hash");
    }
    out->type = keyspace::Type::Hash;
    out->encoding = h->encoding();
    out->object = std::move(h);
    return true;
}

std::string_view item_text(const BlobItem& it, char* buf) {
    if (!it.is_int) {
        return it.sval;
    }
    return {buf, ll_to_chars(it.ival, buf)};
}

// Listpack and ziplist hashes: items alternate field, value.
bool load_pair_blob(RdbReader& r, RdbValue* out,
                    bool (*decode)(std::string_view, const std::function<bool(const BlobItem&)>&),
                    const char* what) {
    std::string blob;
    if (!r.read_string(&blob)) {
        return false;
    }
    auto h = std::make_unique<Hash>();
    DupGuard dups;
    std::string field;
    bool have_field = false;
    bool dup = false;
    char buf[24];
    bool ok = decode(blob, [&](const BlobItem& it) {
        std::string_view s = item_text(it, buf);
        if (!have_field) {
            field.assign(s);
            have_field = true;
            return true;
        }
        have_field = false;
        if (dups.is_duplicate(*h, field)) {
            dup = true;
            return false;
        }
        h->set(field, s, keyspace::hash_limits());
        return true;
    });
    if (dup) {
        return r.fail("duplicate hash field '" + field + "' in a " + what);
    }
    if (!ok) {
        return r.fail(std::string("corrupt ") + what);
    }
    if (have_field) {
        return r.fail(std::string("odd number of items in a ") + what);
    }
    return finish(r, std::move(h), out);
}

}  // namespace

bool load_hash(RdbReader& r, RdbValue* out) {
    uint64_t len;
    // Each pair takes at least two bytes (two empty strings).
    if (!r.read_len(&len, "hash length") || !r.check_count(len, 2, "hash length")) {
        return false;
    }
    auto h = std::make_unique<Hash>();
    if (len > keyspace::hash_limits().max_listpack_entries) {
        h->convert_to_table();
        h->reserve(len);
    }
    DupGuard dups;
    std::string field, value;
    for (uint64_t i = 0; i < len; i++) {
        if (!r.read_string(&field) || !r.read_string(&value) ||
            !add_pair(r, h.get(), dups, field, value)) {
            return false;
        }
    }
    return finish(r, std::move(h), out);
}

bool load_hash_zipmap(RdbReader& r, RdbValue* out) {
    std::string blob;
    if (!r.read_string(&blob)) {
        return false;
    }
    auto h = std::make_unique<Hash>();
    DupGuard dups;
    std::string dup;
    bool has_dup = false;
    bool ok = decode_zipmap(blob, [&](std::string_view f, std::string_view v) {
        if (dups.is_duplicate(*h, f)) {
            dup.assign(f);
            has_dup = true;
            return false;
        }
        h->set(f, v, keyspace::hash_limits());
        return true;
    });
    if (has_dup) {
        return r.fail("duplicate hash field '" + dup + "' in a zipmap");
    }
    if (!ok) {
        return r.fail("corrupt zipmap");
    }
    return finish(r, std::move(h), out);
}

bool load_hash_ziplist(RdbReader& r, RdbValue* out) {
    return load_pair_blob(r, out, decode_ziplist, "hash ziplist");
}

bool load_hash_listpack(RdbReader& r, RdbValue* out) {
    return load_pair_blob(r, out, decode_listpack, "hash listpack");
}

bool write_hash_value(RdbWriter& w, const keyspace::Entry* e) {
    const Hash* h = keyspace::hash_of(e);
    if (h == nullptr || !w.write_length(h->size())) {
        return false;
    }
    bool ok = true;
    h->for_each([&](std::string_view f, std::string_view v) {
        ok = ok && w.write_string(f) && w.write_string(v);
    });
    return ok;
}

}  // namespace slotcache::persistence
