using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Tessera.Server.Browser.Tests.Infrastructure.LongestFirstCollectionOrderer", "Tessera.Server.Browser.Tests")]

namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>
/// Starts the test collections that take longest first. Two collections run side by side
/// (xunit.runner.json), so the run ends about when half the total work is done, unless a long
/// collection is started last and runs on alone; the others follow by name, in a stable order.
/// </summary>
public sealed class LongestFirstCollectionOrderer : ITestCollectionOrderer
{
    /// <summary>
    /// Collection names (a class's implicit collection is named after the class), longest first,
    /// as measured with the test run's TRX durations; a collection not listed counts as short.
    /// </summary>
    static readonly string[] Longest =
    [
        "ReconnectTests", MediaCollection.Name, NetworkPathCollection.Name, "CallViewTests",
        TokenCollection.Name, "ConferenceTests", "PasswordLoginTests",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    static int Rank(ITestCollection collection)
    {
        var index = Array.FindIndex(Longest, name => collection.DisplayName == name || collection.DisplayName.EndsWith("." + name, StringComparison.Ordinal));
        return index < 0 ? Longest.Length : index;
    }
}
