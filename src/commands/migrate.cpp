// MIGRATE (Redis 7.0's migrateCommand), without blocking the loop.
//
// Steps of one MIGRATE on the source:
//   1. Parse (parse_migrate_args), then look up every key (a read: lazy expiry, hit/miss
//      statistics). None present -> +NOKEY, and nothing is sent.
//   2. Serialize now: one RESTORE-ASKING (RESTORE outside cluster mode) per key with its
//      remaining TTL in ms (at least 1 for a volatile key, 0 for a persistent one), its DUMP
//      payload and REPLACE when given.
//   3. Hold the keys (Server::hold_keys): until step 5 every other command that names one of
//      them, and every keyless write (FLUSHALL, SWAPDB, ...), waits unparsed in its client's
//      buffer. This is what makes the asynchronous exchange as atomic as Redis' blocking one:
//      nobody can change a value between its serialization and its deletion, nor read a key
//      the target already has and the source is about to drop.
//   4. Block the MIGRATE client and run the exchange on the cached link to host:port
//      (cluster/migrate_link.h: AUTH?, SELECT?, the RESTOREs; retry once on a broken
//      connection; the timeout bounds each wait).
//   5. On the outcome: without COPY, delete the keys the target acknowledged and propagate
//      them to replicas as one DEL (Redis rewrites MIGRATE so); release the keys (waiting
//      clients run now: an absent key in a migrating slot gets -ASK); reply +OK, or the
//      target's first error ("ERR Target instance replied with error: ..."), or the IOERR.
//
// Rejected: Redis' synchronous socket with the timeout on the loop thread (every client of
// the node stalls for the round trip, up to the timeout when the target hangs); serializing
// at send time (a retry would then see values written after the MIGRATE was accepted).
//
// Loop thread only.
#include "commands/migrate.h"

#include <string>
#include <utility>

#include "cluster/migrate.h"
#include "cluster/migrate_link.h"
#include "commands/context.h"
#include "commands/server_families.h"
#include "common/crc16.h"
#include "common/strutil.h"
#include "persistence/dump.h"

