// MIGRATE's cached connections to targets (see migrate_link.h).
//
// One Link's exchange goes through these phases (attempt_ counts connections tried for it, so
// a libuv request that completes for an abandoned attempt is recognised and ignored):
//   Resolving   a host name is being looked up (uv_getaddrinfo); IP literals skip it
//   Connecting  uv_tcp_connect in flight
//   Exchanging  the commands are written (written_ once the output drained) and the reply
//               lines come in; the exchange ends when every expected line was read
// A failure found while starting an attempt (an unusable port, a connect that fails at once)
// is reported from the timer at 0 ms, so that no callback runs inside start().
#include "cluster/migrate_link.h"

#include <netdb.h>
#include <sys/socket.h>

#include <cstring>
#include <deque>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "net/connection.h"

namespace slotcache::cluster {

namespace {

struct Job {
    MigrateExchange ex;
    MigrateDone done;
};

// Redis reads the port with atoi(): leading digits, anything else makes the connect fail.
int parse_port(const std::string& s) {
    long v = 0;
    size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && v <= 65535) {
        v = v * 10 + (s[i] - '0');
        i++;
    }
    return v >= 1 && v <= 65535 ? static_cast<int>(v) : 0;
}

enum class Phase : uint8_t { Resolving, Connecting, Exchanging };

}  // namespace

class MigrateLinks::Link final : public net::ConnectionHandler {
public:
    Link(uv_loop_t* loop, std::string host, std::string port)
        : loop_(loop), host_(std::move(host)), port_(std::move(port)), last_use_ms_(unix_ms()) {
        uv_timer_init(loop_, &timer_);
        timer_.data = this;
    }

    void enqueue(Job job) {
        jobs_.push_back(std::move(job));
        if (!active_) begin();
    }
    bool busy() const { return !jobs_.empty(); }
    int64_t last_use_ms() const { return last_use_ms_; }

    // Drops the connection and every queued exchange (their callbacks are not called); the
    // object deletes itself once libuv is done with it.
    void destroy() {
        dead_ = true;
        jobs_.clear();
        active_ = false;
        drop_connection();
        uv_timer_stop(&timer_);
        uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_timer_closed);
    }

    void on_readable(net::Connection& conn) override;
    void on_closed(net::Connection& conn) override;
    void on_drained(net::Connection& conn) override;

private:
    struct ConnectReq {
        uv_connect_t req;
        Link* link;
        uint64_t attempt;
    };
    struct ResolveReq {
        uv_getaddrinfo_t req;
        Link* link;
        uint64_t attempt;
        int port;
    };

    const MigrateExchange& ex() const { return jobs_.front().ex; }
    void begin();
    void start_attempt();
    void connect_to(const sockaddr* addr);
    void send();
    void arm_timer(int64_t ms) {
        uv_timer_start(&timer_, on_timer, static_cast<uint64_t>(ms > 0 ? ms : 0), 0);
    }
    void defer_error(MigrateIo kind) {
        pending_error_ = kind;
        arm_timer(0);
    }
    void socket_error(bool timed_out);
    void finish(MigrateIo io);
    void drop_connection();
    bool replies_complete() const {
        return (!sent_auth_ || auth_read_) && (!sent_select_ || select_read_) &&
               restore_lines_.size() >= ex().key_count;
    }
    void request_done() {
        reqs_--;
        maybe_delete();
    }
    void maybe_delete() {
        if (dead_ && timer_closed_ && reqs_ == 0) delete this;
    }

    static void on_timer(uv_timer_t* t);
    static void on_timer_closed(uv_handle_t* h);
    static void on_resolved(uv_getaddrinfo_t* r, int status, addrinfo* res);
    static void on_connect(uv_connect_t* r, int status);

    uv_loop_t* loop_;
    std::string host_;
    std::string port_;
    uv_timer_t timer_;
    net::Connection* conn_ = nullptr;
    bool connected_ = false;
    long long last_db_ = -1;  // the db of the last SELECT the target accepted; -1: unknown
    int64_t last_use_ms_;
    std::deque<Job> jobs_;
    bool active_ = false;  // jobs_.front() has begun
    bool dead_ = false;
    bool timer_closed_ = false;
    int reqs_ = 0;  // libuv requests in flight that point at this Link
    MigrateIo pending_error_ = MigrateIo::None;
    // The active exchange.
    Phase phase_ = Phase::Resolving;
    uint64_t attempt_ = 0;
    bool retried_ = false;
    bool written_ = false;
    bool sent_auth_ = false;
    bool sent_select_ = false;
    bool auth_read_ = false;
    bool select_read_ = false;
    std::string auth_line_;
    std::string select_line_;
    std::vector<std::string> restore_lines_;
};

void MigrateLinks::Link::begin() {
    active_ = true;
    retried_ = false;
    if (conn_ != nullptr && connected_) {
        attempt_++;
        send();
        return;
    }
    start_attempt();
}

