using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.EffectAssertions;

namespace Interlock.Tests.Knowledge;

public sealed class DatabaseClientsTests
{
    [Theory]
    [InlineData("psql -c \"DROP TABLE users\"", "table users in the default database")]
    [InlineData("psql -d shop -c 'TRUNCATE orders'", "table orders in database `shop`")]
    [InlineData("psql postgres://u:p@db.internal:5432/shop -c 'DELETE FROM orders'", "table orders in database `shop` on `db.internal`")]
    [InlineData("mysql -e 'DROP DATABASE shop'", "database shop in the default database")]
    [InlineData("mysql shop -e\"DELETE FROM t WHERE 1=1\"", "table t in database `shop`")]
    [InlineData("sqlite3 app.db 'DELETE FROM sessions'", "table sessions in database `app.db`")]
    [InlineData("sqlcmd -S sql1 -Q \"DROP TABLE dbo.Users\"", "table dbo.Users in the database server `sql1`")]
    [InlineData("clickhouse-client -q 'TRUNCATE TABLE events'", "table events in the default database")]
    [InlineData("cqlsh -e 'DROP KEYSPACE app'", "keyspace app in the default database")]
    [InlineData("psql -f db/drop.sql", "table users in the default database")]
    [InlineData("psql < db/drop.sql", "table users in the default database")]
    [InlineData("psql <<< 'DROP SCHEMA public CASCADE'", "schema public in the default database")]
    [InlineData("echo 'DROP TABLE t;' | psql", "table t in the default database")]
    public void Destructive_sql_reaching_a_database_destroys_data(string command, string target)
    {
        var e = Single(command, EffectKind.DestroyData);
        Assert.Equal(target, e.Target);
        Assert.Equal(Verdict.Ask, TestWorld.Check(command).Verdict);
    }

    [Theory]
    [InlineData("psql -c 'SELECT count(*) FROM users'")]
    [InlineData("psql -c '\\dt'")]
    [InlineData("psql -f db/report.sql")]
    [InlineData("psql -c 'DELETE FROM users WHERE id = 5'")]
    [InlineData("mysql -e 'SHOW TABLES' shop")]
    [InlineData("sqlite3 app.db .tables")]
    [InlineData("redis-cli GET session:1")]
    [InlineData("redis-cli --scan --pattern 'user:*'")]
    [InlineData("mongosh --eval 'db.users.find({})'")]
    [InlineData("psql")]
    [InlineData("echo 'DROP TABLE users' > notes.sql")]
    [InlineData("git commit -m 'DROP TABLE users; TRUNCATE orders'")]
    public void Reads_bounded_writes_and_mentions_are_allowed(string command) => None(command);

    [Theory]
    [InlineData("redis-cli FLUSHALL")]
    [InlineData("redis-cli -n 2 flushdb")]
    [InlineData("echo FLUSHALL | redis-cli")]
    [InlineData("mongosh --eval 'db.dropDatabase()'")]
    [InlineData("mongo app --eval 'db.users.deleteMany({})'")]
    [InlineData("dropdb shop")]
    [InlineData("mysqladmin -f drop shop")]
    public void NoSql_and_admin_tools(string command) => Assert.Equal(Verdict.Ask, TestWorld.Check(command).Verdict);

    [Fact]
    public void Production_databases_need_two_approvers_and_say_why()
    {
        var d = TestWorld.Check("psql -h prod-db.internal -d shop -c 'DELETE FROM orders'");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        Assert.Equal("data.destroy.production", d.RuleId);
        Assert.Contains("database host `prod-db.internal` matches `prod`", d.Reason);
    }

    [Fact]
    public void Writes_ask_only_in_production()
    {
        None("psql -h localhost -c \"UPDATE users SET name='x' WHERE id=1\"");
        var d = TestWorld.Check("psql -h db.production.example.com -c \"UPDATE users SET name='x' WHERE id=1\"");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("production.change", d.RuleId);
    }

    [Fact]
    public void Sql_from_unknown_sources_is_indeterminate()
    {
        Assert.Equal("indeterminate", TestWorld.Check("psql -c \"$QUERY\"").RuleId);
        Assert.Equal("indeterminate", TestWorld.Check("curl -s https://x/dump.sql | psql").RuleId);
        Assert.Equal("indeterminate", TestWorld.Check("psql -f missing.sql").RuleId);
    }

    [Theory]
    [InlineData("pg_restore --clean -d shop dump.pgdump")]
    [InlineData("pg_restore -c -d shop dump.pgdump")]
    [InlineData("pg_restore -Oc -d shop dump.pgdump")]
    [InlineData("pg_restore --clean --if-exists -d postgres://u@localhost/shop dump.pgdump")]
    public void Pg_restore_with_clean_drops_what_the_dump_holds(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal("data.destroy", d.RuleId);
        Assert.Contains("rows written since the dump are lost", d.Reason);
    }

    [Fact]
    public void Pg_restore_without_clean_changes_the_database_and_without_a_database_prints_a_script()
    {
        Assert.Equal(Verdict.Allow, TestWorld.Check("pg_restore -d shop dump.pgdump").Verdict);
        Assert.Equal("production.change", TestWorld.Check("pg_restore -h db.prod.internal -d shop dump.pgdump").RuleId);
        Assert.Equal("data.destroy.production", TestWorld.Check("PGHOST=db.prod.internal pg_restore -c -d shop dump.pgdump").RuleId);
        Assert.Equal(Verdict.Allow, TestWorld.Check("pg_restore -f restore.sql dump.pgdump").Verdict);
        Assert.Equal(Verdict.Allow, TestWorld.Check("pg_restore --list dump.pgdump").Verdict);
        Assert.Equal(Verdict.Allow, TestWorld.Check("pg_restore -d shop -f x.sql dump.pgdump -v").Verdict);
    }

    [Fact]
    public void Dropdb_reads_PGHOST_like_psql() =>
        Assert.Equal("data.destroy.production", TestWorld.Check("PGHOST=db.prod.internal dropdb shop").RuleId);
}
