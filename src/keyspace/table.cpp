// Slot table: chained hashing with incremental rehash and dictScan (see table.h).
// Transcribes Redis dict.c's rehash and scan; differences: no stored hash (recomputed on
// rehash), resize decisions made on every insert/remove (Redis 7.4 does the same for shrink).
#include "keyspace/table.h"

#include <cstdlib>
#include <utility>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "common/random.h"

namespace slotcache::keyspace {

namespace {

const uint64_t g_seed = os_random_u64();

constexpr uint8_t kInitialExp = 2;  // 4 buckets, Redis' DICT_HT_INITIAL_EXP
constexpr size_t kMinFillDivisor = 8;  // shrink below 1/8 load

uint8_t exp_for(size_t count) {
    uint8_t e = kInitialExp;
    while ((size_t{1} << e) < count) {
        e++;
    }
    return e;
}

Entry** alloc_buckets(uint8_t exp) {
    return static_cast<Entry**>(std::calloc(size_t{1} << exp, sizeof(Entry*)));
}

// Bit reversal for the scan cursor (Redis' rev()).
uint64_t rev(uint64_t v) {
    uint64_t s = 64;
    uint64_t mask = ~uint64_t{0};
    while ((s >>= 1) > 0) {
        mask ^= (mask << s);
        v = ((v >> s) & mask) | ((v << s) & ~mask);
    }
    return v;
}

// Advances a reverse-binary cursor over the bits of mask.
uint64_t next_cursor(uint64_t v, uint64_t mask) {
    v |= ~mask;
    v = rev(v);
    v++;
    return rev(v);
}

void emit_chain(Entry* e, Table::ScanFn fn, void* ctx) {
    while (e != nullptr) {
        Entry* next = e->next;
        fn(ctx, e);
        e = next;
    }
}

}  // namespace

uint64_t key_hash(std::string_view key) {
    return XXH3_64bits_withSeed(key.data(), key.size(), g_seed);
}

Table::~Table() {
    std::free(t0_);
    std::free(t1_);
}

size_t Table::bucket_count() const { return size0() + size1(); }

Entry** Table::bucket_for(uint64_t h) {
    // Inserts go to the new array while rehashing, so t0_ only ever empties.
    if (is_rehashing()) {
        return &t1_[h & (size1() - 1)];
    }
    return &t0_[h & (size0() - 1)];
}

void Table::step() {
    if (is_rehashing()) {
        rehash_buckets(1);
    }
}

Entry* Table::find(std::string_view key, uint64_t h) {
    if (size() == 0) {
        return nullptr;
    }
    step();
    Entry** tables[2] = {t0_, t1_};
    size_t sizes[2] = {size0(), size1()};
    for (int i = 0; i < 2; i++) {
        if (tables[i] == nullptr) {
            continue;
        }
        for (Entry* e = tables[i][h & (sizes[i] - 1)]; e != nullptr; e = e->next) {
            if (e->key_len == key.size() && std::memcmp(e->key_data(), key.data(), key.size()) == 0) {
                return e;
            }
        }
        if (!is_rehashing()) {
            break;
        }
    }
    return nullptr;
}

void Table::insert(Entry* e, uint64_t h) {
    if (t0_ == nullptr) {
        exp0_ = kInitialExp;
        t0_ = alloc_buckets(exp0_);
    }
    step();
    Entry** b = bucket_for(h);
    e->next = *b;
    *b = e;
    if (is_rehashing()) {
        used1_++;
    } else {
        used0_++;
    }
    maybe_resize();
}

bool Table::remove(Entry* e, uint64_t h) {
    if (size() == 0) {
        return false;
    }
    step();
    Entry** tables[2] = {t0_, t1_};
    size_t sizes[2] = {size0(), size1()};
    size_t* used[2] = {&used0_, &used1_};
    for (int i = 0; i < 2; i++) {
        if (tables[i] == nullptr) {
            continue;
        }
        for (Entry** p = &tables[i][h & (sizes[i] - 1)]; *p != nullptr; p = &(*p)->next) {
            if (*p == e) {
                *p = e->next;
                e->next = nullptr;
                (*used[i])--;
                maybe_resize();
                return true;
            }
        }
    }
    return false;
}

void Table::replace(Entry* old_e, Entry* new_e, uint64_t h) {
    Entry** tables[2] = {t0_, t1_};
    size_t sizes[2] = {size0(), size1()};
    for (int i = 0; i < 2; i++) {
        if (tables[i] == nullptr) {
            continue;
        }
        for (Entry** p = &tables[i][h & (sizes[i] - 1)]; *p != nullptr; p = &(*p)->next) {
            if (*p == old_e) {
                *p = new_e;
                return;
            }
        }
    }
}

void Table::maybe_resize() {
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

void Table::start_resize(size_t target_count) {
    uint8_t e = exp_for(target_count);
    if (e == exp0_) {
        return;
    }
    Entry** t = alloc_buckets(e);
    if (t == nullptr) {
        return;  // keep the current array: longer chains, still correct
    }
    t1_ = t;
    exp1_ = e;
    used1_ = 0;
    rehash_idx_ = 0;
}

bool Table::rehash_buckets(int n) {
    if (!is_rehashing()) {
        return false;
    }
    int empty_visits = n * 10;
    size_t mask1 = size1() - 1;
    while (n-- > 0 && used0_ != 0) {
        while (t0_[rehash_idx_] == nullptr) {
            rehash_idx_++;
            if (--empty_visits == 0) {
                return true;
            }
        }
        Entry* e = t0_[rehash_idx_];
        while (e != nullptr) {
            Entry* next = e->next;
            Entry** b = &t1_[key_hash(e->key()) & mask1];
            e->next = *b;
            *b = e;
            used0_--;
            used1_++;
            e = next;
        }
        t0_[rehash_idx_] = nullptr;
        rehash_idx_++;
    }
    if (used0_ == 0) {
        std::free(t0_);
        t0_ = t1_;
        exp0_ = exp1_;
        used0_ = used1_;
        t1_ = nullptr;
        exp1_ = 0;
        used1_ = 0;
        rehash_idx_ = -1;
        return false;
    }
    return true;
}

Entry* Table::random_entry() const {
    if (size() == 0) {
        return nullptr;
    }
    Entry* e = nullptr;
    if (is_rehashing()) {
        // Buckets of t0_ below rehash_idx_ are empty: draw from the rest of t0_ and all of t1_.
        size_t s0 = size0();
        size_t first = static_cast<size_t>(rehash_idx_);
        size_t span = s0 + size1() - first;
        while (e == nullptr) {
            size_t i = first + random_below(span);
            e = i >= s0 ? t1_[i - s0] : t0_[i];
        }
    } else {
        size_t mask = size0() - 1;
        while (e == nullptr) {
            e = t0_[random_u64() & mask];
        }
    }
    size_t len = 0;
    for (Entry* p = e; p != nullptr; p = p->next) {
        len++;
    }
    for (size_t skip = random_below(len); skip > 0; skip--) {
        e = e->next;
    }
    return e;
}

uint64_t Table::scan(uint64_t v, ScanFn fn, void* ctx) const {
    if (size() == 0) {
        return 0;
    }
    if (!is_rehashing()) {
        uint64_t m0 = size0() - 1;
        emit_chain(t0_[v & m0], fn, ctx);
        return next_cursor(v, m0);
    }
    Entry** small = t0_;
    Entry** big = t1_;
    uint64_t m0 = size0() - 1;
    uint64_t m1 = size1() - 1;
    if (m0 > m1) {
        std::swap(small, big);
        std::swap(m0, m1);
    }
    emit_chain(small[v & m0], fn, ctx);
    // Visit the buckets of the bigger array that expand the smaller array's bucket.
    do {
        emit_chain(big[v & m1], fn, ctx);
        v = next_cursor(v, m1);
    } while ((v & (m0 ^ m1)) != 0);
    return v;
}

}  // namespace slotcache::keyspace
