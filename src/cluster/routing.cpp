#include "cluster/routing.h"

#include "common/crc16.h"

namespace slotcache::cluster {

RouteResult route_command(const ClusterState& state, const RouteQuery& q) {
    RouteResult r;
    Node* myself = state.myself();
    Node* owner = nullptr;
    bool migrating = false, importing = false;
    int missing = 0, existing = 0;
    bool multiple_keys = false;
    std::string_view first_key;

    for (int idx : *q.key_indexes) {
        std::string_view key = (*q.args)[static_cast<size_t>(idx)];
        int slot = key_slot(key);
        if (r.slot < 0) {
            r.slot = slot;
            first_key = key;
            owner = state.slot_owner(slot);
            if (!owner) {
                r.route = Route::DownUnbound;
                return r;
            }
            if (owner == myself && state.migrating_to[static_cast<size_t>(slot)]) {
                migrating = true;
            } else if (state.importing_from[static_cast<size_t>(slot)]) {
                importing = true;
            }
        } else {
            if (slot != r.slot) {
                r.route = Route::CrossSlot;
                return r;
            }
            if (!multiple_keys && key != first_key) multiple_keys = true;
        }
        if ((migrating || importing) && !q.pubsubshard) {
            if (q.key_exists && q.key_exists(key, slot)) {
                existing++;
            } else {
                missing++;
            }
        }
    }
    if (!owner) return r;  // no keys: served here

    if (!state.is_ok()) {
        if (q.pubsubshard) {
            if (!q.allow_pubsubshard_when_down) {
                r.route = Route::DownState;
                return r;
            }
        } else if (!q.allow_reads_when_down) {
            r.route = Route::DownState;
            return r;
        }
        if (q.is_write) {
            r.route = Route::DownReadOnlyState;
            return r;
        }
    }
    if ((migrating || importing) && q.migrate_command) return r;
    if (migrating && missing > 0) {
        if (existing > 0) {
            r.route = Route::TryAgain;
        } else {
            r.route = Route::Ask;
            r.node = state.migrating_to[static_cast<size_t>(r.slot)];
        }
        return r;
    }
    if (importing && (q.client_asking || q.asking_flag_command)) {
        if (multiple_keys && missing > 0) r.route = Route::TryAgain;
        return r;
    }
    if ((q.client_readonly || q.pubsubshard) && !q.is_write && myself->is_replica() &&
        myself->master == owner) {
        return r;
    }
    if (owner != myself) {
        r.route = Route::Moved;
        r.node = owner;
    }
    return r;
}

std::string route_error(const RouteResult& r, const std::string& address) {
    switch (r.route) {
        case Route::Here: return "";
        case Route::Moved: return "MOVED " + std::to_string(r.slot) + " " + address;
        case Route::Ask: return "ASK " + std::to_string(r.slot) + " " + address;
        case Route::CrossSlot: return "CROSSSLOT Keys in request don't hash to the same slot";
        case Route::TryAgain: return "TRYAGAIN Multiple keys request during rehashing of slot";
        case Route::DownUnbound: return "CLUSTERDOWN Hash slot not served";
        case Route::DownState: return "CLUSTERDOWN The cluster is down";
        case Route::DownReadOnlyState:
            return "CLUSTERDOWN The cluster is down and only accepts read commands";
    }
    return "";
}

}  // namespace slotcache::cluster
