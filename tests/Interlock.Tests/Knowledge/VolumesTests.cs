using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.EffectAssertions;

namespace Interlock.Tests.Knowledge;

/// <summary>Volume managers and images: mdadm(8), btrfs-subvolume(8)/btrfs-check(8), dmsetup(8), pvremove(8),
/// vgremove(8), lvremove(8), lvreduce(8), nbd-client(8), wipefs(8), sgdisk(8), blkdiscard(8), mkfs on image files;
/// and find(1)'s -delete as an action only, globs of build output variants.</summary>
public sealed class VolumesTests
{
    [Theory]
    [InlineData("mdadm --zero-superblock /dev/sdb")]
    [InlineData("mdadm --create /dev/md0 --level=1 --raid-devices=2 /dev/sdb /dev/sdc")]
    [InlineData("pvremove -ff /dev/sdb")]
    [InlineData("wipefs -a /dev/sdb")]
    [InlineData("sgdisk --zap-all /dev/sdb")]
    [InlineData("blkdiscard /dev/nvme0n1")]
    [InlineData("mkfs.ext4 /dev/sdb1")]
    [InlineData("hdparm --user-master u --security-erase p /dev/sda")]
    [InlineData("hdparm --security-erase-enhanced p /dev/sda")]
    [InlineData("nvme format /dev/nvme0n1")]
    [InlineData("nvme format /dev/nvme0n1 --ses=1")]
    [InlineData("nvme sanitize /dev/nvme0 -a 2")]
    public void Erasing_what_holds_a_disk_together_is_denied(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Deny, d.Verdict);
        Assert.Equal("disk.wipe", d.RuleId);
    }

    [Theory]
    [InlineData("mdadm --stop /dev/md0", "system.disrupt")]
    [InlineData("mdadm /dev/md0 --fail /dev/sdb", "system.disrupt")]
    [InlineData("btrfs subvolume delete /mnt/data/@snap", "fs.delete-outside-project")]
    [InlineData("btrfs check --repair /dev/sdb", "data.destroy")]
    [InlineData("btrfs rescue zero-log /dev/sdb", "data.destroy")]
    [InlineData("dmsetup remove vg0-lv", "system.disrupt")]
    [InlineData("dmsetup remove_all", "system.disrupt")]
    [InlineData("dmsetup wipe_table vg0-lv", "system.disrupt")]
    [InlineData("pvremove /dev/sdb", "data.destroy")]
    [InlineData("vgremove -f vg0", "data.destroy")]
    [InlineData("lvremove vg0/data", "data.destroy")]
    [InlineData("lvreduce -L 1G vg0/data", "data.destroy")]
    [InlineData("lvresize -L -5G vg0/data", "data.destroy")]
    [InlineData("nbd-client -d /dev/nbd0", "system.disrupt")]
    [InlineData("mkfs.ext4 src/app.py", "fs.destroy-contents")]
    [InlineData("zfs destroy -r tank/data", "data.destroy")]
    [InlineData("zfs destroy tank/data@before-upgrade", "data.destroy")]
    [InlineData("zfs rollback -r tank/data@monday", "data.destroy")]
    public void Destroying_or_detaching_volumes_asks(string command, string rule)
    {
        var d = TestWorld.Check(command);
        Assert.True(d.Verdict == Verdict.Ask && d.RuleId == rule, $"{command}: {d.Verdict} {d.RuleId}");
    }

    [Fact]
    public void Deleting_the_home_subvolume_is_denied() => Assert.Equal(Verdict.Deny, TestWorld.Check("btrfs subvolume delete /home/dev").Verdict);

    [Theory]
    [InlineData("mdadm --detail /dev/md0")]
    [InlineData("mdadm --examine /dev/sdb")]
    [InlineData("btrfs subvolume list /")]
    [InlineData("btrfs check /dev/sdb")]
    [InlineData("dmsetup ls")]
    [InlineData("dmsetup table")]
    [InlineData("lvresize -L +1G vg0/data")]
    [InlineData("lvreduce -r -L 1G vg0/data")]
    [InlineData("nbd-client -l host")]
    [InlineData("zfs list -t snapshot")]
    [InlineData("zfs snapshot tank/data@now")]
    [InlineData("zfs destroy -nv tank/data")]
    [InlineData("hdparm -I /dev/sda")]
    [InlineData("nvme list")]
    [InlineData("nvme smart-log /dev/nvme0")]
    [InlineData("mkfs.ext4 disk.img")]
    [InlineData("mkfs.ext4 -F -q build/rootfs.ext4 100M")]
    [InlineData("mkfs.vfat esp.img")]
    // False positives of issue 18.
    [InlineData("rm -rf ./build-*")]
    [InlineData("rm -rf dist[0-9]")]
    [InlineData("rm -rf build_debug* out-*")]
    [InlineData("find . -name -delete -print")]
    [InlineData("find . -iname -delete")]
    [InlineData("find . -exec echo {} -delete \\;")]
    public void Reading_growing_and_images_are_allowed(string command) => None(command);

    [Theory]
    [InlineData("rm -rf build*")]        // also matches buildscripts/
    [InlineData("rm -rf *-build")]
    [InlineData("rm -rf dist[a-z]")]
    [InlineData("rm -rf src-*")]
    [InlineData("find . -name x -delete")]
    [InlineData("find . -newer ref -delete")]
    public void Broader_globs_and_real_deletes_still_ask(string command) => Assert.Equal(Verdict.Ask, TestWorld.Check(command).Verdict);
}
