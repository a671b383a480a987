// The list family's data operations (lists.h), after Redis 7.0's t_list.c.
#include <memory>

#include "commands/lists.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::Encoding;
using keyspace::Entry;
using keyspace::List;
using keyspace::Type;

namespace {

Result<keyspace::List*> as_list(Entry* e) {
    if (e == nullptr)
        return static_cast<List*>(nullptr);
    if (e->type() != Type::List)
        return Err::WrongType;
    return static_cast<List*>(e->object());
}

// Deletes the key when its list emptied (Redis' listTypeDelRange + dbDelete on empty).
void delete_if_empty(const OpArgs& op, std::string_view key, uint16_t slot, const List* l) {
    if (l->empty())
        op.db.del(key, slot);
}

}  // namespace

bool parse_list_end(std::string_view s, ListEnd* out) {
    if (iequals(s, "left")) {
        *out = ListEnd::Left;
        return true;
    }
    if (iequals(s, "right")) {
        *out = ListEnd::Right;
        return true;
    }
    return false;
}

Result<List*> list_for_read(const OpArgs& op, std::string_view key, uint16_t slot) {
    return as_list(lookup_read(op, key, slot));
}

Result<List*> list_for_write(const OpArgs& op, std::string_view key, uint16_t slot) {
    return as_list(lookup_write(op, key, slot));
}

Result<long long> op_push(const OpArgs& op, std::string_view key, uint16_t slot,
                          std::span<const std::string_view> values, ListEnd end, bool create,
                          int fill) {
    Result<List*> r = list_for_write(op, key, slot);
    if (!r.ok())
        return r.err();
    List* l = *r;
    if (l == nullptr) {
        if (!create)
            return 0LL;
        auto fresh = std::make_unique<List>(fill);
        l = fresh.get();
        op.db.add_object(key, slot, Type::List, Encoding::QuickList, std::move(fresh),
                         keyspace::kNoExpire, op.now_ms);
    }
    for (std::string_view v : values) {
        end == ListEnd::Left ? l->push_front(v) : l->push_back(v);
    }
    return static_cast<long long>(l->size());
}

Result<bool> op_pop(const OpArgs& op, std::string_view key, uint16_t slot, ListEnd end,
                    size_t count, std::vector<std::string>* out) {
    Result<List*> r = list_for_write(op, key, slot);
    if (!r.ok()) {
        out->clear();
        return r.err();
    }
    List* l = *r;
    if (l == nullptr) {
        out->clear();
        return false;
    }
    size_t n = count < l->size() ? count : l->size();
    // resize, not clear + resize: the strings kept keep their capacity, so a caller reusing
    // *out pops without allocating.
    out->resize(n);
    for (size_t i = 0; i < n; i++) {
        end == ListEnd::Left ? l->pop_front(&(*out)[i]) : l->pop_back(&(*out)[i]);
    }
    delete_if_empty(op, key, slot, l);
    return true;
}

Result<bool> op_lmove(const OpArgs& op, std::string_view src, uint16_t src_slot,
                      std::string_view dst, uint16_t dst_slot, ListEnd from, ListEnd to, int fill,
                      std::string* moved) {
    Result<List*> s = list_for_write(op, src, src_slot);
    if (!s.ok())
        return s.err();
    if (*s == nullptr)
        return false;
    Result<List*> d = list_for_write(op, dst, dst_slot);
    if (!d.ok())
        return d.err();
    List* sl = *s;
    from == ListEnd::Left ? sl->pop_front(moved) : sl->pop_back(moved);
    if (sl->empty() && src == dst) {
        // Rotating a one-element list: it is popped and pushed back.
        sl->push_back(*moved);
        return true;
    }
    delete_if_empty(op, src, src_slot, sl);
    std::string_view v = *moved;
    Result<long long> p =
        op_push(op, dst, dst_slot, std::span<const std::string_view>(&v, 1), to, true, fill);
    (void)p;
    return true;
}

