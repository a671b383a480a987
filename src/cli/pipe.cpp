// slotcache-cli --pipe (see pipe.h).
#include "cli/pipe.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/reply.h"
#include "cli/text.h"
#include "common/random.h"

namespace slotcache::cli {

namespace {

constexpr size_t kMarkerLen = 20;

std::string random_marker() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string m(kMarkerLen, '0');
    for (char& c : m) {
        c = kHex[random_below(16)];
    }
    return m;
}

int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct PipeState {
    int fd = -1;
    std::string out;  // bytes read from stdin (then the marker) not yet written
    size_t out_off = 0;
    bool stdin_eof = false;
    bool all_sent = false;  // the marker is written: only replies remain
    std::string marker;
    ReplyReader reader;
    long long errors = 0;
    long long replies = 0;
    bool done = false;
    int64_t last_read_s = 0;
};

// Fills the output from stdin when it is empty; at end of input queues the marker once.
// False after printing why when stdin fails.
bool refill(PipeState* st) {
    if (st->out_off < st->out.size() || st->stdin_eof) {
        return true;
    }
    st->out.resize(64 * 1024);
    st->out_off = 0;
    ssize_t n;
    do {
        n = read(STDIN_FILENO, st->out.data(), st->out.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        std::fprintf(stderr, "Error reading from stdin: %s\n", std::strerror(errno));
        return false;
    }
    st->out.resize(static_cast<size_t>(n));
    if (n == 0) {
        st->stdin_eof = true;
        // A leading CRLF (an empty inline command, ignored by the server) ends an input whose
        // last line lacks one, so that the marker still parses: redis-cli does the same.
        st->out = "\r\n";
        encode_command({"ECHO", st->marker}, &st->out);
    }
    return true;
}

// Writes what the socket takes. False after printing why on a write error.
bool flush_some(PipeState* st) {
    while (st->out_off < st->out.size()) {
        const ssize_t n = send(st->fd, st->out.data() + st->out_off,
                               st->out.size() - st->out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return true;
            }
            std::fprintf(stderr, "Error writing to the server: %s\n", std::strerror(errno));
            return false;
        }
        st->out_off += static_cast<size_t>(n);
    }
    if (st->stdin_eof && !st->all_sent) {
        st->all_sent = true;
        st->last_read_s = now_s();
        std::printf("All data transferred. Waiting for the last reply...\n");
        std::fflush(stdout);
    }
    return true;
}

// Reads and counts what arrived. False after printing why on EOF, an error or bad protocol.
bool read_some(PipeState* st) {
    char buf[64 * 1024];
    ssize_t n;
    do {
        n = recv(st->fd, buf, sizeof(buf), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return true;
    }
    if (n <= 0) {
        std::fprintf(stderr, "Error reading from the server: %s\n",
                     n == 0 ? "Server closed the connection" : std::strerror(errno));
        return false;
    }
    st->last_read_s = now_s();
    st->reader.feed(buf, static_cast<size_t>(n));
    for (;;) {
        const ReadStatus rs = st->reader.next();
        if (rs == ReadStatus::NeedMore) {
            return true;
        }
        if (rs == ReadStatus::Error) {
            std::fprintf(stderr, "Error reading replies from server: %s\n",
                         st->reader.error().c_str());
            return false;
        }
        const Reply r = st->reader.take();
        if (r.is_error()) {
            std::fprintf(stderr, "%s\n", r.str.c_str());
            st->errors++;
        } else if (st->all_sent && r.str == st->marker) {
            // The marker's reply is not one of the user's.
            std::printf("Last reply received from server.\n");
            st->done = true;
            return true;
        }
        st->replies++;
    }
}

}  // namespace

int pipe_main(Connection* conn, int pipe_timeout_s) {
    PipeState st;
    st.fd = conn->native_handle();
    st.marker = random_marker();
    const int flags = fcntl(st.fd, F_GETFL, 0);
    if (flags < 0 || fcntl(st.fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        std::fprintf(stderr, "Error setting the socket non-blocking: %s\n", std::strerror(errno));
        return 1;
    }
    bool ok = true;
    while (ok && !st.done) {
        pollfd p{st.fd, POLLIN, 0};
        if (!st.all_sent) {
            p.events |= POLLOUT;
        }
        // One second at most, so that the reply timeout is checked while nothing happens.
        const int rc = poll(&p, 1, 1000);
        if (rc < 0 && errno != EINTR) {
            std::fprintf(stderr, "poll: %s\n", std::strerror(errno));
            ok = false;
            break;
        }
        if (rc > 0 && (p.revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
            ok = read_some(&st);
        }
        if (ok && !st.done && rc > 0 && (p.revents & POLLOUT) != 0) {
            ok = refill(&st) && flush_some(&st);
        }
        if (ok && !st.done && st.all_sent && pipe_timeout_s > 0 &&
            now_s() - st.last_read_s > pipe_timeout_s) {
            std::fprintf(stderr, "No replies for %d seconds: exiting.\n", pipe_timeout_s);
            st.errors++;
            break;
        }
    }
    if (!ok) {
        return 1;
    }
    std::printf("errors: %lld, replies: %lld\n", st.errors, st.replies);
    std::fflush(stdout);
    return st.errors > 0 ? 1 : 0;
}

}  // namespace slotcache::cli
