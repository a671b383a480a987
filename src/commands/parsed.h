// Parsed<T>: the outcome of parsing a command's arguments, a value or the complete error reply
// text ("ERR syntax error", "ERR Unsupported option foo").
//
// Why not Result<T>: several Redis errors embed the offending argument or the command name
// ("ERR Unsupported option FOO", "ERR invalid expire time in 'set' command"), which an Err
// value alone cannot carry. Common errors still come from the one table (err_text).
//
// Pure, any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace slotcache::commands {

template <class T>
class [[nodiscard]] Parsed {
public:
    Parsed(T v) : value_(std::move(v)) {}  // NOLINT: implicit by design, like Result
    Parsed(Err e) : error_(err_text(e)) {}  // NOLINT
    static Parsed failure(std::string text) {
        Parsed p{T{}};
        p.error_ = std::move(text);
        return p;
    }

    bool ok() const { return error_.empty(); }
    explicit operator bool() const { return ok(); }
    // The reply text when !ok(); empty otherwise.
    const std::string& error() const { return error_; }
    T& value() { return value_; }
    const T& value() const { return value_; }
    T* operator->() { return &value_; }
    const T* operator->() const { return &value_; }

private:
    T value_{};
    std::string error_;
};

}  // namespace slotcache::commands
