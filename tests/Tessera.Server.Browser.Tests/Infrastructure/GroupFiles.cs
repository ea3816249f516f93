namespace Tessera.Server.Browser.Tests.Infrastructure;

/// <summary>Group descriptions used by the tests.</summary>
public static class GroupFiles
{
    /// <summary>An operator ada/secret, a presenter bob/builder, anybody else with password "guest".</summary>
    public const string Ordinary = """
        {"users":{"ada":{"password":"secret","permissions":"op"},
                  "bob":{"password":"builder","permissions":"present"}},
         "wildcard-user":{"password":"guest","permissions":"present"}}
        """;

    /// <summary>A group accepting JWTs signed with <see cref="Jwt.TestKey"/>, plus extra members.</summary>
    public static string WithKeys(string extra = "") =>
        $$"""{"authKeys":{{Jwt.AuthKeysJson}}{{extra}}}""";
}
