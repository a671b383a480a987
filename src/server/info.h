// INFO: the sections and field names Redis 7.0 prints and tools read (redis-cli, redis-py,
// exporters). Fields with no meaning here keep Redis' name and the value a fresh Redis shows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slotcache::server {

class Server;

// sections: as given to INFO (empty = "default"); "all", "everything", "default" and section
// names, case-insensitive. Returns the text with "\r\n" line ends.
std::string build_info(Server& s, const std::vector<std::string_view>& sections);

}  // namespace slotcache::server
