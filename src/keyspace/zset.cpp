// ZSet: the listpack encoding and the encoding-independent API (zset.h); the skiplist and its
// index are in zset_skiplist.cpp.
//
// Loop thread only.
#include "keyspace/zset.h"

#include <cstdlib>
#include <cstring>

#include "keyspace/memory.h"
#include "keyspace/zset_skiplist.h"

namespace slotcache::keyspace {

namespace {

// Listpack entry: [u32 len][f64 score][member][u32 len].
constexpr size_t kLpOverhead = 4 + 8 + 4;

uint32_t lp_len(const char* p) {
    uint32_t n;
    memcpy(&n, p, 4);
    return n;
}
double lp_score(const char* p) {
    double d;
    memcpy(&d, p + 4, 8);
    return d;
}
std::string_view lp_member(const char* p) {
    return {p + 12, lp_len(p)};
}
const char* lp_next(const char* p) {
    return p + kLpOverhead + lp_len(p);
}
const char* lp_prev(const char* p) {
    uint32_t n;
    memcpy(&n, p - 4, 4);
    return p - kLpOverhead - n;
}

bool less_than(double s1, std::string_view m1, double s2, std::string_view m2) {
    return s1 < s2 || (s1 == s2 && m1 < m2);
}

ZSetLimits g_limits;

}  // namespace

void set_zset_listpack_limits(const ZSetLimits& limits) {
    g_limits = limits;
}
const ZSetLimits& zset_listpack_limits() {
    return g_limits;
}

bool zscore_gte_min(double v, const ZScoreRange& r) {
    return r.minex ? v > r.min : v >= r.min;
}
bool zscore_lte_max(double v, const ZScoreRange& r) {
    return r.maxex ? v < r.max : v <= r.max;
}

bool zlex_gte_min(std::string_view v, const ZLexBound& min) {
    switch (min.kind) {
        case ZLexBound::Kind::NegInf:
            return true;
        case ZLexBound::Kind::PosInf:
            return false;
        case ZLexBound::Kind::Value:
            break;
    }
    return min.exclusive ? v > min.value : v >= min.value;
}

bool zlex_lte_max(std::string_view v, const ZLexBound& max) {
    switch (max.kind) {
        case ZLexBound::Kind::NegInf:
            return false;
        case ZLexBound::Kind::PosInf:
            return true;
        case ZLexBound::Kind::Value:
            break;
    }
    return max.exclusive ? v < max.value : v <= max.value;
}

ZSet::ZSet() = default;

ZSet::~ZSet() {
    free(lp_);
    delete skiplist_;
}

size_t ZSet::memory_usage() const {
    size_t n = sizeof(ZSet);
    if (skiplist_ != nullptr) {
        n += sizeof(SkipList) + skiplist_->node_bytes + skiplist_->index.bytes();
    } else if (lp_ != nullptr) {
        n += alloc_size_class(lp_cap_);
    }
    return n;
}

std::unique_ptr<Object> ZSet::clone() const {
    auto z = std::make_unique<ZSet>();
    z->max_len_ = max_len_;
    if (skiplist_ == nullptr) {
        if (lp_bytes_ > 0) {
            z->lp_ = static_cast<char*>(malloc(lp_bytes_));
            memcpy(z->lp_, lp_, lp_bytes_);
            z->lp_bytes_ = z->lp_cap_ = lp_bytes_;
        }
        z->size_ = size_;
        return z;
    }
    z->convert_to_skiplist();
    for (const ZSkipNode* x = skiplist_->header->fwd()[0]; x != nullptr; x = x->fwd()[0]) {
        z->skiplist_->insert(x->member(), x->score);
    }
    z->size_ = size_;
    return z;
}

// ---- listpack ------------------------------------------------------------------------------

const char* ZSet::lp_find(std::string_view member) const {
    const char* end = lp_ + lp_bytes_;
    for (const char* p = lp_; p < end; p = lp_next(p)) {
        if (lp_member(p) == member) {
            return p;
        }
    }
    return nullptr;
}

void ZSet::lp_insert(std::string_view member, double score) {
    // Redis 7.0 writes a listpack score as text through d2string, whose integer fast path turns
    // -0 into "0": a small sorted set never shows -0 (ZADD z -0 m; ZSCORE z m -> "0"). The
    // skiplist keeps the double as is, and so does Redis'.
    if (score == 0) {
        score = 0.0;
    }
    size_t need = kLpOverhead + member.size();
    if (lp_bytes_ + need > lp_cap_) {
        size_t cap = alloc_size_class(lp_bytes_ + need);
        lp_ = static_cast<char*>(realloc(lp_, cap));
        lp_cap_ = cap;
    }
    char* end = lp_ + lp_bytes_;
    char* p = lp_;
    while (p < end && less_than(lp_score(p), lp_member(p), score, member)) {
        p = const_cast<char*>(lp_next(p));
    }
    memmove(p + need, p, static_cast<size_t>(end - p));
    uint32_t n = static_cast<uint32_t>(member.size());
    memcpy(p, &n, 4);
    memcpy(p + 4, &score, 8);
    if (n > 0) {
        memcpy(p + 12, member.data(), n);
    }
    memcpy(p + 12 + n, &n, 4);
    lp_bytes_ += need;
}

void ZSet::lp_erase_at(const char* cp) {
    char* p = const_cast<char*>(cp);
    size_t n = kLpOverhead + lp_len(p);
    char* end = lp_ + lp_bytes_;
    memmove(p, p + n, static_cast<size_t>(end - (p + n)));
    lp_bytes_ -= n;
}

// ---- members -------------------------------------------------------------------------------

bool ZSet::score(std::string_view member, double* out) const {
    if (skiplist_ != nullptr) {
        const ZSkipNode* n = skiplist_->index.find(member, zmember_hash(member));
        if (n != nullptr) {
            *out = n->score;
        }
        return n != nullptr;
    }
    const char* p = lp_find(member);
    if (p != nullptr) {
        *out = lp_score(p);
    }
    return p != nullptr;
}

void ZSet::insert(std::string_view member, double score) {
    if (skiplist_ != nullptr) {
        skiplist_->insert(member, score);
    } else {
        lp_insert(member, score);
    }
    size_++;
    if (member.size() > max_len_) {
        max_len_ = member.size();
    }
}

bool ZSet::update(std::string_view member, double score) {
    if (skiplist_ != nullptr) {
        return skiplist_->update(member, score);
    }
    const char* p = lp_find(member);
    if (p == nullptr) {
        return false;
    }
    // member may point into the buffer (it never does from commands, but be safe): the
    // entry is rewritten from a copy only when it must move.
    if (lp_score(p) == score) {
        return true;
    }
    std::string copy(member);
    lp_erase_at(p);
    lp_insert(copy, score);
    return true;
}

bool ZSet::erase(std::string_view member) {
    bool found;
    if (skiplist_ != nullptr) {
        found = skiplist_->erase(member);
    } else {
        const char* p = lp_find(member);
        found = p != nullptr;
        if (found) {
            lp_erase_at(p);
        }
    }
    if (found) {
        size_--;
    }
    return found;
}

long long ZSet::rank(std::string_view member) const {
    if (skiplist_ != nullptr) {
        const ZSkipNode* n = skiplist_->index.find(member, zmember_hash(member));
        return n == nullptr ? -1 : static_cast<long long>(skiplist_->rank_of(n)) - 1;
    }
    long long r = 0;
    const char* end = lp_ + lp_bytes_;
    for (const char* p = lp_; p < end; p = lp_next(p), r++) {
        if (lp_member(p) == member) {
            return r;
        }
    }
    return -1;
}

// ---- ranges --------------------------------------------------------------------------------

// The length of the prefix of elements satisfying pred (monotone: true, then false), found
// by descending the skiplist's levels as zslFirstInRange / zslLastInRange do.
template <class Pred>
size_t ZSet::prefix_count(Pred pred) const {
    size_t cnt = 0;
    if (skiplist_ != nullptr) {
        const ZSkipNode* x = skiplist_->header;
        for (int i = skiplist_->level - 1; i >= 0; i--) {
            while (x->fwd()[i] != nullptr && pred(x->fwd()[i]->score, x->fwd()[i]->member())) {
                cnt += x->span()[i];
                x = x->fwd()[i];
            }
        }
        return cnt;
    }
    const char* end = lp_ + lp_bytes_;
    for (const char* p = lp_; p < end && pred(lp_score(p), lp_member(p)); p = lp_next(p)) {
        cnt++;
    }
    return cnt;
}

size_t ZSet::score_low(const ZScoreRange& r) const {
    return prefix_count([&](double s, std::string_view) { return !zscore_gte_min(s, r); });
}
size_t ZSet::score_high(const ZScoreRange& r) const {
    return prefix_count([&](double s, std::string_view) { return zscore_lte_max(s, r); });
}
size_t ZSet::lex_low(const ZLexBound& min) const {
    return prefix_count([&](double, std::string_view m) { return !zlex_gte_min(m, min); });
}
size_t ZSet::lex_high(const ZLexBound& max) const {
    return prefix_count([&](double, std::string_view m) { return zlex_lte_max(m, max); });
}

ZSet::Iter ZSet::iter(size_t from, size_t count, bool reverse) const {
    Iter it;
    it.z_ = this;
    it.reverse_ = reverse;
    if (from >= size_ || count == 0) {
        return it;
    }
    size_t avail = reverse ? from + 1 : size_ - from;
    it.left_ = count < avail ? count : avail;
    if (skiplist_ != nullptr) {
        it.pos_ = reinterpret_cast<const char*>(skiplist_->at_rank(from + 1));
        return it;
    }
    const char* p = lp_;
    for (size_t i = 0; i < from; i++) {
        p = lp_next(p);
    }
    it.pos_ = p;
    return it;
}

bool ZSet::Iter::next(std::string_view* member, double* score) {
    if (left_ == 0) {
        return false;
    }
    left_--;
    if (z_->skiplist_ != nullptr) {
        auto* n = reinterpret_cast<const ZSkipNode*>(pos_);
        *member = n->member();
        *score = n->score;
        pos_ = reinterpret_cast<const char*>(reverse_ ? n->backward : n->fwd()[0]);
        return true;
    }
    *member = lp_member(pos_);
    *score = lp_score(pos_);
    if (left_ > 0) {
        pos_ = reverse_ ? lp_prev(pos_) : lp_next(pos_);
    }
    return true;
}

size_t ZSet::erase_ranks(size_t from, size_t to) {
    if (to > size_) {
        to = size_;
    }
    if (from >= to) {
        return 0;
    }
    size_t removed;
    if (skiplist_ != nullptr) {
        removed = skiplist_->erase_ranks(from + 1, to);
    } else {
        const char* p = lp_;
        for (size_t i = 0; i < from; i++) {
            p = lp_next(p);
        }
        const char* q = p;
        for (size_t i = from; i < to; i++) {
            q = lp_next(q);
        }
        char* end = lp_ + lp_bytes_;
        memmove(const_cast<char*>(p), q, static_cast<size_t>(end - q));
        lp_bytes_ -= static_cast<size_t>(q - p);
        removed = to - from;
    }
    size_ -= removed;
    return removed;
}

void ZSet::convert_to_skiplist() {
    if (skiplist_ != nullptr) {
        return;
    }
    skiplist_ = new SkipList();
    const char* end = lp_ + lp_bytes_;
    for (const char* p = lp_; p < end; p = lp_next(p)) {
        skiplist_->insert(lp_member(p), lp_score(p));
    }
    free(lp_);
    lp_ = nullptr;
    lp_bytes_ = lp_cap_ = 0;
}

uint64_t ZSet::scan_impl(uint64_t cursor, size_t count, void* ctx, ScanFn fn) const {
    if (skiplist_ == nullptr) {
        const char* end = lp_ + lp_bytes_;
        for (const char* p = lp_; p < end; p = lp_next(p)) {
            fn(ctx, lp_member(p), lp_score(p));
        }
        return 0;
    }
    const ZIndex& idx = skiplist_->index;
    size_t seen = 0;
    uint64_t lo = cursor;
    // Whole home slots of the current table at a time, about count of them, and more while
    // they are empty (bounded like Redis' count * 10 empty buckets).
    int shift = 64 - idx.cur_bits();
    for (size_t rounds = 0; rounds < 10 && seen < count; rounds++) {
        uint64_t slots = count == 0 ? 1 : count;
        uint64_t first = shift >= 64 ? 0 : lo >> shift;
        uint64_t hi;
        if (shift >= 64 || first + slots >= (uint64_t{1} << (64 - shift))) {
            hi = 0;
        } else {
            hi = (first + slots) << shift;
        }
        idx.visit_range(lo, hi, [&](const ZSkipNode* n) {
            fn(ctx, n->member(), n->score);
            seen++;
        });
        lo = hi;
        if (lo == 0) {
            break;
        }
    }
    return lo;
}

bool ZSet::check() const {
    if (skiplist_ == nullptr) {
        size_t n = 0;
        const char* end = lp_ + lp_bytes_;
        const char* prev = nullptr;
        for (const char* p = lp_; p < end; prev = p, p = lp_next(p), n++) {
            if (prev && !less_than(lp_score(prev), lp_member(prev), lp_score(p), lp_member(p))) {
                return false;
            }
        }
        return n == size_;
    }
    const SkipList& sl = *skiplist_;
    if (sl.length != size_ || sl.index.size() != size_) {
        return false;
    }
    // Level 0 order and backward links; each level's spans add up to the rank distance.
    size_t r = 0;
    const ZSkipNode* prev = nullptr;
    for (const ZSkipNode* x = sl.header->fwd()[0]; x != nullptr; x = x->fwd()[0]) {
        r++;
        if (x->backward != prev) {
            return false;
        }
        if (prev && !less_than(prev->score, prev->member(), x->score, x->member())) {
            return false;
        }
        if (sl.index.find(x->member(), zmember_hash(x->member())) != x) {
            return false;
        }
        if (sl.rank_of(x) != r) {
            return false;
        }
        prev = x;
    }
    return r == size_ && sl.tail == prev;
}

}  // namespace slotcache::keyspace
