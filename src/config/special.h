// The directives that do not fit one typed argument: their parse, CONFIG GET text and CONFIG
// REWRITE lines, each a copy of the matching Redis 7.0 function (setConfigSaveOption,
// getConfigClientOutputBufferLimitOption, rewriteConfigBindOption, ...). Used only by the table
// in directives.cpp. Pure functions except set_dir, which stat()s the directory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/directives.h"

namespace slotcache::config::detail {

std::string set_bind(Values& v, const std::vector<std::string>& args, bool append);
std::string get_bind(const Values& v);
void rewrite_bind(const Values& v, std::string_view name, std::vector<RewriteLine>* out);

std::string set_save(Values& v, const std::vector<std::string>& args, bool append);
std::string get_save(const Values& v);
void rewrite_save(const Values& v, std::string_view name, std::vector<RewriteLine>* out);

std::string set_obuf(Values& v, const std::vector<std::string>& args, bool append);
std::string get_obuf(const Values& v);
void rewrite_obuf(const Values& v, std::string_view name, std::vector<RewriteLine>* out);

std::string set_replicaof(Values& v, const std::vector<std::string>& args, bool append);
std::string get_replicaof(const Values& v);
void rewrite_replicaof(const Values& v, std::string_view name, std::vector<RewriteLine>* out);

std::string set_notify(Values& v, const std::vector<std::string>& args, bool append);
std::string get_notify(const Values& v);
void rewrite_notify(const Values& v, std::string_view name, std::vector<RewriteLine>* out);

std::string set_dir(Values& v, const std::vector<std::string>& args, bool append);
std::string get_dir(const Values& v);
void rewrite_dir(const Values& v, std::string_view name, std::vector<RewriteLine>* out);

}  // namespace slotcache::config::detail
