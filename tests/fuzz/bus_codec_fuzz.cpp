// libFuzzer target for the cluster bus codec (src/cluster/bus_codec.h), which every byte a peer
// sends on the bus goes through.
//
// The input is read as a stream of frames, the way a bus link reads: frame_length() on what is
// left; stop on 0 (needs more) or Invalid (the link would close); otherwise decode exactly that
// many bytes from a fresh exactly-sized copy (ASan catches any over-read). Every frame that
// decodes to a known type is re-encoded: the encoding must be encoded_size() bytes, frame to its
// own length, and decode to an equal Message. frame_length must never report a length below
// the prefix or above kMaxMessageLen.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "cluster/bus_codec.h"

namespace {

using namespace slotcache::cluster;

void fail(const char* what) {
    std::fprintf(stderr, "bus_codec_fuzz: %s\n", what);
    std::abort();
}

void check_round_trip(const Message& m) {
    std::string out;
    encode(m, &out);
    if (out.size() != encoded_size(m)) {
        fail("encode wrote a different size than encoded_size");
    }
    slotcache::Result<size_t> fl = frame_length(out.data(), out.size());
    if (!fl.ok() || *fl != out.size()) {
        fail("re-encoded frame does not frame to its own length");
    }
    slotcache::Result<Message> again = decode(out.data(), out.size());
    if (!again.ok()) {
        fail("re-encoded frame does not decode");
    }
    if (!(*again == m)) {
        fail("re-encoded frame decodes to a different message");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const char* p = reinterpret_cast<const char*>(data);
    size_t left = size;
    while (left > 0) {
        slotcache::Result<size_t> fl = frame_length(p, left);
        if (!fl.ok() || *fl == 0) {
            break;
        }
        size_t n = *fl;
        if (n < kPrefixLen || n > kMaxMessageLen) {
            fail("frame_length out of bounds");
        }
        if (n > left) {
            break;
        }
        std::unique_ptr<char[]> frame(new char[n]);
        std::memcpy(frame.get(), p, n);
        slotcache::Result<Message> m = decode(frame.get(), n);
        if (m.ok() && m->h.type != MsgType::Unknown) {
            check_round_trip(*m);
        }
        if (!m.ok()) {
            break;  // the link would be closed here
        }
        p += n;
        left -= n;
    }
    return 0;
}
