// Commands of the SQL command-line clients, not of the server: psql and mysql backslash commands, sqlcmd :commands
// and !!, sqlite3 dot-commands. Several of them run files or shell commands, which the guard must see.
#nullable enable
using System;

namespace Interlock.Core.Sql;

/// <summary>psql and mysql backslash commands, and sqlite3 dot-commands.</summary>
internal static class SqlClientCommands
{
    public static SqlStatementInfo BackslashCommand(int start, int length, string name, string args, bool psql)
    {
        string verb = "\\" + name;
        string firstArg = FirstArgument(args);
        bool runsFile = psql ? name is "i" or "ir" or "include" or "include_relative" : name == ".";
        if (runsFile)
            return new(start, length, verb, SqlRisk.Unknown, "file", firstArg, $"runs SQL from file {SqlSyntax.Q(firstArg)}", false);
        if (name == "!")
            return new(start, length, verb, SqlRisk.Unknown, null, null, $"runs shell command {SqlSyntax.Q(args)}", false);
        if (psql && name == "gexec")
            return new(start, length, verb, SqlRisk.Unknown, null, null, "runs every value the query returns as SQL (\\gexec)", false);
        if (psql && name == "copy") return PsqlCopy(start, length, args);
        return new(start, length, verb, SqlRisk.Read, null, null, $"{(psql ? "psql" : "mysql")} client command {verb}", false);
    }

    private static SqlStatementInfo PsqlCopy(int start, int length, string args)
    {
        string table = FirstArgument(args);
        string[] words = args.ToUpperInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (Array.IndexOf(words, "PROGRAM") >= 0)
            return new(start, length, "\\copy", SqlRisk.Unknown, null, null, "runs a shell command through \\copy ... program", false);
        if (Array.IndexOf(words, "FROM") >= 0)
            return new(start, length, "\\copy", SqlRisk.BoundedWrite, "table", table, $"loads rows into {SqlSyntax.Q(table)} from a file (\\copy)", false);
        return new(start, length, "\\copy", SqlRisk.Read, "table", table, $"exports {SqlSyntax.Q(table)} to a file (\\copy)", false);
    }

    /// <summary>sqlcmd commands (:r file, :setvar, !! shell); null when the line is not one.</summary>
    public static SqlStatementInfo? SqlcmdCommand(int start, string line)
    {
        if (line.StartsWith("!!", StringComparison.Ordinal))
            return new(start, line.Length, "!!", SqlRisk.Unknown, null, null, $"runs shell command {SqlSyntax.Q(line.Substring(2).Trim())}", false);
        int nameEnd = 1;
        while (nameEnd < line.Length && char.IsAsciiLetter(line[nameEnd])) nameEnd++;
        string name = line.Substring(1, nameEnd - 1).ToLowerInvariant();
        if (nameEnd < line.Length && !char.IsWhiteSpace(line[nameEnd]) && line[nameEnd] != '(') return null;
        string args = line.Substring(nameEnd).Trim();
        return name switch
        {
            "r" => new(start, line.Length, ":r", SqlRisk.Unknown, "file", FirstArgument(args), $"runs SQL from file {SqlSyntax.Q(FirstArgument(args))}", false),
            "setvar" or "connect" or "on" or "error" or "out" or "exit" or "quit" or "reset" or "list" or "listvar" or "serverlist" or "help"
                or "ed" or "xml" or "perftrace" => new(start, line.Length, ":" + name, SqlRisk.Read, null, null, $"sqlcmd command :{name}", false),
            _ => null,
        };
    }

    public static SqlStatementInfo SqliteDotCommand(int start, string line)
    {
        int space = line.AsSpan().IndexOfAny(' ', '\t');
        string name = space < 0 ? line : line.Substring(0, space);
        string args = space < 0 ? "" : line.Substring(space).Trim();
        string file = FirstArgument(args);
        string command = name.ToLowerInvariant();
        return command switch
        {
            ".read" => new(start, line.Length, name, SqlRisk.Unknown, "file", file, $"runs SQL from file {SqlSyntax.Q(file)}", false),
            ".shell" or ".system" => new(start, line.Length, name, SqlRisk.Unknown, null, null, $"runs shell command {SqlSyntax.Q(args)}", false),
            ".load" => new(start, line.Length, name, SqlRisk.Unknown, "file", file, $"loads extension {SqlSyntax.Q(file)}, which can run any code", false),
            ".import" => new(start, line.Length, name, SqlRisk.BoundedWrite, "table", LastArgument(args), $"imports rows into {SqlSyntax.Q(LastArgument(args))} from a file", false),
            ".restore" => new(start, line.Length, name, SqlRisk.Destructive, "database", null, "replaces the database contents from a backup file", false),
            ".open" when args.Contains("--new", StringComparison.Ordinal) =>
                new(start, line.Length, name, SqlRisk.Destructive, "database", LastArgument(args), $"opens {SqlSyntax.Q(LastArgument(args))} emptied (--new deletes its contents)", false),
            _ => new(start, line.Length, name, SqlRisk.Read, null, null, $"sqlite3 shell command {name}", false),
        };
    }

    private static string FirstArgument(string args)
    {
        string[] parts = args.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "" : parts[0].Trim('\'', '"');
    }

    private static string LastArgument(string args)
    {
        string[] parts = args.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "" : parts[^1].Trim('\'', '"');
    }
}
