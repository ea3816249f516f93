using Tessera.Server.Browser.Tests.Infrastructure;

namespace Tessera.Server.Browser.Tests;

/// <summary>
/// One server and browser for all media test classes (starting them is the slow part); each
/// class uses its own group so streams of one class never show up in another's pages.
/// </summary>
public sealed class MediaFixture : ConferenceFixture
{
    protected override IReadOnlyDictionary<string, string> Groups() => new Dictionary<string, string>
    {
        ["media"] = GroupFiles.Ordinary,
        ["twoway"] = GroupFiles.Ordinary,
        ["latejoiner"] = GroupFiles.Ordinary,
        ["screenshare"] = GroupFiles.Ordinary,
        ["abrupt"] = GroupFiles.Ordinary,
        ["files"] = GroupFiles.Ordinary,
    };
}

[CollectionDefinition(Name)]
public sealed class MediaCollection : ICollectionFixture<MediaFixture>
{
    public const string Name = "media";
}
