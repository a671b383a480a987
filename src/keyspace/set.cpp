// Set (see set.h): the three encodings and Redis 7.2's conversion rules. Loop thread only.
#include "keyspace/set.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "common/random.h"
#include "common/strutil.h"
#include "keyspace/varint.h"

namespace slotcache::keyspace {

namespace {

// Decimal digits of v including the sign (Redis' sdigits10).
size_t sdigits10(long long v) {
    char buf[kIntBufLen];
    return static_cast<size_t>(std::to_chars(buf, buf + sizeof(buf), v).ptr - buf);
}

std::string_view format_ll(long long v, char* buf) {
    return {buf, static_cast<size_t>(std::to_chars(buf, buf + kIntBufLen, v).ptr - buf)};
}

// Redis' LISTPACK_MAX_SAFETY_SIZE: a listpack never grows past 1 GB, whatever the limits say
// (and our 32-bit byte count stays valid).
constexpr size_t kListpackMaxBytes = 1u << 30;

}  // namespace

// The "listpack" encoding: members in insertion order as (varint length, bytes), one buffer.
// Linear scans are fine: at most set-max-listpack-entries (128 by default) short members.
class Set::Small {
public:
    Small() = default;
    ~Small() { std::free(buf_); }
    Small(const Small& o) : bytes_(o.bytes_), count_(o.count_) {
        buf_ = static_cast<char*>(std::malloc(bytes_ == 0 ? 1 : bytes_));
        if (bytes_ != 0)
            std::memcpy(buf_, o.buf_, bytes_);
    }
    Small& operator=(const Small&) = delete;

    size_t size() const { return count_; }
    size_t bytes() const { return bytes_; }

    // The entry at byte offset off and the offset of the next one.
    std::string_view entry(size_t off, size_t* next) const {
        size_t n = 0;
        const char* p = get_varint(buf_ + off, &n);
        *next = static_cast<size_t>(p - buf_) + n;
        return {p, n};
    }

    // Byte offset of m, or -1.
    long find(std::string_view m) const {
        for (size_t off = 0, next = 0; off < bytes_; off = next) {
            if (entry(off, &next) == m)
                return static_cast<long>(off);
        }
        return -1;
    }

    void append(std::string_view m) {
        size_t hdr = varint_len(m.size());
        buf_ = static_cast<char*>(std::realloc(buf_, bytes_ + hdr + m.size()));
        char* p = buf_ + bytes_;
        put_varint(p, m.size());
        if (!m.empty())
            std::memcpy(p + hdr, m.data(), m.size());
        bytes_ += static_cast<uint32_t>(hdr + m.size());
        count_++;
    }

    void erase(size_t off) {
        size_t next = 0;
        entry(off, &next);
        std::memmove(buf_ + off, buf_ + next, bytes_ - next);
        bytes_ -= static_cast<uint32_t>(next - off);
        count_--;
    }

    std::string_view nth(size_t i) const {
        size_t off = 0;
        size_t next = 0;
        for (;;) {
            std::string_view v = entry(off, &next);
            if (i-- == 0)
                return v;
            off = next;
        }
    }

