// Db value operations: string encodings (int / embstr / raw), APPEND and SETRANGE growth,
// collection objects, and the key moves (RENAME, MOVE, COPY).
//
// Encoding choice mirrors Redis' tryObjectEncoding: a value parse_ll accepts is "int"; one of
// at most 44 bytes is "embstr" (inline in the entry); longer ones are "raw" (out of line, exact
// size rounded up to the allocator class). APPEND and SETRANGE always leave "raw" with sds-like
// greedy capacity, as Redis does. Replacing a value reallocates the entry only when the
// allocation size class changes (realloc; the chain link and the volatile index follow), so an
// overwrite with a same-class value allocates nothing. Loop thread only.
#include <algorithm>
#include <utility>

#include "common/strutil.h"
#include "keyspace/db_internal.h"
#include "keyspace/keyspace.h"
#include "keyspace/memory.h"

namespace slotcache::keyspace {

namespace {

constexpr size_t kGreedyLimit = 1024 * 1024;  // sds' SDS_MAX_PREALLOC

Encoding plan_string(std::string_view v, long long* iv) {
    if (v.size() <= 20 && parse_ll(v, iv)) {
        return Encoding::Int;
    }
    return v.size() <= kEmbstrMaxLen ? Encoding::EmbStr : Encoding::Raw;
}

char* alloc_raw(size_t cap) {
    auto* p = static_cast<char*>(std::malloc(cap == 0 ? 1 : cap));
    if (p == nullptr) {
        std::abort();
    }
    return p;
}

// Writes a string payload into e, whose allocation already fits payload_size(enc, v.size()).
void write_string(Entry* e, Encoding enc, std::string_view v, long long iv) {
    e->type_bits = static_cast<uint32_t>(Type::String);
    e->encoding_bits = static_cast<uint32_t>(enc);
    switch (enc) {
        case Encoding::Int:
            std::memcpy(e->payload(), &iv, sizeof(iv));
            e->value_len = 0;
            return;
        case Encoding::EmbStr:
            std::memcpy(e->payload(), v.data(), v.size());
            e->value_len = static_cast<uint32_t>(v.size());
            return;
        default: {
            size_t cap = std::max<size_t>(alloc_size_class(v.size()), 1);
            char* p = alloc_raw(cap);
            std::memcpy(p, v.data(), v.size());
            set_raw(e, p, cap);
            e->value_len = static_cast<uint32_t>(v.size());
            return;
        }
    }
}

void store_object(Entry* e, Type type, Encoding enc, Object* obj) {
    e->type_bits = static_cast<uint32_t>(type);
    e->encoding_bits = static_cast<uint32_t>(enc);
    e->value_len = 0;
    std::memcpy(e->payload(), &obj, sizeof(obj));
}

size_t greedy_capacity(size_t need) {
    size_t want = need < kGreedyLimit ? need * 2 : need + kGreedyLimit;
    return alloc_size_class(want);
}

}  // namespace

Entry* Db::resize_for_value(Entry* e, size_t payload_len) {
    size_t old_size = entry_size(e->key_len, e->encoding(), e->value_len);
    size_t new_size = sizeof(Entry) + e->key_len + payload_len;
    size_t have = block_capacity(e, old_size);
    if (new_size <= have && alloc_size_class(new_size) >= have) {
        return e;  // same size class: rewrite in place
    }
    // malloc + copy rather than realloc: the old block must stay valid until the chain and
    // the volatile vector point to the new one.
    auto* n = static_cast<Entry*>(std::malloc(new_size));
    if (n == nullptr) {
        std::abort();
    }
    std::memcpy(static_cast<void*>(n), e, std::min(old_size, new_size));
    relocate(e, n);
    std::free(e);
    return n;
}

// ---- strings ----------------------------------------------------------------------------------

Entry* Db::replace_string(Entry* e, std::string_view value, int64_t expire_at) {
    long long iv = 0;
    Encoding enc = plan_string(value, &iv);
    if (enc == Encoding::Raw && e->is_string() && e->encoding() == Encoding::Raw &&
        value.size() <= raw_cap(e) && value.size() >= raw_cap(e) / 2) {
        // Same-sized big value: reuse the buffer.
        std::memcpy(raw_data(e), value.data(), value.size());
        e->value_len = static_cast<uint32_t>(value.size());
        set_expire(e, expire_at);
        return e;
    }
    release_for_overwrite(e);
    e = resize_for_value(e, payload_size(enc, value.size()));
    write_string(e, enc, value, iv);
    set_expire(e, expire_at);
    return e;
}

Entry* Db::replace_int(Entry* e, long long value, int64_t expire_at) {
    release_for_overwrite(e);
    e = resize_for_value(e, payload_size(Encoding::Int, 0));
    write_string(e, Encoding::Int, {}, value);
    set_expire(e, expire_at);
    return e;
}

Entry* Db::set_string(std::string_view key, uint16_t slot, std::string_view value,
                      int64_t expire_at, int64_t now_ms) {
    if (Entry* old = find(key, slot)) {
        return replace_string(old, value, expire_at);
    }
    long long iv = 0;
    Encoding enc = plan_string(value, &iv);
    Entry* e = alloc_entry(key, enc, payload_size(enc, value.size()), now_ms);
    write_string(e, enc, value, iv);
    link_new(e, slot, expire_at);
    return e;
}

Entry* Db::set_int(std::string_view key, uint16_t slot, long long value, int64_t expire_at,
                   int64_t now_ms) {
    if (Entry* old = find(key, slot)) {
        return replace_int(old, value, expire_at);
    }
    Entry* e = alloc_entry(key, Encoding::Int, payload_size(Encoding::Int, 0), now_ms);
    write_string(e, Encoding::Int, {}, value);
    link_new(e, slot, expire_at);
    return e;
}

Entry* Db::add_string(std::string_view key, uint16_t slot, std::string_view value,
                      int64_t expire_at, int64_t now_ms) {
    return set_string(key, slot, value, expire_at, now_ms);
}

Entry* Db::add_int(std::string_view key, uint16_t slot, long long value, int64_t expire_at,
                   int64_t now_ms) {
    return set_int(key, slot, value, expire_at, now_ms);
}

// Makes e's value Raw with capacity >= need, keeping its bytes and length. May reallocate e.
Entry* Db::ensure_raw(Entry* e, size_t need) {
    if (e->encoding() == Encoding::Raw) {
        if (need > raw_cap(e)) {
            size_t cap = greedy_capacity(need);
            auto* p = static_cast<char*>(std::realloc(raw_data(e), cap));
            if (p == nullptr) {
                std::abort();
            }
            set_raw(e, p, cap);
        }
        return e;
    }
    char buf[kIntBufLen];
    std::string_view cur = e->string_value(buf);
    size_t cap = greedy_capacity(std::max(need, cur.size()));
    char* p = alloc_raw(cap);
    std::memcpy(p, cur.data(), cur.size());
    auto len = static_cast<uint32_t>(cur.size());
    e = resize_for_value(e, payload_size(Encoding::Raw, 0));
    e->encoding_bits = static_cast<uint32_t>(Encoding::Raw);
    e->value_len = len;
    set_raw(e, p, cap);
    return e;
}

Entry* Db::string_append(Entry* e, std::string_view data) {
    size_t len = e->string_length();
    e = ensure_raw(e, len + data.size());
    std::memcpy(raw_data(e) + len, data.data(), data.size());
    e->value_len = static_cast<uint32_t>(len + data.size());
    return e;
}

Entry* Db::string_setrange(Entry* e, size_t offset, std::string_view data) {
    if (data.empty()) {
        return e;
    }
    size_t len = e->string_length();
    size_t need = std::max(len, offset + data.size());
    e = ensure_raw(e, need);
    char* p = raw_data(e);
    if (offset > len) {
        std::memset(p + len, 0, offset - len);
    }
    std::memcpy(p + offset, data.data(), data.size());
    e->value_len = static_cast<uint32_t>(need);
    return e;
}

// ---- collections ------------------------------------------------------------------------------

Entry* Db::add_object(std::string_view key, uint16_t slot, Type type, Encoding encoding,
                      std::unique_ptr<Object> obj, int64_t expire_at, int64_t now_ms) {
    if (Entry* old = find(key, slot)) {
        return replace_object(old, type, encoding, std::move(obj), expire_at);
    }
    Entry* e = alloc_entry(key, encoding, payload_size(encoding, 0), now_ms);
    store_object(e, type, encoding, obj.release());
    link_new(e, slot, expire_at);
    return e;
}

Entry* Db::replace_object(Entry* e, Type type, Encoding encoding, std::unique_ptr<Object> obj,
                          int64_t expire_at) {
    release_for_overwrite(e);
    e = resize_for_value(e, payload_size(encoding, 0));
    store_object(e, type, encoding, obj.release());
    set_expire(e, expire_at);
    return e;
}

void Db::set_object_encoding(Entry* e, Encoding encoding, std::unique_ptr<Object> obj) {
    if (obj) {
        delete e->object();
        store_object(e, e->type(), encoding, obj.release());
    } else {
        e->encoding_bits = static_cast<uint32_t>(encoding);
    }
}

// ---- key moves --------------------------------------------------------------------------------

Entry* Db::rename(Entry* src, std::string_view to, uint16_t to_slot) {
    if (src->key() == to) {
        return src;
    }
    if (Entry* old = find(to, to_slot)) {
        del(old, owner_->lazyfree_config().server_del);
    }
    size_t psz = payload_size(src->encoding(), src->value_len);
    auto* n = static_cast<Entry*>(std::malloc(sizeof(Entry) + to.size() + psz));
    if (n == nullptr) {
        std::abort();
    }
    std::memcpy(static_cast<void*>(n), src, sizeof(Entry));
    n->key_len = static_cast<uint32_t>(to.size());
    std::memcpy(reinterpret_cast<char*>(n + 1), to.data(), to.size());
    std::memcpy(n->payload(), src->payload(), psz);  // the value's ownership moves to n
    int64_t expire_at = src->expire_at;
    unlink_entry(src, key_slot(src->key()));
    std::free(src);
    link_new(n, to_slot, expire_at);
    return n;
}

Entry* Db::move_to(Entry* e, Db& dst) {
    if (&dst == this) {
        return nullptr;
    }
    uint16_t slot = key_slot(e->key());
    if (dst.find(e->key(), slot) != nullptr) {
        return nullptr;
    }
    int64_t expire_at = e->expire_at;
    unlink_entry(e, slot);
    dst.link_new(e, slot, expire_at);
    return e;
}

Entry* Db::copy(const Entry* src, Db& dst, std::string_view to, uint16_t to_slot, bool replace,
                int64_t now_ms) {
    if (Entry* old = dst.find(to, to_slot)) {
        if (!replace || old == src) {
            return nullptr;
        }
        dst.del(old, owner_->lazyfree_config().server_del);
    }
    size_t psz = payload_size(src->encoding(), src->value_len);
    Entry* n = alloc_entry(to, src->encoding(), psz, now_ms);
    n->type_bits = src->type_bits;
    n->value_len = src->value_len;
    if (!src->is_string()) {
        store_object(n, src->type(), src->encoding(), src->object()->clone().release());
    } else if (src->encoding() == Encoding::Raw) {
        size_t cap = std::max<size_t>(alloc_size_class(src->value_len), 1);
        char* p = alloc_raw(cap);
        std::memcpy(p, raw_data(src), src->value_len);
        set_raw(n, p, cap);
    } else {
        std::memcpy(n->payload(), src->payload(), psz);
    }
    dst.link_new(n, to_slot, src->expire_at);
    return n;
}

}  // namespace slotcache::keyspace
