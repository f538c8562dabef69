using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>File-system and partition tools that erase whole disks, and the volume managers over them: md RAID
/// (mdadm), btrfs subvolumes and repair, device-mapper (dmsetup), LVM (pvremove, vgremove, lvremove, lvreduce) and
/// network block devices (nbd-client -d), ZFS datasets and snapshots (zfs destroy, rollback), and drive-level erases
/// (hdparm secure erase, nvme format/sanitize). Erasing metadata that holds an array or a file system together is a wipe;
/// deleting a volume destroys its data; taking a device away under its users disrupts the system.</summary>
public sealed class Disks : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } =
        ["mkfs", "mke2fs", "mkswap", "wipefs", "fdisk", "sfdisk", "sgdisk", "gdisk", "parted", "blkdiscard", "cryptsetup", "zpool", "mkfs.ext2", "mkfs.ext3", "mkfs.ext4", "mkfs.xfs", "mkfs.btrfs", "mkfs.vfat", "mkfs.fat", "mkfs.ntfs", "mkfs.exfat", "mkfs.f2fs",
         "mdadm", "btrfs", "dmsetup", "pvremove", "vgremove", "lvremove", "lvreduce", "lvresize", "nbd-client", "zfs", "hdparm", "nvme"];

    /// <summary>Names of disk image files: formatting one is what it is for.</summary>
    private static readonly string[] ImageExtensions = [".img", ".iso", ".raw", ".qcow2", ".vhd", ".vhdx", ".vmdk", ".ext4", ".ext3", ".ext2", ".btrfs", ".xfs", ".fs", ".image", ".squashfs", ".swap"];

    private static bool IsImageName(string text) => ImageExtensions.Any(e => text.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>The file an mkfs-like tool would format when no /dev path is named: an argument with an image file's
    /// name, or one that is an existing regular file.</summary>
    private static Arg? ImageOperand(Invocation inv, KnowledgeContext ctx) =>
        inv.Args.FirstOrDefault(a => a.Known && !a.Text.StartsWith('-') && (IsImageName(a.Text)
            || PathResolver.Combine(KnowledgeContext.Cwd(inv), a.Text) is { } abs && inv.Context.RemoteHost is null && ctx.World.GetPathKind(abs) == PathKind.File))
        ?? inv.Args.LastOrDefault(a => a.Known && !a.Text.StartsWith('-') && a.Text.Contains('/'));

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var name = inv.Name!;
        if (name is "mdadm" or "btrfs" or "dmsetup" or "pvremove" or "vgremove" or "lvremove" or "lvreduce" or "lvresize" or "nbd-client" or "zfs")
        {
            if (inv.Args.Any(a => a.Text is "--help" or "-h" or "--version" or "-V")) return;
            Volumes(name, inv, ctx, effects);
            return;
        }
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
            // hdparm(8): the ATA secure erase and TRIM commands erase the drive ("EXTREMELY DANGEROUS"); nvme-format(1)
            // and nvme-sanitize(1) erase the namespace or the whole controller's media.
            "hdparm" => args.Any(a => a is "--security-erase" or "--security-erase-enhanced" or "--trim-sector-ranges" or "--trim-sector-ranges-stdin" or "--write-sector" or "--make-bad-sector"),
            "nvme" => args.FirstOrDefault() is "format" or "sanitize" or "write-zeroes" or "dsm" && !args.Any(a => a is "--help" or "-h"),
            _ => true, // mkfs*, mkswap, blkdiscard
        };
        if (!destructive) return;
        var devices = inv.Args.Where(a => a.Text.StartsWith("/dev/") || !a.Known).ToList();
        if (devices.Count == 0 && name == "zpool") devices = inv.Args.Skip(1).Where(a => !a.Text.StartsWith('-')).ToList();
        if (devices.Count == 0 && name is not "zpool" && ImageOperand(inv, ctx) is { } image)
        {
            // mkfs on a regular file formats that file, not a disk: a disk image (by its name, or one that does not
            // exist yet) is made for it; any other existing file loses its contents.
            foreach (var t in ctx.Paths.Resolve(image, inv.Context))
                if (t.Exists && !IsImageName(t.Path) || t.Class is PathClass.Protected or PathClass.SystemCritical or PathClass.Unknown)
                    effects.Add(new Effect(EffectKind.DestroyContents, t.Path, t.Class, false, false, $"`{name}` formats {t.Path}, which is not a disk image, erasing its contents", inv, t.Exists ? "exists" : null));
            return;
        }
        foreach (var d in devices.DefaultIfEmpty(Arg.Literal("(a device)")))
            effects.Add(new Effect(EffectKind.WipeDevice, d.Text, PathClass.Disk, true, false,
                $"`{name}` erases {(d.Known ? d.Text : "a device named at run time")}: every file on it is lost", inv));
    }

    private static void Volumes(string name, Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var words = args.Where(a => !(a.Known && a.Text.StartsWith('-'))).ToList();
        var flags = args.Where(a => a.Known && a.Text.StartsWith('-')).Select(a => a.Text).ToList();
        bool Flag(params string[] names) => flags.Any(f => names.Contains(f) || names.Any(n => n.StartsWith("--") && f.StartsWith(n + "=")));
        string Show(IEnumerable<Arg> xs) => xs.Any() ? string.Join(", ", xs.Select(x => x.Known ? x.Text : "(computed at run time)")) : "the named device";
        void Wipe(string what) => effects.Add(new Effect(EffectKind.WipeDevice, Show(words), PathClass.Disk, true, false, what, inv));
        void Add(EffectKind kind, string target, string what) => effects.Add(MachineEffects.Make(kind, target, what, inv, ctx));
        switch (name)
        {
            case "mdadm":
                // mdadm(8): --create writes new RAID metadata over the member devices; --zero-superblock erases it, so
                // the array cannot be assembled again; --stop, --fail, --remove and --grow take an array or a member away.
                if (Flag("--create", "-C", "--build", "-B"))
                    Wipe($"`mdadm --create` builds a new array over {Show(words.Skip(1))}, overwriting what they hold");
                else if (Flag("--zero-superblock"))
                    Wipe($"`mdadm --zero-superblock` erases the RAID metadata of {Show(words)}: the array they belong to can no longer be assembled");
                else if (Flag("--stop", "-S"))
                    Add(EffectKind.DisruptSystem, Show(words), $"`mdadm --stop` stops the array {Show(words)}: everything stored on it goes offline");
                else if (Flag("--fail", "-f", "--remove", "-r", "--grow", "-G", "--set-faulty"))
                    Add(EffectKind.DisruptSystem, Show(words), $"`mdadm` fails, removes or reshapes devices of the array {Show(words.Take(1))}; the array loses redundancy while it rebuilds");
                break;
            case "btrfs":
            {
                var w = words.Select(a => a.Text).ToList();
                // btrfs-subvolume(8): delete removes the subvolume (or snapshot) and everything in it at once.
                if (w.Count >= 2 && w[0] is "subvolume" or "sub" or "su" && w[1] is "delete" or "del" or "de")
                {
                    foreach (var path in words.Skip(2))
                        ctx.AddPathEffects(effects, EffectKind.DeletePath, path, true, inv, t => $"`btrfs subvolume delete` deletes the subvolume {t.Path} and everything in it; it is not recoverable");
                    if (words.Count == 2) Add(EffectKind.DestroyData, "btrfs subvolume", "`btrfs subvolume delete` deletes subvolumes named at run time");
                }
                // btrfs-check(8): "--repair ... Do not use unless you are advised to do so by a developer"; it may make
                // the damage worse. btrfs-rescue(8) rewrites metadata the same way.
                else if (w.Count >= 1 && w[0] is "check" && Flag("--repair", "--init-csum-tree", "--init-extent-tree"))
                    Add(EffectKind.DestroyData, Show(words.Skip(1)), $"`btrfs check --repair` rewrites the file system metadata on {Show(words.Skip(1))}; the btrfs documentation warns it can make the damage worse and lose data");
                else if (w.Count >= 2 && w[0] is "rescue" && w[1] is "zero-log" or "chunk-recover" or "super-recover" or "fix-device-size")
                    Add(EffectKind.DestroyData, Show(words.Skip(2)), $"`btrfs rescue {w[1]}` rewrites file system metadata on {Show(words.Skip(2))}; recent changes may be lost");
                else if (w.Count >= 2 && w[0] is "device" or "dev" && w[1] is "delete" or "remove")
                    Add(EffectKind.DisruptSystem, Show(words.Skip(2)), $"`btrfs device {w[1]}` takes {Show(words.Skip(2).SkipLast(1))} out of the file system, moving its data elsewhere");
                break;
            }
            case "dmsetup":
            {
                // dmsetup(8): remove and remove_all take mapped devices away under whatever uses them; wipe_table
                // replaces a table with one that fails every I/O.
                var verb = words.FirstOrDefault()?.Text;
                if (verb is "remove" or "remove_all" or "wipe_table" or "clear" or "reload" or "load" or "suspend")
                    Add(EffectKind.DisruptSystem, verb == "remove_all" ? "every device-mapper device" : Show(words.Skip(1)),
                        verb switch
                        {
                            "remove_all" => "`dmsetup remove_all` removes every device-mapper device (LVM volumes, encrypted disks): file systems on them stop working",
                            "wipe_table" => $"`dmsetup wipe_table` makes every read and write of {Show(words.Skip(1))} fail",
                            "suspend" => $"`dmsetup suspend` freezes all I/O to {Show(words.Skip(1))} until it is resumed",
                            _ => $"`dmsetup {verb}` {(verb == "remove" ? "removes" : "changes the table of")} the mapped device {Show(words.Skip(1))} under whatever uses it",
                        });
                break;
            }
            case "pvremove":
                // pvremove(8): wipes the LVM label; -ff forces it on a device that still belongs to a volume group.
                if (flags.Count(f => f is "-f" or "--force") >= 2 || flags.Contains("-ff"))
                    Wipe($"`pvremove -ff` wipes the LVM label of {Show(words)} although it belongs to a volume group: the volumes on it are lost");
                else
                    Add(EffectKind.DestroyData, Show(words), $"`pvremove` wipes the LVM label of {Show(words)}");
                break;
            case "vgremove":
                Add(EffectKind.DestroyData, Show(words), $"`vgremove` deletes the volume group {Show(words)}{(Flag("-f", "--force") ? " and every logical volume in it" : "")}; their data is gone");
                break;
            case "lvremove":
                Add(EffectKind.DestroyData, Show(words), $"`lvremove` deletes the logical volume {Show(words)} and the data on it");
                break;
            case "lvreduce" or "lvresize":
            {
                // lvreduce(8): "reducing ... will cause data loss unless the file system was first shrunk" (-r resizes it too).
                var size = args.SkipWhile(a => a.Text is not ("-L" or "--size" or "-l" or "--extents")).Skip(1).FirstOrDefault()?.Text
                           ?? flags.FirstOrDefault(f => f.StartsWith("--size=") || f.StartsWith("-L") && f.Length > 2)?.Split('=', 2)[^1].TrimStart('-', 'L');
                var shrinks = name == "lvreduce" || size is not null && size.StartsWith('-');
                if (shrinks && !Flag("-r", "--resizefs", "-t", "--test"))
                    Add(EffectKind.DestroyData, Show(words), $"`{name}` shrinks the logical volume {Show(words)} without shrinking its file system first (`-r`): the data past the new end is lost");
                break;
            }
            case "zfs":
            {
                // zfs-destroy(8): a file system or volume and its data (-r its descendants, -R its clones too), or
                // snapshots, the points it can be rolled back to; -n only says what it would do. zfs-rollback(8) -r/-R
                // destroys the later snapshots, and every rollback discards the changes made since the snapshot.
                var verb = words.FirstOrDefault()?.Text;
                bool Letter(char c) => flags.Any(f => !f.StartsWith("--") && f.Contains(c));
                if (verb == "destroy" && Letter('n')) break;
                var targets = words.Skip(1).ToList();
                var recursive = Letter('r') || Letter('R');
                if (verb == "destroy")
                    foreach (var t in targets.DefaultIfEmpty(Arg.Literal("(a dataset)")))
                        Add(EffectKind.DestroyData, t.Text, t.Known && t.Text.Contains('@')
                            ? $"`zfs destroy` deletes the snapshot {t.Text}: what it preserved can no longer be restored"
                            : $"`zfs destroy{(recursive ? " -r" : "")}` deletes the ZFS dataset {Show([t])} and all the data in it");
                else if (verb == "rollback")
                    Add(EffectKind.DestroyData, Show(targets), $"`zfs rollback` returns {Show(targets)} to the snapshot, discarding every change made since{(recursive ? " and destroying the later snapshots" : "")}");
                break;
            }
            case "nbd-client":
                if (Flag("-d", "--disconnect"))
                    Add(EffectKind.DisruptSystem, Show(words), $"`nbd-client -d` disconnects the network block device {Show(words)} under whatever uses it");
                break;
        }
    }
}
