using Interlock.Core.Sql;
using Xunit;

namespace Interlock.Tests.Sql;

public class NoSqlClassifierTests
{
    private static SqlStatementInfo Redis(params string[] args)
    {
        IReadOnlyList<SqlStatementInfo> result = NoSqlClassifier.AnalyzeRedis(args);
        return Assert.Single(result);
    }

    [Theory]
    [InlineData(SqlRisk.Destructive, "FLUSHALL")]
    [InlineData(SqlRisk.Destructive, "flushall", "ASYNC")]
    [InlineData(SqlRisk.Destructive, "FLUSHDB")]
    [InlineData(SqlRisk.Destructive, "SHUTDOWN", "NOSAVE")]
    [InlineData(SqlRisk.Destructive, "DEL", "user:*")]
    [InlineData(SqlRisk.Destructive, "UNLINK", "session:?")]
    [InlineData(SqlRisk.Destructive, "DEL", "a", "cache:[ab]")]
    [InlineData(SqlRisk.Destructive, "SCRIPT", "FLUSH")]
    [InlineData(SqlRisk.Destructive, "FUNCTION", "FLUSH")]
    [InlineData(SqlRisk.Destructive, "DEBUG", "SEGFAULT")]
    [InlineData(SqlRisk.Destructive, "CLUSTER", "RESET", "HARD")]
    [InlineData(SqlRisk.Destructive, "REPLICAOF", "10.0.0.1", "6379")]
    [InlineData(SqlRisk.Destructive, "ACL", "DELUSER", "bob")]
    [InlineData(SqlRisk.Destructive, "FT.DROPINDEX", "idx", "DD")]
    [InlineData(SqlRisk.BoundedWrite, "DEL", "user:1")]
    [InlineData(SqlRisk.BoundedWrite, "UNLINK", "a", "b")]
    [InlineData(SqlRisk.BoundedWrite, "HDEL", "h", "f")]
    [InlineData(SqlRisk.Write, "CONFIG", "SET", "maxmemory", "1gb")]
    [InlineData(SqlRisk.Write, "SET", "k", "v")]
    [InlineData(SqlRisk.Write, "EXPIRE", "k", "10")]
    [InlineData(SqlRisk.Write, "LPUSH", "q", "x")]
    [InlineData(SqlRisk.Write, "REPLICAOF", "NO", "ONE")]
    [InlineData(SqlRisk.Write, "CLIENT", "KILL", "ID", "5")]
    [InlineData(SqlRisk.Write, "SORT", "l", "STORE", "dst")]
    [InlineData(SqlRisk.Read, "GET", "k")]
    [InlineData(SqlRisk.Read, "KEYS", "*")]
    [InlineData(SqlRisk.Read, "SCAN", "0", "MATCH", "user:*")]
    [InlineData(SqlRisk.Read, "INFO")]
    [InlineData(SqlRisk.Read, "CONFIG", "GET", "maxmemory")]
    [InlineData(SqlRisk.Read, "HGETALL", "h")]
    [InlineData(SqlRisk.Read, "DEBUG", "OBJECT", "k")]
    [InlineData(SqlRisk.Read, "SORT", "l")]
    [InlineData(SqlRisk.Unknown, "EVAL", "return redis.call('del', KEYS[1])", "1", "k")]
    [InlineData(SqlRisk.Destructive, "EVAL", "redis.call('FLUSHALL')", "0")]
    [InlineData(SqlRisk.Unknown, "FROBNICATE")]
    [InlineData(SqlRisk.Unknown, "DEL")]
    public void ClassifiesRedisCommands(SqlRisk expected, params string[] args) =>
        Assert.Equal(expected, Redis(args).Risk);

    [Fact]
    public void SkipsRedisCliAndItsOptions()
    {
        SqlStatementInfo s = Redis("redis-cli", "-h", "cache", "-p", "6380", "-n", "2", "--raw", "FLUSHDB");
        Assert.Equal(SqlRisk.Destructive, s.Risk);
        Assert.Equal("FLUSHDB", s.Verb);
        Assert.Equal(8, s.Start);
        Assert.Equal(1, s.Length);
    }

    [Fact]
    public void RedisCliModes()
    {
        Assert.Equal(SqlRisk.Read, Redis("redis-cli", "--scan", "--pattern", "user:*").Risk);
        Assert.Equal(SqlRisk.Unknown, Redis("redis-cli", "--eval", "script.lua").Risk);
        Assert.Equal(SqlRisk.Unknown, Redis("redis-cli", "-h", "x").Risk);
        Assert.Empty(NoSqlClassifier.AnalyzeRedis(Array.Empty<string>()));
        Assert.Empty(NoSqlClassifier.AnalyzeRedis(null!));
    }

