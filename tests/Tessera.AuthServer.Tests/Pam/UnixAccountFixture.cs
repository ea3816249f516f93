using System.Diagnostics;

namespace Tessera.AuthServer.Tests.Pam;

/// <summary>
/// A Unix account with a known password, a supplementary group, and a PAM service using
/// pam_unix, created for the tests and removed afterwards. Does nothing unless root.
/// </summary>
public sealed class UnixAccountFixture : IDisposable
{
    public const string Password = "Tessera-pam-pw-1";

    public UnixAccountFixture()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        User = "tpam" + suffix;
        Group = "tgrp" + suffix;
        Service = "tessera-test-" + suffix;
        if (Environment.UserName != "root") return;
        Run("groupadd", Group);
        Run("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", "-G", Group, User);
        RunWithInput("chpasswd", $"{User}:{Password}\n");
        // nodelay: pam_unix would otherwise wait ~2 s after each failure.
        File.WriteAllText(ServiceFile, "auth required pam_unix.so nodelay\naccount required pam_unix.so\n");
        Created = true;
    }

    public string User { get; }
    public string Group { get; }
    public string Service { get; }
    public bool Created { get; }
    private string ServiceFile => "/etc/pam.d/" + Service;

    private static void Run(string file, params string[] args) => RunWithInput(file, null, args);

    private static void RunWithInput(string file, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardInput = stdin is not null, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {err}");
    }

    public void Dispose()
    {
        if (!Created) return;
        File.Delete(ServiceFile);
        try { Run("userdel", User); } catch (InvalidOperationException) { }
        try { Run("groupdel", Group); } catch (InvalidOperationException) { }
    }
}
