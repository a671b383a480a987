// RawConn (bytes on a plain socket) and the RESP2/RESP3 reader it uses: hiredis 0.14 in Debian 12
// cannot parse RESP3, and protocol-error tests need the exact bytes a server writes.
// Approach: a growing receive buffer; a reply is complete when parse_resp() can consume it, so a
// read never blocks past a whole reply. Every wait has a deadline (poll), so a silent server
// fails the test instead of hanging it. Thread: single-threaded test code.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "integration/harness.h"

namespace slotcache::itest {

// ---- RawConn -------------------------------------------------------------------------------

RawConn::RawConn(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        close(fd_);
        fd_ = -1;
    }
}

RawConn::RawConn(const std::string& unix_path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, unix_path.c_str(), sizeof(addr.sun_path) - 1);
    if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        close(fd_);
        fd_ = -1;
    }
}

RawConn::~RawConn() {
    if (fd_ >= 0) {
        close(fd_);
    }
}

RawConn::RawConn(RawConn&& other) noexcept
    : fd_(other.fd_), buf_(std::move(other.buf_)), eof_(other.eof_),
      recv_calls_(other.recv_calls_) {
    other.fd_ = -1;
}

bool RawConn::send(std::string_view bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        off += static_cast<size_t>(n);
    }
    return true;
}

bool RawConn::fill(Millis timeout) {
    if (fd_ < 0 || eof_) {
        return false;
    }
    pollfd p{fd_, POLLIN, 0};
    int rc = poll(&p, 1, static_cast<int>(timeout.count()));
    if (rc <= 0) {
        return false;
    }
    char tmp[65536];
    ssize_t n = recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) {
        eof_ = true;
        return false;
    }
    recv_calls_++;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
}

std::string RawConn::read_raw(Millis timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        Reply r;
        size_t used = parse_resp(buf_, &r);
        if (used > 0) {
            std::string out = buf_.substr(0, used);
            buf_.erase(0, used);
            return out;
        }
        auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !fill(left)) {
            return "";
        }
    }
}

Reply RawConn::read(Millis timeout) {
    std::string bytes = read_raw(timeout);
    if (bytes.empty()) {
        return closed_reply(eof_ ? "connection closed" : "timeout");
    }
    Reply r;
    parse_resp(bytes, &r);
    return r;
}

std::string RawConn::raw(std::string_view bytes, Millis timeout) {
    if (!send(bytes)) {
        return "";
    }
    return read_raw(timeout);
}

Reply RawConn::call(std::string_view bytes, Millis timeout) {
    if (!send(bytes)) {
        return closed_reply("send failed");
    }
    return read(timeout);
}

bool RawConn::wait_closed(Millis timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!eof_) {
        auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return false;
        }
        buf_.clear();
        fill(left);
    }
    return true;
}

std::string RawConn::read_some(Millis timeout, bool* closed) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    // At least one poll, even for a timeout that rounds down to 0 ms.
    for (;;) {
        auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (!fill(std::max(left, Millis(0))) || left.count() <= 0) {
            break;
        }
    }
    if (closed != nullptr) {
        *closed = eof_;
    }
    return std::exchange(buf_, std::string());
}

// ---- RESP reader ---------------------------------------------------------------------------

size_t parse_resp(std::string_view in, Reply* out) {
    if (in.empty()) {
        return 0;
    }
    size_t eol = in.find("\r\n");
    if (eol == std::string_view::npos) {
        return 0;
    }
    char t = in[0];
    std::string line(in.substr(1, eol - 1));
    size_t pos = eol + 2;
    auto to_ll = [&](const std::string& s) {
        char* end = nullptr;
        long long v = std::strtoll(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0') {
            throw std::runtime_error("bad RESP number: " + s);
        }
        return v;
    };
    *out = Reply{};
    switch (t) {
    case '+': out->type = Reply::Type::Status; out->str = line; return pos;
    case '-': out->type = Reply::Type::Error; out->str = line; return pos;
    case ':': out->type = Reply::Type::Int; out->integer = to_ll(line); return pos;
    case '_': out->type = Reply::Type::Nil; return pos;
    case ',': out->type = Reply::Type::Double; out->str = line; return pos;
    case '(': out->type = Reply::Type::BigNum; out->str = line; return pos;
    case '#':
        out->type = Reply::Type::Bool;
        out->integer = line == "t" ? 1 : 0;
        return pos;
    case '$':
    case '!':
    case '=': {
        long long len = to_ll(line);
        if (len < 0) {
            out->type = Reply::Type::Nil;
            return pos;
        }
        if (in.size() < pos + static_cast<size_t>(len) + 2) {
            return 0;
        }
        out->type = t == '$' ? Reply::Type::Str
                    : t == '!' ? Reply::Type::Error
                               : Reply::Type::Verbatim;
        out->str = std::string(in.substr(pos, static_cast<size_t>(len)));
        return pos + static_cast<size_t>(len) + 2;
    }
    case '*':
    case '~':
    case '>':
    case '%': {
        long long n = to_ll(line);
        if (n < 0) {
            out->type = Reply::Type::Nil;
            return pos;
        }
        out->type = t == '*' ? Reply::Type::Array
                    : t == '~' ? Reply::Type::Set
                    : t == '>' ? Reply::Type::Push
                               : Reply::Type::Map;
        long long count = t == '%' ? n * 2 : n;
        for (long long i = 0; i < count; i++) {
            Reply child;
            size_t used = parse_resp(in.substr(pos), &child);
            if (used == 0) {
                return 0;
            }
            pos += used;
            out->elements.push_back(std::move(child));
        }
        return pos;
    }
    default:
        throw std::runtime_error("not RESP: " + std::string(in.substr(0, 40)));
    }
}

}  // namespace slotcache::itest
