// RDB reader (see rdb_reader.h).
#include "persistence/rdb_reader.h"

#include <cstdio>
#include <cstring>
#include <vector>

#include "common/crc16.h"
#include "common/crc64.h"
#include "common/strutil.h"
#include "persistence/lzf.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_list.h"
#include "persistence/rdb_set.h"
#include "persistence/rdb_hash.h"
#include "persistence/rdb_zset.h"

namespace slotcache::persistence {

// ---- primitives ----------------------------------------------------------------------------

bool RdbReader::fail(std::string_view msg) {
    if (error_.empty()) {
        error_ = "offset " + std::to_string(src_.offset()) + ": ";
        error_.append(msg);
    }
    return false;
}

bool RdbReader::read_raw(void* dst, size_t n) {
    if (n > src_.remaining() || !src_.read(dst, n)) {
        return fail("unexpected end of input (" + std::to_string(n) + " bytes needed, " +
                    std::to_string(src_.remaining()) + " left)");
    }
    crc_ = crc64(crc_, dst, n);
    return true;
}

bool RdbReader::read_length(uint64_t* len, bool* encoded) {
    uint8_t b;
    if (!read_u8(&b)) {
        return false;
    }
    *encoded = false;
    uint8_t kind = b >> 6;
    if (kind == kLen6Bit) {
        *len = b & 0x3f;
    } else if (kind == kLen14Bit) {
        uint8_t lo;
        if (!read_u8(&lo)) {
            return false;
        }
        *len = static_cast<uint64_t>(b & 0x3f) << 8 | lo;
    } else if (kind == kLenEncoded) {
        *encoded = true;
        *len = b & 0x3f;
    } else if (b == kLen32Bit || b == kLen64Bit) {
        uint8_t be[8];
        size_t n = b == kLen32Bit ? 4 : 8;
        if (!read_raw(be, n)) {
            return false;
        }
        *len = 0;
        for (size_t i = 0; i < n; i++) {
            *len = *len << 8 | be[i];
        }
    } else {
        char msg[48];
        std::snprintf(msg, sizeof msg, "unknown length encoding 0x%02x", b);
        return fail(msg);
    }
    return true;
}

bool RdbReader::read_len(uint64_t* len, const char* what) {
    bool encoded;
    if (!read_length(len, &encoded)) {
        return false;
    }
    if (encoded) {
        return fail(std::string("string encoding where a length was expected (") + what + ")");
    }
    return true;
}

bool RdbReader::check_count(uint64_t n, uint64_t min_bytes, const char* what) {
    if (min_bytes > 0 && n > src_.remaining() / min_bytes) {
        return fail(std::string(what) + " " + std::to_string(n) + " exceeds the remaining input");
    }
    return true;
}

namespace {

bool read_int_encoded(RdbReader& r, uint64_t enc, std::string* out) {
    uint8_t b[4];
    long long v;
    if (enc == kEncInt8) {
        if (!r.read_raw(b, 1)) {
            return false;
        }
        v = static_cast<int8_t>(b[0]);
    } else if (enc == kEncInt16) {
        if (!r.read_raw(b, 2)) {
            return false;
        }
        v = static_cast<int16_t>(static_cast<uint16_t>(b[0] | b[1] << 8));
    } else {
        if (!r.read_raw(b, 4)) {
            return false;
        }
        uint32_t u = static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 |
                     static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
        v = static_cast<int32_t>(u);
    }
    *out = ll_to_string(v);
    return true;
}

bool read_lzf(RdbReader& r, std::string* out) {
    uint64_t clen, len;
    if (!r.read_len(&clen, "LZF compressed length") || !r.read_len(&len, "LZF length") ||
        !r.check_count(clen, 1, "LZF compressed length")) {
        return false;
    }
    if (len > kMaxStringLen || len == 0 || clen == 0 || len > clen * kLzfMaxRatio) {
        return r.fail("invalid LZF lengths (compressed " + std::to_string(clen) + ", plain " +
                      std::to_string(len) + ")");
    }
    std::vector<uint8_t> c(clen);
    if (!r.read_raw(c.data(), clen)) {
        return false;
    }
    out->resize(len);
    if (!lzf_decompress(c.data(), clen, reinterpret_cast<uint8_t*>(out->data()), len)) {
        return r.fail("invalid LZF data");
    }
    return true;
}

}  // namespace

bool RdbReader::read_string(std::string* out) {
    uint64_t len;
    bool encoded;
    if (!read_length(&len, &encoded)) {
        return false;
    }
    if (encoded) {
        if (len == kEncInt8 || len == kEncInt16 || len == kEncInt32) {
            return read_int_encoded(*this, len, out);
        }
        if (len == kEncLzf) {
            return read_lzf(*this, out);
        }
        return fail("unknown string encoding " + std::to_string(len));
    }
    if (len > kMaxStringLen) {
        return fail("string length " + std::to_string(len) + " exceeds the 512 MB limit");
    }
    if (!check_count(len, 1, "string length")) {
        return false;
    }
    out->resize(len);
    return read_raw(out->data(), len);
}

bool RdbReader::read_millis(int64_t* ms) {
    uint8_t b[8];
    if (!read_raw(b, 8)) {
        return false;
    }
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--) {
        u = u << 8 | b[i];
    }
    *ms = static_cast<int64_t>(u);
    return true;
}

