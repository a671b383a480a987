// The one place that lists every command family; the server builds its table from it, then
// attaches COMMAND INFO's key specs and tips (commands/command_specs.h).
#include "commands/cluster.h"
#include "commands/command_specs.h"
#include "commands/families.h"
#include "commands/migrate.h"
#include "commands/persistence.h"
#include "commands/pubsub.h"
#include "commands/replication.h"
#include "commands/server_families.h"

namespace slotcache::server {

void register_all_commands(CommandTable& table) {
    commands::register_connection_commands(table);
    commands::register_admin_commands(table);
    commands::register_introspection_commands(table);
    commands::register_string_commands(table);
    commands::register_key_commands(table);
    commands::register_list_commands(table);
    commands::register_set_commands(table);
    commands::register_hash_commands(table);
    commands::register_zset_commands(table);
    commands::register_cluster_commands(table);
    commands::register_replication_commands(table);
    commands::register_persistence_commands(table);
    commands::register_migrate_command(table);
    commands::register_transaction_commands(table);
    commands::register_pubsub_commands(table);
    // Last: COMMAND INFO's key specs and tips for everything registered above.
    commands::attach_command_specs(table);
}

}  // namespace slotcache::server
