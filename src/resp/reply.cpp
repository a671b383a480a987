// OutBuffer (embedded block, then a queue of heap blocks) and the RESP2/RESP3 Reply writer.
//
// Approach: appends fill the embedded block while no heap block exists, then the last block;
// a piece that does not fit starts a new block of kBlockSize, or of its own size when it is
// larger (one copy, one allocation for a big bulk). Headers and small replies are written in
// place through reserve()/commit(), with no temporary string.
//
// Invariants: bytes are sent in append order, so the embedded block is only appended to while
// blocks_ is empty (it is always older than any heap block); size_ is the sum of the pending
// bytes of every block; allocated_ the sum of the heap blocks' capacities. When everything was
// sent, the heap blocks are freed: a client that once received a large reply does not keep
// its memory.
//
// Wire forms follow Redis 7.0's addReply* (networking.c): doubles as %.17g with "inf"/"-inf"
// spelled out, verbatim strings with a 3-character format padded with spaces.
//
// Rejected: a single growing contiguous buffer (a 100 MB reply would be copied on every
// doubling and never shrink), and zero-copy references into the keyspace (values could be
// freed or modified before the socket drains).
//
// Loop thread.
#include "resp/reply.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/strutil.h"

namespace slotcache::resp {

namespace {
// The longest header: a type byte, 20 digits with sign, CRLF.
constexpr size_t kMaxHeader = 24;
}  // namespace

OutBuffer::OutBuffer() = default;

OutBuffer::Block& OutBuffer::add_block(size_t cap) {
    Block& b = blocks_.emplace_back();
    b.data = std::make_unique<char[]>(cap);
    b.cap = cap;
    allocated_ += cap;
    return b;
}

void OutBuffer::append(const char* p, size_t n) {
    if (n == 0) {
        return;
    }
    size_ += n;
    if (blocks_.empty()) {
        size_t k = std::min(n, kInlineSize - inline_end_);
        memcpy(inline_ + inline_end_, p, k);
        inline_end_ += k;
        p += k;
        n -= k;
    } else {
        Block& b = blocks_.back();
        size_t k = std::min(n, b.cap - b.end);
        memcpy(b.data.get() + b.end, p, k);
        b.end += k;
        p += k;
        n -= k;
    }
    if (n > 0) {
        Block& b = add_block(std::max(n, kBlockSize));
        memcpy(b.data.get(), p, n);
        b.end = n;
    }
}

char* OutBuffer::reserve(size_t n) {
    if (blocks_.empty()) {
        if (kInlineSize - inline_end_ >= n) {
            return inline_ + inline_end_;
        }
    } else {
        Block& b = blocks_.back();
        if (b.cap - b.end >= n) {
            return b.data.get() + b.end;
        }
    }
    return add_block(std::max(n, kBlockSize)).data.get();
}

void OutBuffer::commit(size_t n) {
    if (blocks_.empty()) {
        inline_end_ += n;
    } else {
        blocks_.back().end += n;
    }
    size_ += n;
}

size_t OutBuffer::iov(iovec* out, size_t max) const {
    size_t k = 0;
    if (k < max && inline_end_ > inline_start_) {
        out[k].iov_base = const_cast<char*>(inline_ + inline_start_);
        out[k].iov_len = inline_end_ - inline_start_;
        k++;
    }
    for (const Block& b : blocks_) {
        if (k == max) {
            break;
        }
        if (b.end > b.start) {
            out[k].iov_base = b.data.get() + b.start;
            out[k].iov_len = b.end - b.start;
            k++;
        }
    }
    return k;
}

void OutBuffer::consume(size_t n) {
    n = std::min(n, size_);
    size_ -= n;
    size_t k = std::min(n, inline_end_ - inline_start_);
    inline_start_ += k;
    n -= k;
    if (inline_start_ == inline_end_) {
        inline_start_ = 0;
        inline_end_ = 0;
    }
    while (n > 0) {
        Block& b = blocks_.front();
        k = std::min(n, b.end - b.start);
        b.start += k;
        n -= k;
        if (b.start == b.end && blocks_.size() > 1) {
            allocated_ -= b.cap;
            blocks_.pop_front();
        }
    }
    if (size_ == 0) {
        clear();
    }
}

void OutBuffer::clear() {
    blocks_.clear();
    allocated_ = 0;
    inline_start_ = 0;
    inline_end_ = 0;
    size_ = 0;
}

size_t OutBuffer::allocated() const {
    return allocated_;
}

void Reply::header(char type, long long n) {
    char* p = out_->reserve(kMaxHeader);
    p[0] = type;
    size_t len = 1 + ll_to_chars(n, p + 1);
    p[len++] = '\r';
    p[len++] = '\n';
    out_->commit(len);
}

void Reply::ok() {
    out_->append("+OK\r\n");
}

void Reply::simple(std::string_view s) {
    out_->append("+");
    out_->append(s);
    out_->append("\r\n");
}

void Reply::error(std::string_view text) {
    out_->append("-");
    size_t start = 0;
    for (size_t i = 0; i < text.size(); i++) {
        if (text[i] == '\r' || text[i] == '\n') {
            out_->append(text.data() + start, i - start);
            out_->append(" ");
            start = i + 1;
        }
    }
    out_->append(text.data() + start, text.size() - start);
    out_->append("\r\n");
}

void Reply::integer(long long v) {
    header(':', v);
}

void Reply::bulk(std::string_view s) {
    // Small bulks (the common GET) go in one contiguous write: header, payload, CRLF.
    if (s.size() <= OutBuffer::kBlockSize - kMaxHeader - 2) {
        char* p = out_->reserve(s.size() + kMaxHeader + 2);
        p[0] = '$';
        size_t len = 1 + ll_to_chars(static_cast<long long>(s.size()), p + 1);
        p[len++] = '\r';
        p[len++] = '\n';
        // An empty view may have a null data(): memcpy must not see it (UB even for 0 bytes).
        if (!s.empty()) memcpy(p + len, s.data(), s.size());
        len += s.size();
        p[len++] = '\r';
        p[len++] = '\n';
        out_->commit(len);
        return;
    }
    header('$', static_cast<long long>(s.size()));
    out_->append(s);
    out_->append("\r\n");
}

void Reply::bulk_int(long long v) {
    char buf[24];
    bulk(std::string_view(buf, ll_to_chars(v, buf)));
}

void Reply::bulk_double(double v) {
    char buf[64];
    size_t n = 0;
    if (std::isinf(v)) {
        n = v > 0 ? 3 : 4;
        memcpy(buf, v > 0 ? "inf" : "-inf", n);
    } else {
        n = static_cast<size_t>(snprintf(buf, sizeof(buf), "%.17g", v));
    }
    if (proto_ == 2) {
        bulk(std::string_view(buf, n));
        return;
    }
    char* p = out_->reserve(n + 3);
    p[0] = ',';
    memcpy(p + 1, buf, n);
    p[n + 1] = '\r';
    p[n + 2] = '\n';
    out_->commit(n + 3);
}

void Reply::null() {
    out_->append(proto_ == 2 ? std::string_view("$-1\r\n") : std::string_view("_\r\n"));
}

void Reply::null_array() {
    out_->append(proto_ == 2 ? std::string_view("*-1\r\n") : std::string_view("_\r\n"));
}

void Reply::array(size_t n) {
    header('*', static_cast<long long>(n));
}

void Reply::map(size_t pairs) {
    if (proto_ == 2) {
        header('*', static_cast<long long>(pairs * 2));
    } else {
        header('%', static_cast<long long>(pairs));
    }
}

void Reply::set(size_t n) {
    header(proto_ == 2 ? '*' : '~', static_cast<long long>(n));
}

void Reply::push(size_t n) {
    header(proto_ == 2 ? '*' : '>', static_cast<long long>(n));
}

void Reply::boolean(bool b) {
    if (proto_ == 2) {
        out_->append(b ? std::string_view(":1\r\n") : std::string_view(":0\r\n"));
    } else {
        out_->append(b ? std::string_view("#t\r\n") : std::string_view("#f\r\n"));
    }
}

void Reply::dbl(double v) {
    bulk_double(v);
}

void Reply::verbatim(std::string_view s, std::string_view fmt) {
    if (proto_ == 2) {
        bulk(s);
        return;
    }
    header('=', static_cast<long long>(s.size() + 4));
    // Redis writes exactly three format characters, padding a short one with spaces.
    char ext[4] = {' ', ' ', ' ', ':'};
    memcpy(ext, fmt.data(), std::min<size_t>(fmt.size(), 3));
    out_->append(ext, 4);
    out_->append(s);
    out_->append("\r\n");
}

}  // namespace slotcache::resp