// ---- values --------------------------------------------------------------------------------

namespace {

using ValueLoader = bool (*)(RdbReader& r, RdbValue* out);

bool load_string(RdbReader& r, RdbValue* out) {
    out->type = keyspace::Type::String;
    return r.read_string(&out->str);
}

struct TypeLoader {
    const char* name;
    ValueLoader load;  // nullptr: not supported by slotcache yet
};

// Indexed by the RDB type byte (rdb_format.h). Issue 8 fills in the collection loaders.
constexpr TypeLoader kLoaders[kTypeMax + 1] = {
    {"string", load_string},
    {"list", load_list_plain},
    {"set", load_set},
    {"zset", load_zset},
    {"hash", load_hash},
    {"zset-2", load_zset2},
    {"module", nullptr},
    {"module-2", nullptr},
    {nullptr, nullptr},  // 8: never assigned
    {"hash-zipmap", load_hash_zipmap},
    {"list-ziplist", load_list_ziplist},
    {"set-intset", load_set_intset},
    {"zset-ziplist", load_zset_ziplist},
    {"hash-ziplist", load_hash_ziplist},
    {"list-quicklist", load_list_quicklist},
    {"stream-listpacks", nullptr},
    {"hash-listpack", load_hash_listpack},
    {"zset-listpack", load_zset_listpack},
    {"list-quicklist-2", load_list_quicklist2},
    {"stream-listpacks-2", nullptr},
};

}  // namespace

bool read_value(RdbReader& r, uint8_t type, RdbValue* out) {
    if (type > kTypeMax || kLoaders[type].name == nullptr) {
        return r.fail("unknown value type " + std::to_string(type));
    }
    if (kLoaders[type].load == nullptr) {
        return r.fail("unsupported type " + std::to_string(type) + " (" + kLoaders[type].name +
                      ")");
    }
    return kLoaders[type].load(r, out);
}

bool insert_value(keyspace::Db& db, std::string_view key, RdbValue&& v, int64_t expire_at,
                  int64_t now_ms) {
    uint16_t slot = key_slot(key);
    if (db.find(key, slot) != nullptr) {
        return false;
    }
    // Negative times other than "none" are long past; keep them distinct from kKeepTtl.
    if (expire_at < 0 && expire_at != keyspace::kNoExpire) {
        expire_at = 0;
    }
    if (v.type == keyspace::Type::String) {
        db.add_string(key, slot, v.str, expire_at, now_ms);
    } else {
        db.add_object(key, slot, v.type, v.encoding, std::move(v.object), expire_at, now_ms);
    }
    return true;
}

// ---- the file ------------------------------------------------------------------------------