void MigrateLinks::Link::start_attempt() {
    attempt_++;
    written_ = false;
    arm_timer(ex().timeout_ms);
    int port = parse_port(port_);
    if (port == 0) {
        phase_ = Phase::Connecting;
        defer_error(MigrateIo::Write);
        return;
    }
    sockaddr_storage ss{};
    if (uv_ip4_addr(host_.c_str(), port, reinterpret_cast<sockaddr_in*>(&ss)) == 0 ||
        uv_ip6_addr(host_.c_str(), port, reinterpret_cast<sockaddr_in6*>(&ss)) == 0) {
        connect_to(reinterpret_cast<const sockaddr*>(&ss));
        return;
    }
    phase_ = Phase::Resolving;
    auto* r = new ResolveReq{{}, this, attempt_, port};
    r->req.data = r;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (uv_getaddrinfo(loop_, &r->req, on_resolved, host_.c_str(), nullptr, &hints) != 0) {
        delete r;
        defer_error(MigrateIo::Resolve);
        return;
    }
    reqs_++;
}

void MigrateLinks::Link::on_resolved(uv_getaddrinfo_t* raw, int status, addrinfo* res) {
    auto* r = static_cast<ResolveReq*>(raw->data);
    Link* self = r->link;
    uint64_t attempt = r->attempt;
    int port = r->port;
    delete r;
    sockaddr_storage ss{};
    bool found = status == 0 && res != nullptr && res->ai_addrlen <= sizeof(ss);
    if (found) std::memcpy(&ss, res->ai_addr, res->ai_addrlen);
    uv_freeaddrinfo(res);
    self->reqs_--;
    if (self->dead_ || !self->active_ || attempt != self->attempt_) {
        self->maybe_delete();
        return;
    }
    if (!found) {
        self->finish(MigrateIo::Resolve);
        return;
    }
    if (ss.ss_family == AF_INET6) {
        reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port = htons(static_cast<uint16_t>(port));
    } else {
        reinterpret_cast<sockaddr_in*>(&ss)->sin_port = htons(static_cast<uint16_t>(port));
    }
    self->connect_to(reinterpret_cast<const sockaddr*>(&ss));
}

void MigrateLinks::Link::connect_to(const sockaddr* addr) {
    phase_ = Phase::Connecting;
    conn_ = net::Connection::create(loop_, net::Connection::Kind::Tcp);
    conn_->set_handler(this);
    connected_ = false;
    auto* r = new ConnectReq{{}, this, attempt_};
    r->req.data = r;
    if (uv_tcp_connect(&r->req, reinterpret_cast<uv_tcp_t*>(conn_->stream()), addr, on_connect) !=
        0) {
        delete r;
        drop_connection();
        defer_error(MigrateIo::Write);
        return;
    }
    reqs_++;
}

void MigrateLinks::Link::on_connect(uv_connect_t* raw, int status) {
    auto* r = static_cast<ConnectReq*>(raw->data);
    Link* self = r->link;
    uint64_t attempt = r->attempt;
    delete r;
    self->reqs_--;
    // A closed connection cancels its connect (status UV_ECANCELED) before its close callback.
    if (self->dead_ || !self->active_ || attempt != self->attempt_ || self->conn_ == nullptr ||
        status == UV_ECANCELED) {
        self->maybe_delete();
        return;
    }
    if (status != 0) {
        self->socket_error(false);
        return;
    }
    self->connected_ = true;
    if (!self->conn_->start_reading()) return;  // closed: on_closed reports it
    self->send();
}

void MigrateLinks::Link::send() {
    phase_ = Phase::Exchanging;
    const MigrateExchange& e = ex();
    std::string head;
    sent_auth_ = e.auth;
    if (e.auth) {
        if (!e.has_username) {
            append_command(&head, {"AUTH", e.password});
        } else {
            append_command(&head, {"AUTH", e.username, e.password});
        }
    }
    sent_select_ = last_db_ != e.db;
    if (sent_select_) append_command(&head, {"SELECT", std::to_string(e.db)});
    auth_read_ = select_read_ = false;
    auth_line_.clear();
    select_line_.clear();
    restore_lines_.clear();
    written_ = false;
    conn_->out().append(head);
    conn_->out().append(e.restores);
    arm_timer(e.timeout_ms);
    net::Connection* c = conn_;
    if (c->flush() && !c->is_write_pending() && c->out().empty()) written_ = true;
}

void MigrateLinks::Link::on_drained(net::Connection& conn) {
    if (&conn != conn_ || !active_ || phase_ != Phase::Exchanging) return;
    written_ = true;
    arm_timer(ex().timeout_ms);
}

