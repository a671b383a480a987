// Hash (see hash.h).
#include "keyspace/hash.h"

#include <cstdlib>
#include <cstring>

#include "common/random.h"
#include "keyspace/memory.h"
#include "keyspace/varint.h"

namespace slotcache::keyspace {

namespace {

HashLimits g_limits;

// Redis' lpSafeToAdd: a listpack stays under 1 GB; past that the hash converts whatever the
// configured limits say (they can be raised without bound).
constexpr size_t kMaxListpackBytes = size_t{1} << 30;

size_t item_size(std::string_view s) {
    return varint_len(s.size()) + s.size();
}

}  // namespace

void set_hash_limits(const HashLimits& limits) {
    g_limits = limits;
}
const HashLimits& hash_limits() {
    return g_limits;
}

Hash::~Hash() {
    std::free(buf_);
}

std::string_view Hash::next_item(const char** p) {
    size_t len;
    const char* s = get_varint(*p, &len);
    *p = s + len;
    return {s, len};
}

long Hash::find_offset(std::string_view field) const {
    const char* p = buf_;
    const char* end = buf_ + used_;
    while (p < end) {
        const char* at = p;
        std::string_view f = next_item(&p);
        if (f == field) {
            return at - buf_;
        }
        next_item(&p);
    }
    return -1;
}

bool Hash::get(std::string_view field, std::string_view* value) const {
    if (table_) {
        // Logically const: a rehash step changes no pair and moves no bytes (hash_table.h).
        // Every Hash is created non-const, so the cast is well defined.
        const_cast<FieldTable*>(table_.get())->rehash_step();
        const FieldNode* n = table_->find(field);
        if (n == nullptr) {
            return false;
        }
        *value = FieldTable::value_of(n);
        return true;
    }
    long off = find_offset(field);
    if (off < 0) {
        return false;
    }
    const char* p = buf_ + off;
    next_item(&p);
    *value = next_item(&p);
    return true;
}

void Hash::ensure_capacity(size_t need) {
    if (need <= cap_) {
        return;
    }
    size_t cap = alloc_size_class(need);
    buf_ = static_cast<char*>(std::realloc(buf_, cap));
    cap_ = static_cast<uint32_t>(cap);
}

void Hash::convert_for_length(size_t len, const HashLimits& limits) {
    if (!table_ && len > limits.max_listpack_value) {
        convert_to_table();
    }
}

bool Hash::set(std::string_view field, std::string_view value, const HashLimits& limits) {
    if (!table_) {
        size_t add = item_size(field) + item_size(value);
        if (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value ||
            used_ + add > kMaxListpackBytes) {
            convert_to_table();
        }
    }
    if (table_) {
        return table_->set(field, value);
    }
    long off = find_offset(field);
    if (off >= 0) {
        // Replace the value item in place, moving the tail when its size changes.
        char* vpos = buf_ + off + item_size(field);
        const char* q = vpos;
        std::string_view old = next_item(&q);
        size_t old_sz = item_size(old);
        size_t new_sz = item_size(value);
        size_t tail = used_ - static_cast<size_t>(q - buf_);
        size_t vat = static_cast<size_t>(vpos - buf_);
        if (new_sz > old_sz) {
            ensure_capacity(used_ - old_sz + new_sz);
        }
        std::memmove(buf_ + vat + new_sz, buf_ + vat + old_sz, tail);
        char* w = put_varint(buf_ + vat, value.size());
        std::memcpy(w, value.data(), value.size());
        used_ = static_cast<uint32_t>(used_ - old_sz + new_sz);
        return false;
    }
    ensure_capacity(used_ + item_size(field) + item_size(value));
    char* w = put_varint(buf_ + used_, field.size());
    std::memcpy(w, field.data(), field.size());
    w = put_varint(w + field.size(), value.size());
    std::memcpy(w, value.data(), value.size());
    used_ = static_cast<uint32_t>(w + value.size() - buf_);
    count_++;
    if (count_ > limits.max_listpack_entries) {
        convert_to_table();
    }
    return true;
}

bool Hash::remove(std::string_view field) {
    if (table_) {
        return table_->remove(field);
    }
    long off = find_offset(field);
    if (off < 0) {
        return false;
    }
    const char* q = buf_ + off;
    next_item(&q);
    next_item(&q);
    size_t gone = static_cast<size_t>(q - buf_) - static_cast<size_t>(off);
    std::memmove(buf_ + off, q, used_ - static_cast<size_t>(q - buf_));
    used_ = static_cast<uint32_t>(used_ - gone);
    count_--;
    return true;
}

void Hash::convert_to_table() {
    if (table_) {
        return;
    }
    auto t = std::make_unique<FieldTable>();
    t->reserve(count_);
    for_each([&](std::string_view f, std::string_view v) { t->add_new(f, v); });
    table_ = std::move(t);
    std::free(buf_);
    buf_ = nullptr;
    used_ = cap_ = count_ = 0;
}

void Hash::reserve(size_t n) {
    if (table_) {
        table_->reserve(n);
    }
}

void Hash::random_pair(std::string_view* field, std::string_view* value) const {
    if (table_) {
        const FieldNode* n = table_->random_pair();
        *field = FieldTable::field_of(n);
        *value = FieldTable::value_of(n);
        return;
    }
    uint64_t skip = random_below(count_);
    const char* p = buf_;
    for (; skip > 0; skip--) {
        next_item(&p);
        next_item(&p);
    }
    *field = next_item(&p);
    *value = next_item(&p);
}

size_t Hash::memory_usage() const {
    size_t n = alloc_size_class(sizeof(Hash));
    if (table_) {
        n += alloc_size_class(sizeof(FieldTable)) + table_->bytes();
    } else if (buf_ != nullptr) {
        n += cap_;
    }
    return n;
}

std::unique_ptr<Object> Hash::clone() const {
    auto h = std::make_unique<Hash>();
    if (table_) {
        h->table_ = std::make_unique<FieldTable>();
        h->table_->reserve(table_->size());
        table_->for_each([&](std::string_view f, std::string_view v) { h->table_->add_new(f, v); });
    } else if (used_ > 0) {
        h->ensure_capacity(used_);
        std::memcpy(h->buf_, buf_, used_);
        h->used_ = used_;
        h->count_ = count_;
    }
    return h;
}

}  // namespace slotcache::keyspace
