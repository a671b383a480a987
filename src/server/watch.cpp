// WatchTable (see watch.h). Loop thread only.
#include "server/watch.h"

#include <algorithm>

#include "common/crc16.h"

namespace slotcache::server {

namespace {

const keyspace::Entry* find_key(const keyspace::Db& db, std::string_view key) {
    return db.find(key, key_slot(key));
}

}  // namespace

WatchTable::WatchTable(int databases) : dbs_(static_cast<size_t>(databases)) {}

void WatchTable::watch(Watcher& w, int db, std::string_view key, bool expired) {
    for (const Watcher::Key& k : w.keys) {
        if (k.db == db && k.key == key)
            return;
    }
    Map& m = dbs_[static_cast<size_t>(db)];
    auto it = m.find(key);
    if (it == m.end()) {
        it = m.emplace(std::string(key), std::vector<Ref>{}).first;
        keys_++;
    }
    it->second.push_back(Ref{&w, expired});
    w.keys.push_back(Watcher::Key{db, std::string(key)});
    pairs_++;
}

void WatchTable::unlink(int db, std::string_view key, const Watcher* w) {
    Map& m = dbs_[static_cast<size_t>(db)];
    auto it = m.find(key);
    if (it == m.end())
        return;
    auto& refs = it->second;
    auto r = std::find_if(refs.begin(), refs.end(), [w](const Ref& x) { return x.w == w; });
    if (r == refs.end())
        return;
    refs.erase(r);
    pairs_--;
    if (refs.empty()) {
        m.erase(it);
        keys_--;
    }
}

void WatchTable::unwatch_all(Watcher& w) {
    for (const Watcher::Key& k : w.keys)
        unlink(k.db, k.key, &w);
    w.keys.clear();
}

void WatchTable::mark_dirty(const std::vector<Watcher*>& ws) {
    for (Watcher* w : ws) {
        w->dirty = true;
        unwatch_all(*w);
    }
}

void WatchTable::touch(const keyspace::Db& db, std::string_view key) {
    touch_key(db.id(), key, &db);
}

void WatchTable::touch_deleted(int db, std::string_view key) {
    touch_key(db, key, nullptr);
}

void WatchTable::touch_key(int db, std::string_view key, const keyspace::Db* exists) {
    Map& m = dbs_[static_cast<size_t>(db)];
    auto it = m.find(key);
    if (it == m.end())
        return;
    std::vector<Watcher*> dirty;
    int exists_now = -1;  // not looked up yet
    for (Ref& r : it->second) {
        if (r.expired) {
            if (exists_now < 0)
                exists_now = exists && find_key(*exists, key) ? 1 : 0;
            // Deleting a key that was already expired at WATCH changes nothing the client saw;
            // from now on it watches a missing key. Present again: see watch.h.
            if (exists_now == 0)
                r.expired = false;
            continue;
        }
        dirty.push_back(r.w);
    }
    // After the walk: unwatching erases from the vector being walked.
    mark_dirty(dirty);
}

void WatchTable::touch_all(int emptied_db, const keyspace::Db& emptied,
                           const keyspace::Db* replaced_with, int64_t now_ms) {
    Map& m = dbs_[static_cast<size_t>(emptied_db)];
    if (m.empty())
        return;
    std::vector<Watcher*> dirty;
    for (auto& [key, refs] : m) {
        bool in_emptied = find_key(emptied, key) != nullptr;
        const keyspace::Entry* repl = replaced_with ? find_key(*replaced_with, key) : nullptr;
        if (!in_emptied && repl == nullptr)
            continue;
        bool repl_expired = repl != nullptr && keyspace::Db::is_expired(repl, now_ms);
        for (Ref& r : refs) {
            if (r.expired) {
                if (repl == nullptr) {
                    r.expired = false;  // the expired key is now deleted: no logical change
                    continue;
                }
                if (repl_expired)
                    continue;  // expired before, expired after
            } else if (!in_emptied && repl_expired) {
                r.expired = true;  // a missing key replaced by an expired one
                continue;
            }
            dirty.push_back(r.w);
        }
    }
    std::sort(dirty.begin(), dirty.end());
    dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());
    mark_dirty(dirty);
}

bool WatchTable::any_expired(const Watcher& w, const keyspace::Keyspace& ks, int64_t now_ms) const {
    for (const Watcher::Key& k : w.keys) {
        const Map& m = dbs_[static_cast<size_t>(k.db)];
        auto it = m.find(k.key);
        if (it == m.end())
            continue;
        for (const Ref& r : it->second) {
            if (r.w != &w)
                continue;
            if (r.expired)
                break;  // expired already when watched
            const keyspace::Entry* e = find_key(ks.db(k.db), k.key);
            if (e != nullptr && keyspace::Db::is_expired(e, now_ms))
                return true;
            break;
        }
    }
    return false;
}

}  // namespace slotcache::server
