// Which lexical rules (quotes, comments, batch separators, client commands, block bodies) each SQL dialect switches on.
// The one place that says how PostgreSQL, MySQL, SQLite, SQL Server, ClickHouse and Cassandra text is read.
#nullable enable

namespace Interlock.Core.Sql;

/// <summary>Lexical features switched on per dialect.</summary>
internal sealed record SqlLexOptions
{
    public SqlDialect Dialect { get; init; }
    public bool BackslashEscapes { get; init; }
    public bool DoubleQuotedStrings { get; init; }
    public bool HashComments { get; init; }
    public bool DashDashNeedsSpace { get; init; }
    public bool SlashSlashComments { get; init; }
    public bool NestedComments { get; init; }
    public bool ExecutableComments { get; init; }
    public bool DollarQuotes { get; init; }
    public bool EStrings { get; init; }
    public bool Brackets { get; init; }
    public bool PsqlMeta { get; init; }
    public bool MysqlMeta { get; init; }
    public bool DotCommands { get; init; }
    public bool SqlcmdCommands { get; init; }
    public bool CopyData { get; init; }
    public bool GoSeparator { get; init; }
    public bool DelimiterCommand { get; init; }
    public bool ImplicitSplit { get; init; }
    public bool BlockTracking { get; init; }
    public bool HashWords { get; init; }
    public bool AtWords { get; init; }
    public bool PipesAreOr { get; init; }

    public static SqlLexOptions For(SqlDialect dialect, bool mysqlReading) => dialect switch
    {
        SqlDialect.PostgreSql => new()
        {
            Dialect = dialect, DollarQuotes = true, EStrings = true, NestedComments = true, PsqlMeta = true, CopyData = true, BlockTracking = true,
        },
        SqlDialect.MySql => new()
        {
            Dialect = dialect, BackslashEscapes = true, DoubleQuotedStrings = true, HashComments = true, DashDashNeedsSpace = true,
            ExecutableComments = true, MysqlMeta = true, DelimiterCommand = true, AtWords = true, PipesAreOr = true,
        },
        SqlDialect.Sqlite => new() { Dialect = dialect, Brackets = true, DotCommands = true, BlockTracking = true, AtWords = true },
        SqlDialect.SqlServer => new()
        {
            Dialect = dialect, Brackets = true, NestedComments = true, GoSeparator = true, SqlcmdCommands = true, ImplicitSplit = true,
            BlockTracking = true, HashWords = true, AtWords = true,
        },
        SqlDialect.ClickHouse => new() { Dialect = dialect, BackslashEscapes = true, HashComments = true },
        SqlDialect.Cassandra => new() { Dialect = dialect, SlashSlashComments = true, DollarQuotes = true },
        // The MySQL reading of generic text keeps $$ bodies and [identifiers]: MySQL has neither, and splitting inside them
        // would turn every PostgreSQL function body into false statements.
        _ when mysqlReading => new()
        {
            Dialect = SqlDialect.Generic, BackslashEscapes = true, DoubleQuotedStrings = true, HashComments = true, DashDashNeedsSpace = true,
            ExecutableComments = true, DollarQuotes = true, Brackets = true, MysqlMeta = true, DotCommands = true, GoSeparator = true,
            DelimiterCommand = true, CopyData = true, ImplicitSplit = true, AtWords = true, PipesAreOr = true,
        },
        _ => new()
        {
            Dialect = SqlDialect.Generic, DollarQuotes = true, EStrings = true, Brackets = true, PsqlMeta = true, DotCommands = true,
            GoSeparator = true, SqlcmdCommands = true, DelimiterCommand = true, CopyData = true, ImplicitSplit = true, HashWords = true,
            AtWords = true,
        },
    };

    /// <summary>Options for SQL found inside another statement (DO bodies, EXEC strings): no client commands, and
    /// procedural blocks are split at statement keywords because their statements need not end with ';'.</summary>
    public SqlLexOptions ForNestedBody() => this with
    {
        PsqlMeta = false, MysqlMeta = false, DotCommands = false, SqlcmdCommands = false, GoSeparator = false, DelimiterCommand = false,
        CopyData = false, ImplicitSplit = true, BlockTracking = false,
    };
}
