// libFuzzer target for the packed-blob decoders (src/persistence/rdb_blobs.h): the listpacks,
// ziplists, intsets and zipmaps inside RDB values come from files, full syncs and RESTORE.
// Each input is given to every decoder; whatever one accepts must be reported consistently
// (the counting walk agrees with the element walk).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "persistence/rdb_blobs.h"

using namespace slotcache::persistence;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // An exactly-sized copy so ASan sees any read past the blob.
    std::unique_ptr<char[]> buf(new char[size == 0 ? 1 : size]);
    if (size != 0) std::memcpy(buf.get(), data, size);
    std::string_view blob(buf.get(), size);
    size_t bytes = 0;
    auto touch = [&](const BlobItem& it) {
        if (!it.is_int) {
            for (char c : it.sval) bytes += static_cast<unsigned char>(c);
        }
        return true;
    };
    size_t n = 0, seen = 0;
    auto count = [&](const BlobItem& it) {
        seen++;
        return touch(it);
    };
    if (decode_listpack(blob, count) != listpack_count(blob, &n)) std::abort();
    if (seen != 0 && seen != n) std::abort();
    seen = 0;
    if (decode_ziplist(blob, count) != ziplist_count(blob, &n)) std::abort();
    if (seen != 0 && seen != n) std::abort();
    decode_intset(blob, [&](long long v) {
        bytes += static_cast<size_t>(v);
        return true;
    });
    decode_zipmap(blob, [&](std::string_view k, std::string_view v) {
        bytes += k.size() + v.size();
        return true;
    });
    return bytes == 0xdeadbeef ? 1 : 0;
}
