// MemberTable (see member_table.h): open addressing, cluster-wise incremental rehash, scan by
// home slot. Loop thread only.
#include "keyspace/member_table.h"

#include <cstdlib>
#include <cstring>

#include <xxhash.h>

#include "common/random.h"
#include "keyspace/varint.h"

namespace slotcache::keyspace {

namespace {

const uint64_t g_seed = os_random_u64();

constexpr size_t kMinCap = 8;
// Old-table slots migrated per add/remove: with growth at 3/4 load and a table twice the size,
// the migration ends long before the new table reaches its own 3/4.
constexpr size_t kRehashStep = 16;

size_t next_pow2(size_t n) {
    size_t c = kMinCap;
    while (c < n)
        c <<= 1;
    return c;
}

// Redis' rev(): bit reversal for the scan cursor.
uint64_t rev(uint64_t v) {
    uint64_t s = 64;
    uint64_t mask = ~0ULL;
    while ((s >>= 1) > 0) {
        mask ^= (mask << s);
        v = ((v >> s) & mask) | ((v << s) & ~mask);
    }
    return v;
}

char* new_block(std::string_view m, size_t* bytes) {
    size_t hdr = varint_len(m.size());
    *bytes = hdr + m.size();
    char* b = static_cast<char*>(std::malloc(*bytes));
    put_varint(b, m.size());
    if (!m.empty())
        std::memcpy(b + hdr, m.data(), m.size());
    return b;
}

char** new_slots(size_t cap) {
    return static_cast<char**>(std::calloc(cap, sizeof(char*)));
}

}  // namespace

uint64_t MemberTable::hash(std::string_view m) {
    return XXH3_64bits_withSeed(m.data(), m.size(), g_seed);
}

std::string_view MemberTable::view(const char* block) {
    size_t n = 0;
    const char* p = get_varint(block, &n);
    return {p, n};
}

MemberTable::~MemberTable() {
    for (size_t i = 0; i < cap_; i++)
        std::free(slots_[i]);
    for (size_t i = 0; i < old_cap_; i++)
        std::free(old_ ? old_[i] : nullptr);
    std::free(slots_);
    std::free(old_);
}

void MemberTable::reserve(size_t n) {
    size_t want = next_pow2(n + n / 3 + 1);
    if (count_ != 0 || want <= cap_)
        return;
    std::free(slots_);
    slots_ = new_slots(want);
    cap_ = want;
}

long MemberTable::find_in(char* const* slots, size_t cap, std::string_view m) {
    if (cap == 0)
        return -1;
    size_t mask = cap - 1;
    for (size_t i = hash(m) & mask;; i = (i + 1) & mask) {
        const char* b = slots[i];
        if (b == nullptr)
            return -1;
        if (view(b) == m)
            return static_cast<long>(i);
    }
}

void MemberTable::insert_block(char** slots, size_t cap, char* block) {
    size_t mask = cap - 1;
    size_t i = hash(view(block)) & mask;
    while (slots[i] != nullptr)
        i = (i + 1) & mask;
    slots[i] = block;
}

// Backward-shift deletion: members after the hole that may legally sit earlier (their home is
// not in (hole, j]) move into it, so probe runs never contain gaps.
void MemberTable::erase_at(char** slots, size_t cap, size_t i) {
    size_t mask = cap - 1;
    size_t hole = i;
    slots[hole] = nullptr;
    for (size_t j = (i + 1) & mask; slots[j] != nullptr; j = (j + 1) & mask) {
        size_t home = hash(view(slots[j])) & mask;
        bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            slots[hole] = slots[j];
            slots[j] = nullptr;
            hole = j;
        }
    }
}

bool MemberTable::contains(std::string_view m) const {
    return (old_ != nullptr && find_in(old_, old_cap_, m) >= 0) || find_in(slots_, cap_, m) >= 0;
}

bool MemberTable::add(std::string_view m) {
    if (old_ != nullptr)
        rehash_step(kRehashStep);
    if (contains(m))
        return false;
    if (cap_ == 0)
        reserve(kMinCap);
    size_t bytes = 0;
    insert_block(slots_, cap_, new_block(m, &bytes));
    block_bytes_ += bytes;
    count_++;
    maybe_resize();
    return true;
}