    [Fact]
    public void DescribesRedisCommands()
    {
        Assert.Equal("deletes every key in every database (FLUSHALL)", Redis("FLUSHALL").Description);
        SqlStatementInfo del = Redis("DEL", "user:*");
        Assert.Equal("user:*", del.ObjectName);
        Assert.Contains("glob", del.Description);
        Assert.Equal("maxmemory", Redis("CONFIG", "SET", "maxmemory", "1gb").ObjectName);
    }

    [Fact]
    public void RedisScriptRespectsQuotes()
    {
        const string script = "SET greeting \"hello world\"\n\nDEL 'user:*'\r\n  GET \"a\\\"b\"\n# comment\nFLUSHALL";
        IReadOnlyList<SqlStatementInfo> result = NoSqlClassifier.AnalyzeRedisScript(script);
        Assert.Equal(new[] { SqlRisk.Write, SqlRisk.Destructive, SqlRisk.Read, SqlRisk.Destructive }, result.Select(r => r.Risk));
        Assert.Equal("greeting", result[0].ObjectName);
        Assert.Equal("a\"b", result[2].ObjectName);
        Assert.Equal("FLUSHALL", script.Substring(result[3].Start, result[3].Length));
        Assert.Equal("DEL 'user:*'", script.Substring(result[1].Start, result[1].Length));
    }

    [Theory]
    [InlineData("SET k \"unterminated")]
    [InlineData("SET k 'a'b")]
    public void RedisScriptUnbalancedQuotesAreUnknown(string line) =>
        Assert.Equal(SqlRisk.Unknown, Assert.Single(NoSqlClassifier.AnalyzeRedisScript(line)).Risk);

    [Fact]
    public void RedisScriptHexEscapes() =>
        Assert.Equal("A", Assert.Single(NoSqlClassifier.AnalyzeRedisScript("GET \"\\x41\"")).ObjectName);

    [Theory]
    [InlineData("db.dropDatabase()", SqlRisk.Destructive)]
    [InlineData("db.users.drop()", SqlRisk.Destructive)]
    [InlineData("db.getCollection('users').drop()", SqlRisk.Destructive)]
    [InlineData("db['users'].drop()", SqlRisk.Destructive)]
    [InlineData("db.users.deleteMany({})", SqlRisk.Destructive)]
    [InlineData("db.users.deleteMany( { } )", SqlRisk.Destructive)]
    [InlineData("db.users.deleteMany()", SqlRisk.Destructive)]
    [InlineData("db.users.remove({})", SqlRisk.Destructive)]
    [InlineData("db.users.updateMany({}, {$set: {a: 1}})", SqlRisk.Destructive)]
    [InlineData("db.users.update({}, {$set: {a: 1}}, {multi: true})", SqlRisk.Destructive)]
    [InlineData("db.users.dropIndexes()", SqlRisk.Destructive)]
    [InlineData("db.users.dropIndex('a_1')", SqlRisk.Destructive)]
    [InlineData("db.dropAllUsers()", SqlRisk.Destructive)]
    [InlineData("db.getSiblingDB('shop').dropDatabase()", SqlRisk.Destructive)]
    [InlineData("db.runCommand({drop: 'users'})", SqlRisk.Destructive)]
    [InlineData("db.adminCommand({shutdown: 1})", SqlRisk.Destructive)]
    [InlineData("db.orders.aggregate([{$match: {}}, {$out: 'orders'}])", SqlRisk.Destructive)]
    [InlineData("db.users.renameCollection('people', true)", SqlRisk.Destructive)]
    [InlineData("const c = db.users; c.drop()", SqlRisk.Destructive)]
    [InlineData("db.users.deleteMany({status: 'old'})", SqlRisk.BoundedWrite)]
    [InlineData("db.users.remove({_id: 1})", SqlRisk.BoundedWrite)]
    [InlineData("db.users.updateMany({a: 1}, {$set: {b: 2}})", SqlRisk.BoundedWrite)]
    [InlineData("db.users.update({}, {$set: {a: 1}})", SqlRisk.BoundedWrite)]
    [InlineData("db.users.insertOne({a: 1})", SqlRisk.BoundedWrite)]
    [InlineData("db.users.deleteOne({})", SqlRisk.BoundedWrite)]
    [InlineData("db.users.deleteMany(filter)", SqlRisk.Write)]
    [InlineData("db.users.bulkWrite([])", SqlRisk.Write)]
    [InlineData("db.users.createIndex({a: 1})", SqlRisk.SchemaChange)]
    [InlineData("db.createCollection('logs')", SqlRisk.SchemaChange)]
    [InlineData("db.users.find({a: 1})", SqlRisk.Read)]
    [InlineData("db.users.find().limit(5).toArray()", SqlRisk.Read)]
    [InlineData("db.users.aggregate([{$group: {_id: '$a'}}])", SqlRisk.Read)]
    [InlineData("db.users.countDocuments({})", SqlRisk.Read)]
    [InlineData("db.getCollectionNames()", SqlRisk.Read)]
    [InlineData("db.runCommand({ping: 1})", SqlRisk.Read)]
    [InlineData("db.users.frobnicate()", SqlRisk.Unknown)]
    [InlineData("load('wipe.js')", SqlRisk.Unknown)]
    public void ClassifiesMongoCalls(string js, SqlRisk expected) =>
        Assert.Equal(expected, Assert.Single(NoSqlClassifier.AnalyzeMongo(js)).Risk);

