// Bus message codec (see bus_codec.h and the "Bus protocol" section of README.md for the layout).
//
// Decoding goes through Reader, a cursor over [p, p + left) whose every read first checks the
// bytes remain and otherwise latches `bad` and returns zeroes/empty views; callers check `bad`
// once at the end of a section instead of after each field, and no read can pass the end.
// Integers are assembled byte by byte, so the code is the same on any host byte order.
//
// Slot sets (the header's claimed slots and UPDATE's slots) are written as ranges when that is
// shorter than the bitmap, which holds for any master with fewer than 512 disjoint ranges.
#include "cluster/bus_codec.h"

#include <string_view>

namespace slotcache::cluster {

namespace {

constexpr uint16_t kSlotsAsBitmap = 0xFFFF;  // slot set marker: a 2048-byte bitmap follows
constexpr size_t kBitmapLen = kSlots / 8;
constexpr size_t kMaxRanges = (kBitmapLen - 1) / 4;  // more ranges than this: send the bitmap
constexpr size_t kGossipFixedLen = 55;               // a gossip entry without its ip
constexpr size_t kPublishFixedLen = 8;               // channel and payload lengths
constexpr size_t kUpdateFixedLen = 8 + kNodeIdLen + 2;
constexpr uint8_t kHdrClusterFail = 1u << 0;
constexpr uint8_t kHdrHasMaster = 1u << 1;

// ---- encoding -----------------------------------------------------------------------------

void put_le(std::string* out, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; i++) {
        out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    }
}

// Visits the maximal runs of set slots in ascending order. With libstdc++ the scan is word by
// word (_Find_next), which matters: a PING is encoded several times a second and a bit-by-bit
// scan of 16384 slots, done three times per encode, cost ~75 us.
template <class F>
void for_each_range(const std::bitset<kSlots>& s, F&& f) {
#if defined(__GLIBCXX__)
    const std::bitset<kSlots> clear = ~s;
    for (size_t start = s._Find_first(); start < kSlots;) {
        size_t end = clear._Find_next(start);  // kSlots if the run reaches the last slot
        f(start, end - 1);
        start = end < kSlots ? s._Find_next(end) : kSlots;
    }
#else
    size_t i = 0;
    while (i < kSlots) {
        if (!s.test(i)) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < kSlots && s.test(i)) {
            i++;
        }
        f(start, i - 1);
    }
#endif
}

size_t count_ranges(const std::bitset<kSlots>& s) {
    size_t n = 0;
    for_each_range(s, [&](size_t, size_t) { n++; });
    return n;
}

size_t slot_set_size(const std::bitset<kSlots>& s) {
    size_t n = count_ranges(s);
    return 2 + (n <= kMaxRanges ? 4 * n : kBitmapLen);
}

// A slot set is its count field (the number of ranges, or kSlotsAsBitmap) and its data; in the
// header the two are apart (the count is a fixed field), so they are written separately.
void put_slot_count(std::string* out, size_t ranges) {
    put_le(out, ranges <= kMaxRanges ? ranges : kSlotsAsBitmap, 2);
}

void put_slot_data(std::string* out, const std::bitset<kSlots>& s, size_t ranges) {
    if (ranges <= kMaxRanges) {
        for_each_range(s, [&](size_t a, size_t b) {
            put_le(out, a, 2);
            put_le(out, b, 2);
        });
        return;
    }
    for (size_t byte = 0; byte < kBitmapLen; byte++) {
        uint8_t v = 0;
        for (size_t bit = 0; bit < 8; bit++) {
            if (s.test(byte * 8 + bit)) {
                v = static_cast<uint8_t>(v | (1u << bit));
            }
        }
        out->push_back(static_cast<char>(v));
    }
}

bool is_light(MsgType t) {
    return t == MsgType::PublishLight || t == MsgType::PublishShardLight;
}

bool is_gossip_type(MsgType t) {
    return t == MsgType::Ping || t == MsgType::Pong || t == MsgType::Meet;
}

bool is_publish_type(MsgType t) {
    return t == MsgType::Publish || t == MsgType::PublishShard || is_light(t);
}

