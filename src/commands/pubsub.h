// Registration of the pub/sub command family (pubsub.cpp).
#pragma once

namespace slotcache::server {
class CommandTable;
}

namespace slotcache::commands {

// SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH SSUBSCRIBE SUNSUBSCRIBE SPUBLISH PUBSUB.
void register_pubsub_commands(server::CommandTable& table);

}  // namespace slotcache::commands
