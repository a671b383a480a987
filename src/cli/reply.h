// A decoded server reply (RESP2 and RESP3) and the incremental reader that builds it.
//
// Approach: hiredis' model. Reply is a tree of values; the reader is fed bytes as they arrive
// and keeps a stack of the aggregates still being filled, so a reply that arrives in many
// reads is parsed once, in O(size), never re-parsed from its start.
//
// Why not hiredis' reader: Debian 12 ships hiredis 0.14, which predates RESP3 and fails on
// '%', '~', ',', '#', '_' ... ("Protocol error, got '%' as reply type byte"), so `-3` could not
// work with it. Why not src/resp: its parser reads requests (multibulk and inline), not replies.
//
// Pure: no I/O, any thread, one reader per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace slotcache::cli {

enum class ReplyType : uint8_t {
    String,    // $ bulk string
    Array,     // * array
    Integer,   // : integer
    Nil,       // $-1, *-1, _ null
    Status,    // + simple string
    Error,     // - simple error, ! blob error
    Double,    // , double (str keeps the server's text, as redis-cli prints it)
    Bool,      // # boolean (integer is 0 or 1)
    Map,       // % map: elements are key, value, key, value, ...
    Set,       // ~ set
    Push,      // > push (pub/sub messages, invalidations in RESP3)
    Verbatim,  // = verbatim string: str without the "txt:" prefix, format in vtype
    BigNum,    // ( big number, as text
};

struct Reply {
    ReplyType type = ReplyType::Nil;
    long long integer = 0;
    std::string str;
    std::string vtype;
    std::vector<Reply> elements;

    bool is_error() const { return type == ReplyType::Error; }
};

enum class ReadStatus : uint8_t {
    Complete,  // take() returns the reply
    NeedMore,  // feed more bytes
    Error,     // protocol error: error() says why; the connection is unusable
};

class ReplyReader {
public:
    // Appends bytes received from the server.
    void feed(const char* data, size_t len);
    // Parses as far as the bytes allow. After Complete, take() hands over the reply and the
    // reader continues with the next one on the following call.
    ReadStatus next();
    Reply take();
    const std::string& error() const { return error_; }
    // Bytes received but not yet parsed (a pipelined reply, or part of one).
    size_t buffered() const { return buf_.size() - pos_; }
    void reset();

private:
    struct Frame {
        Reply* agg;
        size_t remaining;  // elements still to read into agg
    };
    // Reads one item at pos_: a scalar, or the header of an aggregate (pushed on stack_).
    ReadStatus read_item();
    bool read_line(std::string_view* line);
    void attach(Reply&& r, size_t child_count);
    ReadStatus fail(std::string msg);
    void compact();

    std::string buf_;
    size_t pos_ = 0;
    std::vector<Frame> stack_;
    Reply root_;
    bool root_done_ = false;
    std::string error_;
};

}  // namespace slotcache::cli