    [Theory]
    [InlineData("print('db.users.drop()')")]
    [InlineData("// db.users.drop()\nprint(1)")]
    [InlineData("/* db.dropDatabase() */ print(1)")]
    [InlineData("const s = `db.users.drop()`;")]
    [InlineData("const re = /db.users.drop()/; print(re)")]
    [InlineData("")]
    public void MongoIgnoresCallsInStringsAndComments(string js) =>
        Assert.Empty(NoSqlClassifier.AnalyzeMongo(js));

    [Fact]
    public void MongoDescribesTargets()
    {
        SqlStatementInfo drop = Assert.Single(NoSqlClassifier.AnalyzeMongo("db.getCollection('audit log').drop()"));
        Assert.Equal("audit log", drop.ObjectName);
        Assert.Equal("drops collection `audit log`", drop.Description);
        SqlStatementInfo update = Assert.Single(NoSqlClassifier.AnalyzeMongo("db.accounts.updateMany({}, {$set: {x: 0}})"));
        Assert.StartsWith("updates every document of `accounts`", update.Description);
        SqlStatementInfo database = Assert.Single(NoSqlClassifier.AnalyzeMongo("db.getSiblingDB('shop').dropDatabase()"));
        Assert.Equal("shop", database.ObjectName);
        Assert.Equal("drops database `shop`", database.Description);
    }

    [Fact]
    public void MongoScriptWithSeveralCalls()
    {
        const string js = "use shop\ndb.users.find({}).forEach(u => db.audit.insertOne(u));\ndb.sessions.deleteMany({});\ndb.dropDatabase()";
        IReadOnlyList<SqlStatementInfo> result = NoSqlClassifier.AnalyzeMongo(js);
        Assert.Equal(new[] { SqlRisk.Read, SqlRisk.BoundedWrite, SqlRisk.Destructive, SqlRisk.Destructive }, result.Select(r => r.Risk));
        Assert.Equal("db.sessions.deleteMany({})", js.Substring(result[2].Start, result[2].Length));
        Assert.Equal("shop", result[3].ObjectName);
    }

    [Theory]
    [InlineData("db.users.drop(")]
    [InlineData("db.users.deleteMany({")]
    [InlineData("'unterminated")]
    [InlineData("db..drop()")]
    [InlineData(").drop()")]
    [InlineData("/")]
    [InlineData("db[")]
    public void MongoMalformedNeverThrows(string js)
    {
        IReadOnlyList<SqlStatementInfo> result = NoSqlClassifier.AnalyzeMongo(js);
        Assert.DoesNotContain(result, r => r.Description.StartsWith("internal error", StringComparison.Ordinal));
    }

    [Fact]
    public void RandomJavaScriptNeverThrows()
    {
        string[] fragments =
        {
            "db", ".", "users", "drop", "deleteMany", "updateMany", "getCollection", "getSiblingDB", "dropDatabase", "(", ")", "{", "}", "[", "]",
            "'x'", "\"y", "`", "/", "/re/", "//", "/*", "*/", ",", ":", "true", "use shop\n", "load(", "find", "$out", "\n", " ", ";", "=>",
        };
        var random = new Random(7);
        for (int n = 0; n < 3000; n++)
        {
            string js = string.Concat(Enumerable.Range(0, random.Next(1, 25)).Select(_ => fragments[random.Next(fragments.Length)]));
            foreach (SqlStatementInfo s in NoSqlClassifier.AnalyzeMongo(js).Concat(NoSqlClassifier.AnalyzeRedisScript(js)))
            {
                Assert.False(s.Description.StartsWith("internal error", StringComparison.Ordinal), $"{js} -> {s.Description}");
                Assert.InRange(s.Start + s.Length, 0, js.Length);
            }
        }
    }

    [Fact]
    public void RedisNullWordsNeverThrow() =>
        Assert.Equal(SqlRisk.Unknown, Redis(null!, "x").Risk);

    [Fact]
    public void MongoLongChainStaysFast()
    {
        string js = "db.users" + string.Concat(Enumerable.Repeat(".find()", 50_000));
        Assert.NotEmpty(NoSqlClassifier.AnalyzeMongo(js));
    }
}