// The smallest valid frame of a known type; unknown types need only the prefix.
size_t min_frame_len(uint8_t type) {
    if (type >= static_cast<uint8_t>(MsgType::Count)) {
        return kPrefixLen;
    }
    auto t = static_cast<MsgType>(type);
    if (is_light(t)) {
        return kPrefixLen + kPublishFixedLen;
    }
    size_t body = 0;
    if (is_gossip_type(t)) {
        body = 2;
    } else if (t == MsgType::Fail) {
        body = kNodeIdLen;
    } else if (t == MsgType::Update) {
        body = kUpdateFixedLen;
    } else if (is_publish_type(t)) {
        body = kPublishFixedLen;
    }
    return kFixedHeaderLen + body;
}

size_t body_size(const Message& m) {
    MsgType t = m.h.type;
    if (is_gossip_type(t)) {
        size_t n = 2;
        for (const GossipEntry& g : m.gossip) {
            n += kGossipFixedLen + g.ip.size();
        }
        return n;
    }
    if (t == MsgType::Fail) {
        return kNodeIdLen;
    }
    if (t == MsgType::Update) {
        return kUpdateFixedLen - 2 + slot_set_size(m.update_slots);
    }
    if (is_publish_type(t)) {
        return kPublishFixedLen + m.channel.size() + m.payload.size();
    }
    return 0;
}

void put_header(std::string* out, const MessageHeader& h) {
    out->append(h.sender);
    put_le(out, h.current_epoch, 8);
    put_le(out, h.config_epoch, 8);
    put_le(out, h.repl_offset, 8);
    put_le(out, h.port, 2);
    put_le(out, h.cport, 2);
    put_le(out, h.flags, 2);
    uint8_t hflags = (h.cluster_state_fail ? kHdrClusterFail : 0) |
                     (h.master_id.empty() ? 0 : kHdrHasMaster);
    put_le(out, hflags, 1);
    put_le(out, h.mflags, 1);
    put_le(out, h.ip.size(), 1);
    put_le(out, h.hostname.size(), 1);
    size_t ranges = count_ranges(h.slots);
    put_slot_count(out, ranges);
    out->append(h.master_id);
    out->append(h.ip);
    out->append(h.hostname);
    put_slot_data(out, h.slots, ranges);
}

void put_body(std::string* out, const Message& m) {
    MsgType t = m.h.type;
    if (is_gossip_type(t)) {
        put_le(out, m.gossip.size(), 2);
        for (const GossipEntry& g : m.gossip) {
            out->append(g.id);
            put_le(out, g.ping_sent_s, 4);
            put_le(out, g.pong_received_s, 4);
            put_le(out, g.port, 2);
            put_le(out, g.cport, 2);
            put_le(out, g.flags, 2);
            put_le(out, g.ip.size(), 1);
            out->append(g.ip);
        }
    } else if (t == MsgType::Fail) {
        out->append(m.fail_node);
    } else if (t == MsgType::Update) {
        put_le(out, m.update_config_epoch, 8);
        out->append(m.update_node);
        size_t ranges = count_ranges(m.update_slots);
        put_slot_count(out, ranges);
        put_slot_data(out, m.update_slots, ranges);
    } else if (is_publish_type(t)) {
        put_le(out, m.channel.size(), 4);
        put_le(out, m.payload.size(), 4);
        out->append(m.channel);
        out->append(m.payload);
    }
}

// ---- decoding -----------------------------------------------------------------------------

struct Reader {
    const unsigned char* p;
    size_t left;
    bool bad = false;

    uint64_t le(int bytes) {
        if (bad || left < static_cast<size_t>(bytes)) {
            bad = true;
            return 0;
        }
        uint64_t v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= static_cast<uint64_t>(p[i]) << (8 * i);
        }
        p += bytes;
        left -= static_cast<size_t>(bytes);
        return v;
    }
    uint8_t u8() { return static_cast<uint8_t>(le(1)); }
    uint16_t u16() { return static_cast<uint16_t>(le(2)); }
    uint32_t u32() { return static_cast<uint32_t>(le(4)); }
    uint64_t u64() { return le(8); }

    std::string_view bytes(size_t n) {
        if (bad || left < n) {
            bad = true;
            return {};
        }
        std::string_view v(reinterpret_cast<const char*>(p), n);
        p += n;
        left -= n;
        return v;
    }
};

bool is_ip_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
           c == ':';
}

bool is_hostname_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == '-';
}

