// Server-wide counters shown by INFO stats and reset by CONFIG RESETSTAT.
#pragma once

#include <cstdint>

namespace slotcache::server {

struct Stats {
    uint64_t connections_received = 0;
    uint64_t commands_processed = 0;
    uint64_t rejected_connections = 0;
    uint64_t net_input_bytes = 0;
    uint64_t net_output_bytes = 0;
    uint64_t keyspace_hits = 0;
    uint64_t keyspace_misses = 0;
    uint64_t error_replies = 0;
    uint64_t unexpected_error_replies = 0;
    uint64_t client_qbuf_limit_disconnections = 0;
    uint64_t client_outbuf_limit_disconnections = 0;
    uint64_t sync_full = 0;
    uint64_t sync_partial_ok = 0;
    uint64_t sync_partial_err = 0;
    uint64_t dirty = 0;  // changes since the last snapshot (rdb_changes_since_last_save)

    // instantaneous_ops_per_sec: a ring of samples taken by the cron, as Redis does.
    static constexpr int kSamples = 16;
    uint64_t ops_samples[kSamples] = {};
    int ops_sample_idx = 0;
    int64_t last_sample_us = 0;
    uint64_t last_sample_ops = 0;
    void sample_ops(int64_t now_us);
    uint64_t instantaneous_ops() const;
};

}  // namespace slotcache::server
