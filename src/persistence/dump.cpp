// DUMP / RESTORE payloads (see dump.h).
#include "persistence/dump.h"

#include <cstring>

#include "common/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_writer.h"

namespace slotcache::persistence {

namespace {
constexpr size_t kTrailerLen = 10;  // 2 version bytes + 8 CRC bytes
}

bool dump_payload(const keyspace::Entry* e, bool compress, std::string* out) {
    out->clear();
    StringSink sink(out);
    RdbWriter w(sink, compress);
    if (!w.write_value(e)) {
        return false;
    }
    uint8_t trailer[kTrailerLen];
    trailer[0] = static_cast<uint8_t>(kRdbVersion & 0xff);
    trailer[1] = static_cast<uint8_t>(kRdbVersion >> 8);
    out->append(reinterpret_cast<const char*>(trailer), 2);
    uint64_t crc = crc64(0, out->data(), out->size());
    for (int i = 0; i < 8; i++) {
        trailer[2 + i] = static_cast<uint8_t>(crc >> (8 * i));
    }
    out->append(reinterpret_cast<const char*>(trailer + 2), 8);
    return true;
}

bool verify_dump_payload(std::string_view p) {
    if (p.size() < kTrailerLen) {
        return false;
    }
    auto footer = reinterpret_cast<const uint8_t*>(p.data() + p.size() - kTrailerLen);
    int version = footer[0] | footer[1] << 8;
    if (version > kRdbVersion) {
        return false;
    }
    uint64_t crc = crc64(0, p.data(), p.size() - 8);
    uint64_t stored = 0;
    for (int i = 7; i >= 0; i--) {
        stored = stored << 8 | footer[2 + i];
    }
    return crc == stored;
}

bool decode_dump_payload(std::string_view p, RdbValue* out, std::string* err) {
    if (p.size() < kTrailerLen) {
        *err = "offset 0: payload shorter than its trailer";
        return false;
    }
    BufferSource src(p.substr(0, p.size() - kTrailerLen));
    RdbReader r(src);
    uint8_t type;
    if (!r.read_u8(&type) || !read_value(r, type, out)) {
        *err = r.error();
        return false;
    }
    return true;
}

}  // namespace slotcache::persistence