void MigrateLinks::Link::on_readable(net::Connection& conn) {
    if (&conn != conn_) return;
    if (!active_ || phase_ != Phase::Exchanging) {
        drop_connection();  // nothing was asked: a target that talks unprompted is not trusted
        return;
    }
    arm_timer(ex().timeout_ms);
    while (conn_ != nullptr) {
        const char* p = conn_->read_data();
        size_t n = conn_->read_size();
        const void* nl = std::memchr(p, '\n', n);
        if (nl == nullptr) {
            if (n > kMigrateMaxLine) socket_error(false);
            return;
        }
        size_t len = static_cast<size_t>(static_cast<const char*>(nl) - p);
        std::string line(p, len > 0 && p[len - 1] == '\r' ? len - 1 : len);
        conn_->consume_input(len + 1);
        if (sent_auth_ && !auth_read_) {
            auth_line_ = std::move(line);
            auth_read_ = true;
        } else if (sent_select_ && !select_read_) {
            select_line_ = std::move(line);
            select_read_ = true;
        } else {
            restore_lines_.push_back(std::move(line));
        }
        if (replies_complete()) {
            finish(MigrateIo::None);
            return;
        }
    }
}

void MigrateLinks::Link::on_closed(net::Connection& conn) {
    if (&conn != conn_) return;
    conn_ = nullptr;
    connected_ = false;
    last_db_ = -1;
    if (active_ && phase_ != Phase::Resolving) socket_error(false);
}

void MigrateLinks::Link::drop_connection() {
    if (conn_ != nullptr) {
        net::Connection* c = conn_;
        conn_ = nullptr;
        c->set_handler(nullptr);
        c->close();
    }
    connected_ = false;
    last_db_ = -1;  // a new connection starts in db 0 and needs a SELECT for any other
}

void MigrateLinks::Link::socket_error(bool timed_out) {
    if (timed_out && phase_ == Phase::Resolving) {
        finish(MigrateIo::Resolve);
        return;
    }
    bool was_written = phase_ == Phase::Exchanging && written_;
    drop_connection();
    if (!timed_out && !retried_ && restore_lines_.empty()) {
        retried_ = true;
        start_attempt();
        return;
    }
    finish(was_written ? MigrateIo::Read : MigrateIo::Write);
}

void MigrateLinks::Link::finish(MigrateIo io) {
    uv_timer_stop(&timer_);
    pending_error_ = MigrateIo::None;
    MigrateResult r;
    judge_replies(sent_auth_, auth_line_, sent_select_, select_line_, restore_lines_, &r);
    r.io = io;
    if (r.target_failed) {
        last_db_ = -1;
    } else if (io == MigrateIo::None) {
        last_db_ = ex().db;
    }
    // Bytes beyond the expected replies would be taken for the next exchange's: not trusted.
    if (conn_ != nullptr && conn_->read_size() > 0) drop_connection();
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    active_ = false;
    sent_auth_ = sent_select_ = false;
    restore_lines_.clear();
    last_use_ms_ = unix_ms();
    // The callback may start more MIGRATEs (clients it resumes), on this link too, or evict
    // this link from the cache (dead_ then, but the object lives until its timer closed).
    job.done(std::move(r));
    if (!dead_ && !active_ && !jobs_.empty()) begin();
}

void MigrateLinks::Link::on_timer(uv_timer_t* t) {
    auto* self = static_cast<Link*>(t->data);
    if (self->dead_ || !self->active_) return;
    MigrateIo pending = self->pending_error_;
    self->pending_error_ = MigrateIo::None;
    if (pending == MigrateIo::Resolve) {
        self->finish(MigrateIo::Resolve);
    } else {
        self->socket_error(pending == MigrateIo::None);
    }
}

void MigrateLinks::Link::on_timer_closed(uv_handle_t* h) {
    auto* self = static_cast<Link*>(h->data);
    self->timer_closed_ = true;
    self->maybe_delete();
}

// ---- the cache ------------------------------------------------------------------------------

MigrateLinks::~MigrateLinks() { close_all(); }

void MigrateLinks::start(MigrateExchange ex, MigrateDone done) {
    std::string name = ex.host + ":" + ex.port;
    auto it = links_.find(name);
    Link* link = nullptr;
    if (it != links_.end()) {
        link = it->second;
    } else {
        if (links_.size() >= kMigrateCacheItems) {
            // Redis drops a random cached socket; a link in use keeps its exchange going.
            std::vector<std::string> idle;
            for (const auto& [n, l] : links_) {
                if (!l->busy()) idle.push_back(n);
            }
            if (!idle.empty()) {
                const std::string& victim = idle[random_below(idle.size())];
                links_[victim]->destroy();
                links_.erase(victim);
            }
        }
        link = new Link(loop_, ex.host, ex.port);
        links_.emplace(name, link);
    }
    link->enqueue(Job{std::move(ex), std::move(done)});
}

void MigrateLinks::cron(int64_t now_ms) {
    for (auto it = links_.begin(); it != links_.end();) {
        Link* l = it->second;
        if (!l->busy() && now_ms - l->last_use_ms() > kMigrateIdleCloseMs) {
            l->destroy();
            it = links_.erase(it);
        } else {
            ++it;
        }
    }
}

void MigrateLinks::close_all() {
    for (auto& [name, l] : links_) l->destroy();
    links_.clear();
}

}  // namespace slotcache::cluster
