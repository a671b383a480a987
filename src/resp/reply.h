// Reply building: the per-client output buffer and a RESP2/RESP3 writer over it.
//
// OutBuffer is a list of blocks. The first block is embedded (16 KiB, like Redis' client
// buffer) so that the common reply needs no allocation; further blocks are allocated only when
// a reply is large or the client is not reading. The connection drains it with writev
// (iov()/consume()). Replies are appended by value (copied): the values are small in the
// common case and a copy frees the keyspace from lifetime contracts with the socket.
//
// Reply knows the protocol version of its client and writes the right form: a null is "$-1"
// in RESP2 and "_" in RESP3, a map is a flat array in RESP2 and "%N" in RESP3, and so on.
//
// Pure: no I/O. Loop thread.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>

namespace slotcache::resp {

class OutBuffer {
public:
    static constexpr size_t kInlineSize = 16 * 1024;
    static constexpr size_t kBlockSize = 16 * 1024;

    OutBuffer();
    OutBuffer(const OutBuffer&) = delete;
    OutBuffer& operator=(const OutBuffer&) = delete;

    void append(const char* p, size_t n);
    void append(std::string_view s) { append(s.data(), s.size()); }
    // Contiguous room for at most n bytes at the tail (n <= kBlockSize); fill, then commit().
    char* reserve(size_t n);
    void commit(size_t n);

    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    // Fills up to max iovecs with the pending bytes, oldest first; returns how many.
    size_t iov(iovec* out, size_t max) const;
    // Drops n bytes from the front (they were written).
    void consume(size_t n);
    // Drops everything (client being closed, or CLIENT REPLY OFF semantics).
    void clear();
    // Bytes held by this buffer beyond the embedded block (for client-output-buffer-limit and
    // INFO's client memory figures).
    size_t allocated() const;

private:
    struct Block {
        std::unique_ptr<char[]> data;
        size_t cap = 0;
        size_t start = 0;  // first unsent byte
        size_t end = 0;    // one past the last written byte
    };
    char inline_[kInlineSize];
    size_t inline_start_ = 0;
    size_t inline_end_ = 0;
    Block& add_block(size_t cap);
    // A deque: consume() pops from the front, O(1) per block however long the queue is.
    std::deque<Block> blocks_;  // used once inline_ is full; append goes to the last
    size_t size_ = 0;
    size_t allocated_ = 0;  // sum of blocks_' capacities
};

// Writes RESP to an OutBuffer. Cheap to construct (two words); make one per command.
class Reply {
public:
    Reply(OutBuffer& out, int proto) : out_(&out), proto_(proto) {}

    int proto() const { return proto_; }
    OutBuffer& buffer() { return *out_; }

    void ok();                            // +OK
    void simple(std::string_view s);      // +s
    // -text; text begins with the error code ("ERR ...", "WRONGTYPE ...", "MOVED ..."). CR
    // and LF inside text are replaced by spaces: an error must stay on one line.
    void error(std::string_view text);
    void integer(long long v);            // :v
    void bulk(std::string_view s);        // $len\r\n s \r\n
    void bulk_int(long long v);           // an integer as a bulk string (GET of an int value)
    void bulk_double(double v);           // a double as %.17g bulk in RESP2, ",v" in RESP3
    void null();                          // $-1 (RESP2) / _ (RESP3)
    void null_array();                    // *-1 (RESP2) / _ (RESP3)
    void array(size_t n);                 // *n
    void map(size_t pairs);               // *2n (RESP2) / %n (RESP3)
    void set(size_t n);                   // *n (RESP2) / ~n (RESP3)
    void push(size_t n);                  // *n (RESP2) / >n (RESP3)
    void boolean(bool b);                 // :0/:1 (RESP2) / #t,#f (RESP3)
    void dbl(double v);                   // bulk "%.17g" (RESP2) / ,v (RESP3)
    void verbatim(std::string_view s, std::string_view fmt = "txt");  // bulk / =len\r\ntxt:s
    void empty_array() { array(0); }
    // Pre-encoded RESP (used for shared replies and for relaying).
    void raw(std::string_view s) { out_->append(s); }

private:
    void header(char type, long long n);
    OutBuffer* out_;
    int proto_;
};

}  // namespace slotcache::resp