bool MemberTable::remove(std::string_view m) {
    if (old_ != nullptr)
        rehash_step(kRehashStep);
    char** slots = slots_;
    size_t cap = cap_;
    long i = -1;
    if (old_ != nullptr && (i = find_in(old_, old_cap_, m)) >= 0) {
        slots = old_;
        cap = old_cap_;
        old_count_--;
    } else if ((i = find_in(slots_, cap_, m)) < 0) {
        return false;
    }
    char* b = slots[i];
    block_bytes_ -= varint_len(view(b).size()) + view(b).size();
    erase_at(slots, cap, static_cast<size_t>(i));
    std::free(b);
    count_--;
    maybe_resize();
    return true;
}

void MemberTable::maybe_resize() {
    // The new table must never fill: finish a running migration before it passes 3/4.
    if (old_ != nullptr && count_ * 4 > cap_ * 3)
        rehash_step(SIZE_MAX);
    if (old_ != nullptr)
        return;
    if (count_ * 4 > cap_ * 3) {
        start_rehash(cap_ * 2);
    } else if (cap_ > kMinCap && count_ * 8 < cap_) {
        start_rehash(next_pow2(count_ * 2));
    }
}

void MemberTable::start_rehash(size_t new_cap) {
    old_ = slots_;
    old_cap_ = cap_;
    old_count_ = count_;
    slots_ = new_slots(new_cap);
    cap_ = new_cap;
    // Begin at an empty slot (one exists: load <= 3/4), so no cluster straddles the boundary.
    rehash_start_ = 0;
    while (old_[rehash_start_] != nullptr)
        rehash_start_++;
    rehash_done_ = 0;
    rehash_step(kRehashStep);
}

// Migrates at least `budget` slots, stopping only right after an empty slot so that the
// migrated part is always a union of whole clusters.
void MemberTable::rehash_step(size_t budget) {
    size_t mask = old_cap_ - 1;
    while (rehash_done_ < old_cap_ && old_count_ > 0) {
        size_t i = (rehash_start_ + rehash_done_) & mask;
        char* b = old_[i];
        rehash_done_++;
        if (b != nullptr) {
            old_[i] = nullptr;
            insert_block(slots_, cap_, b);
            old_count_--;
        } else if (budget-- <= 1) {
            break;
        }
    }
    if (old_count_ == 0) {
        std::free(old_);
        old_ = nullptr;
        old_cap_ = 0;
    }
}

std::string_view MemberTable::random_member() const {
    size_t total = cap_ + old_cap_;
    for (;;) {
        size_t r = random_below(total);
        const char* b = r < cap_ ? slots_[r] : old_[r - cap_];
        if (b != nullptr)
            return view(b);
    }
}

void MemberTable::for_each(const std::function<void(std::string_view)>& fn) const {
    for (size_t i = 0; i < old_cap_; i++) {
        if (old_[i] != nullptr)
            fn(view(old_[i]));
    }
    for (size_t i = 0; i < cap_; i++) {
        if (slots_[i] != nullptr)
            fn(view(slots_[i]));
    }
}

void MemberTable::emit_home(char* const* slots, size_t cap, size_t home,
                            const std::function<void(std::string_view)>& fn) const {
    size_t mask = cap - 1;
    for (size_t i = home; slots[i] != nullptr; i = (i + 1) & mask) {
        std::string_view m = view(slots[i]);
        if ((hash(m) & mask) == home)
            fn(m);
    }
}

uint64_t MemberTable::scan(uint64_t v, const std::function<void(std::string_view)>& fn) const {
    if (count_ == 0)
        return 0;
    if (old_ == nullptr) {
        uint64_t m0 = cap_ - 1;
        emit_home(slots_, cap_, v & m0, fn);
        v |= ~m0;
        v = rev(v);
        v++;
        return rev(v);
    }
    char* const* t0 = old_;
    size_t c0 = old_cap_;
    char* const* t1 = slots_;
    size_t c1 = cap_;
    if (c0 > c1) {
        std::swap(t0, t1);
        std::swap(c0, c1);
    }
    uint64_t m0 = c0 - 1;
    uint64_t m1 = c1 - 1;
    emit_home(t0, c0, v & m0, fn);
    do {
        emit_home(t1, c1, v & m1, fn);
        v |= ~m1;
        v = rev(v);
        v++;
        v = rev(v);
    } while (v & (m0 ^ m1));
    return v;
}

size_t MemberTable::memory_usage() const {
    return sizeof(*this) + (cap_ + old_cap_) * sizeof(char*) + block_bytes_;
}

}  // namespace slotcache::keyspace