bool list_range(long long len, long long start, long long end, size_t* from, size_t* n) {
    if (start < 0)
        start = len + start;
    if (end < 0)
        end = len + end;
    if (start < 0)
        start = 0;
    if (start > end || start >= len)
        return false;
    if (end >= len)
        end = len - 1;
    *from = static_cast<size_t>(start);
    *n = static_cast<size_t>(end - start + 1);
    return true;
}

Result<size_t> op_ltrim(const OpArgs& op, std::string_view key, uint16_t slot, long long start,
                        long long end) {
    Result<List*> r = list_for_write(op, key, slot);
    if (!r.ok())
        return r.err();
    List* l = *r;
    if (l == nullptr)
        return size_t{0};
    size_t len = l->size();
    size_t from = 0;
    size_t n = 0;
    if (!list_range(static_cast<long long>(len), start, end, &from, &n)) {
        op.db.del(key, slot);
        return len;
    }
    size_t tail = len - from - n;
    if (tail > 0)
        l->erase(from + n, tail);
    if (from > 0)
        l->erase(0, from);
    return from + tail;
}

Result<bool> op_lset(const OpArgs& op, std::string_view key, uint16_t slot, long long index,
                     std::string_view value) {
    Result<List*> r = list_for_write(op, key, slot);
    if (!r.ok())
        return r.err();
    List* l = *r;
    if (l == nullptr)
        return Err::NoSuchKey;
    long long len = static_cast<long long>(l->size());
    if (index < 0)
        index += len;
    if (index < 0 || index >= len)
        return Err::OutOfRange;
    l->set(static_cast<size_t>(index), value);
    return true;
}

Result<long long> op_linsert(const OpArgs& op, std::string_view key, uint16_t slot, bool after,
                             std::string_view pivot, std::string_view value) {
    Result<List*> r = list_for_write(op, key, slot);
    if (!r.ok())
        return r.err();
    List* l = *r;
    if (l == nullptr)
        return 0LL;
    if (!l->insert(pivot, value, after))
        return -1LL;
    return static_cast<long long>(l->size());
}

Result<long long> op_lrem(const OpArgs& op, std::string_view key, uint16_t slot, long long count,
                          std::string_view value) {
    Result<List*> r = list_for_write(op, key, slot);
    if (!r.ok())
        return r.err();
    List* l = *r;
    if (l == nullptr)
        return 0LL;
    size_t removed = l->remove(value, count);
    delete_if_empty(op, key, slot, l);
    return static_cast<long long>(removed);
}

Result<std::vector<long long>> op_lpos(const OpArgs& op, std::string_view key, uint16_t slot,
                                       std::string_view element, const LposOptions& o) {
    std::vector<long long> out;
    Result<List*> r = list_for_read(op, key, slot);
    if (!r.ok())
        return r.err();
    const List* l = *r;
    if (l == nullptr)
        return out;
    bool reverse = o.rank < 0;
    // -LLONG_MIN overflows: such a rank can never be reached anyway.
    long long skip = reverse ? (o.rank == LLONG_MIN ? LLONG_MAX : -o.rank) : o.rank;
    skip--;
    long long len = static_cast<long long>(l->size());
    List::Iter it(*l, reverse ? static_cast<size_t>(len - 1) : 0, reverse);
    std::string_view v;
    long long visited = 0;
    long long limit = o.count == -1 ? 1 : o.count;
    while (it.next(&v)) {
        if (o.maxlen != 0 && visited >= o.maxlen)
            break;
        long long idx = reverse ? len - 1 - visited : visited;
        visited++;
        if (v != element)
            continue;
        if (skip > 0) {
            skip--;
            continue;
        }
        out.push_back(idx);
        if (limit != 0 && static_cast<long long>(out.size()) >= limit)
            break;
    }
    return out;
}

}  // namespace slotcache::commands
