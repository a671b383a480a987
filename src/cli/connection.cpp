// Blocking socket client (see connection.h). Addresses are resolved with getaddrinfo and tried
// in order, IPv4 first as hiredis does; EINTR is retried everywhere.
#include "cli/connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/text.h"

namespace slotcache::cli {

namespace {

constexpr int kKeepAliveSeconds = 15;  // REDIS_CLI_KEEPALIVE_INTERVAL

void set_tcp_options(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    int idle = kKeepAliveSeconds;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    int intvl = kKeepAliveSeconds / 3;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
}

// A non-blocking connect waited for with poll: the only portable way to bound connect(2).
int finish_connect(int fd, int timeout_ms) {
    pollfd p{fd, POLLOUT, 0};
    int rc;
    do {
        rc = poll(&p, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) {
        return ETIMEDOUT;
    }
    if (rc < 0) {
        return errno;
    }
    int soerr = 0;
    socklen_t len = sizeof(soerr);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) {
        return errno;
    }
    return soerr;
}

void set_io_timeout(int fd, int timeout_ms) {
    timeval tv{};
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int connect_addr(const addrinfo* ai, int* saved_errno, int timeout_ms = 0) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        *saved_errno = errno;
        return -1;
    }
    const int flags = fcntl(fd, F_GETFL);
    if (timeout_ms > 0) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
    int rc;
    do {
        rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0 && timeout_ms > 0 && errno == EINPROGRESS) {
        errno = finish_connect(fd, timeout_ms);
        rc = errno == 0 ? 0 : -1;
    }
    if (rc < 0) {
        *saved_errno = errno;
        close(fd);
        return -1;
    }
    if (timeout_ms > 0) {
        fcntl(fd, F_SETFL, flags);
        set_io_timeout(fd, timeout_ms);
    }
    return fd;
}

}  // namespace

std::unique_ptr<Connection> Connection::connect_tcp(const std::string& host, int port,
                                                    std::string* err, int timeout_ms) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    const std::string service = std::to_string(port);
    int last_errno = 0;
    int gai_error = 0;
    // IPv4 first, then IPv6: "localhost" then means 127.0.0.1 as with redis-cli.
    for (int family : {AF_INET, AF_INET6}) {
        hints.ai_family = family;
        addrinfo* res = nullptr;
        int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
        if (rc != 0) {
            gai_error = rc;
            continue;
        }
        for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
            int fd = connect_addr(ai, &last_errno, timeout_ms);
            if (fd >= 0) {
                freeaddrinfo(res);
                set_tcp_options(fd);
                return std::unique_ptr<Connection>(new Connection(fd));
            }
        }
        freeaddrinfo(res);
    }
    // A connect error says more than "no IPv6 address for 127.0.0.1".
    *err = last_errno != 0 ? std::strerror(last_errno) : gai_strerror(gai_error);
    return nullptr;
}

std::unique_ptr<Connection> Connection::connect_unix(const std::string& path, std::string* err) {
    sockaddr_un sa{};
    if (path.size() >= sizeof(sa.sun_path)) {
        *err = std::strerror(ENAMETOOLONG);
        return nullptr;
    }
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
    addrinfo ai{};
    ai.ai_family = AF_UNIX;
    ai.ai_socktype = SOCK_STREAM;
    ai.ai_addr = reinterpret_cast<sockaddr*>(&sa);
    ai.ai_addrlen = sizeof(sa);
    int saved = 0;
    int fd = connect_addr(&ai, &saved);
    if (fd < 0) {
        *err = std::strerror(saved);
        return nullptr;
    }
    return std::unique_ptr<Connection>(new Connection(fd));
}

Connection::~Connection() {
    close(fd_);
}

bool Connection::send(const std::vector<std::string>& argv) {
    std::string wire;
    encode_command(argv, &wire);
    size_t off = 0;
    while (off < wire.size()) {
        ssize_t n = ::send(fd_, wire.data() + off, wire.size() - off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            lost_ = errno == EPIPE || errno == ECONNRESET;
            // SO_SNDTIMEO expiring reports EAGAIN (socket(7)).
            timed_out_ = errno == EAGAIN || errno == EWOULDBLOCK;
            error_ = timed_out_ ? "send timeout" : std::strerror(errno);
            return false;
        }
        off += static_cast<size_t>(n);
    }
    return true;
}

bool Connection::read_reply(Reply* out) {
    char buf[16 * 1024];
    for (;;) {
        ReadStatus st = reader_.next();
        if (st == ReadStatus::Complete) {
            *out = reader_.take();
            return true;
        }
        if (st == ReadStatus::Error) {
            error_ = reader_.error();
            return false;
        }
        ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
        if (n == 0) {
            error_ = "Server closed the connection";
            lost_ = true;
            return false;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            lost_ = errno == ECONNRESET || errno == EPIPE;
            timed_out_ = errno == EAGAIN || errno == EWOULDBLOCK;
            error_ = timed_out_ ? "recv timeout" : std::strerror(errno);
            return false;
        }
        reader_.feed(buf, static_cast<size_t>(n));
    }
}

bool Connection::call(const std::vector<std::string>& argv, Reply* out) {
    return send(argv) && read_reply(out);
}

}  // namespace slotcache::cli
