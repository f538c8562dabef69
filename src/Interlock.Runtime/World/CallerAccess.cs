using Interlock.Runtime.Daemon;

namespace Interlock.Runtime.World;

/// <summary>
/// The account a decision of the system daemon is made for. The daemon reads with CAP_DAC_READ_SEARCH (it must see
/// the callers' scripts and git state), so without this check an agent could have it read a file the agent itself
/// cannot (`psql -f /root/secret.sql`) and learn of its contents from the decision's message. The world view reads
/// a file's text only when this account could read it: search permission on every directory on the way, read
/// permission on the file, by the classic owner/group/other bits (ACLs are not consulted: stricter, never looser).
/// </summary>
internal sealed class CallerAccess(uint uid, IReadOnlyCollection<uint> gids)
{
    public static CallerAccess For(SystemAccount account, SystemAccounts accounts) => new(account.Uid, accounts.GroupIdsOf(account));

    public bool MayRead(string absolutePath)
    {
        if (uid == 0) return true;
        var dir = Path.GetDirectoryName(absolutePath);
        for (var d = dir; !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
            if (!Allows(d, 0b001)) return false; // x: search
        return Allows(absolutePath, 0b100); // r
    }

    private bool Allows(string path, uint bit)
    {
        if (Libc.FileOwner(path) is not var (owner, group, mode)) return false;
        if (owner == uid) return (mode & (bit << 6)) != 0;
        if (gids.Contains(group)) return (mode & (bit << 3)) != 0;
        return (mode & bit) != 0;
    }
}
