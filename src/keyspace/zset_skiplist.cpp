// The skiplist encoding of ZSet: Redis' t_zset.c skiplist (zslInsert, zslDeleteNode,
// zslUpdateScore, zslGetRank, zslDeleteRangeByRank) over nodes that hold their member inline,
// and ZIndex, the member -> node index (zset.h explains both and their memory budget).
//
// Loop thread only.
#include "keyspace/zset_skiplist.h"

#include <xxhash.h>

#include <cstdlib>

#include "common/random.h"
#include "keyspace/memory.h"

namespace slotcache::keyspace {

namespace {

constexpr uintptr_t kTomb = 1;
constexpr uintptr_t kPtrMask = (uintptr_t{1} << 48) - 1;
constexpr size_t kMinCap = 8;
// Old-table slots moved per index write: a resize drains a table of N slots within N/16
// writes, while the new table (2N slots on growth) has taken at most 0.8N + N/16 members.
constexpr size_t kRehashStep = 16;

uint64_t hash_seed() {
    static const uint64_t seed = os_random_u64();
    return seed;
}

ZSkipNode* node_of(uintptr_t s) {
    return reinterpret_cast<ZSkipNode*>(s & kPtrMask);
}
uintptr_t tagged(const ZSkipNode* n, uint64_t h) {
    return reinterpret_cast<uintptr_t>(n) | (static_cast<uintptr_t>(h & 0xFFFF) << 48);
}
bool tag_matches(uintptr_t s, uint64_t h) {
    return (s >> 48) == (h & 0xFFFF);
}

size_t node_size(size_t len, int level) {
    return sizeof(ZSkipNode) + static_cast<size_t>(level) * (sizeof(void*) + 4) + len;
}

// (score, member) order: Redis' zslInsert comparison.
bool node_less(const ZSkipNode* a, double score, std::string_view member) {
    return a->score < score || (a->score == score && a->member() < member);
}

int bits_of(size_t cap) {
    int b = 0;
    while ((size_t{1} << b) < cap) {
        b++;
    }
    return b;
}

ZIndexTable make_table(size_t cap) {
    ZIndexTable t;
    t.cap = cap;
    t.bits = bits_of(cap);
    t.slots = static_cast<uintptr_t*>(calloc(cap, sizeof(uintptr_t)));
    return t;
}

ZSkipNode* find_in(const ZIndexTable& t, std::string_view member, uint64_t h, size_t* pos) {
    if (t.cap == 0) {
        return nullptr;
    }
    for (size_t p = t.home(h), d = 0; d < t.cap; p = (p + 1) & t.mask(), d++) {
        uintptr_t s = t.slots[p];
        if (s == 0) {
            return nullptr;
        }
        if (s != kTomb && tag_matches(s, h)) {
            ZSkipNode* n = node_of(s);
            if (n->member() == member) {
                *pos = p;
                return n;
            }
        }
    }
    return nullptr;
}

}  // namespace

uint64_t zmember_hash(std::string_view m) {
    return XXH3_64bits_withSeed(m.data(), m.size(), hash_seed());
}

// ---- ZIndex --------------------------------------------------------------------------------

ZIndex::ZIndex() {
    cur_ = make_table(kMinCap);
}

ZIndex::~ZIndex() {
    free(cur_.slots);
    free(old_.slots);
}

size_t ZIndex::bytes() const {
    return alloc_size_class(cur_.cap * sizeof(uintptr_t)) +
           (old_.cap ? alloc_size_class(old_.cap * sizeof(uintptr_t)) : 0);
}

ZSkipNode* ZIndex::find(std::string_view member, uint64_t h) const {
    size_t pos;
    if (ZSkipNode* n = find_in(cur_, member, h, &pos)) {
        return n;
    }
    return find_in(old_, member, h, &pos);
}

void ZIndex::put(ZIndexTable& t, uintptr_t v, uint64_t h) {
    size_t p = t.home(h);
    while (t.slots[p] != 0) {
        p = (p + 1) & t.mask();
    }
    t.slots[p] = v;
    t.used++;
}

void ZIndex::start_resize(size_t cap) {
    if (old_.cap != 0) {
        // Unreachable by the load arithmetic above (grow x2 at 0.8, shrink /2 under 0.1, 16
        // slots drained per write); kept as a safe fallback.
        step(old_.cap);
    }
    old_ = cur_;
    cur_ = make_table(cap);
    drain_pos_ = 0;
}

void ZIndex::step(size_t n) {
    if (old_.cap == 0) {
        return;
    }
    for (; n > 0 && drain_pos_ < old_.cap; n--, drain_pos_++) {
        uintptr_t s = old_.slots[drain_pos_];
        if (s > kTomb) {
            // A tombstone, not an empty slot: later members of the same cluster must stay
            // reachable by lookups until they move too.
            old_.slots[drain_pos_] = kTomb;
            old_.used--;
            put(cur_, s, zmember_hash(node_of(s)->member()));
        }
    }
    if (drain_pos_ == old_.cap) {
        free(old_.slots);
        old_ = ZIndexTable{};
    }
}

void ZIndex::insert(ZSkipNode* n, uint64_t h) {
    step(kRehashStep);
    if ((cur_.used + 1) * 5 > cur_.cap * 4) {
        start_resize(cur_.cap * 2);
    }
    put(cur_, tagged(n, h), h);
}

void ZIndex::erase(ZSkipNode* n, uint64_t h) {
    step(kRehashStep);
    size_t pos;
    if (find_in(old_, n->member(), h, &pos) == n) {
        old_.slots[pos] = kTomb;
        old_.used--;
    } else if (find_in(cur_, n->member(), h, &pos) == n) {
        // Backward-shift deletion keeps the current table free of tombstones.
        ZIndexTable& t = cur_;
        size_t i = pos;
        for (size_t j = (i + 1) & t.mask(); t.slots[j] != 0; j = (j + 1) & t.mask()) {
            size_t k = t.home(zmember_hash(node_of(t.slots[j])->member()));
            // Move j into the hole at i unless its home lies cyclically in (i, j].
            bool home_between = (i <= j) ? (i < k && k <= j) : (i < k || k <= j);
            if (!home_between) {
                t.slots[i] = t.slots[j];
                i = j;
            }
        }
        t.slots[i] = 0;
        t.used--;
    }
    // Shrink by half only: the new table starts under 0.2 load, so it cannot fill to 0.8
    // before the old one has drained (N/16 writes), and start_resize never has to finish a
    // drain at once. A set that lost most of its members halves again on later erases.
    if (old_.cap == 0 && cur_.cap > kMinCap && cur_.used * 10 < cur_.cap) {
        start_resize(cur_.cap / 2);
    }
}

// ---- SkipList ------------------------------------------------------------------------------

ZSet::SkipList::SkipList() {
    size_t sz = node_size(0, kZSkipMaxLevel);
    header = static_cast<ZSkipNode*>(calloc(1, sz));
    header->level = kZSkipMaxLevel;
    node_bytes = alloc_size_class(sz);
}

ZSet::SkipList::~SkipList() {
    ZSkipNode* x = header->fwd()[0];
    while (x != nullptr) {
        ZSkipNode* next = x->fwd()[0];
        free(x);
        x = next;
    }
    free(header);
}

int ZSet::SkipList::random_level() {
    int lvl = 1;
    for (;;) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        // ZSKIPLIST_P = 0.25: each 2-bit draw continues with probability 1/4.
        if ((rng & 3) != 0 || lvl >= kZSkipMaxLevel) {
            return lvl;
        }
        lvl++;
    }
}

