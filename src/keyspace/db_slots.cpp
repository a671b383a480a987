// Db operations over slots and whole databases: per-slot counts and enumeration, drop_slot,
// fair random keys (Fenwick tree over slot counts), SCAN across slots, FLUSHDB (sync and
// detached), and the incremental rehash of resizing slot tables. Loop thread only, except
// ~DbContents which may run on a lazy-free thread.
#include <utility>

#include "common/random.h"
#include "keyspace/db_internal.h"
#include "keyspace/keyspace.h"
#include "common/clock.h"

namespace slotcache::keyspace {

namespace {

constexpr uint64_t kSlotMask = kSlotCount - 1;  // the cursor's low 14 bits
constexpr int kSlotBits = 14;
constexpr int kRehashBucketsPerStep = 100;
constexpr int kRandomLiveMaxTries = 100;  // Redis dbRandomKey's bound in replica mode

}  // namespace

void SlotArray::fenwick_add(uint16_t slot, int32_t delta) {
    for (size_t i = size_t{slot} + 1; i <= kSlotCount; i += i & (~i + 1)) {
        fenwick[i] = static_cast<uint32_t>(static_cast<int64_t>(fenwick[i]) + delta);
    }
}

uint16_t SlotArray::fenwick_find(uint64_t r) const {
    size_t pos = 0;
    for (size_t step = kSlotCount; step > 0; step >>= 1) {
        if (pos + step <= kSlotCount && fenwick[pos + step] <= r) {
            pos += step;
            r -= fenwick[pos];
        }
    }
    return static_cast<uint16_t>(pos);  // 1-based pos + 1 is the slot, minus 1 for 0-based
}

DbContents::~DbContents() {
    if (!slots) {
        return;
    }
    for (Table*& t : slots->tables) {
        if (t != nullptr) {
            t->for_each([](Entry* e) { free_entry(e); });
            delete t;
            t = nullptr;
        }
    }
}

size_t Db::clear() {
    size_t n = c_->keys;
    delete c_;
    c_ = new DbContents;
    return n;
}

DbContentsPtr Db::detach() {
    DbContentsPtr old(c_);
    c_ = new DbContents;
    return old;
}

size_t Db::slot_size(uint16_t slot) const {
    Table* t = table(slot);
    return t ? t->size() : 0;
}

size_t Db::keys_in_slot(uint16_t slot, size_t count, std::vector<std::string_view>* out) const {
    Table* t = table(slot);
    if (t == nullptr || count == 0) {
        return 0;
    }
    struct Ctx {
        std::vector<std::string_view>* out;
        size_t left;
    } ctx{out, count};
    // Scan steps visit each bucket once when the table does not change, and stop early.
    uint64_t cursor = 0;
    do {
        cursor = t->scan(
            cursor,
            [](void* p, Entry* e) {
                auto* c = static_cast<Ctx*>(p);
                if (c->left > 0) {
                    c->out->push_back(e->key());
                    c->left--;
                }
            },
            &ctx);
    } while (cursor != 0 && ctx.left > 0);
    return count - ctx.left;
}

size_t Db::drop_slot(uint16_t slot, const std::function<void(std::string_view)>& fn) {
    Table* t = table(slot);
    if (t == nullptr) {
        return 0;
    }
    size_t n = t->size();
    t->for_each([&](Entry* e) {
        if (fn) {
            fn(e->key());
        }
        if (e->has_expire()) {
            volatile_remove(e);
        }
        dispose(e, owner_->lazyfree_config().server_del);
    });
    delete t;
    c_->slots->tables[slot] = nullptr;
    c_->slots->fenwick_add(slot, -static_cast<int32_t>(n));
    c_->keys -= n;
    return n;
}

Entry* Db::random_entry() const {
    if (c_->keys == 0) {
        return nullptr;
    }
    uint16_t slot = c_->slots->fenwick_find(random_below(c_->keys));
    return c_->slots->tables[slot]->random_entry();
}

Entry* Db::random_live(int64_t now_ms) {
    int tries = kRandomLiveMaxTries;
    while (Entry* e = random_entry()) {
        if (!is_expired(e, now_ms)) {
            return e;
        }
        if (owner_->expire_deletes()) {
            remove_expired(e);
            continue;
        }
        // Replica: expired keys stay until the master's DEL; do not loop forever over a
        // keyspace where every key is logically expired.
        if (--tries == 0) {
            return e;
        }
    }
    return nullptr;
}

uint64_t Db::scan_step(uint64_t cursor, const std::function<void(const Entry*)>& fn) const {
    if (!c_->slots) {
        return 0;
    }
    size_t slot = cursor & kSlotMask;
    uint64_t tc = cursor >> kSlotBits;
    while (slot < kSlotCount && c_->slots->tables[slot] == nullptr) {
        slot++;
        tc = 0;  // a slot that emptied mid-scan restarts the next one from its beginning
    }
    if (slot == kSlotCount) {
        return 0;
    }
    tc = c_->slots->tables[slot]->scan(
        tc, [](void* p, Entry* e) { (*static_cast<const std::function<void(const Entry*)>*>(p))(e); },
        const_cast<std::function<void(const Entry*)>*>(&fn));
    if (tc == 0) {
        slot++;
        return slot == kSlotCount ? 0 : slot;
    }
    return (tc << kSlotBits) | slot;
}

uint64_t Db::scan(uint64_t cursor, size_t count,
                  const std::function<void(const Entry*)>& fn) const {
    size_t seen = 0;
    std::function<void(const Entry*)> counting = [&](const Entry* e) {
        seen++;
        fn(e);
    };
    size_t max_steps = count * 10;
    do {
        cursor = scan_step(cursor, counting);
    } while (cursor != 0 && max_steps-- > 0 && seen < count);
    return cursor;
}

bool Db::rehash_step(int64_t budget_us) {
    int64_t start = monotonic_us();
    auto& list = c_->rehashing;
    while (!list.empty()) {
        uint16_t slot = list.back();
        Table* t = table(slot);
        if (t == nullptr || !t->is_rehashing()) {
            if (t != nullptr) {
                t->set_in_rehash_list(false);
            }
            list.pop_back();
            continue;
        }
        t->rehash_buckets(kRehashBucketsPerStep);
        if (monotonic_us() - start >= budget_us) {
            return true;
        }
    }
    return false;
}

}  // namespace slotcache::keyspace
