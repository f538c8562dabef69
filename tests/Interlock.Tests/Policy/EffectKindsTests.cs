using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Policy;

public class EffectKindsTests
{
    [Fact]
    public void All_lists_every_member_of_the_enum_in_order()
    {
        // EffectKinds.Last must move when a kind is added at the end of the enum.
        Assert.Equal(Enum.GetValues<EffectKind>(), EffectKinds.All());
    }
}
