// FieldTable (see hash_table.h). Rehash and scan transcribe dict.c as keyspace/table.cpp does.
#include "keyspace/hash_table.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/random.h"
#include "keyspace/memory.h"
#include "keyspace/table.h"
#include "keyspace/varint.h"

namespace slotcache::keyspace {

namespace {

constexpr uint8_t kInitialExp = 2;
constexpr size_t kMinFillDivisor = 8;
// Buckets moved per modifying call while resizing: more than one, so a rehash always ends
// before the next resize is due (a grow doubles, and reaching the next threshold takes as
// many inserts as the old array has buckets).
constexpr int kStepBuckets = 2;

uint8_t exp_for(size_t count) {
    uint8_t e = kInitialExp;
    while ((size_t{1} << e) < count) {
        e++;
    }
    return e;
}

uint64_t rev(uint64_t v) {
    uint64_t s = 64;
    uint64_t mask = ~uint64_t{0};
    while ((s >>= 1) > 0) {
        mask ^= (mask << s);
        v = ((v >> s) & mask) | ((v << s) & ~mask);
    }
    return v;
}

uint64_t next_cursor(uint64_t v, uint64_t mask) {
    v |= ~mask;
    v = rev(v);
    v++;
    return rev(v);
}

const char* body(const FieldNode* n) {
    return reinterpret_cast<const char*>(n + 1);
}

size_t node_size(std::string_view f, std::string_view v) {
    return sizeof(FieldNode) + varint_len(f.size()) + varint_len(v.size()) + f.size() + v.size();
}

FieldNode** alloc_buckets(uint8_t exp) {
    return static_cast<FieldNode**>(std::calloc(size_t{1} << exp, sizeof(FieldNode*)));
}

void visit_chain(const FieldNode* n, void (*fn)(void*, const FieldNode*), void* ctx) {
    while (n != nullptr) {
        const FieldNode* next = n->next;
        fn(ctx, n);
        n = next;
    }
}

}  // namespace

std::string_view FieldTable::field_of(const FieldNode* n) {
    size_t flen, vlen;
    const char* p = get_varint(get_varint(body(n), &flen), &vlen);
    return {p, flen};
}

std::string_view FieldTable::value_of(const FieldNode* n) {
    size_t flen, vlen;
    const char* p = get_varint(get_varint(body(n), &flen), &vlen);
    return {p + flen, vlen};
}

FieldTable::~FieldTable() {
    FieldNode** tables[2] = {t0_, t1_};
    size_t sizes[2] = {size0(), size1()};
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; i < sizes[t]; i++) {
            FieldNode* n = tables[t][i];
            while (n != nullptr) {
                FieldNode* next = n->next;
                std::free(n);
                n = next;
            }
        }
    }
    std::free(t0_);
    std::free(t1_);
}

size_t FieldTable::bytes() const {
    size_t b = node_bytes_;
    if (t0_ != nullptr) {
        b += alloc_size_class(size0() * sizeof(FieldNode*));
    }
    if (t1_ != nullptr) {
        b += alloc_size_class(size1() * sizeof(FieldNode*));
    }
    return b;
}

FieldNode* FieldTable::make_node(std::string_view field, std::string_view value) {
    size_t sz = node_size(field, value);
    auto* n = static_cast<FieldNode*>(std::malloc(sz));
    char* p = reinterpret_cast<char*>(n + 1);
    p = put_varint(p, field.size());
    p = put_varint(p, value.size());
    std::memcpy(p, field.data(), field.size());
    std::memcpy(p + field.size(), value.data(), value.size());
    n->next = nullptr;
    node_bytes_ += alloc_size_class(sz);
    return n;
}

void FieldTable::free_node(FieldNode* n) {
    node_bytes_ -= alloc_size_class(node_size(field_of(n), value_of(n)));
    std::free(n);
}

void FieldTable::step() {
    if (is_rehashing()) {
        rehash_buckets(kStepBuckets);
    }
}

