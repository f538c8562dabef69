using CsCheck;
using Interlock.Core.Sql;
using Xunit;

namespace Interlock.Tests.Properties;

public sealed class SqlClassifierProperties
{
    private static readonly string[] SqlTokens =
    [
        " ", " ", "SELECT", "DROP", "TABLE", "DELETE", "FROM", "WHERE", "UPDATE", "SET", "TRUNCATE", "ALTER", "CREATE", "FUNCTION", "BEGIN", "END", "DO",
        "$$", "$tag$", "'", "''", "\"", "`", "[", "]", "--", "\n", "/*", "*/", "/*!50000", "#", ";", "(", ")", "E'\\''", "\\", "\\c", "\\!", "GO",
        "EXEC", "WITH", "AS", "RETURNING", "users", "x", "1=1", "CASCADE", "IF EXISTS", "PRAGMA", "KEYSPACE", "ON CLUSTER",
    ];

    private static readonly Gen<string> SqlLike =
        Gen.Frequency((4, Gen.Int[0, SqlTokens.Length - 1].Select(i => SqlTokens[i])), (1, Gen.Char.Select(c => c.ToString())))
            .Array[0, 40].Select(parts => string.Concat(parts));

    [Fact]
    public void Classification_never_throws_stays_within_the_time_bound_and_stays_within_the_text() =>
        Gen.Select(Gen.Frequency((4, SqlLike), (1, Gen.String)), Gen.Enum<SqlDialect>()).Sample((sql, dialect) =>
        {
            var r = Inputs.WithinBound($"SQL ({dialect})", sql, () => SqlClassifier.Analyze(sql, dialect));
            foreach (var st in r.Statements)
                Assert.True(st.Start >= 0 && st.Length >= 0 && st.Start + st.Length <= sql.Length, $"statement span {st.Start}+{st.Length} outside the text ({sql.Length}): {sql}");
        }, iter: Inputs.Iterations * 2);
}
