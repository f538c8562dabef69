// Redis and MongoDB command classifier for Interlock: the NoSQL counterpart of SqlClassifier.
// Hand-written tokenizers (redis-cli argument quoting, a small JavaScript lexer); no regexes; never throws.
#nullable enable
using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Text;

namespace Interlock.Core.Sql;

public static class NoSqlClassifier
{
    /// <summary>
    /// Classifies one redis-cli invocation given as argument words, e.g. ["FLUSHALL"] or ["redis-cli", "-n", "2", "DEL", "k"].
    /// A leading "redis-cli" and its options are skipped. Start is the index of the command word and Length the number of words.
    /// </summary>
    public static IReadOnlyList<SqlStatementInfo> AnalyzeRedis(IReadOnlyList<string> args)
    {
        try
        {
            var words = new string[args?.Count ?? 0];
            for (int k = 0; k < words.Length; k++) words[k] = args![k] ?? "";
            return RedisInvocation(words);
        }
        catch (Exception ex)
        {
            return new[] { InternalError(ex) };
        }
    }

    /// <summary>Classifies commands given one per line (as piped to redis-cli). Start and Length are character offsets of each line.</summary>
    public static IReadOnlyList<SqlStatementInfo> AnalyzeRedisScript(string text)
    {
        try
        {
            return RedisScript(text ?? string.Empty);
        }
        catch (Exception ex)
        {
            return new[] { InternalError(ex) };
        }
    }

    /// <summary>Classifies the database calls in a mongosh script (e.g. the argument of --eval). Start and Length locate each call.</summary>
    public static IReadOnlyList<SqlStatementInfo> AnalyzeMongo(string js)
    {
        try
        {
            return new MongoScript(js ?? string.Empty).Analyze();
        }
        catch (Exception ex)
        {
            return new[] { InternalError(ex) };
        }
    }

    // Last line of defence against a bug in this file: report instead of throwing into the guard.
    private static SqlStatementInfo InternalError(Exception ex) =>
        new(0, 0, "", SqlRisk.Unknown, null, null, "internal error: " + ex.Message, false);

    private static SqlStatementInfo[] RedisInvocation(string[] args)
    {
        int i = 0;
        if (args.Length > 0 && (args[0] == "redis-cli" || args[0].EndsWith("/redis-cli", StringComparison.Ordinal))) i++;
        while (i < args.Length && args[i].Length > 1 && args[i][0] == '-')
        {
            string option = args[i];
            SqlStatementInfo? mode = option switch
            {
                "--eval" => new(i, Math.Min(2, args.Length - i), option, SqlRisk.Unknown, "file", i + 1 < args.Length ? args[i + 1] : null,
                    "runs a Lua script file on the server", false),
                "--pipe" => new(i, 1, option, SqlRisk.Unknown, null, null, "sends commands read from standard input", false),
                "--scan" or "--bigkeys" or "--memkeys" or "--hotkeys" or "--keystats" or "--stat" or "--latency" or "--latency-history"
                    or "--latency-dist" or "--rdb" or "--functions-rdb" or "--intrinsic-latency" =>
                    new(i, 1, option, SqlRisk.Read, null, null, $"redis-cli {option}: reads keys or statistics", false),
                _ => null,
            };
            if (mode is not null) return new[] { mode };
            i += RedisOptionsWithValue.Contains(option) ? 2 : 1;
        }
        if (i >= args.Length)
        {
            return args.Length > 0
                ? new[] { new SqlStatementInfo(0, args.Length, "redis-cli", SqlRisk.Unknown, null, null, "starts an interactive session whose commands are not visible", false) }
                : Array.Empty<SqlStatementInfo>();
        }
        var words = new List<string>(args[i..]);
        return new[] { ClassifyRedis(words, i, words.Count) };
    }

