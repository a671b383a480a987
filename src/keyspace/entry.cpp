// Entry accessors: reading string values in their three encodings, the type and encoding names,
// and the MEMORY USAGE estimate. Creation, mutation and freeing are the Db's (keyspace.cpp,
// strings.cpp), which alone know the table the entry is linked in. Loop thread only.
#include "keyspace/entry.h"

#include "common/strutil.h"
#include "keyspace/memory.h"

namespace slotcache::keyspace {

std::string_view type_name(Type t) {
    switch (t) {
        case Type::String: return "string";
        case Type::List: return "list";
        case Type::Set: return "set";
        case Type::ZSet: return "zset";
        case Type::Hash: return "hash";
    }
    return "none";
}

std::string_view encoding_name(Encoding e) {
    switch (e) {
        case Encoding::Raw: return "raw";
        case Encoding::Int: return "int";
        case Encoding::HashTable: return "hashtable";
        case Encoding::ZipMap: return "zipmap";
        case Encoding::LinkedList: return "linkedlist";
        case Encoding::ZipList: return "ziplist";
        case Encoding::IntSet: return "intset";
        case Encoding::SkipList: return "skiplist";
        case Encoding::EmbStr: return "embstr";
        case Encoding::QuickList: return "quicklist";
        case Encoding::Stream: return "stream";
        case Encoding::ListPack: return "listpack";
    }
    return "unknown";
}

namespace {

long long load_int(const char* p) {
    long long v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

const char* load_ptr(const char* p) {
    const char* v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

}  // namespace

std::string_view Entry::string_value(char* buf) const {
    switch (encoding()) {
        case Encoding::Int: return {buf, ll_to_chars(load_int(payload()), buf)};
        case Encoding::EmbStr: return {payload(), value_len};
        case Encoding::Raw: return {load_ptr(payload()), value_len};
        default: return {};
    }
}

size_t Entry::string_length() const {
    if (encoding() == Encoding::Int) {
        char buf[kIntBufLen];
        return ll_to_chars(load_int(payload()), buf);
    }
    return value_len;
}

bool Entry::int_value(long long* out) const {
    if (encoding() == Encoding::Int) {
        *out = load_int(payload());
        return true;
    }
    char buf[kIntBufLen];
    std::string_view v = string_value(buf);
    return v.size() <= 20 && parse_ll(v, out);
}

Object* Entry::object() const {
    if (is_string()) {
        return nullptr;
    }
    Object* o;
    std::memcpy(&o, payload(), sizeof(o));
    return o;
}

size_t entry_memory_usage(const Entry* e) {
    size_t n = alloc_usable_size(e);
    if (e->is_string()) {
        if (e->encoding() == Encoding::Raw) {
            n += alloc_usable_size(load_ptr(e->payload()));
        }
    } else if (const Object* o = e->object()) {
        n += o->memory_usage();
    }
    return n;
}

}  // namespace slotcache::keyspace
