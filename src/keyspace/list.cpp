// List (list.h): the quicklist of listpack nodes. The listpack byte format follows Redis'
// listpack.c: an entry is <encoding+len><data><backlen>, backlen being the size of the first
// two parts as a big-endian-ish base-128 number read from its last byte backwards.
#include "keyspace/list.h"

#include <charconv>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace slotcache::keyspace {

namespace listpack {

namespace {

size_t header_len(size_t len) {
    return len < 64 ? 1 : len < 4096 ? 2 : 5;
}

size_t backlen_size(size_t l) {
    return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

// lpEncodeBacklen: the most significant 7-bit group first; every byte but the first carries
// the continuation bit, so reading backwards from the last byte finds the end.
void write_backlen(uint8_t* p, size_t l) {
    size_t n = backlen_size(l);
    for (size_t i = 0; i < n; i++) {
        size_t shift = 7 * (n - 1 - i);
        uint8_t b = static_cast<uint8_t>((l >> shift) & 127);
        p[i] = i == 0 ? b : static_cast<uint8_t>(b | 128);
    }
}

// p: the last byte of a backlen. Returns the encoded value; *n = its byte count.
size_t read_backlen(const uint8_t* p, size_t* n) {
    size_t val = 0;
    size_t shift = 0;
    size_t k = 0;
    for (;;) {
        val |= static_cast<size_t>(p[0] & 127) << shift;
        k++;
        if (!(p[0] & 128))
            break;
        shift += 7;
        p--;
    }
    *n = k;
    return val;
}

uint32_t total_bytes(const uint8_t* lp) {
    uint32_t v;
    memcpy(&v, lp, 4);
    return v;
}

void set_header(uint8_t* lp, uint32_t bytes, uint32_t count) {
    memcpy(lp, &bytes, 4);
    uint16_t c = count < 65535 ? static_cast<uint16_t>(count) : 65535;
    memcpy(lp + 4, &c, 2);
}

// lpStringToInt64: only the canonical decimal form of an int64 ("12", "-7"; not "012", "+1",
// "-0", " 1") is stored as an integer, so every element reads back byte for byte.
bool canonical_int(std::string_view s, long long* out) {
    size_t n = s.size();
    if (n == 0 || n > 20)
        return false;
    size_t i = 0;
    bool neg = s[0] == '-';
    if (neg) {
        if (n == 1)
            return false;
        i = 1;
    }
    if (s[i] == '0') {
        if (n != i + 1 || neg)
            return false;
        *out = 0;
        return true;
    }
    unsigned long long v = 0;
    for (; i < n; i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < '0' || c > '9')
            return false;
        unsigned long long d = c - '0';
        if (v > (ULLONG_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > static_cast<unsigned long long>(LLONG_MAX) + 1)
            return false;
        *out = static_cast<long long>(0 - v);
    } else {
        if (v > static_cast<unsigned long long>(LLONG_MAX))
            return false;
        *out = static_cast<long long>(v);
    }
    return true;
}

// Bytes of an integer entry's encoding byte + payload (listpack.c lpEncodeIntegerGetType).
size_t int_len(long long v) {
    if (v >= 0 && v <= 127)
        return 1;
    if (v >= -4096 && v <= 4095)
        return 2;
    if (v >= -32768 && v <= 32767)
        return 3;
    if (v >= -8388608 && v <= 8388607)
        return 4;
    if (v >= -2147483648LL && v <= 2147483647LL)
        return 5;
    return 9;
}

void write_le(uint8_t* p, unsigned long long u, size_t bytes) {
    for (size_t i = 0; i < bytes; i++)
        p[i] = static_cast<uint8_t>(u >> (8 * i));
}

unsigned long long read_le(const uint8_t* p, size_t bytes) {
    unsigned long long u = 0;
    for (size_t i = 0; i < bytes; i++)
        u |= static_cast<unsigned long long>(p[i]) << (8 * i);
    return u;
}

// Sign-extends the low `bits` bits of u.
long long sign_extend(unsigned long long u, unsigned bits) {
    unsigned long long m = 1ULL << (bits - 1);
    return static_cast<long long>((u ^ m) - m);
}

// Decodes the entry at p: either a string (view into the listpack) or an integer. *total: the
// whole entry's size including its backlen.
struct Decoded {
    bool is_int;
    long long ival;
    std::string_view sval;
};

Decoded decode(const uint8_t* p, size_t* total) {
    uint8_t b = p[0];
    size_t hdr = 1;
    size_t len = 0;
    Decoded d{false, 0, {}};
    if ((b & 0x80) == 0) {
        d = {true, b & 0x7F, {}};
    } else if ((b & 0xC0) == 0x80) {
        len = b & 0x3F;
    } else if ((b & 0xE0) == 0xC0) {
        d = {true, sign_extend((static_cast<unsigned long long>(b & 0x1F) << 8) | p[1], 13), {}};
        hdr = 2;
    } else if ((b & 0xF0) == 0xE0) {
        len = (static_cast<size_t>(b & 0x0F) << 8) | p[1];
        hdr = 2;
    } else if (b == 0xF0) {
        len = read_le(p + 1, 4);
        hdr = 5;
    } else {
        // 0xF1..0xF4: 16, 24, 32, 64-bit integers.
        static constexpr unsigned kBytes[] = {2, 3, 4, 8};
        unsigned nb = kBytes[(b - 0xF1) & 3];
        d = {true, sign_extend(read_le(p + 1, nb), nb * 8), {}};
        hdr = 1 + nb;
    }
    if (!d.is_int)
        d.sval = {reinterpret_cast<const char*>(p + hdr), len};
    *total = hdr + len + backlen_size(hdr + len);
    return d;
}

// The element at p as text; an integer is formatted into buf (kIntBufLen bytes).
std::string_view entry_value(const uint8_t* p, size_t* total, char* buf) {
    Decoded d = decode(p, total);
    if (!d.is_int)
        return d.sval;
    auto r = std::to_chars(buf, buf + kIntBufLen, d.ival);
    return {buf, static_cast<size_t>(r.ptr - buf)};
}

size_t entry_total(const uint8_t* p) {
    size_t t;
    decode(p, &t);
    return t;
}

}  // namespace

Encoded encode(std::string_view v) {
    Encoded e{false, 0, v, 0};
    long long iv;
    if (canonical_int(v, &iv)) {
        e.is_int = true;
        e.ival = iv;
        size_t l = int_len(iv);
        e.size = l + backlen_size(l);
    } else {
        e.size = entry_size(v.size());
    }
    return e;
}

namespace {

void write_entry(uint8_t* p, const Encoded& e) {
    if (e.is_int) {
        long long v = e.ival;
        size_t l = int_len(v);
        auto u = static_cast<unsigned long long>(v);
        if (l == 1) {
            p[0] = static_cast<uint8_t>(v);
        } else if (l == 2) {
            unsigned long long w = u & 0x1FFF;
            p[0] = static_cast<uint8_t>(0xC0 | (w >> 8));
            p[1] = static_cast<uint8_t>(w & 0xFF);
        } else {
            p[0] = static_cast<uint8_t>(l == 3 ? 0xF1 : l == 4 ? 0xF2 : l == 5 ? 0xF3 : 0xF4);
            write_le(p + 1, u, l - 1);
        }
        write_backlen(p + l, l);
        return;
    }
    std::string_view v = e.sval;
    size_t len = v.size();
    size_t hdr = header_len(len);
    if (hdr == 1) {
        p[0] = static_cast<uint8_t>(0x80 | len);
    } else if (hdr == 2) {
        p[0] = static_cast<uint8_t>(0xE0 | (len >> 8));
        p[1] = static_cast<uint8_t>(len & 0xFF);
    } else {
        p[0] = 0xF0;
        write_le(p + 1, len, 4);
    }
    if (len > 0)
        memcpy(p + hdr, v.data(), len);
    write_backlen(p + hdr + len, hdr + len);
}

// The entry before p, or nullptr when p is the first.
const uint8_t* prev_entry(const uint8_t* lp, const uint8_t* p) {
    if (p == lp + kHeaderSize)
        return nullptr;
    size_t n;
    size_t l = read_backlen(p - 1, &n);
    return p - n - l;
}

const uint8_t* last_entry(const uint8_t* lp) {
    return prev_entry(lp, lp + total_bytes(lp) - 1);
}

}  // namespace

size_t entry_size(size_t len) {
    size_t h = header_len(len);
    return h + len + backlen_size(h + len);
}

}  // namespace listpack

using namespace listpack;

namespace {

// list-max-listpack-size's negative levels (Redis' optimization_level).
constexpr size_t kSizeLimits[] = {4096, 8192, 16384, 32768, 65536};
// A positive fill still caps a node's bytes (Redis' SIZE_SAFETY_LIMIT).
constexpr size_t kSafetyLimit = 8192;

}  // namespace

List::List(int fill) : fill_(fill == 0 ? 1 : fill) {}

List::~List() {
    for (Node& n : nodes_)
        free(n.lp);
}

bool List::allows_insert(const Node& n, size_t entry_bytes) const {
    size_t new_sz = total_bytes(n.lp) + entry_bytes;
    if (fill_ < 0) {
        int level = -fill_ - 1;
        if (level > 4)
            level = 4;
        return new_sz <= kSizeLimits[level];
    }
    return n.count + 1 <= static_cast<uint32_t>(fill_) && new_sz <= kSafetyLimit;
}

List::Node List::new_node() {
    auto* lp = static_cast<uint8_t*>(malloc(kHeaderSize + 1));
    set_header(lp, kHeaderSize + 1, 0);
    lp[kHeaderSize] = kEof;
    return Node{lp, 0};
}

void List::node_insert(size_t ni, size_t off, const Encoded& e) {
    Node& n = nodes_[ni];
    size_t es = e.size;
    uint32_t old = total_bytes(n.lp);
    n.lp = static_cast<uint8_t*>(realloc(n.lp, old + es));
    memmove(n.lp + off + es, n.lp + off, old - off);
    write_entry(n.lp + off, e);
    n.count++;
    set_header(n.lp, static_cast<uint32_t>(old + es), n.count);
    count_++;
}

bool List::node_delete(size_t ni, size_t off) {
    Node& n = nodes_[ni];
    count_--;
    if (n.count == 1) {
        free_node(ni);
        return false;
    }
    size_t es = entry_total(n.lp + off);
    uint32_t old = total_bytes(n.lp);
    memmove(n.lp + off, n.lp + off + es, old - off - es);
    n.count--;
    set_header(n.lp, static_cast<uint32_t>(old - es), n.count);
    // Shrink only past a quarter of slack: pops at the head of a big node stay O(node) memmove
    // without a realloc each time.
    if (old - es < old / 4 * 3) {
        n.lp = static_cast<uint8_t*>(realloc(n.lp, old - es));
    }
    return true;
}

void List::free_node(size_t ni) {
    free(nodes_[ni].lp);
    nodes_.erase(nodes_.begin() + static_cast<long>(ni));
}

void List::push_front(std::string_view v) {
    Encoded e = encode(v);
    if (nodes_.empty() || !allows_insert(nodes_.front(), e.size)) {
        nodes_.insert(nodes_.begin(), new_node());
    }
    node_insert(0, kHeaderSize, e);
}

void List::push_back(std::string_view v) {
    Encoded e = encode(v);
    if (nodes_.empty() || !allows_insert(nodes_.back(), e.size)) {
        nodes_.push_back(new_node());
    }
    size_t ni = nodes_.size() - 1;
    node_insert(ni, total_bytes(nodes_[ni].lp) - 1, e);
}

bool List::pop_front(std::string* out) {
    if (count_ == 0)
        return false;
    size_t t;
    char buf[kIntBufLen];
    out->assign(entry_value(nodes_[0].lp + kHeaderSize, &t, buf));
    node_delete(0, kHeaderSize);
    return true;
}

bool List::pop_back(std::string* out) {
    if (count_ == 0)
        return false;
    size_t ni = nodes_.size() - 1;
    const uint8_t* lp = nodes_[ni].lp;
    const uint8_t* p = last_entry(lp);
    size_t t;
    char buf[kIntBufLen];
    out->assign(entry_value(p, &t, buf));
    node_delete(ni, static_cast<size_t>(p - lp));
    return true;
}

void List::locate(size_t i, size_t* ni, size_t* off) const {
    size_t n = 0;
    if (i < count_ / 2) {
        while (i >= nodes_[n].count)
            i -= nodes_[n++].count;
    } else {
        size_t from_end = count_ - 1 - i;
        n = nodes_.size() - 1;
        while (from_end >= nodes_[n].count)
            from_end -= nodes_[n--].count;
        i = nodes_[n].count - 1 - from_end;
    }
    const uint8_t* lp = nodes_[n].lp;
    const uint8_t* p;
    if (i < nodes_[n].count / 2) {
        p = lp + kHeaderSize;
        while (i-- > 0)
            p += entry_total(p);
    } else {
        p = last_entry(lp);
        for (size_t k = nodes_[n].count - 1; k > i; k--)
            p = prev_entry(lp, p);
    }
    *ni = n;
    *off = static_cast<size_t>(p - lp);
}

std::string_view List::at(size_t i, char* buf) const {
    size_t ni;
    size_t off;
    locate(i, &ni, &off);
    size_t t;
    return entry_value(nodes_[ni].lp + off, &t, buf);
}

void List::split_if_needed(size_t ni) {
    Node& n = nodes_[ni];
    size_t bytes_now = total_bytes(n.lp);
    bool over = fill_ < 0 ? bytes_now > kSizeLimits[-fill_ - 1 > 4 ? 4 : -fill_ - 1]
                          : n.count > static_cast<uint32_t>(fill_) || bytes_now > kSafetyLimit;
    if (n.count < 2 || !over)
        return;
    uint32_t keep = n.count / 2;
    const uint8_t* p = n.lp + kHeaderSize;
    for (uint32_t k = 0; k < keep; k++)
        p += entry_total(p);
    size_t off = static_cast<size_t>(p - n.lp);
    uint32_t bytes = total_bytes(n.lp);
    size_t tail = bytes - 1 - off;
    auto* lp2 = static_cast<uint8_t*>(malloc(kHeaderSize + tail + 1));
    memcpy(lp2 + kHeaderSize, n.lp + off, tail);
    lp2[kHeaderSize + tail] = kEof;
    uint32_t moved = n.count - keep;
    set_header(lp2, static_cast<uint32_t>(kHeaderSize + tail + 1), moved);
    n.lp[off] = kEof;
    n.count = keep;
    set_header(n.lp, static_cast<uint32_t>(off + 1), keep);
    n.lp = static_cast<uint8_t*>(realloc(n.lp, off + 1));
    nodes_.insert(nodes_.begin() + static_cast<long>(ni) + 1, Node{lp2, moved});
}

void List::set(size_t i, std::string_view v) {
    size_t ni;
    size_t off;
    locate(i, &ni, &off);
    // Insert first, then delete the old entry after it (one memmove each, no temporary).
    Encoded e = encode(v);
    node_insert(ni, off, e);
    size_t after = off + e.size;
    count_--;
    Node& n = nodes_[ni];
    size_t es = entry_total(n.lp + after);
    uint32_t old = total_bytes(n.lp);
    memmove(n.lp + after, n.lp + after + es, old - after - es);
    n.count--;
    set_header(n.lp, static_cast<uint32_t>(old - es), n.count);
    split_if_needed(ni);
}

bool List::insert(std::string_view pivot, std::string_view v, bool after) {
    char buf[kIntBufLen];
    for (size_t ni = 0; ni < nodes_.size(); ni++) {
        const uint8_t* lp = nodes_[ni].lp;
        for (const uint8_t* p = lp + kHeaderSize; *p != kEof;) {
            size_t t;
            if (entry_value(p, &t, buf) == pivot) {
                size_t off = static_cast<size_t>(p - lp) + (after ? t : 0);
                Encoded e = encode(v);
                // At a node's edge, a neighbour with room avoids a split (Redis does the same).
                if (after && lp[off] == kEof && ni + 1 < nodes_.size() &&
                    !allows_insert(nodes_[ni], e.size) && allows_insert(nodes_[ni + 1], e.size)) {
                    node_insert(ni + 1, kHeaderSize, e);
                    return true;
                }
                node_insert(ni, off, e);
                split_if_needed(ni);
                return true;
            }
            p += t;
        }
    }
    return false;
}

size_t List::remove(std::string_view v, long long count) {
    size_t limit = count == 0 ? SIZE_MAX : static_cast<size_t>(count < 0 ? -count : count);
    char buf[kIntBufLen];
    size_t removed = 0;
    if (count >= 0) {
        for (size_t ni = 0; ni < nodes_.size() && removed < limit;) {
            size_t off = kHeaderSize;
            bool alive = true;
            while (alive && nodes_[ni].lp[off] != kEof && removed < limit) {
                size_t t;
                if (entry_value(nodes_[ni].lp + off, &t, buf) == v) {
                    alive = node_delete(ni, off);
                    removed++;
                } else {
                    off += t;
                }
            }
            if (alive)
                ni++;
        }
        return removed;
    }
    for (size_t ni = nodes_.size(); ni-- > 0 && removed < limit;) {
        const uint8_t* p = last_entry(nodes_[ni].lp);
        while (p != nullptr && removed < limit) {
            const uint8_t* lp = nodes_[ni].lp;
            const uint8_t* prev = prev_entry(lp, p);
            size_t prev_off = prev ? static_cast<size_t>(prev - lp) : 0;
            size_t t;
            bool alive = true;
            if (entry_value(p, &t, buf) == v) {
                alive = node_delete(ni, static_cast<size_t>(p - lp));
                removed++;
            }
            if (!alive)
                break;
            p = prev ? nodes_[ni].lp + prev_off : nullptr;
        }
    }
    return removed;
}

void List::erase(size_t from, size_t n) {
    size_t ni = 0;
    while (ni < nodes_.size() && from >= nodes_[ni].count)
        from -= nodes_[ni++].count;
    while (n > 0 && ni < nodes_.size()) {
        Node& node = nodes_[ni];
        if (from == 0 && n >= node.count) {
            n -= node.count;
            count_ -= node.count;
            free_node(ni);
            continue;
        }
        // A run of entries inside this node: one memmove.
        uint8_t* p = node.lp + kHeaderSize;
        for (size_t k = 0; k < from; k++)
            p += entry_total(p);
        uint8_t* q = p;
        size_t take = 0;
        while (take < n && *q != kEof) {
            q += entry_total(q);
            take++;
        }
        uint32_t old = total_bytes(node.lp);
        size_t tail = old - static_cast<size_t>(q - node.lp);
        memmove(p, q, tail);
        size_t new_sz = old - static_cast<size_t>(q - p);
        node.count -= static_cast<uint32_t>(take);
        set_header(node.lp, static_cast<uint32_t>(new_sz), node.count);
        node.lp = static_cast<uint8_t*>(realloc(node.lp, new_sz));
        count_ -= take;
        n -= take;
        from = 0;
        ni++;
    }
}

List::Iter::Iter(const List& l, size_t start, bool reverse)
    : l_(l), node_(0), p_(nullptr), reverse_(reverse) {
    if (start >= l.count_)
        return;
    size_t off;
    l.locate(start, &node_, &off);
    p_ = l.nodes_[node_].lp + off;
}

bool List::Iter::next(std::string_view* out) {
    if (p_ == nullptr)
        return false;
    size_t t;
    *out = entry_value(p_, &t, buf_);
    const uint8_t* lp = l_.nodes_[node_].lp;
    if (!reverse_) {
        p_ += t;
        if (*p_ == kEof) {
            node_++;
            p_ = node_ < l_.nodes_.size() ? l_.nodes_[node_].lp + kHeaderSize : nullptr;
        }
    } else {
        p_ = prev_entry(lp, p_);
        if (p_ == nullptr && node_ > 0) {
            node_--;
            p_ = last_entry(l_.nodes_[node_].lp);
        }
    }
    return true;
}

std::string_view List::node_listpack(size_t i) const {
    return {reinterpret_cast<const char*>(nodes_[i].lp), total_bytes(nodes_[i].lp)};
}

size_t List::memory_usage() const {
    size_t total = sizeof(List) + nodes_.capacity() * sizeof(Node);
    for (const Node& n : nodes_)
        total += total_bytes(n.lp);
    return total;
}

std::unique_ptr<Object> List::clone() const {
    auto c = std::make_unique<List>(fill_);
    c->nodes_.reserve(nodes_.size());
    for (const Node& n : nodes_) {
        uint32_t sz = total_bytes(n.lp);
        auto* lp = static_cast<uint8_t*>(malloc(sz));
        memcpy(lp, n.lp, sz);
        c->nodes_.push_back(Node{lp, n.count});
    }
    c->count_ = count_;
    return c;
}

}  // namespace slotcache::keyspace