ZSkipNode* ZSet::SkipList::make_node(std::string_view member, double score) {
    int lvl = random_level();
    size_t sz = node_size(member.size(), lvl);
    auto* n = static_cast<ZSkipNode*>(malloc(sz));
    n->score = score;
    n->backward = nullptr;
    n->len = static_cast<uint32_t>(member.size());
    n->level = static_cast<uint8_t>(lvl);
    if (!member.empty()) {
        memcpy(n->mem(), member.data(), member.size());
    }
    node_bytes += alloc_size_class(sz);
    return n;
}

void ZSet::SkipList::free_node(ZSkipNode* n) {
    node_bytes -= alloc_size_class(node_size(n->len, n->level));
    free(n);
}

void ZSet::SkipList::predecessors(const ZSkipNode* n, ZSkipNode** update) const {
    ZSkipNode* x = header;
    std::string_view m = n->member();
    for (int i = level - 1; i >= 0; i--) {
        while (x->fwd()[i] != nullptr && x->fwd()[i] != n && node_less(x->fwd()[i], n->score, m)) {
            x = x->fwd()[i];
        }
        update[i] = x;
    }
}

void ZSet::SkipList::link(ZSkipNode* n) {
    ZSkipNode* update[kZSkipMaxLevel];
    size_t rank[kZSkipMaxLevel];
    ZSkipNode* x = header;
    std::string_view m = n->member();
    for (int i = level - 1; i >= 0; i--) {
        rank[i] = (i == level - 1) ? 0 : rank[i + 1];
        while (x->fwd()[i] != nullptr && node_less(x->fwd()[i], n->score, m)) {
            rank[i] += x->span()[i];
            x = x->fwd()[i];
        }
        update[i] = x;
    }
    int lvl = n->level;
    if (lvl > level) {
        for (int i = level; i < lvl; i++) {
            rank[i] = 0;
            update[i] = header;
            header->span()[i] = static_cast<uint32_t>(length);
        }
        level = lvl;
    }
    for (int i = 0; i < lvl; i++) {
        n->fwd()[i] = update[i]->fwd()[i];
        update[i]->fwd()[i] = n;
        n->span()[i] = static_cast<uint32_t>(update[i]->span()[i] - (rank[0] - rank[i]));
        update[i]->span()[i] = static_cast<uint32_t>(rank[0] - rank[i] + 1);
    }
    for (int i = lvl; i < level; i++) {
        update[i]->span()[i]++;
    }
    n->backward = (update[0] == header) ? nullptr : update[0];
    if (n->fwd()[0] != nullptr) {
        n->fwd()[0]->backward = n;
    } else {
        tail = n;
    }
    length++;
}

