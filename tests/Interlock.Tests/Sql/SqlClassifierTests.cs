using System.Diagnostics;
using System.Text;
using Interlock.Core.Sql;
using Xunit;

namespace Interlock.Tests.Sql;

public class SqlClassifierTests
{
    private static SqlStatementInfo Single(string sql, SqlDialect dialect = SqlDialect.Generic)
    {
        SqlAnalysis analysis = SqlClassifier.Analyze(sql, dialect);
        Assert.True(analysis.Statements.Count == 1,
            $"expected one statement, got {analysis.Statements.Count}: {string.Join(" | ", analysis.Statements.Select(s => s.Verb + ":" + s.Risk))}");
        return analysis.Statements[0];
    }

    private static string Risks(string sql, SqlDialect dialect) =>
        string.Join(",", SqlClassifier.Analyze(sql, dialect).Statements.Select(s => s.Risk.ToString()));

    [Theory]
    // Destructive DROPs across dialects
    [InlineData(SqlDialect.Generic, "DROP DATABASE shop")]
    [InlineData(SqlDialect.PostgreSql, "DROP SCHEMA app CASCADE")]
    [InlineData(SqlDialect.PostgreSql, "DROP TABLE IF EXISTS users")]
    [InlineData(SqlDialect.PostgreSql, "DROP VIEW v")]
    [InlineData(SqlDialect.PostgreSql, "DROP MATERIALIZED VIEW mv")]
    [InlineData(SqlDialect.PostgreSql, "DROP INDEX CONCURRENTLY IF EXISTS idx")]
    [InlineData(SqlDialect.PostgreSql, "DROP SEQUENCE s")]
    [InlineData(SqlDialect.PostgreSql, "DROP FUNCTION f(int, text)")]
    [InlineData(SqlDialect.MySql, "DROP PROCEDURE p")]
    [InlineData(SqlDialect.PostgreSql, "DROP TRIGGER trg ON t")]
    [InlineData(SqlDialect.PostgreSql, "DROP TYPE mood")]
    [InlineData(SqlDialect.MySql, "DROP USER 'bob'@'localhost'")]
    [InlineData(SqlDialect.PostgreSql, "DROP ROLE admin")]
    [InlineData(SqlDialect.PostgreSql, "DROP OWNED BY bob")]
    [InlineData(SqlDialect.Cassandra, "DROP KEYSPACE analytics")]
    [InlineData(SqlDialect.SqlServer, "DROP DATABASE Shop")]
    [InlineData(SqlDialect.ClickHouse, "DROP TABLE db.events ON CLUSTER main SYNC")]
    [InlineData(SqlDialect.Sqlite, "DROP TABLE IF EXISTS notes")]
    [InlineData(SqlDialect.MySql, "DROP TEMPORARY TABLE tmp")]
    [InlineData(SqlDialect.Generic, "drop table users")]
    // TRUNCATE
    [InlineData(SqlDialect.Generic, "TRUNCATE TABLE events")]
    [InlineData(SqlDialect.PostgreSql, "TRUNCATE events, logs RESTART IDENTITY CASCADE")]
    [InlineData(SqlDialect.Cassandra, "TRUNCATE ks.events")]
    [InlineData(SqlDialect.ClickHouse, "TRUNCATE TABLE IF EXISTS db.events")]
    [InlineData(SqlDialect.MySql, "TRUNCATE orders")]
    // DELETE / UPDATE without WHERE or with a tautology
    [InlineData(SqlDialect.Generic, "DELETE FROM orders")]
    [InlineData(SqlDialect.PostgreSql, "DELETE FROM ONLY orders")]
    [InlineData(SqlDialect.MySql, "DELETE FROM orders")]
    [InlineData(SqlDialect.Sqlite, "DELETE FROM orders")]
    [InlineData(SqlDialect.SqlServer, "DELETE FROM dbo.orders")]
    [InlineData(SqlDialect.SqlServer, "DELETE TOP (100) FROM orders")]
    [InlineData(SqlDialect.ClickHouse, "DELETE FROM events WHERE 1")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 1=1")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 1 = 1")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE true")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE TRUE")]
    [InlineData(SqlDialect.MySql, "DELETE FROM t WHERE 1")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 'a'='a'")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE x = x")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE t.id = t.id")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 1=1 OR id = 3")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE id IS NOT NULL OR 1=1")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE (1=1)")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE NOT 1=0")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 2 > 1")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 1 <> 2")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 1 BETWEEN 0 AND 2")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 1 IN (1, 2)")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 'x' LIKE '%'")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE name LIKE '%'")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE NULL IS NULL")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 1 = '1'")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE -1 < 0")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE (id = 4 AND 1=0) OR ((2=2))")]
    [InlineData(SqlDialect.MySql, "DELETE FROM t WHERE id = 3 || 1")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 1=1 RETURNING *")]
    [InlineData(SqlDialect.MySql, "DELETE FROM t LIMIT 10")]
    [InlineData(SqlDialect.Generic, "UPDATE accounts SET balance = 0")]
    [InlineData(SqlDialect.Generic, "UPDATE accounts SET balance = 0 WHERE 1=1")]
    [InlineData(SqlDialect.Generic, "UPDATE accounts SET balance = (SELECT 0 FROM x WHERE x.id = 1)")]
    [InlineData(SqlDialect.PostgreSql, "UPDATE accounts a SET balance = 0 FROM users u")]
    [InlineData(SqlDialect.Sqlite, "UPDATE OR REPLACE t SET a = 1")]
    [InlineData(SqlDialect.MySql, "UPDATE LOW_PRIORITY t SET a = 1 WHERE 'a' = 'a'")]
    [InlineData(SqlDialect.SqlServer, "UPDATE TOP (5) t SET a = 1")]
    // ALTER ... DROP / TRUNCATE PARTITION / ClickHouse mutations
    [InlineData(SqlDialect.Generic, "ALTER TABLE users DROP COLUMN email")]
    [InlineData(SqlDialect.PostgreSql, "ALTER TABLE users DROP CONSTRAINT users_pkey")]
    [InlineData(SqlDialect.MySql, "ALTER TABLE sales DROP PARTITION p2019")]
    [InlineData(SqlDialect.MySql, "ALTER TABLE sales TRUNCATE PARTITION p2019")]
    [InlineData(SqlDialect.MySql, "ALTER TABLE users DROP email")]
    [InlineData(SqlDialect.MySql, "ALTER TABLE users DROP PRIMARY KEY")]
    [InlineData(SqlDialect.PostgreSql, "ALTER TABLE users ADD COLUMN a int, DROP COLUMN b")]
    [InlineData(SqlDialect.ClickHouse, "ALTER TABLE events DELETE WHERE 1=1")]
    [InlineData(SqlDialect.ClickHouse, "ALTER TABLE events DROP PARTITION 202101")]
    [InlineData(SqlDialect.ClickHouse, "ALTER TABLE events UPDATE x = 1 WHERE 1")]
    [InlineData(SqlDialect.ClickHouse, "ALTER TABLE events CLEAR COLUMN payload")]
    [InlineData(SqlDialect.MySql, "ALTER TABLE t DISCARD TABLESPACE")]
    // Other destructive forms
    [InlineData(SqlDialect.ClickHouse, "CREATE OR REPLACE TABLE t (a Int32) ENGINE = Memory")]
    [InlineData(SqlDialect.SqlServer, "RESTORE DATABASE Shop FROM DISK = 'x.bak'")]
    [InlineData(SqlDialect.SqlServer, "SHUTDOWN")]
    [InlineData(SqlDialect.MySql, "RESET MASTER")]
    [InlineData(SqlDialect.Generic, "INSERT OVERWRITE TABLE t SELECT * FROM s")]
    [InlineData(SqlDialect.SqlServer, "DBCC CHECKDB (Shop, REPAIR_ALLOW_DATA_LOSS)")]
    [InlineData(SqlDialect.PostgreSql, "WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone")]
    [InlineData(SqlDialect.PostgreSql, "EXPLAIN ANALYZE DELETE FROM t")]
    [InlineData(SqlDialect.PostgreSql, "EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1")]
    [InlineData(SqlDialect.PostgreSql, "DO $$ BEGIN TRUNCATE t; END $$")]
    [InlineData(SqlDialect.SqlServer, "EXEC('DROP TABLE x')")]
    [InlineData(SqlDialect.SqlServer, "EXEC sp_executesql N'DELETE FROM t'")]
    [InlineData(SqlDialect.SqlServer, "EXEC sp_MSforeachtable 'DELETE FROM ?'")]
    [InlineData(SqlDialect.Generic, "(DELETE FROM t)")]
    public void ClassifiesDestructive(SqlDialect dialect, string sql) =>
        Assert.Equal(SqlRisk.Destructive, Single(sql, dialect).Risk);

    [Theory]
    [InlineData(SqlDialect.Generic, "DELETE FROM users WHERE id = 5")]
    [InlineData(SqlDialect.Generic, "DELETE FROM users WHERE id = 5 AND 1=1")]
    [InlineData(SqlDialect.Generic, "DELETE FROM users WHERE 1=0")]
    [InlineData(SqlDialect.Generic, "DELETE FROM users WHERE 1=1 AND created < now() - interval '30 days'")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE id = ANY(ARRAY[1,2]) OR name = 'x'")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 'a' = 'A'")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE x = y")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE id IN (SELECT id FROM s)")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE EXISTS (SELECT 1 FROM s WHERE s.id = t.id)")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE id IS NOT NULL")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE name LIKE 'a%'")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE CASE WHEN a = 1 THEN true ELSE false END")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE 1 NOT IN (1, 2)")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE CURRENT OF cur")]
    [InlineData(SqlDialect.PostgreSql, "DELETE FROM t USING s WHERE t.id = s.id")]
    [InlineData(SqlDialect.MySql, "DELETE t1 FROM t1 JOIN t2 ON t1.id = t2.id WHERE t2.flag = 1")]
    [InlineData(SqlDialect.Cassandra, "DELETE FROM users WHERE user_id = 42")]
    [InlineData(SqlDialect.Cassandra, "DELETE email FROM users WHERE user_id = 42 IF EXISTS")]
    [InlineData(SqlDialect.SqlServer, "DELETE t WHERE id = 1")]
    [InlineData(SqlDialect.ClickHouse, "ALTER TABLE events DELETE WHERE day < '2020-01-01'")]
    [InlineData(SqlDialect.Generic, "UPDATE accounts SET balance = 0 WHERE id = 7")]
    [InlineData(SqlDialect.Cassandra, "UPDATE users SET email = 'x' WHERE user_id = 42")]
    [InlineData(SqlDialect.Generic, "INSERT INTO users (id) VALUES (1)")]
    [InlineData(SqlDialect.MySql, "INSERT IGNORE INTO users VALUES (1) ON DUPLICATE KEY UPDATE a = 1")]
    [InlineData(SqlDialect.PostgreSql, "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 1")]
    [InlineData(SqlDialect.Sqlite, "INSERT OR REPLACE INTO t VALUES (1)")]
    [InlineData(SqlDialect.MySql, "REPLACE INTO t VALUES (1)")]
    [InlineData(SqlDialect.SqlServer, "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN INSERT (a) VALUES (s.a);")]
    [InlineData(SqlDialect.Generic, "UPSERT INTO t VALUES (1)")]
    [InlineData(SqlDialect.PostgreSql, "COPY users FROM '/tmp/users.csv' WITH (FORMAT csv)")]
    [InlineData(SqlDialect.Cassandra, "COPY ks.users (id, name) FROM 'users.csv'")]
    [InlineData(SqlDialect.SqlServer, "BULK INSERT dbo.t FROM 'C:\\data.csv'")]
    [InlineData(SqlDialect.PostgreSql, "\\copy users from 'users.csv' csv")]
    [InlineData(SqlDialect.Sqlite, ".import data.csv users")]
    public void ClassifiesBoundedWrite(SqlDialect dialect, string sql) =>
        Assert.Equal(SqlRisk.BoundedWrite, Single(sql, dialect).Risk);

    [Theory]
    [InlineData(SqlDialect.Generic, "CREATE TABLE t (id int)")]
    [InlineData(SqlDialect.PostgreSql, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON t (a)")]
    [InlineData(SqlDialect.PostgreSql, "CREATE OR REPLACE VIEW v AS SELECT 1")]
    [InlineData(SqlDialect.MySql, "CREATE DEFINER=`root`@`%` VIEW v AS SELECT 1")]
    [InlineData(SqlDialect.Cassandra, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")]
    [InlineData(SqlDialect.Generic, "ALTER TABLE users ADD COLUMN age int")]
    [InlineData(SqlDialect.PostgreSql, "ALTER TABLE users ALTER COLUMN name DROP NOT NULL")]
    [InlineData(SqlDialect.PostgreSql, "ALTER TABLE users RENAME TO people")]
    [InlineData(SqlDialect.PostgreSql, "ALTER ROLE bob WITH LOGIN")]
    [InlineData(SqlDialect.PostgreSql, "ALTER SYSTEM SET work_mem = '64MB'")]
    [InlineData(SqlDialect.Generic, "GRANT SELECT ON users TO bob")]
    [InlineData(SqlDialect.Generic, "REVOKE ALL ON users FROM bob")]
    [InlineData(SqlDialect.SqlServer, "DENY DELETE ON dbo.t TO bob")]
    [InlineData(SqlDialect.MySql, "RENAME TABLE a TO b")]
    [InlineData(SqlDialect.PostgreSql, "COMMENT ON TABLE users IS 'people'")]
    [InlineData(SqlDialect.PostgreSql, "REASSIGN OWNED BY bob TO alice")]
    [InlineData(SqlDialect.Sqlite, "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM log; INSERT INTO log VALUES (1); END;")]
    [InlineData(SqlDialect.PostgreSql, "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC DELETE FROM t; SELECT 1; END;")]
    [InlineData(SqlDialect.SqlServer, "CREATE PROCEDURE p AS BEGIN DELETE FROM t; DROP TABLE x; END")]
    [InlineData(SqlDialect.MySql, "SET PASSWORD FOR bob = 'x'")]
    public void ClassifiesSchemaChange(SqlDialect dialect, string sql) =>
        Assert.Equal(SqlRisk.SchemaChange, Single(sql, dialect).Risk);

    [Theory]
    [InlineData(SqlDialect.Generic, "SELECT * FROM users")]
    [InlineData(SqlDialect.Generic, "select 1")]
    [InlineData(SqlDialect.Generic, "WITH a AS (SELECT 1) SELECT * FROM a")]
    [InlineData(SqlDialect.PostgreSql, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r")]
    [InlineData(SqlDialect.Generic, "(SELECT 1) UNION (SELECT 2)")]
    [InlineData(SqlDialect.MySql, "SHOW TABLES")]
    [InlineData(SqlDialect.PostgreSql, "EXPLAIN DELETE FROM t")]
    [InlineData(SqlDialect.PostgreSql, "EXPLAIN (ANALYZE false) DELETE FROM t")]
    [InlineData(SqlDialect.PostgreSql, "EXPLAIN ANALYZE SELECT * FROM t")]
    [InlineData(SqlDialect.Sqlite, "EXPLAIN QUERY PLAN SELECT * FROM t")]
    [InlineData(SqlDialect.MySql, "DESCRIBE users")]
    [InlineData(SqlDialect.MySql, "DESC users")]
    [InlineData(SqlDialect.PostgreSql, "VALUES (1), (2)")]
    [InlineData(SqlDialect.PostgreSql, "TABLE users")]
    [InlineData(SqlDialect.MySql, "USE shop")]
    [InlineData(SqlDialect.PostgreSql, "SET search_path TO app")]
    [InlineData(SqlDialect.PostgreSql, "BEGIN")]
    [InlineData(SqlDialect.PostgreSql, "COMMIT")]
    [InlineData(SqlDialect.PostgreSql, "ROLLBACK")]
    [InlineData(SqlDialect.MySql, "START TRANSACTION")]
    [InlineData(SqlDialect.SqlServer, "BEGIN TRANSACTION")]
    [InlineData(SqlDialect.Sqlite, "PRAGMA table_info(users)")]
    [InlineData(SqlDialect.Sqlite, "PRAGMA foreign_keys")]
    [InlineData(SqlDialect.Sqlite, ".tables")]
    [InlineData(SqlDialect.Sqlite, ".schema users")]
    [InlineData(SqlDialect.PostgreSql, "\\dt")]
    [InlineData(SqlDialect.PostgreSql, "\\d users")]
    [InlineData(SqlDialect.PostgreSql, "\\x")]
    [InlineData(SqlDialect.PostgreSql, "\\c shop")]
    [InlineData(SqlDialect.PostgreSql, "\\q")]
    [InlineData(SqlDialect.Cassandra, "SELECT * FROM ks.users WHERE id = 1")]
    [InlineData(SqlDialect.Cassandra, "DESCRIBE KEYSPACES")]
    [InlineData(SqlDialect.ClickHouse, "SELECT count() FROM events SETTINGS max_threads = 2")]
    [InlineData(SqlDialect.ClickHouse, "EXISTS TABLE events")]
    [InlineData(SqlDialect.MySql, "SELECT * FROM t FOR UPDATE")]
    [InlineData(SqlDialect.MySql, "SELECT a INTO @x FROM t")]
    [InlineData(SqlDialect.PostgreSql, "SELECT 'DROP TABLE users'")]
    [InlineData(SqlDialect.PostgreSql, "-- DROP TABLE users\nSELECT 1")]
    [InlineData(SqlDialect.PostgreSql, "/* DROP TABLE users; */ SELECT 1")]
    [InlineData(SqlDialect.PostgreSql, "SELECT \"drop\" FROM \"delete\"")]
    public void ClassifiesRead(SqlDialect dialect, string sql) =>
        Assert.Equal(SqlRisk.Read, Single(sql, dialect).Risk);

    [Theory]
    [InlineData(SqlDialect.MySql, "CALL cleanup()")]
    [InlineData(SqlDialect.SqlServer, "EXEC dbo.cleanup @days = 3")]
    [InlineData(SqlDialect.PostgreSql, "DO $$ BEGIN PERFORM 1; END $$")]
    [InlineData(SqlDialect.PostgreSql, "VACUUM FULL users")]
    [InlineData(SqlDialect.Sqlite, "VACUUM")]
    [InlineData(SqlDialect.PostgreSql, "REINDEX TABLE users")]
    [InlineData(SqlDialect.PostgreSql, "CLUSTER users USING idx")]
    [InlineData(SqlDialect.PostgreSql, "LOCK TABLE users IN ACCESS EXCLUSIVE MODE")]
    [InlineData(SqlDialect.MySql, "LOAD DATA INFILE '/tmp/x.csv' INTO TABLE t")]
    [InlineData(SqlDialect.SqlServer, "SELECT * INTO archive FROM orders")]
    [InlineData(SqlDialect.PostgreSql, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'x'")]
    [InlineData(SqlDialect.PostgreSql, "REFRESH MATERIALIZED VIEW mv")]
    [InlineData(SqlDialect.MySql, "SET GLOBAL max_connections = 10")]
    [InlineData(SqlDialect.Sqlite, "PRAGMA journal_mode = WAL")]
    [InlineData(SqlDialect.MySql, "SELECT * FROM t INTO OUTFILE '/tmp/t.csv'")]
    [InlineData(SqlDialect.ClickHouse, "OPTIMIZE TABLE events FINAL")]
    [InlineData(SqlDialect.MySql, "KILL 42")]
    [InlineData(SqlDialect.PostgreSql, "ANALYZE users")]
    [InlineData(SqlDialect.SqlServer, "UPDATE STATISTICS dbo.t")]
    public void ClassifiesWrite(SqlDialect dialect, string sql) =>
        Assert.Equal(SqlRisk.Write, Single(sql, dialect).Risk);

    [Theory]
    [InlineData(SqlDialect.Generic, "FROBNICATE everything")]
    [InlineData(SqlDialect.PostgreSql, "\\i cleanup.sql")]
    [InlineData(SqlDialect.PostgreSql, "\\ir ../x.sql")]
    [InlineData(SqlDialect.PostgreSql, "\\include x.sql")]
    [InlineData(SqlDialect.PostgreSql, "\\! rm -rf /tmp/x")]
    [InlineData(SqlDialect.Sqlite, ".read evil.sql")]
    [InlineData(SqlDialect.Sqlite, ".shell ls")]
    [InlineData(SqlDialect.MySql, "source dump.sql")]
    [InlineData(SqlDialect.PostgreSql, "COPY t TO PROGRAM 'curl x'")]
    [InlineData(SqlDialect.SqlServer, "EXEC xp_cmdshell 'dir'")]
    [InlineData(SqlDialect.SqlServer, "EXEC (@sql)")]
    [InlineData(SqlDialect.Generic, "42")]
    [InlineData(SqlDialect.Generic, ") oops")]
    [InlineData(SqlDialect.Generic, "DELETE FROM t WHERE")]
    public void ClassifiesUnknown(SqlDialect dialect, string sql) =>
        Assert.Equal(SqlRisk.Unknown, Single(sql, dialect).Risk);

    [Theory]
    // semicolons inside strings, identifiers and comments do not split
    [InlineData(SqlDialect.Generic, "SELECT ';'; SELECT 2", "Read,Read")]
    [InlineData(SqlDialect.Generic, "SELECT 'a''; DROP TABLE x; --'", "Read")]
    [InlineData(SqlDialect.PostgreSql, "SELECT \"a;b\" FROM t; DROP TABLE t", "Read,Destructive")]
    [InlineData(SqlDialect.MySql, "SELECT `a;b` FROM t; SELECT 1", "Read,Read")]
    [InlineData(SqlDialect.SqlServer, "SELECT [a;b] FROM t; SELECT 1", "Read,Read")]
    [InlineData(SqlDialect.SqlServer, "SELECT [a]]; DROP TABLE x] FROM t", "Read")]
    [InlineData(SqlDialect.Generic, "SELECT 1 -- ; DROP TABLE x\n; SELECT 2", "Read,Read")]
    [InlineData(SqlDialect.Generic, "SELECT 1 /* ; DROP TABLE x; */; SELECT 2", "Read,Read")]
    [InlineData(SqlDialect.MySql, "SELECT 1 # ; DROP TABLE x\n; SELECT 2", "Read,Read")]
    [InlineData(SqlDialect.PostgreSql, "SELECT 1 # 2; DROP TABLE x", "Read,Destructive")]
    [InlineData(SqlDialect.MySql, "SELECT 1 --; DROP TABLE x", "Read,Destructive")]
    [InlineData(SqlDialect.Cassandra, "SELECT * FROM t // ; DROP KEYSPACE ks\n; SELECT 1", "Read,Read")]
    // nested comments only where the dialect nests them
    [InlineData(SqlDialect.PostgreSql, "/* a /* b */ DROP TABLE x; */ SELECT 1", "Read")]
    [InlineData(SqlDialect.MySql, "/* a /* b */ DROP TABLE x; */ SELECT 1", "Destructive,Unknown")]
    // MySQL runs executable comments
    [InlineData(SqlDialect.MySql, "/*!40101 DROP TABLE x */; SELECT 1", "Destructive,Read")]
    // dollar quoting
    [InlineData(SqlDialect.PostgreSql, "CREATE FUNCTION f() RETURNS void AS $$ BEGIN DROP TABLE x; DELETE FROM y; END; $$ LANGUAGE plpgsql; SELECT 1", "SchemaChange,Read")]
    [InlineData(SqlDialect.PostgreSql, "CREATE FUNCTION f() RETURNS void AS $body$ SELECT '$$'; DROP TABLE x; $body$ LANGUAGE sql", "SchemaChange")]
    [InlineData(SqlDialect.PostgreSql, "SELECT $tag$ ; DROP TABLE x; $tag$, $1", "Read")]
    [InlineData(SqlDialect.MySql, "SELECT $$; DROP TABLE x; $$", "Read,Destructive,Unknown")]
    // escapes
    [InlineData(SqlDialect.PostgreSql, "SELECT E'\\''; DROP TABLE x", "Read,Destructive")]
    [InlineData(SqlDialect.PostgreSql, "SELECT E'it\\'s; DROP TABLE x'", "Read")]
    [InlineData(SqlDialect.PostgreSql, "SELECT 'a\\'; DROP TABLE x; SELECT '", "Read,Destructive,Read")]
    [InlineData(SqlDialect.MySql, "SELECT 'a\\'; DROP TABLE x; SELECT '", "Read")]
    [InlineData(SqlDialect.MySql, "SELECT \"a\\\"; DROP TABLE x\"", "Read")]
    [InlineData(SqlDialect.Generic, "SELECT 'it\\'s'; DROP TABLE x; --'", "Read,Destructive,Unknown")]
    [InlineData(SqlDialect.Generic, "SELECT 'a\\''; DROP TABLE x; SELECT '", "Read,Destructive,Read")]
    // GO batches
    [InlineData(SqlDialect.SqlServer, "SELECT 1\nGO\nDROP TABLE t\nGO 2\n", "Read,Destructive")]
    [InlineData(SqlDialect.SqlServer, "SELECT go FROM t", "Read")]
    [InlineData(SqlDialect.SqlServer, "SELECT 1\nDROP TABLE t", "Read,Destructive")]
    [InlineData(SqlDialect.SqlServer, "IF OBJECT_ID('t') IS NOT NULL DROP TABLE t", "Read,Destructive")]
    [InlineData(SqlDialect.SqlServer, "SET NOCOUNT ON\nUPDATE t SET a = 1", "Read,Destructive")]
    [InlineData(SqlDialect.SqlServer, "CREATE PROCEDURE p AS DELETE FROM t; DELETE FROM u;\nGO\nEXEC p", "SchemaChange,Write")]
    [InlineData(SqlDialect.SqlServer, "BEGIN TRY DROP TABLE x END TRY BEGIN CATCH END CATCH", "Read,Destructive")]
    [InlineData(SqlDialect.SqlServer, "CREATE TABLE t (id int REFERENCES u(id) ON DELETE CASCADE)\nINSERT INTO t VALUES (1)", "SchemaChange,BoundedWrite")]
    // psql meta-commands
    [InlineData(SqlDialect.PostgreSql, "\\dt\n\\i foo.sql\nSELECT 1;\n\\x", "Read,Unknown,Read,Read")]
    [InlineData(SqlDialect.PostgreSql, "DELETE FROM t \\g\nSELECT 1;", "Destructive,Read")]
    [InlineData(SqlDialect.PostgreSql, "SELECT format('DROP TABLE %I', tablename) FROM pg_tables \\gexec", "Read,Unknown")]
    [InlineData(SqlDialect.MySql, "SELECT * FROM t\\G\nSELECT 1\\g", "Read,Read")]
    [InlineData(SqlDialect.MySql, "\\. dump.sql", "Unknown")]
    // DELIMITER
    [InlineData(SqlDialect.MySql, "DELIMITER //\nCREATE PROCEDURE p() BEGIN DELETE FROM t; DROP TABLE x; END //\nDELIMITER ;\nCALL p();", "SchemaChange,Write")]
    [InlineData(SqlDialect.MySql, "DELIMITER $$\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; END$$\nDELIMITER ;", "SchemaChange")]
    // sqlite3 dot-commands and triggers
    [InlineData(SqlDialect.Sqlite, ".tables\n.read evil.sql\nSELECT 1;", "Read,Unknown,Read")]
    [InlineData(SqlDialect.Sqlite, "CREATE TRIGGER tr AFTER UPDATE ON t BEGIN UPDATE log SET n = CASE WHEN n > 1 THEN 0 END; END; DROP TABLE t;", "SchemaChange,Destructive")]
    [InlineData(SqlDialect.Sqlite, "CREATE TRIGGER oops; DROP TABLE t;", "SchemaChange,Destructive")]
    [InlineData(SqlDialect.PostgreSql, "CREATE TABLE t (begin int); DROP TABLE users;", "SchemaChange,Destructive")]
    // Cassandra batches
    [InlineData(SqlDialect.Cassandra, "BEGIN BATCH INSERT INTO t (a) VALUES (1); DELETE FROM t WHERE a = 2; APPLY BATCH;", "BoundedWrite,BoundedWrite,Read")]
    [InlineData(SqlDialect.Cassandra, "BEGIN UNLOGGED BATCH UPDATE t SET a = 1 WHERE k = 1; APPLY BATCH", "BoundedWrite,Read")]
    // psql COPY data, sqlcmd commands, and PostgreSQL bodies read as generic SQL
    [InlineData(SqlDialect.PostgreSql, "COPY t (a, b) FROM stdin;\n1\tit's; DROP TABLE y\n\\.\nSELECT 1;", "BoundedWrite,Read")]
    [InlineData(SqlDialect.Generic, "COPY t FROM STDIN;\r\nDROP TABLE y\r\n\\.\r\nDELETE FROM t;", "BoundedWrite,Destructive")]
    [InlineData(SqlDialect.SqlServer, ":r cleanup.sql\nSELECT 1\nGO\n!! del x", "Unknown,Read,Unknown")]
    [InlineData(SqlDialect.SqlServer, ":setvar db Shop\nUSE $(db)", "Read,Read")]
    [InlineData(SqlDialect.Generic, "CREATE FUNCTION f() RETURNS void AS $$ BEGIN DROP TABLE x; END; $$ LANGUAGE plpgsql; SELECT 1", "SchemaChange,Read")]
    [InlineData(SqlDialect.Generic, "SELECT [a;b] FROM t; SELECT 1", "Read,Read")]
    [InlineData(SqlDialect.Generic, "SELECT * INTO #temp FROM t", "Write")]
    [InlineData(SqlDialect.Generic, "SELECT * FROM #temp; DROP TABLE x", "Read,Destructive")]
    // empty statements and whitespace
    [InlineData(SqlDialect.Generic, ";;; ;\n;", "")]
    [InlineData(SqlDialect.Generic, "", "")]
    [InlineData(SqlDialect.Generic, "  -- only a comment\n", "")]
    [InlineData(SqlDialect.Generic, "SELECT 1;\n-- trailing\n", "Read")]
    public void SplitsStatements(SqlDialect dialect, string sql, string expected) =>
        Assert.Equal(expected, Risks(sql, dialect));

    [Fact]
    public void DescribesDropWithCascade()
    {
        SqlStatementInfo s = Single("DROP TABLE users CASCADE", SqlDialect.PostgreSql);
        Assert.Equal("DROP", s.Verb);
        Assert.Equal("table", s.ObjectKind);
        Assert.Equal("users", s.ObjectName);
        Assert.True(s.Cascade);
        Assert.Equal("drops table `users` (CASCADE: also drops dependent objects)", s.Description);
    }

    [Fact]
    public void DescribesDeleteWithoutWhere()
    {
        SqlStatementInfo s = Single("DELETE FROM orders");
        Assert.Equal("deletes every row of `orders` (no WHERE clause)", s.Description);
        Assert.Equal("orders", s.ObjectName);
        Assert.False(s.Cascade);
    }

    [Fact]
    public void DescribesTautology() =>
        Assert.Equal("updates every row of `accounts` (WHERE 1=1 is always true)", Single("UPDATE accounts SET x = 1 WHERE 1=1").Description);

    [Fact]
    public void DescribesTruncateAndDropDatabase()
    {
        Assert.Equal("truncates table `events`", Single("TRUNCATE TABLE events").Description);
        Assert.Equal("drops database `shop`", Single("DROP DATABASE shop").Description);
    }

    [Fact]
    public void DescribesBoundedDelete()
    {
        SqlStatementInfo s = Single("DELETE FROM users WHERE id = 5");
        Assert.Equal("deletes rows of `users` where id = 5", s.Description);
        Assert.Equal("users", s.ObjectName);
    }

    [Theory]
    [InlineData("DROP TABLE a, b", "a, b")]
    [InlineData("DROP TABLE IF EXISTS public.users", "public.users")]
    [InlineData("DROP TABLE \"My Table\"", "My Table")]
    [InlineData("DROP TABLE [dbo].[users]", "dbo.users")]
    [InlineData("DROP TABLE `shop`.`users`", "shop.users")]
    [InlineData("DELETE FROM \"public\".\"users\"", "public.users")]
    [InlineData("TRUNCATE a, b", "a, b")]
    [InlineData("DROP FUNCTION f(int), g(text)", "f, g")]
    [InlineData("UPDATE s.accounts SET a = 1", "s.accounts")]
    [InlineData("INSERT INTO logs VALUES (1)", "logs")]
    [InlineData("ALTER TABLE users DROP COLUMN email", "users")]
    public void ReportsObjectNamesWithoutQuotes(string sql, string expected) =>
        Assert.Equal(expected, Single(sql).ObjectName);

    [Fact]
    public void DropOfSeveralTablesIsPlural() =>
        Assert.Equal("drops tables `a`, `b`", Single("DROP TABLE a, b").Description);

    [Fact]
    public void DropOwnedIsDestructive()
    {
        SqlStatementInfo s = Single("DROP OWNED BY bob CASCADE", SqlDialect.PostgreSql);
        Assert.Equal(SqlRisk.Destructive, s.Risk);
        Assert.Equal("bob", s.ObjectName);
        Assert.True(s.Cascade);
    }

    [Fact]
    public void IncludeDescribesFile()
    {
        SqlStatementInfo s = Single("\\i cleanup.sql", SqlDialect.PostgreSql);
        Assert.Equal("runs SQL from file `cleanup.sql`", s.Description);
        Assert.Equal("cleanup.sql", s.ObjectName);
        Assert.Equal("\\i", s.Verb);
    }

    [Fact]
    public void DataModifyingCteReportsTheDelete()
    {
        SqlStatementInfo s = Single("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", SqlDialect.PostgreSql);
        Assert.Equal(SqlRisk.Destructive, s.Risk);
        Assert.Equal("t", s.ObjectName);
        Assert.Contains("deletes every row of `t`", s.Description);
    }

    [Fact]
    public void BoundedCteStaysBounded() =>
        Assert.Equal(SqlRisk.BoundedWrite, Single("WITH x AS (DELETE FROM t WHERE id = 1 RETURNING *) SELECT * FROM x", SqlDialect.PostgreSql).Risk);

    [Fact]
    public void MainStatementAfterCteIsClassified() =>
        Assert.Equal(SqlRisk.Destructive, Single("WITH ids AS (SELECT id FROM s) DELETE FROM t", SqlDialect.PostgreSql).Risk);

    [Fact]
    public void StatementPositionsPointIntoTheText()
    {
        const string sql = "  SELECT 1;\n  DROP TABLE x ;";
        SqlAnalysis a = SqlClassifier.Analyze(sql, SqlDialect.PostgreSql);
        Assert.Equal(new[] { "SELECT 1", "DROP TABLE x" }, a.Statements.Select(s => sql.Substring(s.Start, s.Length)));
    }

    [Fact]
    public void LeadingCommentsAreSkipped()
    {
        SqlStatementInfo s = Single("/* cleanup */ -- really\n  drop table users");
        Assert.Equal("DROP", s.Verb);
        Assert.Equal(SqlRisk.Destructive, s.Risk);
    }

    [Theory]
    [InlineData(SqlDialect.Generic, "SELECT 'abc")]
    [InlineData(SqlDialect.PostgreSql, "SELECT \"abc")]
    [InlineData(SqlDialect.PostgreSql, "SELECT $$abc")]
    [InlineData(SqlDialect.PostgreSql, "SELECT 1 /* abc")]
    [InlineData(SqlDialect.SqlServer, "SELECT [abc")]
    [InlineData(SqlDialect.MySql, "SELECT `abc")]
    [InlineData(SqlDialect.MySql, "SELECT 'abc\\")]
    [InlineData(SqlDialect.PostgreSql, "SELECT E'abc\\'")]
    public void UnterminatedInputReportsAnError(SqlDialect dialect, string sql)
    {
        SqlAnalysis a = SqlClassifier.Analyze(sql, dialect);
        Assert.NotNull(a.Error);
        Assert.All(a.Statements, s => Assert.Equal(SqlRisk.Read, s.Risk));
    }

    [Fact]
    public void UnterminatedStringAfterDestructiveStatementKeepsIt()
    {
        SqlAnalysis a = SqlClassifier.Analyze("DROP TABLE x; SELECT 'oops", SqlDialect.PostgreSql);
        Assert.Equal(SqlRisk.Destructive, a.Statements[0].Risk);
        Assert.Contains("unterminated", a.Error);
    }

    [Theory]
    [InlineData("'")]
    [InlineData("\"")]
    [InlineData("$")]
    [InlineData("$$")]
    [InlineData("$a")]
    [InlineData("/*")]
    [InlineData("*/")]
    [InlineData("--")]
    [InlineData("\\")]
    [InlineData("[")]
    [InlineData("`")]
    [InlineData("E'")]
    [InlineData("N'")]
    [InlineData(".")]
    [InlineData("GO")]
    [InlineData("DELIMITER")]
    [InlineData("DELIMITER ")]
    [InlineData("DROP")]
    [InlineData("DELETE")]
    [InlineData("UPDATE")]
    [InlineData("ALTER TABLE")]
    [InlineData("WITH")]
    [InlineData("WITH x AS (")]
    [InlineData("EXPLAIN")]
    [InlineData("DELETE FROM t WHERE (((")]
    [InlineData("DELETE FROM t WHERE 1 BETWEEN")]
    [InlineData("DELETE FROM t WHERE x IN (")]
    [InlineData("DELETE FROM t WHERE NOT")]
    [InlineData("DELETE FROM t WHERE CASE")]
    [InlineData("UPDATE t SET a = 1 WHERE )))")]
    [InlineData("EXEC(")]
    [InlineData("DO")]
    [InlineData("\u0000\uffff\ud800")]
    public void MalformedInputNeverThrows(string sql)
    {
        foreach (SqlDialect dialect in Enum.GetValues<SqlDialect>())
        {
            SqlAnalysis a = SqlClassifier.Analyze(sql, dialect);
            Assert.NotNull(a.Statements);
            Assert.DoesNotContain("internal error", a.Error ?? "");
        }
    }

    [Fact]
    public void RandomFragmentsNeverThrow()
    {
        string[] fragments =
        {
            "'", "\"", "`", "[", "]", "$$", "$a$", "E'", "N'", "\\", "\\i f\n", "\\g", "--", "#", "/*", "*/", "/*!", ";", "\n", "GO\n",
            "DELIMITER //\n", "//", ".read x\n", ":r x\n", "!!", "(", ")", "SELECT", "DELETE FROM t", "UPDATE t SET a = 1", "WHERE", "1=1",
            "OR", "AND", "NOT", "IS", "NULL", "IN (", "BETWEEN", "DROP TABLE x", "ALTER TABLE t DROP", "WITH a AS (", "EXPLAIN ANALYZE", "DO",
            "EXEC(", "CREATE TRIGGER t BEGIN", "CREATE FUNCTION f() BEGIN ATOMIC", "CREATE PROCEDURE p AS", "END", "CASE", "COPY t FROM STDIN;",
            "\\.", "@", "x", "1", " ", ",", ".", "*", "=", "TRUNCATE", "INSERT INTO", "BEGIN BATCH", "USE", "TOP (", "LIMIT", "RETURNING",
        };
        var random = new Random(20240601);
        for (int n = 0; n < 4000; n++)
        {
            var sql = new StringBuilder();
            int count = random.Next(1, 30);
            for (int k = 0; k < count; k++) sql.Append(fragments[random.Next(fragments.Length)]).Append(random.Next(3) == 0 ? "" : " ");
            foreach (SqlDialect dialect in Enum.GetValues<SqlDialect>())
            {
                SqlAnalysis a = SqlClassifier.Analyze(sql.ToString(), dialect);
                Assert.False(a.Error?.StartsWith("internal error", StringComparison.Ordinal) ?? false, $"{dialect}: {sql} -> {a.Error}");
                Assert.All(a.Statements, s => Assert.InRange(s.Start + s.Length, 0, sql.Length));
            }
            foreach (SqlStatementInfo s in NoSqlClassifier.AnalyzeMongo(sql.ToString()).Concat(NoSqlClassifier.AnalyzeRedisScript(sql.ToString())))
                Assert.False(s.Description.StartsWith("internal error", StringComparison.Ordinal), $"{sql} -> {s.Description}");
        }
    }

    [Fact]
    public void NullAndOddArgumentsNeverThrow()
    {
        Assert.Empty(SqlClassifier.Analyze(null!).Statements);
        Assert.True(SqlClassifier.Analyze("SELECT 1", SqlDialect.Generic, maxStatements: 0).Truncated);
        Assert.True(SqlClassifier.Analyze("SELECT 1", SqlDialect.Generic, maxLength: -5).Truncated);
        Assert.Single(SqlClassifier.Analyze("SELECT 1", (SqlDialect)99).Statements);
    }

    [Fact]
    public void DeepNestingIsBounded()
    {
        string parens = new string('(', 50_000) + "1=1" + new string(')', 50_000);
        SqlAnalysis a = SqlClassifier.Analyze("DELETE FROM t WHERE " + parens);
        Assert.Null(a.Error);
        Assert.Single(a.Statements);
        string nots = string.Concat(Enumerable.Repeat("NOT ", 50_000)) + "1=1";
        Assert.Single(SqlClassifier.Analyze("DELETE FROM t WHERE " + nots).Statements);
        string ctes = string.Concat(Enumerable.Repeat("WITH a AS (", 2_000)) + "DELETE FROM t";
        Assert.Single(SqlClassifier.Analyze(ctes, SqlDialect.PostgreSql).Statements);
        string dos = string.Concat(Enumerable.Repeat("EXEC('", 12)) + "DROP TABLE x";
        Assert.NotEmpty(SqlClassifier.Analyze(dos, SqlDialect.SqlServer).Statements);
    }

    [Fact]
    public void ManySemicolonsStopAtMaxStatements()
    {
        string sql = string.Concat(Enumerable.Repeat("SELECT 1;", 100_000));
        var watch = Stopwatch.StartNew();
        SqlAnalysis a = SqlClassifier.Analyze(sql, SqlDialect.Generic, maxStatements: 1000, maxLength: 2_000_000);
        Assert.True(a.Truncated);
        Assert.Equal(1000, a.Statements.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void BareSemicolonsAreCheap()
    {
        SqlAnalysis a = SqlClassifier.Analyze(new string(';', 100_000) + "DROP TABLE x");
        Assert.False(a.Truncated);
        Assert.Equal("Destructive", string.Join(",", a.Statements.Select(s => s.Risk)));
    }

    [Fact]
    public void OneMegabyteInputIsHandled()
    {
        var sql = new StringBuilder();
        while (sql.Length < 1_000_000) sql.Append("INSERT INTO t VALUES (1, 'a;b', $$x;y$$); -- c;\n");
        var watch = Stopwatch.StartNew();
        SqlAnalysis a = SqlClassifier.Analyze(sql.ToString(), SqlDialect.PostgreSql, maxStatements: 100_000, maxLength: 2_000_000);
        Assert.False(a.Truncated);
        Assert.All(a.Statements, s => Assert.Equal(SqlRisk.BoundedWrite, s.Risk));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void OneHugeStatementIsHandled()
    {
        string sql = "DELETE FROM t WHERE id IN (" + string.Join(",", Enumerable.Range(0, 150_000)) + ")";
        SqlStatementInfo s = Single(sql);
        Assert.Equal(SqlRisk.BoundedWrite, s.Risk);
        Assert.True(s.Description.Length < 200);
    }

    [Fact]
    public void MaxLengthCutsTheInput()
    {
        SqlAnalysis a = SqlClassifier.Analyze("SELECT 1; DROP TABLE x", SqlDialect.Generic, maxLength: 9);
        Assert.True(a.Truncated);
        Assert.Equal("Read", string.Join(",", a.Statements.Select(s => s.Risk)));
    }

    [Fact]
    public void GenericReportsTheRiskierReading()
    {
        // MySQL reads \' as an escaped quote, so the DROP is a real statement there.
        SqlAnalysis a = SqlClassifier.Analyze("SELECT 'a\\' ; DROP TABLE users; -- '");
        Assert.Contains(a.Statements, s => s.Risk == SqlRisk.Destructive);
        // A # comment in MySQL would otherwise hide a newline-separated statement behind a quote.
        SqlAnalysis b = SqlClassifier.Analyze("SELECT 1 # it's fine\nDROP TABLE users;");
        Assert.Contains(b.Statements, s => s.Risk == SqlRisk.Destructive);
    }

    [Fact]
    public void DoBlockReportsInnerDestruction()
    {
        SqlStatementInfo s = Single("DO $$ BEGIN DELETE FROM audit; END $$", SqlDialect.PostgreSql);
        Assert.Equal(SqlRisk.Destructive, s.Risk);
        Assert.Equal("DO", s.Verb);
        Assert.Equal("audit", s.ObjectName);
    }

    [Fact]
    public void ExplainAnalyzeDescribesExecution() =>
        Assert.StartsWith("EXPLAIN ANALYZE runs the statement", Single("EXPLAIN ANALYZE DELETE FROM t", SqlDialect.PostgreSql).Description);

    [Fact]
    public void TerminateBackendIsDescribed() =>
        Assert.Contains("terminates", Single("SELECT pg_terminate_backend(123)", SqlDialect.PostgreSql).Description);
}
