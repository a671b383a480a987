// Entry point of slotcache-cli, the redis-cli compatible client. src/main.cpp calls cli_main
// when argv[0] ends in "slotcache-cli" (or for "slotcache-server --cli ..."). Runs on the
// process' main thread, blocking I/O, no libuv loop.
#pragma once

namespace slotcache::cli {

// argv as main() received it (argv[0] is the program name). Returns the process exit code:
// 0 on success, 1 on connection or usage errors, 1 with -e after an error reply, and 255 (like
// redis-cli's REDIS_ERR) when a command could not be sent or its reply could not be read.
int cli_main(int argc, char** argv);

}  // namespace slotcache::cli
