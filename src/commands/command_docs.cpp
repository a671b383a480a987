// COMMAND DOCS: the documentation table and its reply (see command_docs.h).
//
// Approach: one table row per command and subcommand, copied from redis-server 7.0.15's
// COMMAND DOCS (RESP3) by a throwaway script and kept as plain text, so a reviewer can read
// and diff it against redis.io. The arguments, a tree in Redis, are written in a one-line
// notation (command_docs.h) and expanded at reply time: COMMAND DOCS is rare and off the hot
// path, and a string per command keeps the table one entry per command.
// Rejected: nested C++ arrays for the arguments (one named array per oneof/block would split
// a command's doc across several places and lengthen the table several times); Redis' JSON
// files at run time (a JSON parser and files to ship for one command).
// A renamed command (rename-command) is looked up by its new name and so has no doc.
//
// Order: a container's "subcommands" and the reply without names follow the command table's
// order. Redis lists them in its dict's hash order, which a random seed changes from one
// process to the next, so clients cannot rely on any order; the table lists subcommands
// after their container and otherwise groups rows by Redis' command group.
// Invariant: every argument string parses (checked by the unit test through the reply).
//
// Size: the file passes 800 lines by nature, a few table lines per command and no logic to
// split off; it stays one table so a family's rows are found in one place.
// Lookups are linear over ~130 rows: COMMAND DOCS is an introspection command, not worth an
// index. The table is constant; the reply runs on the loop thread.
#include "commands/command_docs.h"

#include <algorithm>
#include <utility>

#include "common/strutil.h"

