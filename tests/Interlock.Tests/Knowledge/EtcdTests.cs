using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>etcdctl (v3) deletes, compaction and lease revocation (issue 19, item 3), from the etcdctl documentation.</summary>
public sealed class EtcdTests
{
    [Theory]
    [InlineData("etcdctl del foo")]
    [InlineData("etcdctl del --prefix /registry/")]
    [InlineData("etcdctl del \"\" --from-key")]
    [InlineData("etcdctl --endpoints http://10.0.0.5:2379 del --prefix /")]
    [InlineData("etcdctl compaction 1234")]
    [InlineData("etcdctl lease revoke 694d77aa9e38260f")]
    public void Wipes_ask(string command) => EffectAssertions.WipeAsks(command);

    [Theory]
    [InlineData("etcdctl --endpoints https://etcd.prod.internal:2379 del --prefix /")]
    [InlineData("ETCDCTL_ENDPOINTS=https://etcd-live-1:2379 etcdctl del --prefix app/")]
    public void In_production_they_need_two_approvers(string command) => EffectAssertions.ProductionAsksTwo(command);

    [Theory]
    [InlineData("etcdctl get --prefix /")]
    [InlineData("etcdctl endpoint health")]
    [InlineData("etcdctl member list")]
    [InlineData("etcdctl --endpoints https://etcd.prod.internal:2379 get foo")]
    [InlineData("etcdctl snapshot save backup.db")]
    [InlineData("etcdctl del --help")]
    public void Reads_and_other_commands_pass(string command) => EffectAssertions.Allows(command);
}
