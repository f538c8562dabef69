namespace Interlock.Runtime.Daemon;

/// <summary>A local account as the system's files describe it.</summary>
internal sealed record SystemAccount(uint Uid, uint Gid, string Name, string Home);

/// <summary>
/// Who a uid is, read from /etc/passwd and /etc/group (root-owned): the system daemon names callers and approvers by
/// these files, never by what a caller says about itself (USER, HOME), which the agent controls.
/// </summary>
internal sealed class SystemAccounts(string passwdPath = "/etc/passwd", string groupPath = "/etc/group")
{
    public SystemAccount? ByUid(uint uid)
    {
        foreach (var fields in Lines(passwdPath))
            if (fields.Length >= 6 && uint.TryParse(fields[2], out var u) && u == uid && uint.TryParse(fields[3], out var g))
                return new SystemAccount(u, g, fields[0], fields[5]);
        return null;
    }

    public SystemAccount? ByName(string name)
    {
        foreach (var fields in Lines(passwdPath))
            if (fields.Length >= 6 && fields[0] == name && uint.TryParse(fields[2], out var u) && uint.TryParse(fields[3], out var g))
                return new SystemAccount(u, g, fields[0], fields[5]);
        return null;
    }

    /// <summary>The names of the groups <paramref name="account"/> belongs to (its primary group and every group
    /// that lists it).</summary>
    public IReadOnlyList<string> GroupsOf(SystemAccount account)
    {
        var groups = new List<string>();
        foreach (var fields in Lines(groupPath))
        {
            if (fields.Length < 4) continue;
            var primary = uint.TryParse(fields[2], out var gid) && gid == account.Gid;
            if (primary || fields[3].Split(',').Contains(account.Name)) groups.Add(fields[0]);
        }
        return groups;
    }

    /// <summary>The ids of the groups <paramref name="account"/> belongs to.</summary>
    public IReadOnlyCollection<uint> GroupIdsOf(SystemAccount account)
    {
        var ids = new HashSet<uint> { account.Gid };
        foreach (var fields in Lines(groupPath))
            if (fields.Length >= 4 && uint.TryParse(fields[2], out var gid) && fields[3].Split(',').Contains(account.Name)) ids.Add(gid);
        return ids;
    }

    private static IEnumerable<string[]> Lines(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var line in lines)
            if (line.Length > 0 && line[0] != '#') yield return line.Split(':');
    }
}