namespace slotcache::commands {

namespace {

// clang-format off
constexpr CommandDoc kDocs[] = {
    // string
    {"append", "Append a value to a key", "2.0.0", "string",
     "O(1). The amortized time complexity is O(1) assuming the appended value is small and the "
     "already present value is of any size, since the dynamic string library used by Redis will "
     "double the free space available on every reallocation.",
     "key:key#0 value:string"},
    {"decr", "Decrement the integer value of a key by one", "1.0.0", "string", "O(1)", "key:key#0"},
    {"decrby", "Decrement the integer value of a key by the given number", "1.0.0", "string",
     "O(1)", "key:key#0 decrement:integer"},
    {"get", "Get the value of a key", "1.0.0", "string", "O(1)", "key:key#0"},
    {"getdel", "Get the value of a key and delete the key", "6.2.0", "string", "O(1)", "key:key#0"},
    {"getex", "Get the value of a key and optionally set its expiration", "6.2.0", "string", "O(1)",
     "key:key#0 expiration:oneof?(seconds:integer=EX milliseconds:integer=PX "
     "unix-time-seconds:unix-time=EXAT unix-time-milliseconds:unix-time=PXAT "
     "persist:pure-token=PERSIST)"},
    {"getrange", "Get a substring of the string stored at a key", "2.4.0", "string",
     "O(N) where N is the length of the returned string. The complexity is ultimately determined "
     "by the returned length, but because creating a substring from an existing string is very "
     "cheap, it can be considered O(1) for small strings.",
     "key:key#0 start:integer end:integer"},
    {"getset", "Set the string value of a key and return its old value", "1.0.0", "string", "O(1)",
     "key:key#0 value:string",
     {.doc_flags = "deprecated",
      .deprecated_since = "6.2.0",
      .replaced_by = "`SET` with the `!GET` argument"}},
    {"incr", "Increment the integer value of a key by one", "1.0.0", "string", "O(1)", "key:key#0"},
    {"incrby", "Increment the integer value of a key by the given amount", "1.0.0", "string",
     "O(1)", "key:key#0 increment:integer"},
    {"incrbyfloat", "Increment the float value of a key by the given amount", "2.6.0", "string",
     "O(1)", "key:key#0 increment:double"},
    {"mget", "Get the values of all the given keys", "1.0.0", "string",
     "O(N) where N is the number of keys to retrieve.", "key:key#0*"},
    {"mset", "Set multiple keys to multiple values", "1.0.1", "string",
     "O(N) where N is the number of keys to set.", "key_value:block*(key:key#0 value:string)"},
    {"msetnx", "Set multiple keys to multiple values, only if none of the keys exist", "1.0.1",
     "string", "O(N) where N is the number of keys to set.",
     "key_value:block*(key:key#0 value:string)"},
    {"psetex", "Set the value and expiration in milliseconds of a key", "2.6.0", "string", "O(1)",
     "key:key#0 milliseconds:integer value:string"},
    {"set", "Set the string value of a key", "1.0.0", "string", "O(1)",
     "key:key#0 value:string condition:oneof@2.6.12?(nx:pure-token=NX xx:pure-token=XX) "
     "get:pure-token=GET@6.2.0? expiration:oneof?(seconds:integer=EX@2.6.12 "
     "milliseconds:integer=PX@2.6.12 unix-time-seconds:unix-time=EXAT@6.2.0 "
     "unix-time-milliseconds:unix-time=PXAT@6.2.0 keepttl:pure-token=KEEPTTL@6.0.0)",
     {.history =
      "2.6.12 Added the `EX`, `PX`, `NX` and `XX` options.\n"
      "6.0.0 Added the `KEEPTTL` option.\n"
      "6.2.0 Added the `GET`, `EXAT` and `PXAT` option.\n"
      "7.0.0 Allowed the `NX` and `GET` options to be used together.\n"}},
    {"setex", "Set the value and expiration of a key", "2.0.0", "string", "O(1)",
     "key:key#0 seconds:integer value:string"},
    {"setnx", "Set the value of a key, only if the key does not exist", "1.0.0", "string", "O(1)",
     "key:key#0 value:string"},
    {"setrange", "Overwrite part of a string at key starting at the specified offset", "2.2.0",
     "string",
     "O(1), not counting the time taken to copy the new string in place. Usually, this string is "
     "very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being "
     "the length of the value argument.",
     "key:key#0 offset:integer value:string"},
    {"strlen", "Get the length of the value stored in a key", "2.2.0", "string", "O(1)",
     "key:key#0"},
    {"substr", "Get a substring of the string stored at a key", "1.0.0", "string",
     "O(N) where N is the length of the returned string. The complexity is ultimately determined "
     "by the returned length, but because creating a substring from an existing string is very "
     "cheap, it can be considered O(1) for small strings.",
     "key:key#0 start:integer end:integer",
     {.doc_flags = "deprecated", .deprecated_since = "2.0.0", .replaced_by = "`GETRANGE`"}},
    // hash
    {"hdel", "Delete one or more hash fields", "2.0.0", "hash",
     "O(N) where N is the number of fields to be removed.",
     "key:key#0 field:string*",
     {.history = "2.4.0 Accepts multiple `field` arguments.\n"}},
    {"hexists", "Determine if a hash field exists", "2.0.0", "hash",
     "O(1)",
     "key:key#0 field:string"},
    {"hget", "Get the value of a hash field", "2.0.0", "hash",
     "O(1)",
     "key:key#0 field:string"},
    {"hgetall", "Get all the fields and values in a hash", "2.0.0", "hash",
     "O(N) where N is the size of the hash.",
     "key:key#0"},
    {"hincrby", "Increment the integer value of a hash field by the given number", "2.0.0", "hash",
     "O(1)",
     "key:key#0 field:string increment:integer"},
    {"hincrbyfloat", "Increment the float value of a hash field by the given amount", "2.6.0", "hash",
     "O(1)",
     "key:key#0 field:string increment:double"},
    {"hkeys", "Get all the fields in a hash", "2.0.0", "hash",
     "O(N) where N is the size of the hash.",
     "key:key#0"},
    {"hlen", "Get the number of fields in a hash", "2.0.0", "hash",
     "O(1)",
     "key:key#0"},
    {"hmget", "Get the values of all the given hash fields", "2.0.0", "hash",
     "O(N) where N is the number of fields being requested.",
     "key:key#0 field:string*"},
    {"hmset", "Set multiple hash fields to multiple values", "2.0.0", "hash",
     "O(N) where N is the number of fields being set.",
     "key:key#0 field_value:block*(field:string value:string)",
     {.doc_flags = "deprecated", .deprecated_since = "4.0.0", .replaced_by = "`HSET` with multiple field-value pairs"}},
    {"hrandfield", "Get one or multiple random fields from a hash", "6.2.0", "hash",
     "O(N) where N is the number of fields returned",
     "key:key#0 options:block?(count:integer withvalues:pure-token=WITHVALUES?)"},
    {"hscan", "Incrementally iterate hash fields and associated values", "2.8.0", "hash",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
     "key:key#0 cursor:integer pattern:pattern=MATCH? count:integer=COUNT?"},
    {"hset", "Set the string value of a hash field", "2.0.0", "hash",
     "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
     "key:key#0 field_value:block*(field:string value:string)",
     {.history = "4.0.0 Accepts multiple `field` and `value` arguments.\n"}},
    {"hsetnx", "Set the value of a hash field, only if the field does not exist", "2.0.0", "hash",
     "O(1)",
     "key:key#0 field:string value:string"},
    {"hstrlen", "Get the length of the value of a hash field", "3.2.0", "hash",
     "O(1)",
     "key:key#0 field:string"},
    {"hvals", "Get all the values in a hash", "2.0.0", "hash",
     "O(N) where N is the size of the hash.",
     "key:key#0"},

    // Lists (src/commands/lists.cpp, list_blocking.cpp).
    {"lpush", "Prepend one or multiple elements to a list", "1.0.0", "list",
     "O(1) for each element added, so O(N) to add N elements when the command is called with "
     "multiple arguments.",
     "key:key#0 element:string*",
     {.history = "2.4.0 Accepts multiple `element` arguments.\n"}},
    {"rpush", "Append one or multiple elements to a list", "1.0.0", "list",
     "O(1) for each element added, so O(N) to add N elements when the command is called with "
     "multiple arguments.",
     "key:key#0 element:string*",
     {.history = "2.4.0 Accepts multiple `element` arguments.\n"}},
    {"lpushx", "Prepend an element to a list, only if the list exists", "2.2.0", "list",
     "O(1) for each element added, so O(N) to add N elements when the command is called with "
     "multiple arguments.",
     "key:key#0 element:string*",
     {.history = "4.0.0 Accepts multiple `element` arguments.\n"}},
    {"rpushx", "Append an element to a list, only if the list exists", "2.2.0", "list",
     "O(1) for each element added, so O(N) to add N elements when the command is called with "
     "multiple arguments.",
     "key:key#0 element:string*",
     {.history = "4.0.0 Accepts multiple `element` arguments.\n"}},
    {"lpop", "Remove and get the first elements in a list", "1.0.0", "list",
     "O(N) where N is the number of elements returned",
     "key:key#0 count:integer@6.2.0?",
     {.history = "6.2.0 Added the `count` argument.\n"}},
    {"rpop", "Remove and get the last elements in a list", "1.0.0", "list",
     "O(N) where N is the number of elements returned",
     "key:key#0 count:integer@6.2.0?",
     {.history = "6.2.0 Added the `count` argument.\n"}},
    {"llen", "Get the length of a list", "1.0.0", "list",
     "O(1)",
     "key:key#0"},
    {"lindex", "Get an element from a list by its index", "1.0.0", "list",
     "O(N) where N is the number of elements to traverse to get to the element at index. This "
     "makes asking for the first or the last element of the list O(1).",
     "key:key#0 index:integer"},
    {"linsert", "Insert an element before or after another element in a list", "2.2.0", "list",
     "O(N) where N is the number of elements to traverse before seeing the value pivot. This "
     "means that inserting somewhere on the left end on the list (head) can be considered "
     "O(1) and inserting somewhere on the right end (tail) is O(N).",
     "key:key#0 where:oneof(before:pure-token=BEFORE after:pure-token=AFTER) pivot:string "
     "element:string"},
    {"lrange", "Get a range of elements from a list", "1.0.0", "list",
     "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest "
     "end (HEAD or TAIL) for large lists; and N is the number of elements in the specified "
     "range.",
     "key:key#0 start:integer stop:integer"},
    {"lrem", "Remove elements from a list", "1.0.0", "list",
     "O(N+M) where N is the length of the list and M is the number of elements removed.",
     "key:key#0 count:integer element:string"},
    {"lset", "Set the value of an element in a list by its index", "1.0.0", "list",
     "O(N) where N is the length of the list. Setting either the first or the last element of "
     "the list is O(1).",
     "key:key#0 index:integer element:string"},
    {"ltrim", "Trim a list to the specified range", "1.0.0", "list",
     "O(N) where N is the number of elements to be removed by the operation.",
     "key:key#0 start:integer stop:integer"},
    {"lpos", "Return the index of matching elements on a list", "6.0.6", "list",
     "O(N) where N is the number of elements in the list, for the average case. When "
     "searching for elements near the head or the tail of the list, or when the MAXLEN option "
     "is provided, the command may run in constant time.",
     "key:key#0 element:string rank:integer=RANK? num-matches:integer=COUNT? "
     "len:integer=MAXLEN?"},
    {"lmove", "Pop an element from a list, push it to another list and return it", "6.2.0", "list",
     "O(1)",
     "source:key#0 destination:key#1 wherefrom:oneof(left:pure-token=LEFT "
     "right:pure-token=RIGHT) whereto:oneof(left:pure-token=LEFT right:pure-token=RIGHT)"},
    {"rpoplpush", "Remove the last element in a list, prepend it to another list and return it",
     "1.2.0", "list",
     "O(1)",
     "source:key#0 destination:key#1",
     {.doc_flags = "deprecated",
      .deprecated_since = "6.2.0",
      .replaced_by = "`LMOVE` with the `RIGHT` and `LEFT` arguments"}},
    {"lmpop", "Pop elements from a list", "7.0.0", "list",
     "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     "numkeys:integer key:key#0* where:oneof(left:pure-token=LEFT right:pure-token=RIGHT) "
     "count:integer=COUNT?"},
    {"blpop", "Remove and get the first element in a list, or block until one is available",
     "2.0.0", "list",
     "O(N) where N is the number of provided keys.",
     "key:key#0* timeout:double",
     {.history = "6.0.0 `timeout` is interpreted as a double instead of an integer.\n"}},
    {"brpop", "Remove and get the last element in a list, or block until one is available",
     "2.0.0", "list",
     "O(N) where N is the number of provided keys.",
     "key:key#0* timeout:double",
     {.history = "6.0.0 `timeout` is interpreted as a double instead of an integer.\n"}},
    {"blmove",
     "Pop an element from a list, push it to another list and return it; or block until one is "
     "available", "6.2.0", "list",
     "O(1)",
     "source:key#0 destination:key#1 wherefrom:oneof(left:pure-token=LEFT "
     "right:pure-token=RIGHT) whereto:oneof(left:pure-token=LEFT right:pure-token=RIGHT) "
     "timeout:double"},
    {"brpoplpush",
     "Pop an element from a list, push it to another list and return it; or block until one is "
     "available", "2.2.0", "list",
     "O(1)",
     "source:key#0 destination:key#1 timeout:double",
     {.doc_flags = "deprecated",
      .deprecated_since = "6.2.0",
      .replaced_by = "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
      .history = "6.0.0 `timeout` is interpreted as a double instead of an integer.\n"}},
    {"blmpop", "Pop elements from a list, or block until one is available", "7.0.0", "list",
     "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     "timeout:double numkeys:integer key:key#0* where:oneof(left:pure-token=LEFT "
     "right:pure-token=RIGHT) count:integer=COUNT?"},
    // generic
    {"copy", "Copy a key", "6.2.0", "generic",
     "O(N) worst case for collections, where N is the number of nested items. O(1) for string "
     "values.",
     "source:key#0 destination:key#1 destination-db:integer=DB? replace:pure-token=REPLACE?"},
    {"del", "Delete a key", "1.0.0", "generic",
     "O(N) where N is the number of keys that will be removed. When a key to remove holds a value "
     "other than a string, the individual complexity for this key is O(M) where M is the number "
     "of elements in the list, set, sorted set or hash. Removing a single key that holds a string "
     "value is O(1).",
     "key:key#0*"},
    {"exists", "Determine if a key exists", "1.0.0", "generic",
     "O(N) where N is the number of keys to check.", "key:key#0*",
     {.history =
      "3.0.3 Accepts multiple `key` arguments.\n"}},
    {"expire", "Set a key's time to live in seconds", "1.0.0", "generic", "O(1)",
     "key:key#0 seconds:integer condition:oneof@7.0.0?(nx:pure-token=NX xx:pure-token=XX "
     "gt:pure-token=GT lt:pure-token=LT)",
     {.history =
      "7.0.0 Added options: `NX`, `XX`, `GT` and `LT`.\n"}},
    {"expireat", "Set the expiration for a key as a UNIX timestamp", "1.2.0", "generic", "O(1)",
     "key:key#0 unix-time-seconds:unix-time condition:oneof@7.0.0?(nx:pure-token=NX "
     "xx:pure-token=XX gt:pure-token=GT lt:pure-token=LT)",
     {.history =
      "7.0.0 Added options: `NX`, `XX`, `GT` and `LT`.\n"}},
    {"expiretime", "Get the expiration Unix timestamp for a key", "7.0.0", "generic", "O(1)",
     "key:key#0"},
    {"keys", "Find all keys matching the given pattern", "1.0.0", "generic",
     "O(N) with N being the number of keys in the database, under the assumption that the key "
     "names in the database and the given pattern have limited length.",
     "pattern:pattern"},
    {"migrate", "Atomically transfer a key from a Redis instance to another one.", "2.6.0",
     "generic",
     "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the "
     "target instance. See the pages of these commands for time complexity. Also an O(N) data "
     "transfer between the two instances is performed.",
     "host:string port:integer key_or_empty_string:oneof(key:key#0 empty_string:pure-token=) "
     "destination-db:integer timeout:integer copy:pure-token=COPY@3.0.0? "
     "replace:pure-token=REPLACE@3.0.0? authentication:oneof?(password:string=AUTH@4.0.7? "
     "username_password:block=AUTH2@6.0.0?(username:string password:string)) "
     "key:key#1=KEYS@3.0.6?*",
     {.history = "3.0.0 Added the `COPY` and `REPLACE` options.\n"
                 "3.0.6 Added the `KEYS` option.\n"
                 "4.0.7 Added the `AUTH` option.\n"
                 "6.0.0 Added the `AUTH2` option.\n"}},
    {"move", "Move a key to another database", "1.0.0", "generic", "O(1)", "key:key#0 db:integer"},
    {"object", "A container for object introspection commands", "2.2.3", "generic",
     "Depends on subcommand.", ""},
    {"object|encoding", "Inspect the internal encoding of a Redis object", "2.2.3", "generic",
     "O(1)", "key:key#0"},
    {"object|idletime", "Get the time since a Redis object was last accessed", "2.2.3", "generic",
     "O(1)", "key:key#0"},
    {"object|help", "Show helpful text about the different subcommands", "6.2.0", "generic", "O(1)",
     ""},
    {"object|freq", "Get the logarithmic access frequency counter of a Redis object", "4.0.0",
     "generic", "O(1)", "key:key#0"},
    {"object|refcount", "Get the number of references to the value of the key", "2.2.3", "generic",
     "O(1)", "key:key#0"},
    {"persist", "Remove the expiration from a key", "2.2.0", "generic", "O(1)", "key:key#0"},
    {"pexpire", "Set a key's time to live in milliseconds", "2.6.0", "generic", "O(1)",
     "key:key#0 milliseconds:integer condition:oneof@7.0.0?(nx:pure-token=NX xx:pure-token=XX "
     "gt:pure-token=GT lt:pure-token=LT)",
     {.history =
      "7.0.0 Added options: `NX`, `XX`, `GT` and `LT`.\n"}},
    {"pexpireat", "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
     "2.6.0", "generic", "O(1)",
     "key:key#0 unix-time-milliseconds:unix-time condition:oneof@7.0.0?(nx:pure-token=NX "
     "xx:pure-token=XX gt:pure-token=GT lt:pure-token=LT)",
     {.history =
      "7.0.0 Added options: `NX`, `XX`, `GT` and `LT`.\n"}},
    {"pexpiretime", "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0",
     "generic", "O(1)", "key:key#0"},
    {"pttl", "Get the time to live for a key in milliseconds", "2.6.0", "generic", "O(1)",
     "key:key#0",
     {.history =
      "2.8.0 Added the -2 reply.\n"}},
    {"randomkey", "Return a random key from the keyspace", "1.0.0", "generic", "O(1)", ""},
    {"rename", "Rename a key", "1.0.0", "generic", "O(1)", "key:key#0 newkey:key#1"},
    {"renamenx", "Rename a key, only if the new key does not exist", "1.0.0", "generic", "O(1)",
     "key:key#0 newkey:key#1",
     {.history =
      "3.2.0 The command no longer returns an error when source and destination names are the "
      "same.\n"}},
    {"scan", "Incrementally iterate the keys space", "2.8.0", "generic",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
     "cursor to return back to 0. N is the number of elements inside the collection.",
     "cursor:integer pattern:pattern=MATCH? count:integer=COUNT? type:string=TYPE@6.0.0?",
     {.history =
      "6.0.0 Added the `TYPE` subcommand.\n"}},
    {"touch",
     "Alters the last access time of a key(s). Returns the number of existing keys specified.",
     "3.2.1", "generic", "O(N) where N is the number of keys that will be touched.", "key:key#0*"},
    {"ttl", "Get the time to live for a key in seconds", "1.0.0", "generic", "O(1)", "key:key#0",
     {.history =
      "2.8.0 Added the -2 reply.\n"}},
    {"type", "Determine the type stored at key", "1.0.0", "generic", "O(1)", "key:key#0"},
    {"unlink",
     "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non "
     "blocking.",
     "4.0.0", "generic",
     "O(1) for each key removed regardless of its size. Then the command does O(N) work in a "
     "different thread in order to reclaim memory, where N is the number of allocations the "
     "deleted objects where composed of.",
     "key:key#0*"},
    // set
    {"sadd", "Add one or more members to a set", "1.0.0", "set",
     "O(1) for each element added, so O(N) to add N elements when the command is called with "
     "multiple arguments.",
     "key:key#0 member:string*",
     {.history =
      "2.4.0 Accepts multiple `member` arguments.\n"}},
    {"scard", "Get the number of members in a set", "1.0.0", "set",
     "O(1)",
     "key:key#0"},
    {"sdiff", "Subtract multiple sets", "1.0.0", "set",
     "O(N) where N is the total number of elements in all given sets.",
     "key:key#0*"},
    {"sdiffstore", "Subtract multiple sets and store the resulting set in a key", "1.0.0", "set",
     "O(N) where N is the total number of elements in all given sets.",
     "destination:key#0 key:key#1*"},
    {"sinter", "Intersect multiple sets", "1.0.0", "set",
     "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
     "sets.",
     "key:key#0*"},
    {"sintercard", "Intersect multiple sets and return the cardinality of the result", "7.0.0",
     "set",
     "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
     "sets.",
     "numkeys:integer key:key#0* limit:integer=LIMIT?"},
    {"sinterstore", "Intersect multiple sets and store the resulting set in a key", "1.0.0", "set",
     "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
     "sets.",
     "destination:key#0 key:key#1*"},
    {"sismember", "Determine if a given value is a member of a set", "1.0.0", "set",
     "O(1)",
     "key:key#0 member:string"},
    {"smembers", "Get all the members in a set", "1.0.0", "set",
     "O(N) where N is the set cardinality.",
     "key:key#0"},
    {"smismember", "Returns the membership associated with the given elements for a set",
     "6.2.0", "set",
     "O(N) where N is the number of elements being checked for membership",
     "key:key#0 member:string*"},
    {"smove", "Move a member from one set to another", "1.0.0", "set",
     "O(1)",
     "source:key#0 destination:key#1 member:string"},
    {"spop", "Remove and return one or multiple random members from a set", "1.0.0", "set",
     "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
     "key:key#0 count:integer@3.2.0?",
     {.history =
      "3.2.0 Added the `count` argument.\n"}},
    {"srandmember", "Get one or multiple random members from a set", "1.0.0", "set",
     "Without the count argument O(1), otherwise O(N) where N is the absolute value of the "
     "passed count.",
     "key:key#0 count:integer@2.6.0?",
     {.history =
      "2.6.0 Added the optional `count` argument.\n"}},
    {"srem", "Remove one or more members from a set", "1.0.0", "set",
     "O(N) where N is the number of members to be removed.",
     "key:key#0 member:string*",
     {.history =
      "2.4.0 Accepts multiple `member` arguments.\n"}},
    {"sscan", "Incrementally iterate Set elements", "2.8.0", "set",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
     "the cursor to return back to 0. N is the number of elements inside the collection..",
     "key:key#0 cursor:integer pattern:pattern=MATCH? count:integer=COUNT?"},
    {"sunion", "Add multiple sets", "1.0.0", "set",
     "O(N) where N is the total number of elements in all given sets.",
     "key:key#0*"},
    {"sunionstore", "Add multiple sets and store the resulting set in a key", "1.0.0", "set",
     "O(N) where N is the total number of elements in all given sets.",
     "destination:key#0 key:key#1*"},

    // transactions (src/commands/multi.cpp)
    {"discard", "Discard all commands issued after MULTI", "2.0.0", "transactions",
     "O(N), when N is the number of queued commands", ""},
    {"exec", "Execute all commands issued after MULTI", "1.2.0", "transactions",
     "Depends on commands in the transaction", ""},
    {"multi", "Mark the start of a transaction block", "1.2.0", "transactions", "O(1)", ""},
    {"unwatch", "Forget about all watched keys", "2.2.0", "transactions", "O(1)", ""},
    {"watch", "Watch the given keys to determine execution of the MULTI/EXEC block", "2.2.0",
     "transactions", "O(1) for every key.", "key:key#0*"},
    // pubsub (src/commands/pubsub.cpp)
    {"subscribe", "Listen for messages published to the given channels", "2.0.0", "pubsub",
     "O(N) where N is the number of channels to subscribe to.", "channel:string*"},
    {"unsubscribe", "Stop listening for messages posted to the given channels", "2.0.0", "pubsub",
     "O(N) where N is the number of clients already subscribed to a channel.",
     "channel:string?*"},
    {"psubscribe", "Listen for messages published to channels matching the given patterns",
     "2.0.0", "pubsub",
     "O(N) where N is the number of patterns the client is already subscribed to.",
     "pattern:block*(pattern:pattern)"},
    {"punsubscribe", "Stop listening for messages posted to channels matching the given patterns",
     "2.0.0", "pubsub",
     "O(N+M) where N is the number of patterns the client is already subscribed and M is the "
     "number of total patterns subscribed in the system (by any client).",
     "pattern:pattern?*"},
    {"publish", "Post a message to a channel", "2.0.0", "pubsub",
     "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the "
     "total number of subscribed patterns (by any client).",
     "channel:string message:string"},
    {"ssubscribe", "Listen for messages published to the given shard channels", "7.0.0", "pubsub",
     "O(N) where N is the number of shard channels to subscribe to.", "shardchannel:string*"},
    {"sunsubscribe", "Stop listening for messages posted to the given shard channels", "7.0.0",
     "pubsub", "O(N) where N is the number of clients already subscribed to a shard channel.",
     "shardchannel:string?*"},
    {"spublish", "Post a message to a shard channel", "7.0.0", "pubsub",
     "O(N) where N is the number of clients subscribed to the receiving shard channel.",
     "shardchannel:string message:string"},
    {"pubsub", "A container for Pub/Sub commands", "2.8.0", "pubsub", "Depends on subcommand.",
     ""},
    {"pubsub|channels", "List active channels", "2.8.0", "pubsub",
     "O(N) where N is the number of active channels, and assuming constant time pattern matching "
     "(relatively short channels and patterns)",
     "pattern:pattern?"},
    {"pubsub|help", "Show helpful text about the different subcommands", "6.2.0", "pubsub", "O(1)",
     ""},
    {"pubsub|numsub", "Get the count of subscribers for channels", "2.8.0", "pubsub",
     "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
     "channel:string?*"},
    {"pubsub|shardchannels", "List active shard channels", "7.0.0", "pubsub",
     "O(N) where N is the number of active shard channels, and assuming constant time pattern "
     "matching (relatively short shard channels).",
     "pattern:pattern?"},
    {"pubsub|numpat", "Get the count of unique patterns pattern subscriptions", "2.8.0", "pubsub",
     "O(1)", ""},
    {"pubsub|shardnumsub", "Get the count of subscribers for shard channels", "7.0.0", "pubsub",
     "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
     "shardchannel:string?*"},
    // connection
    {"auth", "Authenticate to the server", "1.0.0", "connection",
     "O(N) where N is the number of passwords defined for the user",
     "username:string@6.0.0? password:string",
     {.history =
      "6.0.0 Added ACL style (username and password).\n"}},
    {"client", "A container for client connection commands", "2.4.0", "connection",
     "Depends on subcommand.", ""},
    {"client|pause", "Stop processing commands from clients for some time", "2.9.50", "connection",
     "O(1)", "timeout:integer mode:oneof@6.2.0?(write:pure-token=WRITE all:pure-token=ALL)",
     {.history =
      "6.2.0 `CLIENT PAUSE WRITE` mode added along with the `mode` option.\n"}},
    {"client|info", "Returns information about the current client connection.", "6.2.0",
     "connection", "O(1)", ""},
    {"client|help", "Show helpful text about the different subcommands", "5.0.0", "connection",
     "O(1)", ""},
    {"client|no-evict", "Set client eviction mode for the current connection", "7.0.0",
     "connection", "O(1)", "enabled:oneof(on:pure-token=ON off:pure-token=OFF)"},
    {"client|reply", "Instruct the server whether to reply to commands", "3.2.0", "connection",
     "O(1)", "on_off_skip:oneof(on:pure-token=ON off:pure-token=OFF skip:pure-token=SKIP)"},
    {"client|getredir", "Get tracking notifications redirection client ID if any", "6.0.0",
     "connection", "O(1)", ""},
    {"client|unpause", "Resume processing of clients that were paused", "6.2.0", "connection",
     "O(N) Where N is the number of paused clients", ""},
    {"client|unblock", "Unblock a client blocked in a blocking command from a different connection",
     "5.0.0", "connection", "O(log N) where N is the number of client connections",
     "client-id:integer timeout_error:oneof?(timeout:pure-token=TIMEOUT error:pure-token=ERROR)"},
    {"client|tracking", "Enable or disable server assisted client side caching support", "6.0.0",
     "connection", "O(1). Some options may introduce additional complexity.",
     "status:oneof(on:pure-token=ON off:pure-token=OFF) client-id:integer=REDIRECT? "
     "prefix:string=PREFIX?*+ bcast:pure-token=BCAST? optin:pure-token=OPTIN? "
     "optout:pure-token=OPTOUT? noloop:pure-token=NOLOOP?"},
    {"client|id", "Returns the client ID for the current connection", "5.0.0", "connection", "O(1)",
     ""},
    {"client|caching", "Instruct the server about tracking or not keys in the next request",
     "6.0.0", "connection", "O(1)", "mode:oneof(yes:pure-token=YES no:pure-token=NO)"},
    {"client|kill", "Kill the connection of a client", "2.4.0", "connection",
     "O(N) where N is the number of client connections",
     "filter:oneof(ip:port:string~2.8.12 new-format:oneof*(client-id:integer=ID@2.8.12? "
     "normal_master_slave_pubsub:oneof=TYPE@2.8.12?(normal:pure-token=NORMAL "
     "master:pure-token=MASTER@3.2.0 slave:pure-token=SLAVE replica:pure-token=REPLICA@5.0.0 "
     "pubsub:pure-token=PUBSUB) username:string=USER? ip:port:string=ADDR? "
     "ip:port:string=LADDR@6.2.0? yes/no:string=SKIPME?))",
     {.history =
      "2.8.12 Added new filter format.\n"
      "2.8.12 `ID` option.\n"
      "3.2.0 Added `master` type in for `TYPE` option.\n"
      "5.0.0 Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward "
      "compatibility.\n"
      "6.2.0 `LADDR` option.\n"}},
    {"client|trackinginfo",
     "Return information about server assisted client side caching for the current connection",
     "6.2.0", "connection", "O(1)", ""},
    {"client|setname", "Set the current connection name", "2.6.9", "connection", "O(1)",
     "connection-name:string"},
    {"client|getname", "Get the current connection name", "2.6.9", "connection", "O(1)", ""},
    {"client|list", "Get the list of client connections", "2.4.0", "connection",
     "O(N) where N is the number of client connections",
     "normal_master_replica_pubsub:oneof=TYPE@5.0.0?(normal:pure-token=NORMAL "
     "master:pure-token=MASTER replica:pure-token=REPLICA pubsub:pure-token=PUBSUB) "
     "id:block=ID@6.2.0?(client-id:integer*)",
     {.history =
      "2.8.12 Added unique client `id` field.\n"
      "5.0.0 Added optional `TYPE` filter.\n"
      "6.0.0 Added `user` field.\n"
      "6.2.0 Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` "
      "filter.\n"
      "7.0.0 Added `resp`, `multi-mem`, `rbs` and `rbp` fields.\n"
      "7.0.3 Added `ssub` field.\n"}},
    {"echo", "Echo the given string", "1.0.0", "connection", "O(1)", "message:string"},
    {"hello", "Handshake with Redis", "6.0.0", "connection", "O(1)",
     "arguments:block?(protover:integer username_password:block=AUTH?(username:string "
     "password:string) clientname:string=SETNAME?)",
     {.history =
      "6.2.0 `protover` made optional; when called without arguments the command reports the "
      "current connection's context.\n"}},
    {"ping", "Ping the server", "1.0.0", "connection", "O(1)", "message:string?"},
    {"quit", "Close the connection", "1.0.0", "connection", "O(1)", ""},
    {"reset", "Reset the connection", "6.2.0", "connection", "O(1)", ""},
    {"select", "Change the selected database for the current connection", "1.0.0", "connection",
     "O(1)", "index:integer"},
    // server
    {"command", "Get array of Redis command details", "2.8.13", "server",
     "O(N) where N is the total number of Redis commands", ""},
    {"command|docs", "Get array of specific Redis command documentation", "7.0.0", "server",
     "O(N) where N is the number of commands to look up", "command-name:string?*"},
    {"command|count", "Get total number of Redis commands", "2.8.13", "server", "O(1)", ""},
    {"command|getkeysandflags", "Extract keys and access flags given a full Redis command", "7.0.0",
     "server", "O(N) where N is the number of arguments to the command", ""},
    {"command|info",
     "Get array of specific Redis command details, or all when no argument is given.", "2.8.13",
     "server", "O(N) where N is the number of commands to look up", "command-name:string?*",
     {.history =
      "7.0.0 Allowed to be called with no argument to get info on all commands.\n"}},
    {"command|getkeys", "Extract keys given a full Redis command", "2.8.13", "server",
     "O(N) where N is the number of arguments to the command", ""},
    {"command|help", "Show helpful text about the different subcommands", "5.0.0", "server", "O(1)",
     ""},
    {"command|list", "Get an array of Redis command names", "7.0.0", "server",
     "O(N) where N is the total number of Redis commands",
     "filterby:oneof=FILTERBY?(module-name:string=MODULE category:string=ACLCAT "
     "pattern:pattern=PATTERN)"},
    {"config", "A container for server configuration commands", "2.0.0", "server",
     "Depends on subcommand.", ""},
    {"config|resetstat", "Reset the stats returned by INFO", "2.0.0", "server", "O(1)", ""},
    {"config|get", "Get the values of configuration parameters", "2.0.0", "server",
     "O(N) when N is the number of configuration parameters provided",
     "parameter:block*(parameter:string)",
     {.history =
      "7.0.0 Added the ability to pass multiple pattern parameters in one call\n"}},
    {"config|rewrite", "Rewrite the configuration file with the in memory configuration", "2.8.0",
     "server", "O(1)", ""},
    {"config|help", "Show helpful text about the different subcommands", "5.0.0", "server", "O(1)",
     ""},
    {"config|set", "Set configuration parameters to the given values", "2.0.0", "server",
     "O(N) when N is the number of configuration parameters provided",
     "parameter_value:block*(parameter:string value:string)",
     {.history =
      "7.0.0 Added the ability to set multiple parameters in one call.\n"}},
    // Persistence (src/commands/persistence.cpp).
    {"save", "Synchronously save the dataset to disk", "1.0.0", "server",
     "O(N) where N is the total number of keys in all databases", ""},
    {"bgsave", "Asynchronously save the dataset to disk", "1.0.0", "server", "O(1)",
     "schedule:pure-token=SCHEDULE@3.2.2?", {.history = "3.2.2 Added the `SCHEDULE` option.\n"}},
    {"lastsave", "Get the UNIX time stamp of the last successful save to disk", "1.0.0",
     "server", "O(1)", ""},
    {"dump", "Return a serialized version of the value stored at the specified key.", "2.6.0",
     "generic",
     "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of "
     "Redis objects composing the value and M their average size. For small string values the "
     "time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
     "key:key#0"},
    {"restore", "Create a key using the provided serialized value, previously obtained using "
     "DUMP.", "2.6.0", "generic",
     "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, "
     "where N is the number of Redis objects composing the value and M their average size. For "
     "small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply "
     "O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting "
     "values into sorted sets is O(log(N)).",
     "key:key#0 ttl:integer serialized-value:string replace:pure-token=REPLACE@3.0.0? "
     "absttl:pure-token=ABSTTL@5.0.0? seconds:integer=IDLETIME@5.0.0? "
     "frequency:integer=FREQ@5.0.0?",
     {.history = "3.0.0 Added the `REPLACE` modifier.\n"
                  "5.0.0 Added the `ABSTTL` modifier.\n"
                  "5.0.0 Added the `IDLETIME` and `FREQ` options.\n"}},
    {"restore-asking", "An internal command for migrating keys in a cluster", "3.0.0", "server",
     "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, "
     "where N is the number of Redis objects composing the value and M their average size. For "
     "small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply "
     "O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting "
     "values into sorted sets is O(log(N)).",
     "key:key#0 ttl:integer serialized-value:string replace:pure-token=REPLACE@3.0.0? "
     "absttl:pure-token=ABSTTL@5.0.0? seconds:integer=IDLETIME@5.0.0? "
     "frequency:integer=FREQ@5.0.0?",
     {.doc_flags = "syscmd",
      .history = "3.0.0 Added the `REPLACE` modifier.\n"
                  "5.0.0 Added the `ABSTTL` modifier.\n"
                  "5.0.0 Added the `IDLETIME` and `FREQ` options.\n"}},
    // Replication (src/commands/replication.cpp).
    {"replicaof", "Make the server a replica of another instance, or promote it as master.",
     "5.0.0", "server", "O(1)",
     "args:oneof(host-port:block(host:string port:integer) "
     "no-one:block(no:pure-token=NO one:pure-token=ONE))"},
    {"slaveof", "Make the server a replica of another instance, or promote it as master.",
     "1.0.0", "server", "O(1)",
     "args:oneof(host-port:block(host:string port:integer) "
     "no-one:block(no:pure-token=NO one:pure-token=ONE))",
     {.doc_flags = "deprecated", .deprecated_since = "5.0.0", .replaced_by = "`REPLICAOF`"}},
    {"replconf", "An internal command for configuring the replication stream", "3.0.0", "server",
     "O(1)", "", {.doc_flags = "syscmd"}},
    {"psync", "Internal command used for replication", "2.8.0", "server", "",
     "replicationid:string offset:integer"},
    {"sync", "Internal command used for replication", "1.0.0", "server", "", ""},
    {"role", "Return the role of the instance in the context of replication", "2.8.12", "server",
     "O(1)", ""},
    {"wait",
     "Wait for the synchronous replication of all the write commands sent in the context of the "
     "current connection",
     "3.0.0", "generic", "O(1)", "numreplicas:integer timeout:integer"},
    {"dbsize", "Return the number of keys in the selected database", "1.0.0", "server", "O(1)", ""},
    {"debug", "A container for debugging commands", "1.0.0", "server", "Depends on subcommand.", "",
     {.doc_flags = "syscmd"}},
    {"flushall", "Remove all keys from all databases", "1.0.0", "server",
     "O(N) where N is the total number of keys in all databases",
     "async:oneof?(async:pure-token=ASYNC@4.0.0 sync:pure-token=SYNC@6.2.0)",
     {.history =
      "4.0.0 Added the `ASYNC` flushing mode modifier.\n"
      "6.2.0 Added the `SYNC` flushing mode modifier.\n"}},
    {"flushdb", "Remove all keys from the current database", "1.0.0", "server",
     "O(N) where N is the number of keys in the selected database",
     "async:oneof?(async:pure-token=ASYNC@4.0.0 sync:pure-token=SYNC@6.2.0)",
     {.history =
      "4.0.0 Added the `ASYNC` flushing mode modifier.\n"
      "6.2.0 Added the `SYNC` flushing mode modifier.\n"}},
    {"info", "Get information and statistics about the server", "1.0.0", "server", "O(1)",
     "section:string?*",
     {.history =
      "7.0.0 Added support for taking multiple section arguments.\n"}},
    {"shutdown", "Synchronously save the dataset to disk and then shut down the server", "1.0.0",
     "server",
     "O(N) when saving, where N is the total number of keys in all databases when saving data, "
     "otherwise O(1)",
     "nosave_save:oneof?(nosave:pure-token=NOSAVE save:pure-token=SAVE) now:pure-token=NOW@7.0.0? "
     "force:pure-token=FORCE@7.0.0? abort:pure-token=ABORT@7.0.0?",
     {.history =
      "7.0.0 Added the `NOW`, `FORCE` and `ABORT` modifiers.\n"}},
    {"slowlog", "A container for slow log commands", "2.2.12", "server", "Depends on subcommand.",
     ""},
    {"slowlog|reset", "Clear all entries from the slow log", "2.2.12", "server",
     "O(N) where N is the number of entries in the slowlog", ""},
    {"slowlog|len", "Get the slow log's length", "2.2.12", "server", "O(1)", ""},
    {"slowlog|get", "Get the slow log's entries", "2.2.12", "server",
     "O(N) where N is the number of entries returned", "count:integer?",
     {.history =
      "4.0.0 Added client IP address, port and name to the reply.\n"}},
    {"slowlog|help", "Show helpful text about the different subcommands", "6.2.0", "server", "O(1)",
     ""},
    {"swapdb", "Swaps two Redis databases", "4.0.0", "server",
     "O(N) where N is the count of clients watching or blocking on keys from both databases.",
     "index1:integer index2:integer"},
    {"time", "Return the current server time", "2.6.0", "server", "O(1)", ""},
    // cluster
    {"cluster", "A container for cluster commands", "3.0.0", "cluster", "Depends on subcommand.",
     ""},
    {"cluster|set-config-epoch", "Set the configuration epoch in a new node", "3.0.0", "cluster",
     "O(1)", "config-epoch:integer"},
    {"cluster|bumpepoch", "Advance the cluster config epoch", "3.0.0", "cluster", "O(1)", ""},
    {"cluster|delslots", "Set hash slots as unbound in receiving node", "3.0.0", "cluster",
     "O(N) where N is the total number of hash slot arguments", "slot:integer*"},
    {"cluster|nodes", "Get Cluster config for the node", "3.0.0", "cluster",
     "O(N) where N is the total number of Cluster nodes", ""},
    {"cluster|slaves", "List replica nodes of the specified master node", "3.0.0", "cluster",
     "O(1)", "node-id:string",
     {.doc_flags = "deprecated",
      .deprecated_since = "5.0.0",
      .replaced_by = "`CLUSTER REPLICAS`"}},
    {"cluster|forget", "Remove a node from the nodes table", "3.0.0", "cluster", "O(1)",
     "node-id:string"},
    {"cluster|help", "Show helpful text about the different subcommands", "5.0.0", "cluster",
     "O(1)", ""},
    {"cluster|flushslots", "Delete a node's own slots information", "3.0.0", "cluster", "O(1)", ""},
    {"cluster|keyslot", "Returns the hash slot of the specified key", "3.0.0", "cluster",
     "O(N) where N is the number of bytes in the key", "key:string"},
    {"cluster|reset", "Reset a Redis Cluster node", "3.0.0", "cluster",
     "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side "
     "effect.",
     "hard_soft:oneof?(hard:pure-token=HARD soft:pure-token=SOFT)"},
    {"cluster|replicas", "List replica nodes of the specified master node", "5.0.0", "cluster",
     "O(1)", "node-id:string"},
    {"cluster|myid", "Return the node id", "3.0.0", "cluster", "O(1)", ""},
    {"cluster|links", "Returns a list of all TCP links to and from peer nodes in cluster", "7.0.0",
     "cluster", "O(N) where N is the total number of Cluster nodes", ""},
    {"cluster|slots", "Get array of Cluster slot to node mappings", "3.0.0", "cluster",
     "O(N) where N is the total number of Cluster nodes", "",
     {.doc_flags = "deprecated",
      .deprecated_since = "7.0.0",
      .replaced_by = "`CLUSTER SHARDS`",
      .history =
      "4.0.0 Added node IDs.\n"
      "7.0.0 Added additional networking metadata field.\n"}},
    {"cluster|info", "Provides info about Redis Cluster node state", "3.0.0", "cluster", "O(1)",
     ""},
    {"cluster|meet", "Force a node cluster to handshake with another node", "3.0.0", "cluster",
     "O(1)", "ip:string port:integer cluster_bus_port:integer@4.0.0?",
     {.history =
      "4.0.0 Added the optional `cluster_bus_port` argument.\n"}},
    {"cluster|replicate", "Reconfigure a node as a replica of the specified master node", "3.0.0",
     "cluster", "O(1)", "node-id:string"},
    {"cluster|delslotsrange", "Set hash slots as unbound in receiving node", "7.0.0", "cluster",
     "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
     "start-slot_end-slot:block*(start-slot:integer end-slot:integer)"},
    {"cluster|addslotsrange", "Assign new hash slots to receiving node", "7.0.0", "cluster",
     "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
     "start-slot_end-slot:block*(start-slot:integer end-slot:integer)"},
    {"cluster|getkeysinslot", "Return local key names in the specified hash slot", "3.0.0",
     "cluster", "O(log(N)) where N is the number of requested keys", "slot:integer count:integer"},
    {"cluster|shards", "Get array of cluster slots to node mappings", "7.0.0", "cluster",
     "O(N) where N is the total number of cluster nodes", ""},
    {"cluster|countkeysinslot", "Return the number of local keys in the specified hash slot",
     "3.0.0", "cluster", "O(1)", "slot:integer"},
    {"cluster|setslot", "Bind a hash slot to a specific node", "3.0.0", "cluster", "O(1)",
     "slot:integer subcommand:oneof(node-id:string=IMPORTING node-id:string=MIGRATING "
     "node-id:string=NODE stable:pure-token=STABLE)"},
    {"cluster|failover", "Forces a replica to perform a manual failover of its master.", "3.0.0",
     "cluster", "O(1)", "options:oneof?(force:pure-token=FORCE takeover:pure-token=TAKEOVER)"},
    {"cluster|addslots", "Assign new hash slots to receiving node", "3.0.0", "cluster",
     "O(N) where N is the total number of hash slot arguments", "slot:integer*"},
    {"cluster|saveconfig", "Forces the node to save cluster state on disk", "3.0.0", "cluster",
     "O(1)", ""},
    {"cluster|count-failure-reports",
     "Return the number of failure reports active for a given node", "3.0.0", "cluster",
     "O(N) where N is the number of failure reports", "node-id:string"},
    {"readonly", "Enables read queries for a connection to a cluster replica node", "3.0.0",
     "cluster", "O(1)", ""},
    {"readwrite", "Disables read queries for a connection to a cluster replica node", "3.0.0",
     "cluster", "O(1)", ""},
    {"asking", "Sent by cluster clients after an -ASK redirect", "3.0.0", "cluster", "O(1)", ""},
    // sorted-set (src/commands/zsets.cpp, zsets_multi.cpp)
    {"zadd", "Add one or more members to a sorted set, or update its score if it already exists", "1.2.0", "sorted-set",
     "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
     "key:key#0 condition:oneof@3.0.2?(nx:pure-token=NX xx:pure-token=XX) "
     "comparison:oneof@6.2.0?(gt:pure-token=GT lt:pure-token=LT) "
     "change:pure-token=CH@3.0.2? increment:pure-token=INCR@3.0.2? "
     "score_member:block*(score:double member:string)",
     {.history =
      "2.4.0 Accepts multiple elements.\n3.0.2 Added the `XX`, `NX`, `CH` and `INCR` options.\n6.2.0 Added the `GT` and `LT` options.\n"}},
    {"zincrby", "Increment the score of a member in a sorted set", "1.2.0", "sorted-set",
     "O(log(N)) where N is the number of elements in the sorted set.",
     "key:key#0 increment:integer member:string"},
    {"zrem", "Remove one or more members from a sorted set", "1.2.0", "sorted-set",
     "O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
     "elements to be removed.",
     "key:key#0 member:string*",
     {.history =
      "2.4.0 Accepts multiple elements.\n"}},
    {"zcard", "Get the number of members in a sorted set", "1.2.0", "sorted-set",
     "O(1)",
     "key:key#0"},
    {"zscore", "Get the score associated with the given member in a sorted set", "1.2.0", "sorted-set",
     "O(1)",
     "key:key#0 member:string"},
    {"zmscore", "Get the score associated with the given members in a sorted set", "6.2.0", "sorted-set",
     "O(N) where N is the number of members being requested.",
     "key:key#0 member:string*"},
    {"zrank", "Determine the index of a member in a sorted set", "2.0.0", "sorted-set",
     "O(log(N))",
     "key:key#0 member:string"},
    {"zrevrank", "Determine the index of a member in a sorted set, with scores ordered from high to low", "2.0.0", "sorted-set",
     "O(log(N))",
     "key:key#0 member:string"},
    {"zcount", "Count the members in a sorted set with scores within the given values", "2.0.0", "sorted-set",
     "O(log(N)) with N being the number of elements in the sorted set.",
     "key:key#0 min:double max:double"},
    {"zlexcount", "Count the number of members in a sorted set between a given lexicographical range", "2.8.9", "sorted-set",
     "O(log(N)) with N being the number of elements in the sorted set.",
     "key:key#0 min:string max:string"},
    {"zrange", "Return a range of members in a sorted set", "1.2.0", "sorted-set",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements returned.",
     "key:key#0 start:string stop:string sortby:oneof@6.2.0?(byscore:pure-token=BYSCORE "
     "bylex:pure-token=BYLEX) rev:pure-token=REV@6.2.0? "
     "offset_count:block=LIMIT@6.2.0?(offset:integer count:integer) "
     "withscores:pure-token=WITHSCORES?",
     {.history =
      "6.2.0 Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.\n"}},
    {"zrangestore", "Store a range of members from sorted set into another key", "6.2.0", "sorted-set",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements stored into the destination key.",
     "dst:key#0 src:key#1 min:string max:string sortby:oneof?(byscore:pure-token=BYSCORE "
     "bylex:pure-token=BYLEX) rev:pure-token=REV? offset_count:block=LIMIT?(offset:integer "
     "count:integer)"},
    {"zrevrange", "Return a range of members in a sorted set, by index, with scores ordered from high to low", "1.2.0", "sorted-set",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements returned.",
     "key:key#0 start:integer stop:integer withscores:pure-token=WITHSCORES?",
     {.doc_flags = "deprecated",
      .deprecated_since = "6.2.0",
      .replaced_by = "`ZRANGE` with the `REV` argument"}},
    {"zrangebyscore", "Return a range of members in a sorted set, by score", "1.0.5", "sorted-set",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements being returned. If M is constant (e.g. always asking for the first 10 "
     "elements with LIMIT), you can consider it O(log(N)).",
     "key:key#0 min:double max:double withscores:pure-token=WITHSCORES@2.0.0? "
     "offset_count:block=LIMIT?(offset:integer count:integer)",
     {.doc_flags = "deprecated",
      .deprecated_since = "6.2.0",
      .replaced_by = "`ZRANGE` with the `BYSCORE` argument", .history =
      "2.0.0 Added the `WITHSCORES` modifier.\n"}},
    {"zrevrangebyscore", "Return a range of members in a sorted set, by score, with scores ordered from high to low", "2.2.0", "sorted-set",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements being returned. If M is constant (e.g. always asking for the first 10 "
     "elements with LIMIT), you can consider it O(log(N)).",
     "key:key#0 max:double min:double withscores:pure-token=WITHSCORES? "
     "offset_count:block=LIMIT?(offset:integer count:integer)",
     {.doc_flags = "deprecated",
      .deprecated_since = "6.2.0",
      .replaced_by = "`ZRANGE` with the `REV` and `BYSCORE` arguments", .history =
      "2.1.6 `min` and `max` can be exclusive.\n"}},
    {"zrangebylex", "Return a range of members in a sorted set, by lexicographical range", "2.8.9", "sorted-set",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements being returned. If M is constant (e.g. always asking for the first 10 "
     "elements with LIMIT), you can consider it O(log(N)).",
     "key:key#0 min:string max:string offset_count:block=LIMIT?(offset:integer "
     "count:integer)",
     {.doc_flags = "deprecated",
      .deprecated_since = "6.2.0",
      .replaced_by = "`ZRANGE` with the `BYLEX` argument"}},
    {"zrevrangebylex", "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", "2.8.9", "sorted-set",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements being returned. If M is constant (e.g. always asking for the first 10 "
     "elements with LIMIT), you can consider it O(log(N)).",
     "key:key#0 max:string min:string offset_count:block=LIMIT?(offset:integer "
     "count:integer)",
     {.doc_flags = "deprecated",
      .deprecated_since = "6.2.0",
      .replaced_by = "`ZRANGE` with the `REV` and `BYLEX` arguments"}},
    {"zremrangebyrank", "Remove all members in a sorted set within the given indexes", "2.0.0", "sorted-set",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements removed by the operation.",
     "key:key#0 start:integer stop:integer"},
    {"zremrangebyscore", "Remove all members in a sorted set within the given scores", "1.2.0", "sorted-set",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements removed by the operation.",
     "key:key#0 min:double max:double"},
    {"zremrangebylex", "Remove all members in a sorted set between the given lexicographical range", "2.8.9", "sorted-set",
     "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
     "elements removed by the operation.",
     "key:key#0 min:string max:string"},
    {"zpopmin", "Remove and return members with the lowest scores in a sorted set", "5.0.0", "sorted-set",
     "O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
     "number of elements popped.",
     "key:key#0 count:integer?"},
    {"zpopmax", "Remove and return members with the highest scores in a sorted set", "5.0.0", "sorted-set",
     "O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
     "number of elements popped.",
     "key:key#0 count:integer?"},
    {"bzpopmin",
     "Remove and return the member with the lowest score from one or more sorted sets, or block "
     "until one is available",
     "5.0.0", "sorted-set", "O(log(N)) with N being the number of elements in the sorted set.",
     "key:key#0* timeout:double",
     {.history = "6.0.0 `timeout` is interpreted as a double instead of an integer.\n"}},
    {"bzpopmax",
     "Remove and return the member with the highest score from one or more sorted sets, or "
     "block until one is available",
     "5.0.0", "sorted-set", "O(log(N)) with N being the number of elements in the sorted set.",
     "key:key#0* timeout:double",
     {.history = "6.0.0 `timeout` is interpreted as a double instead of an integer.\n"}},
    {"bzmpop",
     "Remove and return members with scores in a sorted set or block until one is available",
     "7.0.0", "sorted-set",
     "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
     "elements in the sorted set, and M being the number of elements popped.",
     "timeout:double numkeys:integer key:key#0* where:oneof(min:pure-token=MIN max:pure-token=MAX) "
     "count:integer=COUNT?"},
    {"zmpop", "Remove and return members with scores in a sorted set", "7.0.0", "sorted-set",
     "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
     "elements in the sorted set, and M being the number of elements popped.",
     "numkeys:integer key:key#0* where:oneof(min:pure-token=MIN max:pure-token=MAX) "
     "count:integer=COUNT?"},
    {"zrandmember", "Get one or multiple random elements from a sorted set", "6.2.0", "sorted-set",
     "O(N) where N is the number of elements returned",
     "key:key#0 options:block?(count:integer withscores:pure-token=WITHSCORES?)"},
    {"zunion", "Add multiple sorted sets", "6.2.0", "sorted-set",
     "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M "
     "being the number of elements in the resulting sorted set.",
     "numkeys:integer key:key#0* weight:integer=WEIGHTS?* "
     "aggregate:oneof=AGGREGATE?(sum:pure-token=SUM min:pure-token=MIN max:pure-token=MAX) "
     "withscores:pure-token=WITHSCORES?"},
    {"zinter", "Intersect multiple sorted sets", "6.2.0", "sorted-set",
     "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
     "number of input sorted sets and M being the number of elements in the resulting "
     "sorted set.",
     "numkeys:integer key:key#0* weight:integer=WEIGHTS?* "
     "aggregate:oneof=AGGREGATE?(sum:pure-token=SUM min:pure-token=MIN max:pure-token=MAX) "
     "withscores:pure-token=WITHSCORES?"},
    {"zdiff", "Subtract multiple sorted sets", "6.2.0", "sorted-set",
     "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the "
     "sets, N is the size of the first set, and K is the size of the result set.",
     "numkeys:integer key:key#0* withscores:pure-token=WITHSCORES?"},
    {"zunionstore", "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "sorted-set",
     "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M "
     "being the number of elements in the resulting sorted set.",
     "destination:key#0 numkeys:integer key:key#1* weight:integer=WEIGHTS?* "
     "aggregate:oneof=AGGREGATE?(sum:pure-token=SUM min:pure-token=MIN max:pure-token=MAX)"},
    {"zinterstore", "Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0", "sorted-set",
     "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
     "number of input sorted sets and M being the number of elements in the resulting "
     "sorted set.",
     "destination:key#0 numkeys:integer key:key#1* weight:integer=WEIGHTS?* "
     "aggregate:oneof=AGGREGATE?(sum:pure-token=SUM min:pure-token=MIN max:pure-token=MAX)"},
    {"zdiffstore", "Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0", "sorted-set",
     "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the "
     "sets, N is the size of the first set, and K is the size of the result set.",
     "destination:key#0 numkeys:integer key:key#1*"},
    {"zintercard", "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0", "sorted-set",
     "O(N*K) worst case with N being the smallest input sorted set, K being the number of "
     "input sorted sets.",
     "numkeys:integer key:key#0* limit:integer=LIMIT?"},
    {"zscan", "Incrementally iterate sorted sets elements and associated scores", "2.8.0", "sorted-set",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls "
     "for the cursor to return back to 0. N is the number of elements inside the "
     "collection..",
     "key:key#0 cursor:integer pattern:pattern=MATCH? count:integer=COUNT?"},
};
// clang-format on

// One argument of the notation in command_docs.h, as views into the table.
struct ArgDoc {
    std::string_view name;
    std::string_view type;
    std::string_view key_spec_index;
    std::string_view token;
    bool has_token = false;
    std::string_view since;
    std::string_view deprecated_since;
    bool optional = false;
    bool multiple = false;
    bool multiple_token = false;
    std::string_view nested;  // the text between the parentheses, empty for none
};

constexpr std::string_view kAttrStarts = "#=@~?*+(";

// Cuts the next space-separated item at parenthesis depth 0 off the front of `list`.
std::string_view next_item(std::string_view* list) {
    int depth = 0;
    size_t i = 0;
    for (; i < list->size(); i++) {
        char c = (*list)[i];
        if (c == '(') {
            depth++;
        } else if (c == ')') {
            depth--;
        } else if (c == ' ' && depth == 0) {
            break;
        }
    }
    std::string_view item = list->substr(0, i);
    list->remove_prefix(i < list->size() ? i + 1 : i);
    return item;
}

size_t count_items(std::string_view list) {
    size_t n = 0;
    while (!list.empty()) {
        next_item(&list);
        n++;
    }
    return n;
}

ArgDoc parse_arg(std::string_view item) {
    ArgDoc a;
    size_t head_end = item.find_first_of(kAttrStarts);
    std::string_view head = item.substr(0, head_end);
    // The type never holds ':', a name may ("ip:port"): split at the last one.
    size_t colon = head.rfind(':');
    a.name = head.substr(0, colon);
    a.type = head.substr(colon + 1);
    size_t i = head_end;
    while (i < item.size()) {
        char c = item[i];
        if (c == '(') {
            a.nested = item.substr(i + 1, item.size() - i - 2);
            break;
        }
        size_t end = item.find_first_of(kAttrStarts, i + 1);
        std::string_view value = item.substr(i + 1, end - i - 1);
        switch (c) {
            case '#': a.key_spec_index = value; break;
            case '=':
                a.token = value;
                a.has_token = true;  // MIGRATE's empty_string has the token ""
                break;
            case '@': a.since = value; break;
            case '~': a.deprecated_since = value; break;
            case '?': a.optional = true; break;
            case '*': a.multiple = true; break;
            case '+': a.multiple_token = true; break;
            default: break;
        }
        i = end;
    }
    return a;
}

void reply_pair(resp::Reply& r, std::string_view key, std::string_view value) {
    r.bulk(key);
    r.bulk(value);
}

// Redis' addReplyCommandArgList: one map per argument, fields in Redis' order.
void reply_args(resp::Reply& r, std::string_view list) {
    r.array(count_items(list));
    while (!list.empty()) {
        ArgDoc a = parse_arg(next_item(&list));
        bool has_flags = a.optional || a.multiple || a.multiple_token;
        bool has_nested = a.type == "oneof" || a.type == "block";
        r.map(2 + !a.key_spec_index.empty() + a.has_token + !a.since.empty() +
              !a.deprecated_since.empty() + has_flags + has_nested);
        reply_pair(r, "name", a.name);
        reply_pair(r, "type", a.type);
        if (!a.key_spec_index.empty()) {
            long long index = 0;
            (void)parse_ll(a.key_spec_index, &index);
            r.bulk("key_spec_index");
            r.integer(index);
        }
        if (a.has_token) reply_pair(r, "token", a.token);
        if (!a.since.empty()) reply_pair(r, "since", a.since);
        if (!a.deprecated_since.empty()) reply_pair(r, "deprecated_since", a.deprecated_since);
        if (has_flags) {
            r.bulk("flags");
            r.set(size_t{a.optional} + a.multiple + a.multiple_token);
            if (a.optional) r.simple("optional");
            if (a.multiple) r.simple("multiple");
            if (a.multiple_token) r.simple("multiple_token");
        }
        if (has_nested) {
            r.bulk("arguments");
            reply_args(r, a.nested);
        }
    }
}

size_t count_words(std::string_view s) {
    size_t n = 0;
    while (!s.empty()) {
        size_t sp = s.find(' ');
        n += sp != 0;
        s.remove_prefix(sp == std::string_view::npos ? s.size() : sp + 1);
    }
    return n;
}

void reply_history(resp::Reply& r, std::string_view history) {
    r.bulk("history");
    r.set(static_cast<size_t>(std::count(history.begin(), history.end(), '\n')));
    while (!history.empty()) {
        size_t nl = history.find('\n');
        std::string_view line = history.substr(0, nl);
        history.remove_prefix(nl + 1);
        size_t sp = line.find(' ');
        r.array(2);
        r.bulk(line.substr(0, sp));
        r.bulk(line.substr(sp + 1));
    }
}

// Redis' addReplyCommandDocs: the fields present, in Redis' order.
void reply_doc(resp::Reply& r, const CommandDoc& d, const server::CommandDef& def) {
    const CommandDocExtra& x = d.extra;
    bool container = !def.subcommands.empty();
    // PSYNC and SYNC are the only commands Redis documents without a complexity.
    r.map(3 + !d.complexity.empty() + !d.arguments.empty() + !x.doc_flags.empty() +
          !x.deprecated_since.empty() + !x.replaced_by.empty() + !x.history.empty() + container);
    reply_pair(r, "summary", d.summary);
    reply_pair(r, "since", d.since);
    reply_pair(r, "group", d.group);
    if (!d.complexity.empty()) reply_pair(r, "complexity", d.complexity);
    if (!x.doc_flags.empty()) {
        r.bulk("doc_flags");
        r.set(count_words(x.doc_flags));
        std::string_view flags = x.doc_flags;
        while (!flags.empty()) {
            size_t sp = flags.find(' ');
            if (sp != 0) r.simple(flags.substr(0, sp));
            flags.remove_prefix(sp == std::string_view::npos ? flags.size() : sp + 1);
        }
    }
    if (!x.deprecated_since.empty()) reply_pair(r, "deprecated_since", x.deprecated_since);
    if (!x.replaced_by.empty()) reply_pair(r, "replaced_by", x.replaced_by);
    if (!x.history.empty()) reply_history(r, x.history);
    if (!d.arguments.empty()) {
        r.bulk("arguments");
        reply_args(r, d.arguments);
    }
    if (container) {
        size_t documented = 0;
        for (const auto& sub : def.subcommands) {
            documented += find_command_doc(sub.name) != nullptr;
        }
        r.bulk("subcommands");
        r.map(documented);
        for (const auto& sub : def.subcommands) {
            if (const CommandDoc* s = find_command_doc(sub.name)) {
                r.bulk(sub.name);
                reply_doc(r, *s, sub);
            }
        }
    }
}

// "get" or "config|get": the registered command, or nullptr.
const server::CommandDef* find_registered(const server::CommandTable& t, std::string_view name) {
    size_t bar = name.find('|');
    const server::CommandDef* c = t.find(name.substr(0, bar));
    if (!c || bar == std::string_view::npos) return c;
    for (const auto& sub : c->subcommands) {
        if (iequals(sub.name, name)) return &sub;
    }
    return nullptr;
}

}  // namespace

const CommandDoc* find_command_doc(std::string_view name) {
    for (const CommandDoc& d : kDocs) {
        if (iequals(d.name, name)) return &d;
    }
    return nullptr;
}

std::span<const CommandDoc> all_command_docs() { return kDocs; }

void reply_command_docs(resp::Reply& r, const server::CommandTable& t,
                        const std::vector<std::string_view>& names) {
    // The count comes first in RESP, so the (command, doc) pairs are found before replying.
    std::vector<std::pair<const server::CommandDef*, const CommandDoc*>> found;
    auto add = [&](const server::CommandDef* c) {
        const CommandDoc* d = c ? find_command_doc(c->name) : nullptr;
        if (d) found.emplace_back(c, d);
    };
    if (names.empty()) {
        for (const auto& c : t.all()) add(c.get());
    } else {
        for (std::string_view n : names) add(find_registered(t, n));
    }
    r.map(found.size());
    for (auto [c, d] : found) {
        r.bulk(c->name);
        reply_doc(r, *d, *c);
    }
}

}  // namespace slotcache::commands
