// slotcache-cli --pipe: redis-cli's mass insertion. stdin holds raw RESP (or inline) commands,
// sent as they are; the replies are counted (errors printed on stderr and counted too) while
// writing continues. At end of input an `ECHO <20 random hex chars>` marker is sent; its reply
// proves that every earlier reply arrived, and ends the run.
//
// Approach: redis-cli's pipeMode: one non-blocking socket polled for reading and writing, stdin
// read only when the socket can take more (so a slow server slows the reading, not the memory),
// replies parsed and dropped as they come (so the server's output buffer never grows unbounded).
// Rejected: sending everything first and reading afterwards (the server would buffer every
// reply, and a large input would dead-lock on full socket buffers both ways).
//
// Output (stdout, redis-cli's lines): "All data transferred. Waiting for the last reply...",
// "Last reply received from server.", "errors: N, replies: M". Exit status 1 when an error
// reply came, the server went away, or no reply came for --pipe-timeout seconds after the input
// ended (0: wait forever), else 0.
//
// Main thread; blocking (poll).
#pragma once

#include "cli/connection.h"

namespace slotcache::cli {

// Runs the mass insertion on conn (connected and set up; nothing sent yet), then the
// connection is unusable. Returns the exit status.
int pipe_main(Connection* conn, int pipe_timeout_s);

}  // namespace slotcache::cli