void FieldTable::rehash_step() {
    step();
}

const FieldNode* FieldTable::find(std::string_view field) const {
    if (size() == 0) {
        return nullptr;
    }
    uint64_t h = key_hash(field);
    FieldNode* const* tables[2] = {t0_, t1_};
    size_t sizes[2] = {size0(), size1()};
    for (int i = 0; i < 2; i++) {
        if (tables[i] == nullptr) {
            continue;
        }
        for (const FieldNode* n = tables[i][h & (sizes[i] - 1)]; n != nullptr; n = n->next) {
            if (field_of(n) == field) {
                return n;
            }
        }
        if (!is_rehashing()) {
            break;
        }
    }
    return nullptr;
}

FieldNode** FieldTable::find_link(std::string_view field, uint64_t h, int* which) {
    FieldNode** tables[2] = {t0_, t1_};
    size_t sizes[2] = {size0(), size1()};
    for (int i = 0; i < 2; i++) {
        if (tables[i] == nullptr) {
            continue;
        }
        for (FieldNode** p = &tables[i][h & (sizes[i] - 1)]; *p != nullptr; p = &(*p)->next) {
            if (field_of(*p) == field) {
                *which = i;
                return p;
            }
        }
    }
    return nullptr;
}

void FieldTable::note_chain(FieldNode* const* bucket, bool in_t1) {
    uint32_t len = 0;
    for (const FieldNode* n = *bucket; n != nullptr; n = n->next) {
        len++;
    }
    uint32_t& bound = in_t1 ? max_chain1_ : max_chain0_;
    bound = std::max(bound, len);
}

void FieldTable::link(FieldNode* n, uint64_t h) {
    if (t0_ == nullptr) {
        exp0_ = kInitialExp;
        t0_ = alloc_buckets(exp0_);
    }
    bool in_t1 = is_rehashing();
    FieldNode** b = in_t1 ? &t1_[h & (size1() - 1)] : &t0_[h & (size0() - 1)];
    n->next = *b;
    *b = n;
    in_t1 ? used1_++ : used0_++;
    note_chain(b, in_t1);
}

bool FieldTable::set(std::string_view field, std::string_view value) {
    step();
    uint64_t h = key_hash(field);
    int which = 0;
    if (FieldNode** p = size() > 0 ? find_link(field, h, &which) : nullptr) {
        FieldNode* old = *p;
        std::string_view old_value = value_of(old);
        size_t old_sz = node_size(field, old_value);
        size_t new_sz = node_size(field, value);
        // Same block size class and same length prefix: the value is rewritten in place. The
        // block's real capacity is checked too: without jemalloc (sanitizer builds) the
        // class is only an estimate and the block may be exactly old_sz bytes.
        if (varint_len(old_value.size()) == varint_len(value.size()) &&
            alloc_size_class(old_sz) == alloc_size_class(new_sz) &&
            new_sz <= block_capacity(old, old_sz)) {
            char* q = reinterpret_cast<char*>(old + 1) + varint_len(field.size());
            q = put_varint(q, value.size());
            std::memcpy(q + field.size(), value.data(), value.size());
            return false;
        }
        FieldNode* n = make_node(field, value);
        n->next = old->next;
        *p = n;
        free_node(old);
        return false;
    }
    link(make_node(field, value), h);
    maybe_resize();
    return true;
}

void FieldTable::add_new(std::string_view field, std::string_view value) {
    step();
    link(make_node(field, value), key_hash(field));
    maybe_resize();
}

bool FieldTable::remove(std::string_view field) {
    if (size() == 0) {
        return false;
    }
    step();
    int which = 0;
    FieldNode** p = find_link(field, key_hash(field), &which);
    if (p == nullptr) {
        return false;
    }
    FieldNode* n = *p;
    *p = n->next;
    which == 0 ? used0_-- : used1_--;
    free_node(n);
    maybe_resize();
    return true;
}

