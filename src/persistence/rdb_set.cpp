// RDB codec of sets (see rdb_set.h).
#include "persistence/rdb_set.h"

#include <memory>
#include <string>

#include "keyspace/set.h"

namespace slotcache::persistence {

using keyspace::Encoding;
using keyspace::Set;
using keyspace::SetLimits;

bool load_set(RdbReader& r, RdbValue* out) {
    uint64_t n = 0;
    if (!r.read_len(&n, "set length") || !r.check_count(n, 1, "set"))
        return false;
    if (n == 0)
        return r.fail("empty set");
    const SetLimits lim;
    std::unique_ptr<Set> s = n > lim.max_intset_entries ? Set::empty_like(Encoding::HashTable, n)
                                                        : std::make_unique<Set>();
    std::string m;
    for (uint64_t i = 0; i < n; i++) {
        if (!r.read_string(&m))
            return false;
        if (!s->add(m, lim))
            return r.fail("duplicate set member");
    }
    out->type = keyspace::Type::Set;
    out->encoding = s->encoding();
    out->object = std::move(s);
    return true;
}

bool load_set_intset(RdbReader& r, RdbValue* out) {
    std::string blob;
    if (!r.read_string(&blob))
        return false;
    std::unique_ptr<keyspace::IntSet> is(keyspace::IntSet::from_blob(blob));
    if (!is)
        return r.fail("bad intset");
    auto s = std::make_unique<Set>(std::move(is));
    const SetLimits lim;
    if (s->size() > lim.max_intset_entries)
        s->convert_to_hashtable(s->size());
    out->type = keyspace::Type::Set;
    out->encoding = s->encoding();
    out->object = std::move(s);
    return true;
}

bool write_set(RdbWriter& w, const keyspace::Entry* e) {
    const auto* s = static_cast<const Set*>(e->object());
    bool ok = w.write_length(s->size());
    s->for_each([&](std::string_view m) { ok = ok && w.write_string(m); });
    return ok;
}

}  // namespace slotcache::persistence
