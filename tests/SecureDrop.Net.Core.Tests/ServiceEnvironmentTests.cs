using SecureDrop.Net.Core.Data.Layout;
using SecureDrop.Net.Core.Setup;

namespace SecureDrop.Net.Core.Tests;

/// <summary>Each `sdnet serve ROLE` name maps to its service and that service's start-up environment.</summary>
public sealed class ServiceEnvironmentTests
{
    [Theory]
    [InlineData("submission", ServiceRole.FrontEnd)]
    [InlineData("reviewer", ServiceRole.Console)]
    [InlineData("worker", ServiceRole.Worker)]
    public void RoleName_ParsesToItsService(string name, ServiceRole expected) =>
        Assert.Equal(expected, ServiceRoleNames.Parse(name));

    [Theory]
    [InlineData("")]
    [InlineData("Submission")]
    [InlineData("serve-submission")]
    public void UnknownRoleName_IsRefusedWithTheNamesThatExist(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => ServiceRoleNames.Parse(name));
        Assert.Contains("submission, reviewer or worker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyTheFrontEnd_RunsWithoutIcuAndWithLessRecompilation()
    {
        var frontEnd = ServiceEnvironment.For(ServiceRole.FrontEnd).Select(pair => pair.Key).ToList();
        var worker = ServiceEnvironment.For(ServiceRole.Worker).Select(pair => pair.Key).ToList();

        Assert.Contains("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", frontEnd);
        Assert.Contains("DOTNET_TC_CallCountThreshold", frontEnd);
        Assert.DoesNotContain("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", worker);
        Assert.Equal(worker, ServiceEnvironment.For(ServiceRole.Console).Select(pair => pair.Key));
        Assert.All(worker, name => Assert.Contains(name, frontEnd));
    }
}
