namespace Tessera.AuthServer.Tests.Ldap;

/// <summary>One slapd for all the tests of a class.</summary>
public sealed class TestDirectoryFixture : IDisposable
{
    public TestDirectory Directory { get; } = new();
    public void Dispose() => Directory.Dispose();
}