void ZSet::SkipList::unlink(ZSkipNode* x, ZSkipNode** update) {
    for (int i = 0; i < level; i++) {
        if (update[i]->fwd()[i] == x) {
            update[i]->span()[i] += x->span()[i] - 1;
            update[i]->fwd()[i] = x->fwd()[i];
        } else {
            update[i]->span()[i]--;
        }
    }
    if (x->fwd()[0] != nullptr) {
        x->fwd()[0]->backward = x->backward;
    } else {
        tail = x->backward;
    }
    while (level > 1 && header->fwd()[level - 1] == nullptr) {
        level--;
    }
    length--;
}

size_t ZSet::SkipList::rank_of(const ZSkipNode* n) const {
    size_t r = 0;
    const ZSkipNode* x = header;
    std::string_view m = n->member();
    for (int i = level - 1; i >= 0; i--) {
        while (x->fwd()[i] != nullptr &&
               (x->fwd()[i] == n || node_less(x->fwd()[i], n->score, m))) {
            r += x->span()[i];
            x = x->fwd()[i];
        }
        if (x == n) {
            return r;
        }
    }
    return r;
}

ZSkipNode* ZSet::SkipList::at_rank(size_t r) const {
    size_t traversed = 0;
    ZSkipNode* x = header;
    for (int i = level - 1; i >= 0; i--) {
        while (x->fwd()[i] != nullptr && traversed + x->span()[i] <= r) {
            traversed += x->span()[i];
            x = x->fwd()[i];
        }
        if (traversed == r) {
            return x;
        }
    }
    return nullptr;
}

void ZSet::SkipList::insert(std::string_view member, double score) {
    ZSkipNode* n = make_node(member, score);
    link(n);
    index.insert(n, zmember_hash(member));
}

bool ZSet::SkipList::update(std::string_view member, double score) {
    ZSkipNode* n = index.find(member, zmember_hash(member));
    if (n == nullptr) {
        return false;
    }
    // zslUpdateScore: the node stays in place when its neighbours still bracket it.
    ZSkipNode* next = n->fwd()[0];
    bool after_prev = n->backward == nullptr || node_less(n->backward, score, member);
    bool before_next =
        next == nullptr || score < next->score || (score == next->score && member < next->member());
    if (after_prev && before_next) {
        n->score = score;
        return true;
    }
    ZSkipNode* upd[kZSkipMaxLevel];
    predecessors(n, upd);
    unlink(n, upd);
    n->score = score;
    link(n);
    return true;
}

bool ZSet::SkipList::erase(std::string_view member) {
    uint64_t h = zmember_hash(member);
    ZSkipNode* n = index.find(member, h);
    if (n == nullptr) {
        return false;
    }
    ZSkipNode* upd[kZSkipMaxLevel];
    predecessors(n, upd);
    unlink(n, upd);
    index.erase(n, h);
    free_node(n);
    return true;
}

size_t ZSet::SkipList::erase_ranks(size_t from, size_t to) {
    ZSkipNode* update[kZSkipMaxLevel];
    size_t traversed = 0;
    ZSkipNode* x = header;
    for (int i = level - 1; i >= 0; i--) {
        while (x->fwd()[i] != nullptr && traversed + x->span()[i] < from) {
            traversed += x->span()[i];
            x = x->fwd()[i];
        }
        update[i] = x;
    }
    traversed++;
    x = x->fwd()[0];
    size_t removed = 0;
    while (x != nullptr && traversed <= to) {
        ZSkipNode* next = x->fwd()[0];
        unlink(x, update);
        index.erase(x, zmember_hash(x->member()));
        free_node(x);
        removed++;
        traversed++;
        x = next;
    }
    return removed;
}

}  // namespace slotcache::keyspace
