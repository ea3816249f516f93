using System.Text;

namespace Tessera.Ctl;

/// <summary>Reads a secret: one line from redirected stdin, or a prompt without echo on a terminal.</summary>
internal static class SecretPrompt
{
    public static string? Read()
    {
        if (Console.IsInputRedirected) return Console.In.ReadLine();
        Console.Error.Write("Password: ");
        var sb = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (sb.Length > 0) sb.Length--;
                continue;
            }
            sb.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return sb.ToString();
    }
}
