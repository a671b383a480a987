// libFuzzer target for the RDB reader (src/persistence/rdb_reader.h) and the DUMP payload
// helpers (dump.h): every byte of a snapshot file, a full sync or a RESTORE argument comes from
// outside.
//
// Each input is used three ways:
//   1. as a whole RDB file, loaded into a fresh keyspace (as a master and as a replica); when it
//      loads, the keyspace is written back and must load again to the same key count;
//   2. as a DUMP payload: verify, and decode when it verifies;
//   3. as a DUMP payload body with a valid trailer appended, so that the fuzzer reaches the value
//      decoder without having to forge a CRC64; a decoded value must survive insert_value.
// Inputs are copied to exactly-sized buffers so ASan catches any over-read.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "common/crc64.h"
#include "keyspace/keyspace.h"
#include "persistence/dump.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"

namespace {

using namespace slotcache;
using namespace slotcache::persistence;

constexpr int64_t kNow = 1'700'000'000'000;

void fail(const char* what) {
    std::fprintf(stderr, "rdb_fuzz: %s\n", what);
    std::abort();
}

void load_file(std::string_view data, bool replica) {
    keyspace::Keyspace ks(16);
    BufferSource src(data);
    LoadOptions o;
    o.now_ms = kNow;
    o.replica = replica;
    LoadStats st;
    std::string err;
    if (!load_rdb(src, ks, o, &st, &err)) {
        if (err.rfind("offset ", 0) != 0) {
            fail("error without an offset");
        }
        return;
    }
    if (st.keys_loaded != ks.total_keys()) {
        fail("keys_loaded differs from the keyspace size");
    }
    std::string out;
    StringSink sink(&out);
    WriteOptions wo;
    wo.now_ms = kNow;
    if (!write_rdb(ks, sink, wo)) {
        fail("writing a loaded keyspace failed");
    }
    keyspace::Keyspace again(16);
    BufferSource src2(out);
    LoadStats st2;
    o.replica = true;  // keep every key written, expired or not
    if (!load_rdb(src2, again, o, &st2, &err) || again.total_keys() != ks.total_keys()) {
        fail("a keyspace we wrote did not load back");
    }
}

void load_payload(std::string_view p) {
    if (!verify_dump_payload(p)) {
        return;
    }
    RdbValue v;
    std::string err;
    if (decode_dump_payload(p, &v, &err)) {
        keyspace::Keyspace ks(1);
        insert_value(ks.db(0), "k", std::move(v), keyspace::kNoExpire, kNow);
    }
}

std::string with_trailer(std::string_view body) {
    std::string p(body);
    p.push_back(10);
    p.push_back(0);
    uint64_t crc = crc64(0, p.data(), p.size());
    for (int i = 0; i < 8; i++) {
        p.push_back(static_cast<char>(crc >> (8 * i)));
    }
    return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::unique_ptr<char[]> buf(new char[size > 0 ? size : 1]);
    if (size > 0) {
        std::memcpy(buf.get(), data, size);
    }
    std::string_view in(buf.get(), size);
    load_file(in, false);
    load_file(in, true);
    load_payload(in);
    std::string p = with_trailer(in);
    if (!verify_dump_payload(p)) {
        fail("a payload with a fresh trailer does not verify");
    }
    std::unique_ptr<char[]> exact(new char[p.size()]);
    std::memcpy(exact.get(), p.data(), p.size());
    load_payload(std::string_view(exact.get(), p.size()));
    return 0;
}
