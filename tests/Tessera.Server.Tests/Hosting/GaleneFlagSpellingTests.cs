using Tessera.Server.Hosting;

namespace Tessera.Server.Tests.Hosting;

public sealed class GaleneFlagSpellingTests
{
    private static readonly HashSet<string> Names = ["http", "insecure", "data"];

    [Fact]
    public void Galene_single_dash_flags_become_ours_with_or_without_a_value()
    {
        Assert.Equal(["--http", ":8443", "--insecure=true", "--data", "d"],
                     GaleneFlagSpelling.ToDoubleDash(["-http", ":8443", "-insecure=true", "-data", "d"], Names));
    }

    [Fact]
    public void Our_spelling_short_options_unknown_flags_and_values_are_left_alone()
    {
        Assert.Equal(["--http", "-h", "-x", "-unknown", "value"],
                     GaleneFlagSpelling.ToDoubleDash(["--http", "-h", "-x", "-unknown", "value"], Names));
    }

    [Fact]
    public void Nothing_after_a_double_dash_is_a_flag()
    {
        Assert.Equal(["--", "-http"], GaleneFlagSpelling.ToDoubleDash(["--", "-http"], Names));
    }
}
