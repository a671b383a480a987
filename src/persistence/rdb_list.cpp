// RDB codec of lists (see rdb_list.h).
#include "persistence/rdb_list.h"

#include <memory>
#include <string>

#include "common/strutil.h"
#include "keyspace/list.h"
#include "persistence/rdb_blobs.h"
#include "persistence/rdb_format.h"

namespace slotcache::persistence {

using keyspace::List;

namespace {

// quicklist-2 node containers (Redis' QUICKLIST_NODE_CONTAINER_*).
constexpr uint64_t kContainerPlain = 1;
constexpr uint64_t kContainerPacked = 2;

bool push_items(List* l, std::string_view blob, bool listpack) {
    auto push = [l](const BlobItem& it) {
        if (it.is_int) {
            l->push_back(ll_to_string(it.ival));
        } else {
            l->push_back(it.sval);
        }
        return true;
    };
    return listpack ? decode_listpack(blob, push) : decode_ziplist(blob, push);
}

bool finish(RdbReader& r, std::unique_ptr<List> l, RdbValue* out) {
    if (l->empty())
        return r.fail("empty list");
    out->type = keyspace::Type::List;
    out->encoding = keyspace::Encoding::QuickList;
    out->object = std::move(l);
    return true;
}

}  // namespace

bool load_list_plain(RdbReader& r, RdbValue* out) {
    uint64_t n = 0;
    if (!r.read_len(&n, "list length") || !r.check_count(n, 1, "list"))
        return false;
    auto l = std::make_unique<List>();
    std::string s;
    for (uint64_t i = 0; i < n; i++) {
        if (!r.read_string(&s))
            return false;
        l->push_back(s);
    }
    return finish(r, std::move(l), out);
}

bool load_list_ziplist(RdbReader& r, RdbValue* out) {
    std::string blob;
    if (!r.read_string(&blob))
        return false;
    auto l = std::make_unique<List>();
    if (!push_items(l.get(), blob, false))
        return r.fail("bad ziplist");
    return finish(r, std::move(l), out);
}

bool load_list_quicklist(RdbReader& r, RdbValue* out) {
    uint64_t nodes = 0;
    if (!r.read_len(&nodes, "quicklist length") || !r.check_count(nodes, 1, "quicklist")) {
        return false;
    }
    auto l = std::make_unique<List>();
    std::string blob;
    for (uint64_t i = 0; i < nodes; i++) {
        if (!r.read_string(&blob))
            return false;
        if (!push_items(l.get(), blob, false))
            return r.fail("bad quicklist ziplist node");
    }
    return finish(r, std::move(l), out);
}

bool load_list_quicklist2(RdbReader& r, RdbValue* out) {
    uint64_t nodes = 0;
    if (!r.read_len(&nodes, "quicklist length") || !r.check_count(nodes, 2, "quicklist")) {
        return false;
    }
    auto l = std::make_unique<List>();
    std::string blob;
    for (uint64_t i = 0; i < nodes; i++) {
        uint64_t container = 0;
        if (!r.read_len(&container, "quicklist container") || !r.read_string(&blob)) {
            return false;
        }
        if (container == kContainerPlain) {
            l->push_back(blob);
        } else if (container != kContainerPacked) {
            return r.fail("unknown quicklist node container " + std::to_string(container));
        } else if (!push_items(l.get(), blob, true)) {
            return r.fail("bad quicklist listpack node");
        }
    }
    return finish(r, std::move(l), out);
}

bool write_list_value(RdbWriter& w, const keyspace::Entry* e) {
    const auto* l = static_cast<const List*>(e->object());
    if (!w.write_length(l->node_count()))
        return false;
    for (size_t i = 0; i < l->node_count(); i++) {
        if (!w.write_length(kContainerPacked) || !w.write_string(l->node_listpack(i))) {
            return false;
        }
    }
    return true;
}

}  // namespace slotcache::persistence