template <class Pred>
bool all_of(std::string_view s, Pred pred) {
    for (char c : s) {
        if (!pred(c)) {
            return false;
        }
    }
    return true;
}

bool read_node_id(Reader& r, std::string* out) {
    std::string_view v = r.bytes(kNodeIdLen);
    if (r.bad) {
        return false;
    }
    out->assign(v);
    return is_valid_node_id(*out);
}

bool read_ip(Reader& r, size_t len, std::string* out) {
    std::string_view v = r.bytes(len);
    if (r.bad || len > kMaxIpLen || !all_of(v, is_ip_char)) {
        return false;
    }
    out->assign(v);
    return true;
}

// Sets slots [start, end]. Long runs (a master's usual claim) go word by word through shifts
// of an all-ones mask; short ones bit by bit.
void set_range(std::bitset<kSlots>* out, size_t start, size_t end) {
    size_t len = end - start + 1;
    if (len < 256) {
        for (size_t s = start; s <= end; s++) {
            out->set(s);
        }
        return;
    }
    std::bitset<kSlots> mask;
    mask.set();
    mask >>= kSlots - len;
    mask <<= start;
    *out |= mask;
}

// Reads a slot set's data, given its count field already read. Ranges must be ascending,
// disjoint and within 0..16383, so each set has few encodings and garbage is caught.
bool read_slot_data(Reader& r, uint16_t count, std::bitset<kSlots>* out) {
    out->reset();
    if (count == kSlotsAsBitmap) {
        std::string_view v = r.bytes(kBitmapLen);
        for (size_t i = 0; i < v.size(); i++) {
            auto byte = static_cast<unsigned char>(v[i]);
            for (size_t bit = 0; bit < 8; bit++) {
                if (byte & (1u << bit)) {
                    out->set(i * 8 + bit);
                }
            }
        }
        return !r.bad;
    }
    if (count > kMaxRanges || r.left < size_t{count} * 4) {
        return false;
    }
    int prev_end = -1;
    for (uint16_t i = 0; i < count; i++) {
        int start = r.u16();
        int end = r.u16();
        if (start > end || end >= kSlots || start <= prev_end) {
            return false;
        }
        set_range(out, static_cast<size_t>(start), static_cast<size_t>(end));
        prev_end = end;
    }
    return !r.bad;
}

bool read_header(Reader& r, MessageHeader* h) {
    if (!read_node_id(r, &h->sender)) {
        return false;
    }
    h->current_epoch = r.u64();
    h->config_epoch = r.u64();
    h->repl_offset = r.u64();
    h->port = r.u16();
    h->cport = r.u16();
    h->flags = r.u16();
    uint8_t hflags = r.u8();  // unknown bits are reserved and ignored
    h->mflags = r.u8();
    size_t ip_len = r.u8();
    size_t hostname_len = r.u8();
    uint16_t slot_count = r.u16();
    if (r.bad) {
        return false;
    }
    h->cluster_state_fail = (hflags & kHdrClusterFail) != 0;
    if ((hflags & kHdrHasMaster) && !read_node_id(r, &h->master_id)) {
        return false;
    }
    if (!read_ip(r, ip_len, &h->ip)) {
        return false;
    }
    std::string_view host = r.bytes(hostname_len);
    if (r.bad || !all_of(host, is_hostname_char)) {
        return false;
    }
    h->hostname.assign(host);
    return read_slot_data(r, slot_count, &h->slots);
}

bool read_gossip(Reader& r, std::vector<GossipEntry>* out) {
    uint16_t count = r.u16();
    // Each entry takes at least kGossipFixedLen bytes: a count the frame cannot hold is
    // rejected before reserving memory for it.
    if (r.bad || size_t{count} * kGossipFixedLen > r.left) {
        return false;
    }
    out->resize(count);
    for (GossipEntry& g : *out) {
        if (!read_node_id(r, &g.id)) {
            return false;
        }
        g.ping_sent_s = r.u32();
        g.pong_received_s = r.u32();
        g.port = r.u16();
        g.cport = r.u16();
        g.flags = r.u16();
        size_t ip_len = r.u8();
        if (r.bad || !read_ip(r, ip_len, &g.ip)) {
            return false;
        }
    }
    return true;
}