void FieldTable::reserve(size_t n) {
    if (t0_ == nullptr && n > 0) {
        exp0_ = exp_for(n);
        t0_ = alloc_buckets(exp0_);
    }
}

void FieldTable::maybe_resize() {
    if (is_rehashing()) {
        return;
    }
    size_t n = size();
    size_t buckets = size0();
    if (n >= buckets) {
        start_resize(n + 1);
    } else if (buckets > (size_t{1} << kInitialExp) && n * kMinFillDivisor < buckets) {
        start_resize(n);
    }
}

void FieldTable::start_resize(size_t target_count) {
    uint8_t e = exp_for(target_count);
    if (e == exp0_) {
        return;
    }
    FieldNode** t = alloc_buckets(e);
    if (t == nullptr) {
        return;  // keep the current array: longer chains, still correct
    }
    t1_ = t;
    exp1_ = e;
    used1_ = 0;
    max_chain1_ = 0;
    rehash_idx_ = 0;
}

void FieldTable::rehash_buckets(int n) {
    int empty_visits = n * 10;
    size_t mask1 = size1() - 1;
    while (n-- > 0 && used0_ != 0) {
        while (t0_[rehash_idx_] == nullptr) {
            rehash_idx_++;
            if (--empty_visits == 0) {
                return;
            }
        }
        FieldNode* node = t0_[rehash_idx_];
        while (node != nullptr) {
            FieldNode* next = node->next;
            FieldNode** b = &t1_[key_hash(field_of(node)) & mask1];
            node->next = *b;
            *b = node;
            note_chain(b, true);
            used0_--;
            used1_++;
            node = next;
        }
        t0_[rehash_idx_] = nullptr;
        rehash_idx_++;
    }
    if (used0_ == 0) {
        std::free(t0_);
        t0_ = t1_;
        exp0_ = exp1_;
        used0_ = used1_;
        max_chain0_ = max_chain1_;
        t1_ = nullptr;
        exp1_ = 0;
        used1_ = 0;
        max_chain1_ = 0;
        rehash_idx_ = -1;
    }
}

const FieldNode* FieldTable::random_pair() const {
    size_t s0 = size0();
    size_t first = is_rehashing() ? static_cast<size_t>(rehash_idx_) : 0;
    size_t span = s0 - first + size1();
    uint32_t bound = std::max(max_chain0_, max_chain1_);
    for (;;) {
        size_t i = first + random_below(span);
        const FieldNode* n = i >= s0 ? t1_[i - s0] : t0_[i];
        for (uint64_t k = random_below(bound); n != nullptr && k > 0; k--) {
            n = n->next;
        }
        if (n != nullptr) {
            return n;
        }
    }
}

void FieldTable::for_each_impl(VisitFn fn, void* ctx) const {
    for (size_t i = 0; i < size0(); i++) {
        visit_chain(t0_[i], fn, ctx);
    }
    for (size_t i = 0; i < size1(); i++) {
        visit_chain(t1_[i], fn, ctx);
    }
}

uint64_t FieldTable::scan_impl(uint64_t v, VisitFn fn, void* ctx) const {
    if (size() == 0) {
        return 0;
    }
    if (!is_rehashing()) {
        uint64_t m0 = size0() - 1;
        visit_chain(t0_[v & m0], fn, ctx);
        return next_cursor(v, m0);
    }
    FieldNode** small = t0_;
    FieldNode** big = t1_;
    uint64_t m0 = size0() - 1;
    uint64_t m1 = size1() - 1;
    if (m0 > m1) {
        std::swap(small, big);
        std::swap(m0, m1);
    }
    visit_chain(small[v & m0], fn, ctx);
    do {
        visit_chain(big[v & m1], fn, ctx);
        v = next_cursor(v, m1);
    } while ((v & (m0 ^ m1)) != 0);
    return v;
}

}  // namespace slotcache::keyspace
