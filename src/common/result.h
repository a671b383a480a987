// Errors as values. Every fallible function in src/ returns Err or Result<T>; no exceptions
// (libuv callbacks are noexcept and src/ is built with -fno-exceptions). The text a client sees
// for each Err lives in one table, errors.cpp, so that wording matches Redis 7 in one place.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

namespace slotcache {

enum class Err : uint8_t {
    Ok = 0,
    WrongType,      // WRONGTYPE Operation against a key holding the wrong kind of value
    NotInteger,     // ERR value is not an integer or out of range
    NotFloat,       // ERR value is not a valid float
    Overflow,       // ERR increment or decrement would overflow
    NanOrInf,       // ERR increment would produce NaN or Infinity
    Syntax,         // ERR syntax error
    NoSuchKey,      // ERR no such key
    OutOfRange,     // ERR index out of range
    Oom,            // OOM command not allowed when used memory > 'maxmemory'.
    StringTooLong,  // ERR string exceeds maximum allowed size (proto-max-bulk-len)
    BusyKey,        // BUSYKEY Target key name already exists.
    NoAuth,         // NOAUTH Authentication required.
    InvalidDb,      // ERR DB index is out of range
    SameObject,     // ERR source and destination objects are the same
    NotFound,       // internal: lookup missed (not an error the client sees by itself)
    Io,             // internal: an I/O failure; callers give their own text
    Invalid,        // internal: malformed input; callers give their own text
};

// The Redis-style reply text for an error, without the leading '-' and trailing CRLF.
std::string_view err_text(Err e);

template <class T>
class [[nodiscard]] Result {
public:
    Result(T v) : err_(Err::Ok), value_(std::move(v)) {}  // NOLINT: implicit by design
    Result(Err e) : err_(e), value_() {}                   // NOLINT: implicit by design

    bool ok() const { return err_ == Err::Ok; }
    explicit operator bool() const { return ok(); }
    Err err() const { return err_; }
    T& value() { return value_; }
    const T& value() const { return value_; }
    T& operator*() { return value_; }
    const T& operator*() const { return value_; }
    T* operator->() { return &value_; }
    const T* operator->() const { return &value_; }

private:
    Err err_;
    T value_;
};

}  // namespace slotcache
