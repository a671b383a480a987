// Registration entry points of the command families in this folder. registry.cpp calls each
// once at start-up, in the order COMMAND lists them.
#pragma once

namespace slotcache::server {
class CommandTable;
}

namespace slotcache::commands {

// GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX APPEND STRLEN INCR DECR
// INCRBY DECRBY INCRBYFLOAT GETRANGE SUBSTR SETRANGE (strings.cpp).
void register_string_commands(server::CommandTable& table);
// DEL UNLINK EXISTS TYPE EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME
// PERSIST RENAME RENAMENX KEYS SCAN RANDOMKEY TOUCH OBJECT COPY (keys.cpp).
void register_key_commands(server::CommandTable& table);
// SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER SPOP SMOVE SINTER SINTERCARD
// SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN (sets.cpp).
void register_set_commands(server::CommandTable& table);
// HSET HSETNX HGET HMSET HMGET HINCRBY HINCRBYFLOAT HDEL HLEN HSTRLEN HKEYS HVALS HGETALL
// HEXISTS HRANDFIELD HSCAN (hashes.cpp).
void register_hash_commands(server::CommandTable& table);
// LPUSH ... LMPOP (lists.cpp), BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP, CLIENT UNBLOCK
// (list_blocking.cpp).
void register_list_commands(server::CommandTable& table);
// ZADD ZINCRBY ZREM ZCARD ... ZSCAN: the sorted set family (zsets.cpp, zsets_multi.cpp).
void register_zset_commands(server::CommandTable& table);

}  // namespace slotcache::commands
