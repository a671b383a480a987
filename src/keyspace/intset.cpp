// IntSet (see intset.h). Values are read and written through memcpy: the buffer has no
// alignment guarantee after the 8-byte header as far as the compiler knows. Loop thread only.
#include "keyspace/intset.h"

#include <bit>
#include <cstdlib>
#include <cstring>

namespace slotcache::keyspace {

static_assert(std::endian::native == std::endian::little,
              "the intset bytes are Redis' little-endian layout, used as is");

namespace {

constexpr size_t kHeader = 8;

uint32_t header_u32(const char* p, size_t off) {
    uint32_t v = 0;
    std::memcpy(&v, p + off, 4);
    return v;
}

void put_u32(char* p, size_t off, uint32_t v) {
    std::memcpy(p + off, &v, 4);
}

long long read_value(const char* p, unsigned w) {
    if (w == 2) {
        int16_t v = 0;
        std::memcpy(&v, p, 2);
        return v;
    }
    if (w == 4) {
        int32_t v = 0;
        std::memcpy(&v, p, 4);
        return v;
    }
    int64_t v = 0;
    std::memcpy(&v, p, 8);
    return v;
}

void write_value(char* p, unsigned w, long long v) {
    if (w == 2) {
        auto x = static_cast<int16_t>(v);
        std::memcpy(p, &x, 2);
    } else if (w == 4) {
        auto x = static_cast<int32_t>(v);
        std::memcpy(p, &x, 4);
    } else {
        int64_t x = v;
        std::memcpy(p, &x, 8);
    }
}

}  // namespace

IntSet::IntSet() : buf_(static_cast<char*>(std::malloc(kHeader))) {
    put_u32(buf_, 0, 2);
    put_u32(buf_, 4, 0);
}

IntSet::~IntSet() {
    std::free(buf_);
}

IntSet::IntSet(const IntSet& o) : buf_(static_cast<char*>(std::malloc(o.blob().size()))) {
    std::memcpy(buf_, o.buf_, o.blob().size());
}

IntSet* IntSet::from_blob(std::string_view blob) {
    if (blob.size() < kHeader)
        return nullptr;
    uint32_t w = header_u32(blob.data(), 0);
    uint32_t n = header_u32(blob.data(), 4);
    if ((w != 2 && w != 4 && w != 8) || n == 0 ||
        static_cast<uint64_t>(n) * w + kHeader != blob.size()) {
        return nullptr;
    }
    const char* p = blob.data() + kHeader;
    for (uint32_t i = 1; i < n; i++) {
        if (read_value(p + (i - 1) * w, w) >= read_value(p + i * w, w))
            return nullptr;
    }
    auto* s = new IntSet();
    s->buf_ = static_cast<char*>(std::realloc(s->buf_, blob.size()));
    std::memcpy(s->buf_, blob.data(), blob.size());
    return s;
}

size_t IntSet::size() const {
    return header_u32(buf_, 4);
}
unsigned IntSet::width() const {
    return header_u32(buf_, 0);
}

long long IntSet::at(size_t i) const {
    return read_value(buf_ + kHeader + i * width(), width());
}

void IntSet::set_at(size_t i, long long v) {
    write_value(buf_ + kHeader + i * width(), width(), v);
}

std::string_view IntSet::blob() const {
    return {buf_, kHeader + size() * width()};
}

size_t IntSet::memory_usage() const {
    return sizeof(*this) + blob().size();
}

unsigned IntSet::width_for(long long v) {
    if (v >= INT16_MIN && v <= INT16_MAX)
        return 2;
    if (v >= INT32_MIN && v <= INT32_MAX)
        return 4;
    return 8;
}

size_t IntSet::search(long long v, bool* found) const {
    size_t lo = 0;
    size_t hi = size();
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        long long x = at(mid);
        if (x == v) {
            *found = true;
            return mid;
        }
        if (x < v) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *found = false;
    return lo;
}

bool IntSet::contains(long long v) const {
    if (width_for(v) > width())
        return false;
    bool found = false;
    search(v, &found);
    return found;
}

void IntSet::resize(size_t n) {
    buf_ = static_cast<char*>(std::realloc(buf_, kHeader + n * width()));
}

// Redis' intsetUpgradeAndAdd without the add: every value rewritten at the new width, from
// the end so that nothing is overwritten before it is read.
void IntSet::upgrade(unsigned w) {
    unsigned old_w = width();
    size_t n = size();
    buf_ = static_cast<char*>(std::realloc(buf_, kHeader + n * w));
    for (size_t i = n; i-- > 0;) {
        write_value(buf_ + kHeader + i * w, w, read_value(buf_ + kHeader + i * old_w, old_w));
    }
    put_u32(buf_, 0, w);
}

bool IntSet::add(long long v) {
    if (width_for(v) > width()) {
        upgrade(width_for(v));
    } else if (contains(v)) {
        return false;
    }
    bool found = false;
    size_t pos = search(v, &found);
    size_t n = size();
    resize(n + 1);
    unsigned w = width();
    char* p = buf_ + kHeader;
    std::memmove(p + (pos + 1) * w, p + pos * w, (n - pos) * w);
    put_u32(buf_, 4, static_cast<uint32_t>(n + 1));
    set_at(pos, v);
    return true;
}

bool IntSet::remove(long long v) {
    if (width_for(v) > width())
        return false;
    bool found = false;
    size_t pos = search(v, &found);
    if (!found)
        return false;
    size_t n = size();
    unsigned w = width();
    char* p = buf_ + kHeader;
    std::memmove(p + pos * w, p + (pos + 1) * w, (n - pos - 1) * w);
    put_u32(buf_, 4, static_cast<uint32_t>(n - 1));
    resize(n - 1);
    return true;
}

}  // namespace slotcache::keyspace
