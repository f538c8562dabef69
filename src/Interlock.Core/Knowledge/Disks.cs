namespace Interlock.Core.Knowledge;

/// <summary>File-system and partition tools that erase whole disks.</summary>
public sealed class Disks : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } =
        ["mkfs", "mke2fs", "mkswap", "wipefs", "fdisk", "sfdisk", "sgdisk", "gdisk", "parted", "blkdiscard", "cryptsetup", "zpool", "mkfs.ext2", "mkfs.ext3", "mkfs.ext4", "mkfs.xfs", "mkfs.btrfs", "mkfs.vfat", "mkfs.fat", "mkfs.ntfs", "mkfs.exfat", "mkfs.f2fs"];

    private static Arg? LastOperand(Invocation inv) =>
        inv.Args.LastOrDefault(a => !a.Text.StartsWith('-') && a.Text.Contains('/') || a.Text.EndsWith(".img") || a.Text.EndsWith(".iso"));

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var name = inv.Name!;
        var args = inv.Args.Select(a => a.Text).ToList();
        if (args.Contains("--help") || args.Contains("-h") && name is not "mkfs") return;
        var destructive = name switch
        {
            "wipefs" => args.Any(a => a is "-a" or "--all" || a.StartsWith("-o") || a.StartsWith("--offset") || (a.StartsWith('-') && !a.StartsWith("--") && a.Contains('a'))),
            "fdisk" or "gdisk" => !args.Any(a => a is "-l" or "--list" or "-v" or "--version"),
            "sfdisk" => !args.Any(a => a is "-l" or "--list" or "-d" or "--dump" or "-J" or "--json" or "-s" or "--show-size" or "-V" or "--verify"),
            "sgdisk" => args.Any(a => a is "-Z" or "--zap-all" or "-z" or "--zap" or "-o" or "--clear" or "-d" or "-n" or "--new" || a.StartsWith("--delete")),
            "parted" => args.Any(a => a is "mklabel" or "rm" or "mkpart" or "resizepart" or "mkpartfs"),
            "cryptsetup" => args.Any(a => a is "luksFormat" or "erase" or "luksErase" or "reencrypt"),
            "zpool" => args.Any(a => a is "destroy" or "labelclear"),
            _ => true, // mkfs*, mkswap, blkdiscard
        };
        if (!destructive) return;
        var devices = inv.Args.Where(a => a.Text.StartsWith("/dev/") || !a.Known).ToList();
        if (devices.Count == 0 && name == "zpool") devices = inv.Args.Skip(1).Where(a => !a.Text.StartsWith('-')).ToList();
        if (devices.Count == 0 && name is not "zpool" && LastOperand(inv) is { } image)
        {
            // mkfs on an image file: destroys that file's contents, not a disk.
            ctx.AddPathEffects(effects, EffectKind.DestroyContents, image, false, inv, t => $"`{name}` formats the image file {t.Path}, erasing its contents");
            return;
        }
        foreach (var d in devices.DefaultIfEmpty(Arg.Literal("(a device)")))
            effects.Add(new Effect(EffectKind.WipeDevice, d.Text, PathClass.Disk, true, false,
                $"`{name}` erases {(d.Known ? d.Text : "a device named at run time")}: every file on it is lost", inv));
    }
}
