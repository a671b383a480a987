// The connections MIGRATE keeps to its targets (Redis' migrateGetSocket cache), driven by the
// loop instead of blocking it.
//
// Approach: one Link per "host:port" as the client wrote them, at most kMigrateCacheItems
// (a new one evicts a random idle link), closed after kMigrateIdleCloseMs without use. A link
// runs one exchange at a time (migrate.h: AUTH?, SELECT?, RESTOREs, then one reply line each);
// exchanges for the same target queue behind it, so the SELECT bookkeeping (the target db of
// the last SELECT that succeeded) stays exact. Timeouts are Redis': the MIGRATE timeout bounds
// the connect and then every wait for the target (the timer restarts whenever bytes arrive or
// the output drains), so a large batch is not cut short while it makes progress.
//
// Failure handling, as migrateCommand does it: a socket error (not a timeout) before any
// RESTORE reply was read closes the connection and runs the exchange once more on a fresh one;
// a timeout, or a second error, ends the exchange with MigrateIo::Write (still connecting or
// writing) or MigrateIo::Read (waiting for replies), keeping the acknowledgements read so far.
// A host name that does not resolve ends it with MigrateIo::Resolve, without a retry.
//
// Rejected: Redis' blocking connect/write/read with the timeout on the loop thread (every
// other client would wait for the target, up to the timeout, per MIGRATE); one connection per
// MIGRATE (a TCP handshake and a SELECT per batch of a reshard that moves 100,000 keys).
//
// Lifetime: a Link is heap-allocated and deleted only after its timer is closed and every
// libuv request it started (connect, getaddrinfo) has called back; a request that completes
// for a Link already dropped does nothing. The done callback of an exchange is called exactly
// once, from a loop callback, never from inside start(); close_all() drops pending exchanges
// without calling them (shutdown).
//
// Loop thread only.
#pragma once

#include <uv.h>

#include <functional>
#include <string>
#include <unordered_map>

#include "cluster/migrate.h"

namespace slotcache::cluster {

using MigrateDone = std::function<void(MigrateResult&&)>;

class MigrateLinks {
public:
    explicit MigrateLinks(uv_loop_t* loop) : loop_(loop) {}
    ~MigrateLinks();
    MigrateLinks(const MigrateLinks&) = delete;
    MigrateLinks& operator=(const MigrateLinks&) = delete;

    // Runs ex on the link to ex.host:ex.port, after the exchanges already queued there.
    void start(MigrateExchange ex, MigrateDone done);
    // Closes the links unused for more than kMigrateIdleCloseMs (from the server's cron).
    void cron(int64_t now_ms);
    // Closes every link; pending exchanges are dropped without a callback (shutdown).
    void close_all();
    size_t size() const { return links_.size(); }

    class Link;

private:
    uv_loop_t* loop_;
    std::unordered_map<std::string, Link*> links_;  // by "host:port"
};

}  // namespace slotcache::cluster
