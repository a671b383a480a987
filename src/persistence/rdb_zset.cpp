// Sorted set RDB loaders and writer (see rdb_zset.h).
#include "persistence/rdb_zset.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "common/strutil.h"
#include "keyspace/zset.h"
#include "persistence/rdb_blobs.h"

namespace slotcache::persistence {

using keyspace::ZSet;

namespace {

// Adds one element, refusing a duplicate or a NaN (corrupt or hostile payloads: Redis refuses
// them too). Converts to skiplist when a member outgrows the listpack (plain types only).
bool add_element(RdbReader& r, ZSet* z, std::string_view member, double score, bool check_len) {
    if (std::isnan(score)) {
        return r.fail("zset with a NaN score");
    }
    double cur;
    if (z->score(member, &cur)) {
        return r.fail("duplicate zset member '" + std::string(member) + "'");
    }
    const keyspace::ZSetLimits& lim = keyspace::zset_listpack_limits();
    // Past the entry limit the set converts now, not after the walk: a listpack's duplicate
    // check is linear, and a hostile blob of a million entries must not cost n^2.
    if (z->is_listpack() &&
        (z->size() + 1 > lim.max_entries || (check_len && member.size() > lim.max_value))) {
        z->convert_to_skiplist();
    }
    z->insert(member, score);
    return true;
}

bool finish(RdbReader& r, std::unique_ptr<ZSet> z, RdbValue* out) {
    if (z->size() == 0) {
        return r.fail("empty zset");
    }
    out->type = keyspace::Type::ZSet;
    out->encoding = z->encoding();
    out->object = std::move(z);
    return true;
}

// rdbLoadDoubleValue: a length byte (253 nan, 254 inf, 255 -inf) and that many ASCII bytes.
bool read_string_double(RdbReader& r, double* out) {
    uint8_t len;
    if (!r.read_u8(&len)) {
        return false;
    }
    switch (len) {
        case 253:
            *out = NAN;
            return true;
        case 254:
            *out = INFINITY;
            return true;
        case 255:
            *out = -INFINITY;
            return true;
        default:
            break;
    }
    char buf[256];
    if (!r.read_raw(buf, len)) {
        return false;
    }
    if (!parse_double(std::string_view(buf, len), out)) {
        return r.fail("bad zset score");
    }
    return true;
}

bool read_binary_double(RdbReader& r, double* out) {
    uint8_t b[8];
    if (!r.read_raw(b, 8)) {
        return false;
    }
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--) {
        u = u << 8 | b[i];
    }
    memcpy(out, &u, 8);
    return true;
}

bool load_plain(RdbReader& r, RdbValue* out, bool binary) {
    uint64_t len;
    // Each element takes at least two bytes (type 3) or nine (type 5).
    if (!r.read_len(&len, "zset length") || !r.check_count(len, binary ? 9 : 2, "zset length")) {
        return false;
    }
    auto z = std::make_unique<ZSet>();
    if (len > keyspace::zset_listpack_limits().max_entries) {
        z->convert_to_skiplist();
    }
    std::string member;
    for (uint64_t i = 0; i < len; i++) {
        double score;
        if (!r.read_string(&member) ||
            !(binary ? read_binary_double(r, &score) : read_string_double(r, &score)) ||
            !add_element(r, z.get(), member, score, true)) {
            return false;
        }
    }
    return finish(r, std::move(z), out);
}

bool load_blob(RdbReader& r, RdbValue* out,
               bool (*decode)(std::string_view, const std::function<bool(const BlobItem&)>&),
               const char* what) {
    std::string blob;
    if (!r.read_string(&blob)) {
        return false;
    }
    auto z = std::make_unique<ZSet>();
    std::string member;
    bool have_member = false;
    bool bad = false;
    char buf[24];
    bool ok = decode(blob, [&](const BlobItem& it) {
        std::string_view s = it.is_int ? std::string_view(buf, ll_to_chars(it.ival, buf)) : it.sval;
        if (!have_member) {
            member.assign(s);
            have_member = true;
            return true;
        }
        have_member = false;
        double score;
        if (it.is_int) {
            score = static_cast<double>(it.ival);
        } else if (!parse_double(s, &score)) {
            r.fail(std::string("bad score in a ") + what);
            bad = true;
            return false;
        }
        if (!add_element(r, z.get(), member, score, false)) {
            bad = true;
            return false;
        }
        return true;
    });
    if (bad) {
        return false;
    }
    if (!ok) {
        return r.fail(std::string("corrupt ") + what);
    }
    if (have_member) {
        return r.fail(std::string("odd number of items in a ") + what);
    }
    return finish(r, std::move(z), out);
}

}  // namespace

bool load_zset(RdbReader& r, RdbValue* out) {
    return load_plain(r, out, false);
}
bool load_zset2(RdbReader& r, RdbValue* out) {
    return load_plain(r, out, true);
}

bool load_zset_ziplist(RdbReader& r, RdbValue* out) {
    return load_blob(r, out, decode_ziplist, "zset ziplist");
}

bool load_zset_listpack(RdbReader& r, RdbValue* out) {
    return load_blob(r, out, decode_listpack, "zset listpack");
}

bool write_zset_value(RdbWriter& w, const keyspace::Entry* e) {
    const auto* z = static_cast<const ZSet*>(e->object());
    if (!w.write_length(z->size())) {
        return false;
    }
    ZSet::Iter it = z->iter(0, z->size(), false);
    std::string_view m;
    double s;
    while (it.next(&m, &s)) {
        uint64_t u;
        memcpy(&u, &s, 8);
        uint8_t b[8];
        for (int i = 0; i < 8; i++) {
            b[i] = static_cast<uint8_t>(u >> (8 * i));
        }
        if (!w.write_string(m) || !w.write_raw(b, 8)) {
            return false;
        }
    }
    return true;
}

}  // namespace slotcache::persistence
