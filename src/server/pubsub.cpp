#include "server/pubsub.h"

#include <algorithm>

#include "cluster/state.h"
#include "common/crc16.h"
#include "common/strutil.h"
#include "config/config.h"
#include "resp/reply.h"
#include "server/client.h"
#include "server/server.h"

namespace slotcache::server {

namespace {

constexpr const char* kUnsubscribeNames[3] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

void append_bulk(std::string* out, std::string_view s) {
    out->push_back('$');
    out->append(std::to_string(s.size()));
    out->append("\r\n");
    out->append(s);
    out->append("\r\n");
}

ClientSubscriptions& subs_of(Client& c) {
    if (!c.subs) {
        c.subs = std::make_unique<ClientSubscriptions>();
    }
    return *c.subs;
}

}  // namespace

bool PubSub::pattern_matches(std::string_view pattern, std::string_view channel) {
    return glob_match(pattern, channel);
}

bool PubSub::subscribe(Client& c, SubKind kind, std::string_view name) {
    NameSet& mine = subs_of(c).names[static_cast<int>(kind)];
    if (mine.find(name) != mine.end()) {
        return false;
    }
    mine.emplace(name);
    Table& t = table(kind);
    auto it = t.find(name);
    if (it == t.end()) {
        it = t.emplace(std::string(name), std::vector<Client*>()).first;
        if (kind == SubKind::Shard) {
            SlotShard& s = shard_slots_[key_slot(name)];
            if (s.channels++ == 0 && cluster_state_ != nullptr) {
                const cluster::Node* owner = cluster_state_->slot_owner(key_slot(name));
                s.owner_id = owner ? owner->id : std::string();
            }
        }
    }
    it->second.push_back(&c);
    return true;
}

bool PubSub::remove_from_table(Client& c, SubKind kind, std::string_view name) {
    Table& t = table(kind);
    auto it = t.find(name);
    if (it == t.end()) {
        return false;
    }
    std::vector<Client*>& v = it->second;
    auto pos = std::find(v.begin(), v.end(), &c);
    if (pos == v.end()) {
        return false;
    }
    *pos = v.back();
    v.pop_back();
    if (v.empty()) {
        if (kind == SubKind::Shard) {
            auto s = shard_slots_.find(key_slot(name));
            if (s != shard_slots_.end() && --s->second.channels == 0) {
                shard_slots_.erase(s);
            }
        }
        t.erase(it);
    }
    return true;
}

bool PubSub::unsubscribe(Client& c, SubKind kind, std::string_view name) {
    if (!c.subs) {
        return false;
    }
    NameSet& mine = c.subs->names[static_cast<int>(kind)];
    auto it = mine.find(name);
    if (it == mine.end()) {
        return false;
    }
    remove_from_table(c, kind, name);
    mine.erase(it);
    return true;
}

void PubSub::reply_unsubscribed(Client& c, SubKind kind, std::string_view name, bool has_name) {
    resp::Reply r(c.conn().out(), c.proto);
    r.push(3);
    r.bulk(kUnsubscribeNames[static_cast<int>(kind)]);
    if (has_name) {
        r.bulk(name);
    } else {
        r.null();
    }
    r.integer(c.subs ? static_cast<long long>(c.subs->reply_count(kind)) : 0);
}

void PubSub::unsubscribe_all(Client& c, SubKind kind, bool notify) {
    if (!c.subs || c.subs->count(kind) == 0) {
        if (notify) {
            reply_unsubscribed(c, kind, {}, false);
        }
        return;
    }
    NameSet& mine = c.subs->names[static_cast<int>(kind)];
    while (!mine.empty()) {
        auto it = mine.begin();
        std::string name = std::move(mine.extract(it).value());
        remove_from_table(c, kind, name);
        if (notify) {
            reply_unsubscribed(c, kind, name, true);
        }
    }
}

void PubSub::remove_client(Client& c) {
    if (!c.subs) {
        return;
    }
    for (int k = 0; k < 3; k++) {
        unsubscribe_all(c, static_cast<SubKind>(k), false);
    }
}

void PubSub::encode(std::string_view kind, const std::string* pattern, std::string_view channel,
                    std::string_view message) {
    size_t n = pattern ? 4 : 3;
    for (int p = 0; p < 2; p++) {
        std::string& s = scratch_[p];
        s.clear();
        s.push_back(p == 0 ? '*' : '>');
        s.append(std::to_string(n));
        s.append("\r\n");
        append_bulk(&s, kind);
        if (pattern) {
            append_bulk(&s, *pattern);
        }
        append_bulk(&s, channel);
        append_bulk(&s, message);
    }
}

void PubSub::deliver(Client& c) {
    if (c.is_closing()) {
        return;
    }
    c.conn().out().append(scratch_[c.proto >= 3 ? 1 : 0]);
    server_.note_push_output(c);
}

size_t PubSub::publish(std::string_view channel, std::string_view message) {
    size_t receivers = 0;
    auto it = table(SubKind::Channel).find(channel);
    if (it != table(SubKind::Channel).end()) {
        encode("message", nullptr, channel, message);
        for (Client* c : it->second) {
            deliver(*c);
        }
        receivers += it->second.size();
    }
    for (auto& [pattern, clients] : table(SubKind::Pattern)) {
        if (!glob_match(pattern, channel)) {
            continue;
        }
        encode("pmessage", &pattern, channel, message);
        for (Client* c : clients) {
            deliver(*c);
        }
        receivers += clients.size();
    }
    return receivers;
}

size_t PubSub::publish_shard(std::string_view channel, std::string_view message) {
    auto it = table(SubKind::Shard).find(channel);
    if (it == table(SubKind::Shard).end()) {
        return 0;
    }
    encode("smessage", nullptr, channel, message);
    for (Client* c : it->second) {
        deliver(*c);
    }
    return it->second.size();
}

void PubSub::notify_keyspace_event(int flags, int type, std::string_view event,
                                   std::string_view key, int db) {
    if ((flags & type) == 0) {
        return;
    }
    if (table(SubKind::Channel).empty() && table(SubKind::Pattern).empty()) {
        return;
    }
    std::string& ch = notify_channel_;
    if (flags & config::kNotifyKeyspace) {
        ch.assign("__keyspace@");
        ch.append(std::to_string(db));
        ch.append("__:");
        ch.append(key);
        publish(ch, event);
    }
    if (flags & config::kNotifyKeyevent) {
        ch.assign("__keyevent@");
        ch.append(std::to_string(db));
        ch.append("__:");
        ch.append(event);
        publish(ch, key);
    }
}

void PubSub::list(SubKind kind, std::string_view pattern,
                  std::vector<std::string_view>* out) const {
    for (const auto& [name, clients] : table(kind)) {
        if (pattern.empty() || glob_match(pattern, name)) {
            out->push_back(name);
        }
    }
}

size_t PubSub::subscribers(SubKind kind, std::string_view name) const {
    auto it = table(kind).find(name);
    return it == table(kind).end() ? 0 : it->second.size();
}

void PubSub::drop_shard_slot(int slot) {
    Table& t = table(SubKind::Shard);
    std::vector<std::string> names;
    for (const auto& [name, clients] : t) {
        if (key_slot(name) == slot) {
            names.push_back(name);
        }
    }
    for (const std::string& name : names) {
        auto it = t.find(name);
        if (it == t.end()) {
            continue;
        }
        std::vector<Client*> clients = it->second;
        for (Client* c : clients) {
            unsubscribe(*c, SubKind::Shard, name);
            if (c->is_closing()) {
                continue;
            }
            reply_unsubscribed(*c, SubKind::Shard, name, true);
            server_.note_push_output(*c);
        }
    }
    shard_slots_.erase(slot);
}

void PubSub::drop_moved_shard_slots(const cluster::ClusterState& state) {
    std::vector<int> moved;
    for (const auto& [slot, s] : shard_slots_) {
        const cluster::Node* owner = state.slot_owner(slot);
        if (owner == nullptr || owner->id != s.owner_id) {
            moved.push_back(slot);
        }
    }
    for (int slot : moved) {
        drop_shard_slot(slot);
    }
}

}  // namespace slotcache::server

namespace slotcache::server {

void Server::notify_keyspace_event(int type, std::string_view event, std::string_view key, int db) {
    pubsub_.notify_keyspace_event(cfg().notify_keyspace_events, type, event, key, db);
}

// A PUBLISH / SPUBLISH another node received from a client, delivered here through the bus.
void Server::cluster_publish_received(std::string_view channel, std::string_view message,
                                      bool shard) {
    if (shard) {
        pubsub_.publish_shard(channel, message);
    } else {
        pubsub_.publish(channel, message);
    }
}

}  // namespace slotcache::server
