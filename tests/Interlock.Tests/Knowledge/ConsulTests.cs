using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>Consul KV deletes and other removals (issue 19, item 3), from the Consul CLI documentation.</summary>
public sealed class ConsulTests
{
    [Theory]
    [InlineData("consul kv delete app/config")]
    [InlineData("consul kv delete -recurse app/")]
    [InlineData("consul kv delete --recurse app/")]
    [InlineData("consul kv delete -recurse")]
    public void Wipes_ask(string command) => EffectAssertions.WipeAsks(command);

    [Theory]
    [InlineData("consul kv delete -http-addr=https://consul.prod.internal:8501 -recurse app/")]
    [InlineData("CONSUL_HTTP_ADDR=https://consul-live:8500 consul kv delete -recurse app/")]
    [InlineData("consul kv delete -datacenter prod-eu -recurse app/")]
    public void In_production_they_need_two_approvers(string command) => EffectAssertions.ProductionAsksTwo(command);

    [Theory]
    [InlineData("consul kv get -recurse app/")]
    [InlineData("consul members")]
    [InlineData("consul kv export app/")]
    [InlineData("consul catalog services")]
    [InlineData("consul kv delete -help")]
    public void Reads_and_other_commands_pass(string command) => EffectAssertions.Allows(command);
}