namespace {

bool read_header(RdbReader& r, int* version) {
    char magic[9];
    if (!r.read_raw(magic, 9)) {
        return false;
    }
    if (std::memcmp(magic, "REDIS", 5) != 0) {
        return r.fail("wrong signature (not an RDB file)");
    }
    int v = 0;
    for (int i = 5; i < 9; i++) {
        if (magic[i] < '0' || magic[i] > '9') {
            return r.fail("wrong signature (bad version digits)");
        }
        v = v * 10 + (magic[i] - '0');
    }
    if (v < 1 || v > kRdbVersion) {
        return r.fail("can't handle RDB format version " + std::to_string(v));
    }
    *version = v;
    return true;
}

bool read_aux(RdbReader& r, RdbAuxInfo* aux) {
    std::string name, value;
    if (!r.read_string(&name) || !r.read_string(&value)) {
        return false;
    }
    long long n = 0;
    bool is_int = parse_ll(value, &n);
    if (name == "redis-ver") {
        aux->redis_ver = value;
    } else if (name == "repl-id") {
        aux->repl_id = value;
    } else if (name == "repl-offset" && is_int) {
        aux->repl_offset = n;
    } else if (name == "repl-stream-db" && is_int && n >= 0 && n <= INT32_MAX) {
        aux->repl_stream_db = static_cast<int>(n);
    } else if (name == "ctime" && is_int) {
        aux->ctime = n;
    }
    return true;
}

// Skips a MODULE_AUX record: module id, when-opcode, when, then the module's opcode stream up
// to its EOF (rdbLoadCheckModuleValue). Each iteration consumes input, so the loop is bounded.
bool skip_module_aux(RdbReader& r) {
    uint64_t module_id, when_opcode, when;
    if (!r.read_len(&module_id, "module id") || !r.read_len(&when_opcode, "module when") ||
        !r.read_len(&when, "module when")) {
        return false;
    }
    if (when_opcode != kModuleOpUint) {
        return r.fail("bad module AUX when-opcode " + std::to_string(when_opcode));
    }
    for (;;) {
        uint64_t op, ignored;
        std::string s;
        uint8_t bytes[8];
        if (!r.read_len(&op, "module opcode")) {
            return false;
        }
        bool ok;
        switch (op) {
            case kModuleOpEof: return true;
            case kModuleOpSint:
            case kModuleOpUint: ok = r.read_len(&ignored, "module integer"); break;
            case kModuleOpFloat: ok = r.read_raw(bytes, 4); break;
            case kModuleOpDouble: ok = r.read_raw(bytes, 8); break;
            case kModuleOpString: ok = r.read_string(&s); break;
            default: return r.fail("unknown module opcode " + std::to_string(op));
        }
        if (!ok) {
            return false;
        }
    }
}

struct LoadState {
    keyspace::Keyspace& ks;
    const LoadOptions& opts;
    LoadStats& stats;
    int db = 0;
    int64_t expire_at = keyspace::kNoExpire;
};

bool load_key(RdbReader& r, LoadState& st, uint8_t type) {
    std::string key;
    RdbValue v;
    if (!r.read_string(&key) || !read_value(r, type, &v)) {
        return false;
    }
    int64_t expire_at = st.expire_at;
    st.expire_at = keyspace::kNoExpire;
    if (!st.opts.replica && expire_at != keyspace::kNoExpire && expire_at < st.opts.now_ms) {
        st.stats.expired_skipped++;
        return true;
    }
    if (!insert_value(st.ks.db(st.db), key, std::move(v), expire_at, st.opts.now_ms)) {
        return r.fail("duplicated key '" + key + "' in DB " + std::to_string(st.db));
    }
    st.stats.keys_loaded++;
    return true;
}

// One opcode or key. *eof is set at the EOF opcode.
bool load_item(RdbReader& r, LoadState& st, bool* eof) {
    uint8_t op;
    uint64_t a, b;
    if (!r.read_u8(&op)) {
        return false;
    }
    switch (op) {
        case kOpEof: *eof = true; return true;
        case kOpExpireTime: {
            uint8_t s[4];
            if (!r.read_raw(s, 4)) {
                return false;
            }
            int32_t secs = static_cast<int32_t>(static_cast<uint32_t>(s[0]) | s[1] << 8 |
                                                s[2] << 16 | static_cast<uint32_t>(s[3]) << 24);
            st.expire_at = static_cast<int64_t>(secs) * 1000;
            return true;
        }
        case kOpExpireTimeMs: return r.read_millis(&st.expire_at);
        case kOpFreq: return r.read_u8(&op);
        case kOpIdle: return r.read_len(&a, "idle time");
        case kOpResizeDb: return r.read_len(&a, "db size") && r.read_len(&b, "expires size");
        case kOpAux: return read_aux(r, &st.stats.aux);
        case kOpModuleAux:
            st.stats.module_aux_skipped++;
            return skip_module_aux(r);
        case kOpFunction:
        case kOpFunction2:
            return r.fail("the RDB holds a function library; slotcache does not support "
                          "functions (FUNCTION FLUSH on the source first)");
        case kOpSelectDb:
            if (!r.read_len(&a, "db index")) {
                return false;
            }
            if (a >= static_cast<uint64_t>(st.ks.db_count())) {
                return r.fail("DB index " + std::to_string(a) + " is out of range (databases " +
                              std::to_string(st.ks.db_count()) + ")");
            }
            st.db = static_cast<int>(a);
            return true;
        default: return load_key(r, st, op);
    }
}

}  // namespace

bool load_rdb(Source& src, keyspace::Keyspace& ks, const LoadOptions& opts, LoadStats* stats,
              std::string* err) {
    RdbReader r(src);
    LoadState st{ks, opts, *stats};
    bool eof = false;
    bool ok = read_header(r, &stats->rdb_version);
    while (ok && !eof) {
        ok = load_item(r, st, &eof);
    }
    if (ok && stats->rdb_version >= 5) {
        uint64_t expected = r.crc();
        uint8_t b[8];
        ok = r.read_raw(b, 8);
        uint64_t got = 0;
        for (int i = 7; i >= 0; i--) {
            got = got << 8 | b[i];
        }
        if (ok && opts.verify_checksum && got != 0 && got != expected) {
            char msg[96];
            std::snprintf(msg, sizeof msg, "wrong RDB checksum (expected %016llx, got %016llx)",
                          static_cast<unsigned long long>(expected),
                          static_cast<unsigned long long>(got));
            ok = r.fail(msg);
        }
    }
    if (!ok) {
        *err = r.error();
    }
    return ok;
}

}  // namespace slotcache::persistence
