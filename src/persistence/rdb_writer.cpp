// RDB writer (see rdb_writer.h).
#include "persistence/rdb_writer.h"

#include <cstdio>
#include <cstring>

#include "common/crc64.h"
#include "common/strutil.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_list.h"
#include "persistence/rdb_set.h"
#include "persistence/rdb_hash.h"
#include "persistence/rdb_zset.h"

namespace slotcache::persistence {

using keyspace::Entry;
using keyspace::Type;

namespace {

// Redis' rdbTryIntegerEncoding: strings of at most 11 characters that are the canonical text
// of an integer fitting in 32 bits are stored as INT8/16/32.
size_t encode_integer(std::string_view s, uint8_t out[5]) {
    long long v;
    if (s.size() > 11 || !parse_ll(s, &v)) {
        return 0;
    }
    char buf[24];
    size_t n = ll_to_chars(v, buf);
    if (n != s.size() || std::memcmp(buf, s.data(), n) != 0) {
        return 0;
    }
    auto u = static_cast<uint64_t>(v);
    if (v >= -(1 << 7) && v <= (1 << 7) - 1) {
        out[0] = kLenEncoded << 6 | kEncInt8;
        out[1] = static_cast<uint8_t>(u);
        return 2;
    }
    if (v >= -(1 << 15) && v <= (1 << 15) - 1) {
        out[0] = kLenEncoded << 6 | kEncInt16;
        out[1] = static_cast<uint8_t>(u);
        out[2] = static_cast<uint8_t>(u >> 8);
        return 3;
    }
    if (v >= -(1LL << 31) && v <= (1LL << 31) - 1) {
        out[0] = kLenEncoded << 6 | kEncInt32;
        for (int i = 0; i < 4; i++) {
            out[1 + i] = static_cast<uint8_t>(u >> (8 * i));
        }
        return 5;
    }
    return 0;
}

using ValueWriter = bool (*)(RdbWriter& w, const Entry* e);

bool write_string_value(RdbWriter& w, const Entry* e) {
    char buf[keyspace::kIntBufLen];
    return w.write_string(e->string_value(buf));
}

struct TypeWriter {
    uint8_t rdb_type;
    ValueWriter write;
};

// Indexed by keyspace::Type. Collection types register here when they arrive.
constexpr TypeWriter kWriters[] = {
    {kTypeString, write_string_value},  // Type::String
    {kTypeListQuicklist2, write_list_value},
    {kTypeSet, write_set},
    {kTypeZSet2, write_zset_value},
    {kTypeHash, write_hash_value},
};

}  // namespace

bool RdbWriter::write_raw(const void* p, size_t n) {
    crc_ = crc64(crc_, p, n);
    return sink_.write(p, n);
}

bool RdbWriter::write_length(uint64_t len) {
    uint8_t b[9];
    size_t n;
    if (len < (1 << 6)) {
        b[0] = static_cast<uint8_t>(len);
        n = 1;
    } else if (len < (1 << 14)) {
        b[0] = static_cast<uint8_t>(kLen14Bit << 6 | len >> 8);
        b[1] = static_cast<uint8_t>(len);
        n = 2;
    } else if (len <= UINT32_MAX) {
        b[0] = kLen32Bit;
        for (int i = 0; i < 4; i++) {
            b[1 + i] = static_cast<uint8_t>(len >> (24 - 8 * i));
        }
        n = 5;
    } else {
        b[0] = kLen64Bit;
        for (int i = 0; i < 8; i++) {
            b[1 + i] = static_cast<uint8_t>(len >> (56 - 8 * i));
        }
        n = 9;
    }
    return write_raw(b, n);
}

bool RdbWriter::write_string(std::string_view s) {
    uint8_t enc[5];
    if (size_t n = encode_integer(s, enc); n > 0) {
        return write_raw(enc, n);
    }
    if (compress_ && s.size() >= kLzfMinLen) {
        scratch_.resize(s.size() - 4);
        size_t clen = lzf_.compress(reinterpret_cast<const uint8_t*>(s.data()), s.size(),
                                    scratch_.data(), scratch_.size());
        if (clen > 0) {
            return write_u8(kLenEncoded << 6 | kEncLzf) && write_length(clen) &&
                   write_length(s.size()) && write_raw(scratch_.data(), clen);
        }
    }
    return write_length(s.size()) && write_raw(s.data(), s.size());
}

bool RdbWriter::write_millis(int64_t ms) {
    uint8_t b[8];
    auto u = static_cast<uint64_t>(ms);
    for (int i = 0; i < 8; i++) {
        b[i] = static_cast<uint8_t>(u >> (8 * i));
    }
    return write_raw(b, 8);
}

bool RdbWriter::write_header() {
    char magic[16];
    std::snprintf(magic, sizeof magic, "REDIS%04d", kRdbVersion);
    return write_raw(magic, 9);
}

bool RdbWriter::write_aux(std::string_view name, std::string_view value) {
    return write_u8(kOpAux) && write_string(name) && write_string(value);
}

bool RdbWriter::write_aux_int(std::string_view name, long long value) {
    char buf[24];
    size_t n = ll_to_chars(value, buf);
    return write_aux(name, std::string_view(buf, n));
}

bool RdbWriter::write_select_db(int db) {
    return write_u8(kOpSelectDb) && write_length(static_cast<uint64_t>(db));
}

bool RdbWriter::write_resize_db(uint64_t db_size, uint64_t expires_size) {
    return write_u8(kOpResizeDb) && write_length(db_size) && write_length(expires_size);
}

bool RdbWriter::write_value(const Entry* e) {
    auto t = static_cast<size_t>(e->type());
    if (t >= std::size(kWriters) || kWriters[t].write == nullptr) {
        return false;
    }
    return write_u8(kWriters[t].rdb_type) && kWriters[t].write(*this, e);
}

bool RdbWriter::write_key(const Entry* e) {
    if (e->has_expire() && !(write_u8(kOpExpireTimeMs) && write_millis(e->expire_at))) {
        return false;
    }
    auto t = static_cast<size_t>(e->type());
    if (t >= std::size(kWriters) || kWriters[t].write == nullptr) {
        return false;
    }
    return write_u8(kWriters[t].rdb_type) && write_string(e->key()) &&
           kWriters[t].write(*this, e);
}

bool RdbWriter::write_eof(bool checksum) {
    if (!write_u8(kOpEof)) {
        return false;
    }
    uint64_t crc = checksum ? crc_ : 0;
    uint8_t b[8];
    for (int i = 0; i < 8; i++) {
        b[i] = static_cast<uint8_t>(crc >> (8 * i));
    }
    return sink_.write(b, 8);
}

bool write_rdb(const keyspace::Keyspace& ks, Sink& sink, const WriteOptions& opts) {
    RdbWriter w(sink, opts.compress);
    bool ok = w.write_header() && w.write_aux("redis-ver", "7.0.15") &&
              w.write_aux_int("redis-bits", 64) && w.write_aux_int("ctime", opts.now_ms / 1000) &&
              w.write_aux_int("used-mem", static_cast<long long>(opts.used_mem));
    if (ok && opts.repl != nullptr) {
        ok = w.write_aux_int("repl-stream-db", opts.repl->repl_stream_db) &&
             w.write_aux("repl-id", opts.repl->repl_id) &&
             w.write_aux_int("repl-offset", opts.repl->repl_offset);
    }
    ok = ok && w.write_aux_int("aof-base", 0);
    for (int i = 0; ok && i < ks.db_count(); i++) {
        const keyspace::Db& db = ks.db(i);
        if (db.size() == 0) {
            continue;
        }
        ok = w.write_select_db(i) && w.write_resize_db(db.size(), db.volatile_count());
        uint64_t cursor = 0;
        do {
            cursor = db.scan_step(cursor, [&](const Entry* e) { ok = ok && w.write_key(e); });
        } while (ok && cursor != 0);
    }
    return ok && w.write_eof(opts.checksum) && sink.flush();
}

}  // namespace slotcache::persistence
