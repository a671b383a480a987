#include "net/listener.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace slotcache::net {

bool Listeners::listen_one(const std::string& addr_in, int port, int backlog, std::string* err) {
    bool optional = !addr_in.empty() && addr_in[0] == '-';
    std::string addr = optional ? addr_in.substr(1) : addr_in;
    bool v6 = addr.find(':') != std::string::npos;
    if (addr == "*") addr = "0.0.0.0";
    if (addr == "::*") addr = "::";

    sockaddr_storage ss{};
    int r = v6 ? uv_ip6_addr(addr.c_str(), port, reinterpret_cast<sockaddr_in6*>(&ss))
               : uv_ip4_addr(addr.c_str(), port, reinterpret_cast<sockaddr_in*>(&ss));
    auto fail = [&](const char* what, int code) {
        *err = "Could not create server TCP listening socket " + addr + ":" +
               std::to_string(port) + ": " + what + ": " + uv_strerror(code);
        return false;
    };
    if (r != 0) return optional ? true : fail("address", r);

    auto* hd = new Handle();
    hd->owner = this;
    hd->is_unix = false;
    uv_tcp_init(loop_, &hd->h.tcp);
    hd->h.tcp.data = hd;
    r = uv_tcp_bind(&hd->h.tcp, reinterpret_cast<sockaddr*>(&ss), v6 ? UV_TCP_IPV6ONLY : 0);
    if (r == 0) r = uv_listen(reinterpret_cast<uv_stream_t*>(&hd->h.tcp), backlog, on_connection);
    if (r != 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(&hd->h.tcp), [](uv_handle_t* h) {
            delete static_cast<Handle*>(h->data);
        });
        // Redis skips an optional address that this host does not have.
        if (optional && (r == UV_EADDRNOTAVAIL || r == UV_EAFNOSUPPORT || r == UV_EPROTONOSUPPORT)) {
            return true;
        }
        return fail("bind", r);
    }
    handles_.push_back(hd);
    return true;
}

bool Listeners::listen_tcp(const std::vector<std::string>& addrs, int port, int backlog,
                           std::string* err) {
    for (const auto& a : addrs) {
        if (!listen_one(a, port, backlog, err)) return false;
    }
    return true;
}

bool Listeners::listen_unix(const std::string& path, unsigned perm, int backlog,
                            std::string* err) {
    unlink(path.c_str());
    auto* hd = new Handle();
    hd->owner = this;
    hd->is_unix = true;
    uv_pipe_init(loop_, &hd->h.pipe, 0);
    hd->h.pipe.data = hd;
    int r = uv_pipe_bind(&hd->h.pipe, path.c_str());
    if (r == 0 && perm != 0) r = chmod(path.c_str(), perm) == 0 ? 0 : uv_translate_sys_error(errno);
    if (r == 0) r = uv_listen(reinterpret_cast<uv_stream_t*>(&hd->h.pipe), backlog, on_connection);
    if (r != 0) {
        *err = "Failed opening Unix socket: " + std::string(uv_strerror(r));
        uv_close(reinterpret_cast<uv_handle_t*>(&hd->h.pipe), [](uv_handle_t* h) {
            delete static_cast<Handle*>(h->data);
        });
        return false;
    }
    unix_path_ = path;
    handles_.push_back(hd);
    return true;
}

void Listeners::on_connection(uv_stream_t* server, int status) {
    auto* hd = static_cast<Handle*>(server->data);
    if (status < 0) return;
    Connection* c = Connection::create(server->loop,
                                       hd->is_unix ? Connection::Kind::Unix : Connection::Kind::Tcp);
    if (uv_accept(server, c->stream()) != 0) {
        c->close();
        return;
    }
    c->resolve_addresses();
    hd->owner->handler_->on_accept(c);
}

void Listeners::close_all() {
    for (auto* hd : handles_) {
        uv_close(reinterpret_cast<uv_handle_t*>(&hd->h.tcp), [](uv_handle_t* h) {
            delete static_cast<Handle*>(h->data);
        });
    }
    handles_.clear();
    if (!unix_path_.empty()) unlink(unix_path_.c_str());
}

}  // namespace slotcache::net