bool read_publish(Reader& r, Message* m) {
    size_t channel_len = r.u32();
    size_t payload_len = r.u32();
    if (r.bad || channel_len > r.left || payload_len != r.left - channel_len) {
        return false;
    }
    m->channel.assign(r.bytes(channel_len));
    m->payload.assign(r.bytes(payload_len));
    return !r.bad;
}

bool read_body(Reader& r, Message* m) {
    MsgType t = m->h.type;
    if (is_gossip_type(t)) {
        return read_gossip(r, &m->gossip);
    }
    if (t == MsgType::Fail) {
        return read_node_id(r, &m->fail_node);
    }
    if (t == MsgType::Update) {
        m->update_config_epoch = r.u64();
        if (!read_node_id(r, &m->update_node)) {
            return false;
        }
        uint16_t count = r.u16();
        return !r.bad && read_slot_data(r, count, &m->update_slots);
    }
    if (is_publish_type(t)) {
        return read_publish(r, m);
    }
    return true;  // FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART: header only
}

}  // namespace

bool is_valid_node_id(const std::string& s) {
    return s.size() == kNodeIdLen &&
           all_of(s, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<size_t> frame_length(const char* buf, size_t len) {
    if (len < kPrefixLen) {
        return size_t{0};
    }
    Reader r{reinterpret_cast<const unsigned char*>(buf), kPrefixLen};
    uint32_t magic = r.u32();
    size_t total = r.u32();
    uint16_t version = r.u16();
    uint8_t type = r.u8();
    if (magic != kBusMagic || version != kBusVersion || total < min_frame_len(type) ||
        total > kMaxMessageLen) {
        return Err::Invalid;
    }
    return total;
}

Result<Message> decode(const char* buf, size_t len) {
    Result<size_t> total = frame_length(buf, len);
    if (!total.ok() || *total == 0 || *total != len) {
        return Err::Invalid;
    }
    Message m;
    uint8_t type = static_cast<unsigned char>(buf[10]);
    if (type >= static_cast<uint8_t>(MsgType::Count)) {
        m.h.type = MsgType::Unknown;
        return m;
    }
    m.h.type = static_cast<MsgType>(type);
    Reader r{reinterpret_cast<const unsigned char*>(buf) + kPrefixLen, len - kPrefixLen};
    if (!is_light(m.h.type) && !read_header(r, &m.h)) {
        return Err::Invalid;
    }
    // A known type must fill its frame exactly: trailing bytes mean a framing disagreement.
    if (!read_body(r, &m) || r.bad || r.left != 0) {
        return Err::Invalid;
    }
    return m;
}

size_t encoded_size(const Message& m) {
    size_t n = kPrefixLen + body_size(m);
    if (!is_light(m.h.type)) {
        n += kFixedHeaderLen - kPrefixLen + m.h.master_id.size() + m.h.ip.size() +
             m.h.hostname.size() + slot_set_size(m.h.slots) - 2;
    }
    return n;
}

void encode(const Message& m, std::string* out) {
    size_t total = encoded_size(m);
    out->reserve(out->size() + total);
    put_le(out, kBusMagic, 4);
    put_le(out, total, 4);
    put_le(out, kBusVersion, 2);
    put_le(out, static_cast<uint8_t>(m.h.type), 1);
    put_le(out, 0, 1);  // reserved: sent as 0, ignored on receipt
    if (!is_light(m.h.type)) {
        put_header(out, m.h);
    }
    put_body(out, m);
}

}  // namespace slotcache::cluster

namespace slotcache::cluster {

size_t light_publish_size(std::string_view channel, std::string_view payload) {
    return kPrefixLen + kPublishFixedLen + channel.size() + payload.size();
}

void encode_light_publish(bool shard, std::string_view channel, std::string_view payload,
                          std::string* out) {
    size_t total = light_publish_size(channel, payload);
    out->reserve(out->size() + total);
    put_le(out, kBusMagic, 4);
    put_le(out, total, 4);
    put_le(out, kBusVersion, 2);
    put_le(out, static_cast<uint8_t>(shard ? MsgType::PublishShardLight : MsgType::PublishLight),
           1);
    put_le(out, 0, 1);
    put_le(out, channel.size(), 4);
    put_le(out, payload.size(), 4);
    out->append(channel);
    out->append(payload);
}

}  // namespace slotcache::cluster
