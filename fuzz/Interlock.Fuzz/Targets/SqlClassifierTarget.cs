using System.Text;
using Interlock.Core.Sql;

namespace Interlock.Fuzz.Targets;

/// <summary>The SQL classifier on arbitrary text, in the dialect the first byte selects.</summary>
public sealed class SqlClassifierTarget : IFuzzTarget
{
    public string Name => "sql-classifier";
    public string Description => "SqlClassifier.Analyze on the input after its first byte, which selects the dialect";

    public IEnumerable<string> Seeds(SeedSources sources) =>
    [
        "\0SELECT 1; DROP TABLE users CASCADE;", "\u0001DO $$ BEGIN EXECUTE 'drop table x'; END $$;", "\u0002/*!50000 DROP */ TABLE t; DELETE FROM t WHERE 1=1",
        "\u0003PRAGMA writable_schema=1; VACUUM;", "\u0004EXEC('TRUNCATE TABLE t'); GO", "\u0005ALTER TABLE t DELETE WHERE 1", "\u0006DROP KEYSPACE ks;",
        "\0\\c prod\nUPDATE users SET a=1;\n\\! rm -rf /", "\0WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "\0CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql;",
    ];

    public void Run(byte[] input)
    {
        if (input.Length == 0) return;
        var dialects = Enum.GetValues<SqlDialect>();
        SqlClassifier.Analyze(Encoding.UTF8.GetString(input, 1, input.Length - 1), dialects[input[0] % dialects.Length]);
    }
}
