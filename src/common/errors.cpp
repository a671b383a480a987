// The one table of client-visible error texts (Redis 7 wording, byte for byte).
#include "common/result.h"

namespace slotcache {

std::string_view err_text(Err e) {
    switch (e) {
        case Err::Ok: return "OK";
        case Err::WrongType: return "WRONGTYPE Operation against a key holding the wrong kind of value";
        case Err::NotInteger: return "ERR value is not an integer or out of range";
        case Err::NotFloat: return "ERR value is not a valid float";
        case Err::Overflow: return "ERR increment or decrement would overflow";
        case Err::NanOrInf: return "ERR increment would produce NaN or Infinity";
        case Err::Syntax: return "ERR syntax error";
        case Err::NoSuchKey: return "ERR no such key";
        case Err::OutOfRange: return "ERR index out of range";
        case Err::Oom: return "OOM command not allowed when used memory > 'maxmemory'.";
        case Err::StringTooLong:
            return "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
        case Err::BusyKey: return "BUSYKEY Target key name already exists.";
        case Err::NoAuth: return "NOAUTH Authentication required.";
        case Err::InvalidDb: return "ERR DB index is out of range";
        case Err::SameObject: return "ERR source and destination objects are the same";
        case Err::NotFound: return "ERR not found";
        case Err::Io: return "ERR I/O error";
        case Err::Invalid: return "ERR invalid input";
    }
    return "ERR unknown error";
}

}  // namespace slotcache