    void for_each(const MemberFn& fn) const {
        for (size_t off = 0, next = 0; off < bytes_; off = next)
            fn(entry(off, &next));
    }

private:
    char* buf_ = nullptr;
    uint32_t bytes_ = 0;
    uint32_t count_ = 0;
};

Set::Set() : enc_(Encoding::IntSet), is_(new IntSet()) {}

Set::Set(std::unique_ptr<IntSet> is) : enc_(Encoding::IntSet), is_(is.release()) {}

Set::~Set() {
    switch (enc_) {
        case Encoding::IntSet:
            delete is_;
            break;
        case Encoding::ListPack:
            delete lp_;
            break;
        default:
            delete ht_;
            break;
    }
}

std::unique_ptr<Set> Set::create(std::string_view first, size_t size_hint, const SetLimits& lim) {
    auto s = std::make_unique<Set>();
    long long v = 0;
    if (parse_ll(first, &v) && size_hint <= lim.max_intset_entries)
        return s;
    if (size_hint <= lim.max_listpack_entries) {
        s->convert_to_listpack();
    } else {
        s->convert_to_hashtable(size_hint);
    }
    return s;
}

std::unique_ptr<Set> Set::empty_like(Encoding enc, size_t size_hint) {
    auto s = std::make_unique<Set>();
    if (enc == Encoding::ListPack) {
        s->convert_to_listpack();
    } else if (enc == Encoding::HashTable) {
        s->convert_to_hashtable(size_hint);
    }
    return s;
}

size_t Set::size() const {
    switch (enc_) {
        case Encoding::IntSet:
            return is_->size();
        case Encoding::ListPack:
            return lp_->size();
        default:
            return ht_->size();
    }
}

bool Set::contains(std::string_view m) const {
    switch (enc_) {
        case Encoding::IntSet: {
            long long v = 0;
            return parse_ll(m, &v) && is_->contains(v);
        }
        case Encoding::ListPack:
            return lp_->find(m) >= 0;
        default:
            return ht_->contains(m);
    }
}

bool Set::add(std::string_view m, const SetLimits& lim) {
    if (enc_ == Encoding::IntSet) {
        long long v = 0;
        if (parse_ll(m, &v)) {
            if (!is_->add(v))
                return false;
            if (is_->size() > lim.max_intset_entries)
                convert_to_hashtable(is_->size());
            return true;
        }
        // Redis 7.2: a listpack only if every member, the intset's widest included, fits it.
        size_t n = is_->size();
        size_t widest = n == 0 ? 0 : std::max(sdigits10(is_->at(0)), sdigits10(is_->at(n - 1)));
        if (n < lim.max_listpack_entries && m.size() <= lim.max_listpack_value &&
            widest <= lim.max_listpack_value && (n + 1) * (widest + m.size()) < kListpackMaxBytes) {
            convert_to_listpack();
        } else {
            convert_to_hashtable(n + 1);
        }
    }
    if (enc_ == Encoding::ListPack) {
        if (lp_->find(m) >= 0)
            return false;
        if (lp_->size() < lim.max_listpack_entries && m.size() <= lim.max_listpack_value &&
            lp_->bytes() + m.size() + 8 < kListpackMaxBytes) {
            lp_->append(m);
            return true;
        }
        convert_to_hashtable(lp_->size() + 1);
    }
    return ht_->add(m);
}

bool Set::remove(std::string_view m) {
    switch (enc_) {
        case Encoding::IntSet: {
            long long v = 0;
            return parse_ll(m, &v) && is_->remove(v);
        }
        case Encoding::ListPack: {
            long off = lp_->find(m);
            if (off < 0)
                return false;
            lp_->erase(static_cast<size_t>(off));
            return true;
        }
        default:
            return ht_->remove(m);
    }
}

std::string_view Set::random_member(char* buf) const {
    switch (enc_) {
        case Encoding::IntSet:
            return format_ll(is_->at(random_below(is_->size())), buf);
        case Encoding::ListPack:
            return lp_->nth(random_below(lp_->size()));
        default:
            return ht_->random_member();
    }
}

void Set::for_each(const MemberFn& fn) const {
    switch (enc_) {
        case Encoding::IntSet: {
            char buf[kIntBufLen];
            for (size_t i = 0; i < is_->size(); i++)
                fn(format_ll(is_->at(i), buf));
            break;
        }
        case Encoding::ListPack:
            lp_->for_each(fn);
            break;
        default:
            ht_->for_each(fn);
            break;
    }
}

uint64_t Set::scan(uint64_t cursor, const MemberFn& fn) const {
    if (enc_ == Encoding::HashTable)
        return ht_->scan(cursor, fn);
    for_each(fn);
    return 0;
}

void Set::convert_to_listpack() {
    auto* lp = new Small();
    if (enc_ == Encoding::IntSet) {
        char buf[kIntBufLen];
        for (size_t i = 0; i < is_->size(); i++)
            lp->append(format_ll(is_->at(i), buf));
        delete is_;
    }
    lp_ = lp;
    enc_ = Encoding::ListPack;
}

void Set::convert_to_hashtable(size_t hint) {
    if (enc_ == Encoding::HashTable)
        return;
    auto* ht = new MemberTable();
    ht->reserve(std::max(hint, size()));
    for_each([ht](std::string_view m) { ht->add(m); });
    if (enc_ == Encoding::IntSet) {
        delete is_;
    } else {
        delete lp_;
    }
    ht_ = ht;
    enc_ = Encoding::HashTable;
}

size_t Set::memory_usage() const {
    switch (enc_) {
        case Encoding::IntSet:
            return sizeof(*this) + is_->memory_usage();
        case Encoding::ListPack:
            return sizeof(*this) + sizeof(Small) + lp_->bytes();
        default:
            return sizeof(*this) + ht_->memory_usage();
    }
}

std::unique_ptr<Object> Set::clone() const {
    auto s = std::make_unique<Set>();
    switch (enc_) {
        case Encoding::IntSet:
            delete s->is_;
            s->is_ = new IntSet(*is_);
            break;
        case Encoding::ListPack:
            delete s->is_;
            s->lp_ = new Small(*lp_);
            s->enc_ = Encoding::ListPack;
            break;
        default:
            s->convert_to_hashtable(size());
            for_each([&s](std::string_view m) { s->ht_->add(m); });
            break;
    }
    return s;
}

}  // namespace slotcache::keyspace