    private static readonly FrozenSet<string> RedisOptionsWithValue = new[]
    {
        "-h", "-p", "-s", "-a", "-u", "-n", "-r", "-i", "-d", "-D", "-t", "--user", "--pass", "--cacert", "--cacertdir", "--cert", "--key",
        "--tls-ciphers", "--tls-ciphersuites", "--sni", "--pattern", "--quoted-pattern", "--count", "--memkeys-samples", "--cluster",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static List<SqlStatementInfo> RedisScript(string text)
    {
        var result = new List<SqlStatementInfo>();
        int lineStart = 0;
        while (lineStart <= text.Length)
        {
            int newline = text.IndexOf('\n', lineStart);
            int lineEnd = newline < 0 ? text.Length : newline;
            int start = lineStart;
            while (start < lineEnd && char.IsWhiteSpace(text[start])) start++;
            int end = lineEnd;
            while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
            if (end > start && text[start] != '#')
            {
                List<string>? words = SplitRedisLine(text, start, end);
                result.Add(words is null
                    ? new SqlStatementInfo(start, end - start, "", SqlRisk.Unknown, null, null, "unbalanced quotes: redis-cli would reject this line", false)
                    : ClassifyRedis(words, start, end - start));
            }
            if (newline < 0) break;
            lineStart = newline + 1;
        }
        return result;
    }

    /// <summary>Splits a line the way redis-cli does (sdssplitargs): "..." with backslash escapes, '...' with \' only.</summary>
    private static List<string>? SplitRedisLine(string text, int start, int end)
    {
        var words = new List<string>();
        int i = start;
        while (true)
        {
            while (i < end && char.IsWhiteSpace(text[i])) i++;
            if (i >= end) return words;
            var word = new StringBuilder();
            char quote = text[i] is '"' or '\'' ? text[i] : '\0';
            if (quote == '\0')
            {
                while (i < end && !char.IsWhiteSpace(text[i])) word.Append(text[i++]);
                words.Add(word.ToString());
                continue;
            }
            i++;
            while (true)
            {
                if (i >= end) return null;
                char c = text[i];
                if (c == '\\' && i + 1 < end && (quote == '"' || text[i + 1] == '\''))
                {
                    char next = text[i + 1];
                    if (quote == '"' && next == 'x' && i + 3 < end && IsHex(text[i + 2]) && IsHex(text[i + 3]))
                    {
                        word.Append((char)Convert.ToInt32(text.Substring(i + 2, 2), 16));
                        i += 4;
                        continue;
                    }
                    word.Append(next switch { 'n' => '\n', 'r' => '\r', 't' => '\t', 'b' => '\b', 'a' => '\a', _ => next });
                    i += 2;
                    continue;
                }
                if (c == quote)
                {
                    i++;
                    if (i < end && !char.IsWhiteSpace(text[i])) return null;   // redis-cli requires a space after the closing quote
                    break;
                }
                word.Append(c);
                i++;
            }
            words.Add(word.ToString());
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static bool HasGlob(string key) => key.AsSpan().IndexOfAny('*', '?', '[') >= 0;

    private static string Q(string? name) => SqlSyntax.Q(name);

    private static SqlStatementInfo ClassifyRedis(List<string> words, int start, int length)
    {
        string command = words[0].ToUpperInvariant();
        string sub = words.Count > 1 ? words[1].ToUpperInvariant() : "";
        string? key = words.Count > 1 ? words[1] : null;
        SqlStatementInfo Info(string verb, SqlRisk risk, string? kind, string? name, string description) =>
            new(start, length, verb, risk, kind, name, description, false);
        SqlStatementInfo Keyed(SqlRisk risk, string description) => Info(command, risk, "key", key, description);

        switch (command)
        {
            case "FLUSHALL":
                return Info(command, SqlRisk.Destructive, "database", null, "deletes every key in every database (FLUSHALL)");
            case "FLUSHDB":
                return Info(command, SqlRisk.Destructive, "database", null, "deletes every key in the current database (FLUSHDB)");
            case "SHUTDOWN":
                return Info(command, SqlRisk.Destructive, "server", null, sub == "NOSAVE" ? "shuts down the Redis server without saving" : "shuts down the Redis server");
            case "DEL" or "UNLINK":
            {
                var keys = words.GetRange(1, words.Count - 1);
                if (keys.Count == 0) return Info(command, SqlRisk.Unknown, "key", null, $"{command} without a key");
                string names = string.Join(", ", keys);
                if (keys.Exists(HasGlob))
                    return Info(command, SqlRisk.Destructive, "key", names,
                        $"deletes {SqlSyntax.QList(keys)}: a glob pattern, so the intent is a mass delete (DEL itself does not expand patterns)");
                return Info(command, SqlRisk.BoundedWrite, "key", names, $"deletes {(keys.Count > 1 ? "keys" : "key")} {SqlSyntax.QList(keys)}");
            }
            case "CONFIG":
                return sub switch
                {
                    "SET" => Info("CONFIG SET", SqlRisk.Write, "setting", words.Count > 2 ? words[2] : null, $"changes server configuration {Q(words.Count > 2 ? words[2] : null)}"),
                    "GET" => Info("CONFIG GET", SqlRisk.Read, "setting", words.Count > 2 ? words[2] : null, "reads server configuration"),
                    "RESETSTAT" or "REWRITE" => Info("CONFIG " + sub, SqlRisk.Write, null, null, $"CONFIG {sub} changes server state"),
                    _ => Info("CONFIG " + sub, SqlRisk.Unknown, null, null, $"unrecognised CONFIG subcommand {Q(sub)}"),
                };
            case "SCRIPT":
                return sub switch
                {
                    "FLUSH" => Info("SCRIPT FLUSH", SqlRisk.Destructive, "script", null, "deletes every cached Lua script"),
                    "EXISTS" => Info("SCRIPT EXISTS", SqlRisk.Read, "script", null, "checks the script cache"),
                    _ => Info("SCRIPT " + sub, SqlRisk.Write, "script", null, $"SCRIPT {sub} changes the script cache or a running script"),
                };
            case "FUNCTION":
                return sub switch
                {
                    "FLUSH" => Info("FUNCTION FLUSH", SqlRisk.Destructive, "function", null, "deletes every function library"),
                    "DELETE" => Info("FUNCTION DELETE", SqlRisk.BoundedWrite, "function", words.Count > 2 ? words[2] : null,
                        $"deletes function library {Q(words.Count > 2 ? words[2] : null)}"),
                    "LIST" or "DUMP" or "STATS" => Info("FUNCTION " + sub, SqlRisk.Read, "function", null, "reads function libraries"),
                    _ => Info("FUNCTION " + sub, SqlRisk.Write, "function", null, $"FUNCTION {sub} changes function libraries or a running function"),
                };
            case "DEBUG":
                return sub is "OBJECT" or "DIGEST" or "DIGEST-VALUE" or "HELP" or "LISTPACK" or "STRINGMATCH-LEN"
                    ? Info("DEBUG " + sub, SqlRisk.Read, null, null, "reads debugging information")
                    : Info("DEBUG " + sub, SqlRisk.Destructive, "server", null, $"DEBUG {sub} can crash, reload or reset the server");
            case "CLUSTER":
                if (sub is "RESET" or "FLUSHSLOTS")
                    return Info("CLUSTER " + sub, SqlRisk.Destructive, "cluster", null, $"CLUSTER {sub} discards cluster slots and data");
                return sub is "INFO" or "NODES" or "SLOTS" or "SHARDS" or "MYID" or "MYSHARDID" or "KEYSLOT" or "COUNTKEYSINSLOT" or "GETKEYSINSLOT" or "LINKS" or "REPLICAS"
                    ? Info("CLUSTER " + sub, SqlRisk.Read, "cluster", null, "reads cluster state")
                    : Info("CLUSTER " + sub, SqlRisk.Write, "cluster", null, $"CLUSTER {sub} changes cluster configuration");
            case "REPLICAOF" or "SLAVEOF":
                if (sub == "NO" && words.Count > 2 && words[2].Equals("ONE", StringComparison.OrdinalIgnoreCase))
                    return Info(command, SqlRisk.Write, "server", null, "stops replication and promotes this server");
                return Info(command, SqlRisk.Destructive, "server", key, $"makes this server a replica of {Q(key)}, discarding its current data");
            case "SWAPDB":
                return Info(command, SqlRisk.Write, "database", null, "swaps two databases");
            case "ACL":
                return sub switch
                {
                    "DELUSER" => Info("ACL DELUSER", SqlRisk.Destructive, "user", string.Join(", ", words.GetRange(2, words.Count - 2)), "deletes ACL users"),
                    "SETUSER" => Info("ACL SETUSER", SqlRisk.SchemaChange, "user", words.Count > 2 ? words[2] : null, $"creates or changes ACL user {Q(words.Count > 2 ? words[2] : null)}"),
                    "SAVE" or "LOAD" => Info("ACL " + sub, SqlRisk.Write, "user", null, $"ACL {sub} changes the ACL file or rules"),
                    "LOG" when words.Count > 2 && words[2].Equals("RESET", StringComparison.OrdinalIgnoreCase) => Info("ACL LOG", SqlRisk.Write, null, null, "clears the ACL log"),
                    _ => Info("ACL " + sub, SqlRisk.Read, "user", null, "reads ACL information"),
                };
            case "EVAL_RO" or "EVALSHA_RO" or "FCALL_RO":
                return Info(command, SqlRisk.Read, "script", null, "runs a read-only server-side script");
            case "EVAL" or "EVALSHA" or "FCALL":
                if (command == "EVAL" && key is not null && (key.Contains("flushall", StringComparison.OrdinalIgnoreCase) || key.Contains("flushdb", StringComparison.OrdinalIgnoreCase)))
                    return Info(command, SqlRisk.Destructive, "script", null, "runs a Lua script that flushes the database");
                return Info(command, SqlRisk.Unknown, "script", null, "runs a server-side script whose effects cannot be seen");
            case "CLIENT":
                return sub is "LIST" or "INFO" or "GETNAME" or "ID" or "GETREDIR" or "TRACKINGINFO" or "HELP"
                    ? Info("CLIENT " + sub, SqlRisk.Read, "client", null, "reads client connections")
                    : Info("CLIENT " + sub, SqlRisk.Write, "client", null, $"CLIENT {sub} changes or terminates client connections");
            case "MODULE":
                return sub == "LIST"
                    ? Info("MODULE LIST", SqlRisk.Read, "module", null, "lists loaded modules")
                    : Info("MODULE " + sub, SqlRisk.Write, "module", words.Count > 2 ? words[2] : null, $"MODULE {sub} loads or unloads server code");
            case "MIGRATE":
                return Info(command, SqlRisk.Write, "key", words.Count > 3 ? words[3] : null, "moves keys to another server");
            case "SORT" or "GEORADIUS" or "GEORADIUSBYMEMBER":
                return words.Exists(w => w.Equals("STORE", StringComparison.OrdinalIgnoreCase) || w.Equals("STOREDIST", StringComparison.OrdinalIgnoreCase))
                    ? Keyed(SqlRisk.Write, $"{command} and stores the result")
                    : Keyed(SqlRisk.Read, $"reads {Q(key)}");
            case "MEMORY" or "LATENCY" or "SLOWLOG" or "OBJECT" or "PUBSUB" or "COMMAND" or "XINFO":
                return sub is "RESET" or "PURGE"
                    ? Info(command + " " + sub, SqlRisk.Write, null, null, $"{command} {sub} resets server state")
                    : Info(command, SqlRisk.Read, null, null, $"{command}: reads server information");
            case "FT.DROPINDEX" or "FT.DROP":
                return Info(command, SqlRisk.Destructive, "index", key,
                    words.Exists(w => w.Equals("DD", StringComparison.OrdinalIgnoreCase))
                        ? $"drops search index {Q(key)} and deletes its documents"
                        : $"drops search index {Q(key)}");
        }
        if (RedisReadCommands.Contains(command)) return Keyed(SqlRisk.Read, key is null ? $"{command}: reads data" : $"reads {Q(key)} ({command})");
        if (RedisRemoveCommands.Contains(command)) return Keyed(SqlRisk.BoundedWrite, $"removes data from {Q(key)} ({command})");
        if (RedisWriteCommands.Contains(command)) return Keyed(SqlRisk.Write, key is null ? $"{command}: changes data" : $"writes {Q(key)} ({command})");
        return Info(command, SqlRisk.Unknown, null, null, $"unrecognised Redis command {Q(command)}");
    }

    private static readonly FrozenSet<string> RedisReadCommands = new[]
    {
        "GET", "MGET", "KEYS", "SCAN", "HSCAN", "SSCAN", "ZSCAN", "INFO", "EXISTS", "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "TYPE", "STRLEN",
        "GETRANGE", "SUBSTR", "LCS", "HGET", "HGETALL", "HMGET", "HKEYS", "HVALS", "HLEN", "HEXISTS", "HSTRLEN", "HRANDFIELD", "LRANGE", "LLEN",
        "LINDEX", "LPOS", "SMEMBERS", "SISMEMBER", "SMISMEMBER", "SCARD", "SRANDMEMBER", "SINTER", "SINTERCARD", "SUNION", "SDIFF", "ZRANGE",
        "ZRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGE", "ZREVRANGEBYSCORE", "ZREVRANGEBYLEX", "ZSCORE", "ZMSCORE", "ZCARD", "ZCOUNT", "ZLEXCOUNT",
        "ZRANK", "ZREVRANK", "ZUNION", "ZINTER", "ZINTERCARD", "ZDIFF", "ZRANDMEMBER", "XRANGE", "XREVRANGE", "XLEN", "XREAD", "XPENDING",
        "DBSIZE", "PING", "ECHO", "TIME", "LASTSAVE", "DUMP", "RANDOMKEY", "MONITOR", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE",
        "PUNSUBSCRIBE", "SUNSUBSCRIBE", "ROLE", "LOLWUT", "SELECT", "AUTH", "HELLO", "QUIT", "RESET", "BITCOUNT", "BITPOS", "GETBIT", "BITFIELD_RO",
        "PFCOUNT", "GEOPOS", "GEODIST", "GEOHASH", "GEOSEARCH", "GEORADIUS_RO", "GEORADIUSBYMEMBER_RO", "SORT_RO", "WAIT", "WAITAOF", "WATCH",
        "UNWATCH", "MULTI", "EXEC", "DISCARD", "READONLY", "READWRITE", "TOUCH", "OBJECT", "JSON.GET", "JSON.MGET", "JSON.TYPE", "JSON.STRLEN",
        "JSON.ARRLEN", "JSON.OBJKEYS", "JSON.OBJLEN", "FT.SEARCH", "FT.AGGREGATE", "FT.INFO", "FT._LIST", "FT.EXPLAIN", "FT.PROFILE",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> RedisRemoveCommands = new[]
    {
        "HDEL", "SREM", "ZREM", "LREM", "XDEL", "XTRIM", "LTRIM", "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK", "ZREMRANGEBYLEX", "GETDEL", "JSON.DEL", "JSON.FORGET",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> RedisWriteCommands = new[]
    {
        "SET", "SETNX", "SETEX", "PSETEX", "MSET", "MSETNX", "GETSET", "GETEX", "APPEND", "SETRANGE", "INCR", "INCRBY", "INCRBYFLOAT", "DECR",
        "DECRBY", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "PERSIST", "RENAME", "RENAMENX", "MOVE", "COPY", "RESTORE", "HSET", "HSETNX",
        "HMSET", "HINCRBY", "HINCRBYFLOAT", "HEXPIRE", "HPEXPIRE", "HPERSIST", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LSET", "LINSERT",
        "LMOVE", "BLMOVE", "RPOPLPUSH", "BRPOPLPUSH", "BLPOP", "BRPOP", "LMPOP", "BLMPOP", "SADD", "SPOP", "SMOVE", "SINTERSTORE", "SUNIONSTORE",
        "SDIFFSTORE", "ZADD", "ZINCRBY", "ZPOPMIN", "ZPOPMAX", "BZPOPMIN", "BZPOPMAX", "ZMPOP", "BZMPOP", "ZUNIONSTORE", "ZINTERSTORE",
        "ZDIFFSTORE", "ZRANGESTORE", "XADD", "XGROUP", "XACK", "XCLAIM", "XAUTOCLAIM", "XSETID", "XREADGROUP", "PFADD", "PFMERGE", "GEOADD",
        "GEOSEARCHSTORE", "SETBIT", "BITOP", "BITFIELD", "PUBLISH", "SPUBLISH", "SAVE", "BGSAVE", "BGREWRITEAOF", "FAILOVER", "JSON.SET",
        "JSON.MSET", "JSON.MERGE", "JSON.NUMINCRBY", "JSON.ARRAPPEND", "JSON.ARRINSERT", "JSON.ARRPOP", "JSON.ARRTRIM", "JSON.STRAPPEND",
        "JSON.TOGGLE", "JSON.CLEAR", "FT.CREATE", "FT.ALTER", "FT.ALIASADD", "FT.ALIASDEL", "FT.ALIASUPDATE",
    }.ToFrozenSet(StringComparer.Ordinal);
}

/// <summary>Finds database calls in a mongosh script with a small JavaScript lexer (strings, comments, regex and template literals).</summary>
internal sealed class MongoScript
{
    private enum Kind { Identifier, String, Number, Punct }

    private readonly record struct Token(Kind Kind, int Start, int End, string Text);

    private readonly record struct Receiver(bool RootedAtDb, bool IsCursor, string? Database, string? Collection, string Text, int Start);

    // Walking back over a call chain is capped so that a pathological chain cannot make the scan quadratic.
    private const int MaxChainTokens = 256;
    private readonly string _js;
    private readonly List<Token> _tokens = new();

    public MongoScript(string js) => _js = js;

    public IReadOnlyList<SqlStatementInfo> Analyze()
    {
        Lex();
        var result = new List<SqlStatementInfo>();
        string? currentDb = null;
        for (int k = 0; k < _tokens.Count; k++)
        {
            Token token = _tokens[k];
            if (token.Kind == Kind.Identifier && token.Text == "use" && k + 1 < _tokens.Count && _tokens[k + 1].Kind is Kind.Identifier or Kind.String
                && (k == 0 || _tokens[k - 1].Text is ";" or "}" || LineBreakBefore(k)))
            {
                currentDb = _tokens[k + 1].Text;
                continue;
            }
            if (token.Kind == Kind.Identifier && IsPunct(k + 1, "(") && !IsPunct(k - 1, "."))
            {
                if (GlobalCall(k) is { } global) result.Add(global);
                continue;
            }
            if (!IsPunct(k, ".") || k + 2 >= _tokens.Count || _tokens[k + 1].Kind != Kind.Identifier || !IsPunct(k + 2, "(")) continue;
            if (MethodCall(k, currentDb) is { } call) result.Add(call);
        }
        return result;
    }

    private bool IsPunct(int k, string text) => k >= 0 && k < _tokens.Count && _tokens[k].Kind == Kind.Punct && _tokens[k].Text == text;

    private bool LineBreakBefore(int k) => k > 0 && _js.IndexOf('\n', _tokens[k - 1].End, _tokens[k].Start - _tokens[k - 1].End) >= 0;

    private SqlStatementInfo? GlobalCall(int k)
    {
        string name = _tokens[k].Text;
        int close = Close(k + 1);
        List<(int From, int To)> args = Arguments(k + 1, close);
        string? first = args.Count > 0 && args[0].To - args[0].From == 1 && _tokens[args[0].From].Kind == Kind.String ? _tokens[args[0].From].Text : null;
        SqlStatementInfo Info(string description) =>
            new(_tokens[k].Start, EndOf(close) - _tokens[k].Start, name, SqlRisk.Unknown, "file", first, description, false);
        return name switch
        {
            "load" => Info($"runs JavaScript from file {SqlSyntax.Q(first)}"),
            "eval" => Info("evaluates JavaScript built at run time"),
            "runProgram" or "run" or "_runMongoProgram" => Info("runs an external program"),
            _ => null,
        };
    }

    private SqlStatementInfo? MethodCall(int dot, string? currentDb)
    {
        string method = _tokens[dot + 1].Text;
        int open = dot + 2;
        int close = Close(open);
        Receiver receiver = ResolveReceiver(dot, currentDb);
        if (receiver.IsCursor || method is "getCollection" or "getSiblingDB" or "getDB" or "getMongo") return null;
        List<(int From, int To)> args = Arguments(open, close);
        int start = receiver.Start;
        int length = EndOf(close) - start;
        bool dbLevel = receiver.RootedAtDb && receiver.Collection is null;
        string database = receiver.Database is null ? "the current database" : SqlSyntax.Q(receiver.Database);
        string collection = SqlSyntax.Q(receiver.Collection ?? receiver.Text);
        string? collectionName = receiver.Collection ?? receiver.Text;
        SqlStatementInfo Info(SqlRisk risk, string? kind, string? name, string description) => new(start, length, method, risk, kind, name, description, false);
        SqlStatementInfo OnCollection(SqlRisk risk, string description) => Info(risk, "collection", collectionName, description);

        if (dbLevel)
        {
            return method switch
            {
                "dropDatabase" => Info(SqlRisk.Destructive, "database", receiver.Database, $"drops database {database}"),
                "dropAllUsers" => Info(SqlRisk.Destructive, "user", null, $"drops every user of {database}"),
                "dropAllRoles" => Info(SqlRisk.Destructive, "role", null, $"drops every role of {database}"),
                "dropUser" or "dropRole" => Info(SqlRisk.Destructive, method == "dropUser" ? "user" : "role", FirstString(args), $"drops {(method == "dropUser" ? "user" : "role")} {SqlSyntax.Q(FirstString(args))}"),
                "shutdownServer" => Info(SqlRisk.Destructive, "server", null, "shuts down the MongoDB server"),
                "runCommand" or "adminCommand" => RunCommand(args, Info),
                "eval" => Info(SqlRisk.Unknown, null, null, "runs server-side JavaScript (db.eval)"),
                "createCollection" or "createView" or "createUser" or "createRole" or "updateUser" or "updateRole" or "changeUserPassword"
                    or "grantRolesToUser" or "revokeRolesFromUser" or "grantRolesToRole" or "revokeRolesFromRole" or "grantPrivilegesToRole"
                    or "revokePrivilegesFromRole" or "enableFreeMonitoring" =>
                    Info(SqlRisk.SchemaChange, null, FirstString(args), $"{method}: changes collections, users or roles"),
                "killOp" or "setProfilingLevel" or "fsyncLock" or "fsyncUnlock" or "repairDatabase" or "setLogLevel" or "rotateCertificates" =>
                    Info(SqlRisk.Write, null, null, $"{method}: changes server state"),
                "getCollectionNames" or "getCollectionInfos" or "stats" or "getName" or "getUsers" or "getUser" or "getRoles" or "getRole"
                    or "serverStatus" or "hostInfo" or "version" or "isMaster" or "hello" or "currentOp" or "printCollectionStats"
                    or "getProfilingStatus" or "listCommands" or "commandHelp" or "getLogComponents" or "getReplicationInfo"
                    or "printReplicationInfo" or "printSecondaryReplicationInfo" or "printShardingStatus" or "help" or "serverBuildInfo"
                    or "serverCmdLineOpts" or "getProfilingLevel" or "aggregate" or "watch" =>
                    Info(SqlRisk.Read, "database", receiver.Database, $"{method}: reads database information"),
                _ => Info(SqlRisk.Unknown, "database", receiver.Database, $"unrecognised database method {SqlSyntax.Q(method)}"),
            };
        }

        switch (method)
        {
            case "drop":
                return OnCollection(SqlRisk.Destructive, $"drops collection {collection}");
            case "deleteMany" or "remove":
                return Filtered(args, 0, OnCollection, $"deletes every document of {collection}", $"deletes documents of {collection}");
            case "updateMany":
                return Filtered(args, 0, OnCollection, $"updates every document of {collection}", $"updates documents of {collection}");
            case "update":
                return HasMultiTrue(args)
                    ? Filtered(args, 0, OnCollection, $"updates every document of {collection}", $"updates documents of {collection}")
                    : OnCollection(SqlRisk.BoundedWrite, $"updates one document of {collection}");
            case "deleteOne" or "findOneAndDelete" or "findAndModify":
                return OnCollection(SqlRisk.BoundedWrite, $"deletes or modifies one document of {collection}");
            case "updateOne" or "replaceOne" or "findOneAndUpdate" or "findOneAndReplace":
                return OnCollection(SqlRisk.BoundedWrite, $"updates one document of {collection}");
            case "insert" or "insertOne" or "insertMany" or "save":
                return OnCollection(SqlRisk.BoundedWrite, $"inserts documents into {collection}");
            case "bulkWrite":
                return OnCollection(SqlRisk.Write, $"runs bulk write operations on {collection}");
            case "dropIndex" or "dropIndexes" or "dropSearchIndex":
                return OnCollection(SqlRisk.Destructive, $"drops {(method == "dropIndex" ? "an index" : "indexes")} of {collection}");
            case "renameCollection":
                return args.Count > 1 && _tokens[args[1].From].Text == "true"
                    ? OnCollection(SqlRisk.Destructive, $"renames {collection} to {SqlSyntax.Q(FirstString(args))}, dropping the existing target (dropTarget)")
                    : OnCollection(SqlRisk.SchemaChange, $"renames {collection} to {SqlSyntax.Q(FirstString(args))}");
            case "createIndex" or "createIndexes" or "ensureIndex" or "createSearchIndex" or "updateSearchIndex" or "hideIndex" or "unhideIndex":
                return OnCollection(SqlRisk.SchemaChange, $"{method} on {collection}");
            case "aggregate":
                if (ContainsIdentifier(open, close, "$out"))
                    return OnCollection(SqlRisk.Destructive, $"aggregates {collection} with $out, which replaces the output collection");
                if (ContainsIdentifier(open, close, "$merge"))
                    return OnCollection(SqlRisk.Write, $"aggregates {collection} with $merge, which writes into another collection");
                return OnCollection(SqlRisk.Read, $"aggregates {collection}");
            case "find" or "findOne" or "countDocuments" or "count" or "estimatedDocumentCount" or "distinct" or "getIndexes" or "getIndexKeys"
                or "stats" or "dataSize" or "storageSize" or "totalIndexSize" or "totalSize" or "explain" or "watch" or "latencyStats"
                or "getShardDistribution" or "isCapped" or "validate" or "getSearchIndexes" or "exists" or "getName" or "getFullName":
                return OnCollection(SqlRisk.Read, $"reads {collection} ({method})");
            case "compact" or "reIndex":
                return OnCollection(SqlRisk.Write, $"{method} rewrites {collection}");
        }
        return receiver.RootedAtDb ? OnCollection(SqlRisk.Unknown, $"unrecognised collection method {SqlSyntax.Q(method)} on {collection}") : null;
    }

    private SqlStatementInfo Filtered(List<(int From, int To)> args, int index, Func<SqlRisk, string, SqlStatementInfo> make, string everything, string some)
    {
        if (args.Count <= index) return make(SqlRisk.Destructive, everything + " (no filter)");
        (int from, int to) = args[index];
        if (to - from == 2 && _tokens[from].Text == "{" && _tokens[from + 1].Text == "}") return make(SqlRisk.Destructive, everything + " (empty filter {})");
        string filter = Snippet(from, to);
        if (_tokens[from].Text == "{") return make(SqlRisk.BoundedWrite, $"{some} matching {filter}");
        return make(SqlRisk.Write, $"{some} matching {filter} (the filter is not a literal and may match every document)");
    }

    private SqlStatementInfo RunCommand(List<(int From, int To)> args, Func<SqlRisk, string?, string?, string, SqlStatementInfo> make)
    {
        if (args.Count == 0) return make(SqlRisk.Unknown, null, null, "runs a database command");
        (int from, int to) = args[0];
        string? command = from + 1 < to && _tokens[from].Text == "{" && _tokens[from + 1].Kind is Kind.Identifier or Kind.String ? _tokens[from + 1].Text : null;
        if (from < to && _tokens[from].Kind == Kind.String) command = _tokens[from].Text;
        string? target = from + 3 < to && _tokens[from + 2].Text == ":" && _tokens[from + 3].Kind == Kind.String ? _tokens[from + 3].Text : null;
        return command switch
        {
            "drop" => make(SqlRisk.Destructive, "collection", target, $"drops collection {SqlSyntax.Q(target)}"),
            "dropDatabase" => make(SqlRisk.Destructive, "database", null, "drops the database"),
            "dropAllUsersFromDatabase" or "dropAllRolesFromDatabase" or "dropUser" or "dropRole" => make(SqlRisk.Destructive, "user", target, $"{command}: drops users or roles"),
            "dropIndexes" or "deleteIndexes" => make(SqlRisk.Destructive, "collection", target, $"drops indexes of {SqlSyntax.Q(target)}"),
            "shutdown" => make(SqlRisk.Destructive, "server", null, "shuts down the MongoDB server"),
            "find" or "count" or "aggregate" or "listCollections" or "listDatabases" or "listIndexes" or "serverStatus" or "ping" or "hello"
                or "isMaster" or "buildInfo" or "dbStats" or "collStats" or "explain" or "getLog" or "currentOp" or "hostInfo" or "connectionStatus"
                or "distinct" or "getParameter" or "replSetGetStatus" or "usersInfo" or "rolesInfo" =>
                make(SqlRisk.Read, null, target, $"runs read-only command {SqlSyntax.Q(command)}"),
            null => make(SqlRisk.Unknown, null, null, "runs a database command built at run time"),
            _ => make(SqlRisk.Write, null, target, $"runs database command {SqlSyntax.Q(command)}"),
        };
    }

    private bool HasMultiTrue(List<(int From, int To)> args)
    {
        if (args.Count < 3) return false;
        (int from, int to) = args[2];
        for (int k = from; k + 2 < to; k++)
            if (_tokens[k].Text == "multi" && _tokens[k + 1].Text == ":" && _tokens[k + 2].Text == "true") return true;
        return false;
    }

    private bool ContainsIdentifier(int from, int to, string name)
    {
        for (int k = from; k < to && k < _tokens.Count; k++)
            if (_tokens[k].Text == name) return true;
        return false;
    }

    private string? FirstString(List<(int From, int To)> args) =>
        args.Count > 0 && _tokens[args[0].From].Kind == Kind.String ? _tokens[args[0].From].Text : null;

    private int EndOf(int close) => close < _tokens.Count ? _tokens[close].End : _js.Length;

    private string Snippet(int from, int to)
    {
        const int MaxChars = 80;
        int start = _tokens[from].Start;
        int end = _tokens[Math.Min(to, _tokens.Count) - 1].End;
        var text = new StringBuilder();
        bool space = false;
        for (int k = start; k < end && text.Length <= MaxChars; k++)
        {
            if (char.IsWhiteSpace(_js[k])) { space = text.Length > 0; continue; }
            if (space) text.Append(' ');
            space = false;
            text.Append(_js[k]);
        }
        return text.Length > MaxChars ? text.ToString(0, MaxChars) + "…" : text.ToString();
    }

    /// <summary>Index of the bracket closing the one at <paramref name="open"/>, or the token count when unclosed.</summary>
    private int Close(int open)
    {
        int depth = 0;
        for (int k = open; k < _tokens.Count; k++)
        {
            string text = _tokens[k].Kind == Kind.Punct ? _tokens[k].Text : "";
            if (text is "(" or "[" or "{") depth++;
            else if (text is ")" or "]" or "}" && --depth == 0) return k;
        }
        return _tokens.Count;
    }

    /// <summary>Top-level comma-separated argument ranges [From, To) between the parentheses.</summary>
    private List<(int From, int To)> Arguments(int open, int close)
    {
        var args = new List<(int, int)>();
        int depth = 0;
        int start = open + 1;
        for (int k = open + 1; k < close && k < _tokens.Count; k++)
        {
            string text = _tokens[k].Kind == Kind.Punct ? _tokens[k].Text : "";
            if (text is "(" or "[" or "{") depth++;
            else if (text is ")" or "]" or "}") depth--;
            else if (text == "," && depth == 0)
            {
                if (k > start) args.Add((start, k));
                start = k + 1;
            }
        }
        int end = Math.Min(close, _tokens.Count);
        if (end > start) args.Add((start, end));
        return args;
    }

    /// <summary>Walks back from the '.' before a method to the start of its receiver chain, then reads the chain forwards.</summary>
    private Receiver ResolveReceiver(int dot, string? currentDb)
    {
        int k = dot - 1;
        while (k >= 0 && dot - k <= MaxChainTokens)
        {
            Token token = _tokens[k];
            if (token.Text is ")" or "]" && token.Kind == Kind.Punct)
            {
                int open = MatchBackward(k, dot - MaxChainTokens);
                if (open < 0) break;
                // A call other than an accessor makes the receiver a cursor or result: no need to walk further.
                if (token.Text == ")" && open > 0 && _tokens[open - 1].Kind == Kind.Identifier
                    && _tokens[open - 1].Text is not ("getCollection" or "getSiblingDB" or "getDB" or "getMongo"))
                    return new Receiver(false, true, null, null, "", _tokens[dot].Start);
                k = open - 1;
                continue;
            }
            if (token.Kind != Kind.Identifier) break;
            if (IsPunct(k - 1, ".")) { k -= 2; continue; }
            k--;
            break;
        }
        int root = k + 1;
        if (root >= dot) return new Receiver(false, false, null, null, "", _tokens[dot].Start);
        var rootToken = _tokens[root];
        bool rootedAtDb = rootToken.Kind == Kind.Identifier && rootToken.Text == "db";
        string? database = rootedAtDb ? currentDb : null;
        string? collection = null;
        int p = rootedAtDb ? root + 1 : root;
        if (!rootedAtDb && rootToken.Kind == Kind.Identifier) { collection = rootToken.Text; p = root + 1; }
        while (p < dot)
        {
            if (IsPunct(p, ".") && p + 1 < dot && _tokens[p + 1].Kind == Kind.Identifier)
            {
                string name = _tokens[p + 1].Text;
                if (p + 2 < dot && IsPunct(p + 2, "("))
                {
                    int close = Close(p + 2);
                    string? argument = p + 3 < _tokens.Count && _tokens[p + 3].Kind == Kind.String ? _tokens[p + 3].Text : null;
                    if (name is "getSiblingDB" or "getDB") { database = argument; collection = null; }
                    else if (name == "getCollection") collection = argument;
                    p = close + 1;
                    continue;
                }
                collection = collection is null ? name : collection + "." + name;
                p += 2;
                continue;
            }
            if (IsPunct(p, "["))
            {
                int close = Close(p);
                if (p + 1 < _tokens.Count && _tokens[p + 1].Kind == Kind.String) collection = _tokens[p + 1].Text;
                p = close + 1;
                continue;
            }
            p++;
        }
        string text = _js.Substring(rootToken.Start, _tokens[dot - 1].End - rootToken.Start);
        return new Receiver(rootedAtDb, false, database, collection, text, rootToken.Start);
    }

    private int MatchBackward(int close, int limit)
    {
        int depth = 0;
        for (int k = close; k >= 0 && k >= limit; k--)
        {
            string text = _tokens[k].Kind == Kind.Punct ? _tokens[k].Text : "";
            if (text is ")" or "]" or "}") depth++;
            else if (text is "(" or "[" or "{" && --depth == 0) return k;
        }
        return -1;
    }

    private void Lex()
    {
        int i = 0;
        int n = _js.Length;
        while (i < n)
        {
            char c = _js[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '/' && i + 1 < n && _js[i + 1] == '/')
            {
                int newline = _js.IndexOf('\n', i);
                i = newline < 0 ? n : newline;
                continue;
            }
            if (c == '/' && i + 1 < n && _js[i + 1] == '*')
            {
                int close = _js.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? n : close + 2;
                continue;
            }
            int start = i;
            if (c is '\'' or '"' or '`')
            {
                var value = new StringBuilder();
                i++;
                while (i < n && _js[i] != c)
                {
                    if (_js[i] == '\\' && i + 1 < n) { value.Append(_js[i + 1]); i += 2; continue; }
                    value.Append(_js[i]);
                    i++;
                }
                i = Math.Min(n, i + 1);
                _tokens.Add(new Token(Kind.String, start, i, value.ToString()));
                continue;
            }
            if (c == '/' && RegexAllowed())
            {
                i = SkipRegex(i);
                _tokens.Add(new Token(Kind.String, start, i, _js.Substring(start, i - start)));
                continue;
            }
            if (char.IsLetter(c) || c is '_' or '$')
            {
                while (i < n && (char.IsLetterOrDigit(_js[i]) || _js[i] is '_' or '$')) i++;
                _tokens.Add(new Token(Kind.Identifier, start, i, _js.Substring(start, i - start)));
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                while (i < n && (char.IsAsciiLetterOrDigit(_js[i]) || _js[i] == '.')) i++;
                _tokens.Add(new Token(Kind.Number, start, i, _js.Substring(start, i - start)));
                continue;
            }
            _tokens.Add(new Token(Kind.Punct, start, i + 1, c.ToString()));
            i++;
        }
    }

    // A '/' starts a regex literal where an expression is expected, and is division after a value.
    private bool RegexAllowed()
    {
        if (_tokens.Count == 0) return true;
        Token last = _tokens[^1];
        if (last.Kind == Kind.Punct) return last.Text is not (")" or "]" or "}");
        return last.Kind == Kind.Identifier && last.Text is "return" or "typeof" or "case" or "do" or "else" or "in" or "of" or "new" or "delete" or "void" or "throw";
    }

    private int SkipRegex(int i)
    {
        bool inClass = false;
        i++;
        while (i < _js.Length && _js[i] != '\n')
        {
            char c = _js[i];
            if (c == '\\') { i += 2; continue; }
            if (c == '[') inClass = true;
            else if (c == ']') inClass = false;
            else if (c == '/' && !inClass)
            {
                i++;
                while (i < _js.Length && char.IsAsciiLetter(_js[i])) i++;
                return i;
            }
            i++;
        }
        return Math.Min(i, _js.Length);
    }
}