namespace slotcache::commands {

using server::CommandContext;

namespace {

constexpr const char* kKeysNeedEmptyKey =
    "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";

// What step 5 needs once the target answered; the client may be gone by then.
struct MigrateJob {
    uint64_t client_id = 0;
    int db = 0;
    bool copy = false;
    std::vector<std::string> keys;  // in the order of their RESTOREs
};

void finish_migrate(server::Server& s, const MigrateJob& job, cluster::MigrateResult&& r) {
    keyspace::Db& db = s.keyspace().db(job.db);
    std::vector<std::string_view> del{"DEL"};
    // A node that became a replica meanwhile takes its data from its master alone.
    if (!job.copy && !s.is_replica()) {
        for (size_t i : r.acked) {
            const std::string& k = job.keys[i];
            if (db.del(k, key_slot(k), s.cfg().lazyfree_lazy_server_del)) {
                del.push_back(k);
                s.signal_modified_key(job.db, k);
            }
        }
    }
    if (del.size() > 1) {
        s.stats().dirty += del.size() - 1;
        if (s.repl().is_feeding()) s.repl().propagate(job.db, del);
    }
    s.release_keys(job.keys);
    server::Client* c = s.find_client(job.client_id);
    if (c == nullptr || c->is_closing()) return;
    resp::Reply reply(c->conn().out(), c->proto);
    std::string err = cluster::migrate_error_text(r);
    if (err.empty()) {
        reply.ok();
    } else {
        reply.error(err);
        // Counted here: call() saw no reply when the handler returned.
        s.stats().error_replies++;
        if (const server::CommandDef* cmd = s.commands().find("migrate")) cmd->failed_calls++;
    }
    s.unblock_client(*c);
}

// Appends the RESTORE of one key to *out; false when its value has no payload writer.
bool append_restore(CommandContext& ctx, const keyspace::Entry* e, std::string_view key,
                    bool replace, std::string* payload, std::string* out) {
    if (!persistence::dump_payload(e, ctx.server.cfg().rdbcompression, payload)) return false;
    long long ttl = 0;
    if (e->has_expire()) {
        ttl = e->expire_at - ctx.now_ms;
        if (ttl < 1) ttl = 1;
    }
    std::string ttl_text = std::to_string(ttl);
    std::vector<std::string_view> cmd{ctx.server.cluster() ? "RESTORE-ASKING" : "RESTORE", key,
                                      ttl_text, *payload};
    if (replace) cmd.push_back("REPLACE");
    cluster::append_command(out, cmd);
    return true;
}

void cmd_migrate(CommandContext& ctx) {
    Parsed<MigrateArgs> a = parse_migrate_args(ctx.args);
    if (!a.ok()) {
        ctx.reply.error(a.error());
        return;
    }
    MigrateJob job;
    job.client_id = ctx.client.id();
    job.db = ctx.db.id();
    job.copy = a->copy;
    cluster::MigrateExchange ex;
    OpArgs op = op_args(ctx);
    std::string payload;
    for (size_t i = 0; i < a->num_keys; i++) {
        std::string_view key = ctx.args[a->first_key + i];
        keyspace::Entry* e = lookup_read(op, key, key_slot(key));
        // A value type without a payload writer cannot travel; none exists today.
        if (e == nullptr || !append_restore(ctx, e, key, a->replace, &payload, &ex.restores)) {
            continue;
        }
        job.keys.emplace_back(key);
    }
    if (job.keys.empty()) {
        ctx.reply.simple("NOKEY");
        return;
    }
    ex.host.assign(a->host);
    ex.port.assign(a->port);
    ex.db = a->db;
    ex.timeout_ms = a->timeout_ms;
    ex.auth = a->auth;
    ex.has_username = a->has_username;
    ex.username.assign(a->username);
    ex.password.assign(a->password);
    ex.key_count = job.keys.size();
    ctx.server.hold_keys(job.keys);
    ctx.server.block_client(ctx.client);
    server::Server* s = &ctx.server;
    ctx.server.migrate_links().start(
        std::move(ex), [s, job = std::move(job)](cluster::MigrateResult&& r) {
            finish_migrate(*s, job, std::move(r));
        });
}

}  // namespace

Parsed<MigrateArgs> parse_migrate_args(const std::vector<std::string_view>& args) {
    MigrateArgs a;
    a.host = args[1];
    a.port = args[2];
    for (size_t j = 6; j < args.size(); j++) {
        size_t more = args.size() - 1 - j;
        std::string_view opt = args[j];
        if (iequals(opt, "copy")) {
            a.copy = true;
        } else if (iequals(opt, "replace")) {
            a.replace = true;
        } else if (iequals(opt, "auth")) {
            if (more < 1) return Err::Syntax;
            a.auth = true;
            a.password = args[++j];
        } else if (iequals(opt, "auth2")) {
            if (more < 2) return Err::Syntax;
            a.auth = true;
            a.has_username = true;
            a.username = args[++j];
            a.password = args[++j];
        } else if (iequals(opt, "keys")) {
            if (!args[3].empty()) return Parsed<MigrateArgs>::failure(kKeysNeedEmptyKey);
            a.first_key = j + 1;
            a.num_keys = more;
            break;
        } else {
            return Err::Syntax;
        }
    }
    long long timeout = 0;
    if (!parse_ll(args[5], &timeout) || !parse_ll(args[4], &a.db)) return Err::NotInteger;
    a.timeout_ms = timeout <= 0 ? 1000 : timeout;
    return a;
}

bool migrate_get_keys(const std::vector<std::string_view>& args, std::vector<int>* out) {
    out->clear();
    if (args.size() < 4) return false;
    size_t first = 3;
    size_t num = 1;
    for (size_t i = 6; i < args.size(); i++) {
        if (iequals(args[i], "keys")) {
            if (!args[3].empty()) return false;
            first = i + 1;
            num = args.size() - first;
            break;
        }
        if (iequals(args[i], "auth")) {
            i += 1;
        } else if (iequals(args[i], "auth2")) {
            i += 2;
        }
    }
    if (num == 0) return false;
    for (size_t i = 0; i < num; i++) out->push_back(static_cast<int>(first + i));
    return true;
}

void register_migrate_command(server::CommandTable& t) {
    using namespace server;
    CommandDef c = def("migrate", -6, kCmdWrite | kCmdMovableKeys, 3, 3, 1, cmd_migrate,
                       "keyspace write slow dangerous");
    c.keys = migrate_get_keys;
    t.add(std::move(c));
}

}  // namespace slotcache::commands
