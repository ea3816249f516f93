using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tessera.Testing;

namespace Tessera.AuthServer.Tests.Ldap;

/// <summary>
/// A throw-away OpenLDAP server: generated slapd.conf, entries loaded with slapadd, slapd on a
/// 127.0.0.1 port chosen at run time, everything in a temp directory removed on dispose.
/// People: alice (teachers), bob (students), carol (staff), <c>x*</c> (a name with a filter
/// metacharacter), plus the service account cn=reader. Every password is "&lt;name&gt;-pw".
/// </summary>
public sealed class TestDirectory : IDisposable
{
    public const string Suffix = "dc=example,dc=org";
    public const string ReaderDn = "cn=reader,dc=example,dc=org";
    public const string ReaderPassword = "reader-pw";
    public const string Slapd = "/usr/sbin/slapd";
    public const string Slapadd = "/usr/sbin/slapadd";

    private readonly string _dir;
    private readonly Process _process;

    /// <param name="tls">Also serve StartTLS and ldaps:// with a certificate for 127.0.0.1 signed by a test CA in <see cref="CaDirectory"/>.</param>
    public TestDirectory(int extraPeople = 0, bool tls = false)
    {
        _dir = Directory.CreateTempSubdirectory("tessera-slapd-").FullName;
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        var tlsConfig = tls ? WriteCertificates() : "";
        var conf = Path.Combine(_dir, "slapd.conf");
        File.WriteAllText(conf, $"""
            {tlsConfig}
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/inetorgperson.schema
            include /etc/ldap/schema/nis.schema
            pidfile {_dir}/slapd.pid
            modulepath /usr/lib/ldap
            moduleload back_mdb
            loglevel 0
            database mdb
            maxsize 104857600
            suffix "{Suffix}"
            rootdn "cn=admin,{Suffix}"
            rootpw admin-pw
            directory {_dir}/data
            index objectClass,uid,member eq
            access to attrs=userPassword by self read by anonymous auth by * none
            access to * by * read

            """);
        var ldif = Path.Combine(_dir, "entries.ldif");
        File.WriteAllText(ldif, Entries(extraPeople));
        Run(Slapadd, $"-q -f {conf} -l {ldif}");

        // A port chosen now; if another process grabs it before slapd binds, try again.
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort.Find();
            LdapsPort = tls ? FreePort.Find() : 0;
            var urls = tls ? $"\"ldap://127.0.0.1:{Port}/ ldaps://127.0.0.1:{LdapsPort}/\"" : $"ldap://127.0.0.1:{Port}/";
            var p = Process.Start(new ProcessStartInfo(Slapd, $"-d 0 -f {conf} -h {urls}")
            {
                RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            })!;
            p.ErrorDataReceived += (_, _) => { };
            p.OutputDataReceived += (_, _) => { };
            p.BeginErrorReadLine();
            p.BeginOutputReadLine();
            if (WaitUntilListening(p))
            {
                _process = p;
                break;
            }
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            if (attempt == 3) throw new InvalidOperationException("slapd did not start");
        }
    }

    public int Port { get; }

    /// <summary>The ldaps:// port when started with TLS.</summary>
    public int LdapsPort { get; }

    /// <summary>A folder holding only the test CA's certificate.</summary>
    public string CaDirectory => Path.Combine(_dir, "ca");

    private string WriteCertificates()
    {
        using var caKey = System.Security.Cryptography.RSA.Create(2048);
        var caRequest = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=Tessera test CA", caKey, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509KeyUsageExtension(
            System.Security.Cryptography.X509Certificates.X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(2));

        using var serverKey = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=127.0.0.1", serverKey, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var server = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-30), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4, 5, 6, 7, 8]);

        Directory.CreateDirectory(CaDirectory);
        File.WriteAllText(Path.Combine(CaDirectory, "ca.pem"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "server.pem"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        return $"""
            TLSCACertificateFile {CaDirectory}/ca.pem
            TLSCertificateFile {_dir}/server.pem
            TLSCertificateKeyFile {_dir}/server.key
            """;
    }
    public int ProcessId => _process.Id;
    public string Url => $"ldap://127.0.0.1:{Port}";

    /// <summary>User and system CPU time slapd has used so far (from /proc/PID/stat, clock ticks → time).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command name: field 3 is state, so utime (14) and stime (15) are at 11 and 12.
        var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static string Entries(int extraPeople)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append($"""
            dn: {Suffix}
            objectClass: dcObject
            objectClass: organization
            o: Example
            dc: example

            dn: ou=people,{Suffix}
            objectClass: organizationalUnit
            ou: people

            dn: ou=groups,{Suffix}
            objectClass: organizationalUnit
            ou: groups

            dn: {ReaderDn}
            objectClass: organizationalRole
            objectClass: simpleSecurityObject
            cn: reader
            userPassword: {ReaderPassword}


            """);
        foreach (var name in new[] { "alice", "bob", "carol", "x*" }) Person(sb, name);
        for (var i = 0; i < extraPeople; i++) Person(sb, $"user{i}");
        Group(sb, "teachers", ["alice"]);
        Group(sb, "students", ["bob", .. Enumerable.Range(0, extraPeople).Select(i => $"user{i}")]);
        Group(sb, "staff", ["carol"]);
        return sb.ToString();
    }

    private static void Person(System.Text.StringBuilder sb, string name) => sb.Append($"""
        dn: uid={name},ou=people,{Suffix}
        objectClass: inetOrgPerson
        uid: {name}
        cn: {name}
        sn: {name}
        userPassword: {name}-pw


        """);

    private static void Group(System.Text.StringBuilder sb, string name, IEnumerable<string> members)
    {
        sb.Append($"dn: cn={name},ou=groups,{Suffix}\nobjectClass: groupOfNames\ncn: {name}\n");
        foreach (var m in members) sb.Append($"member: uid={m},ou=people,{Suffix}\n");
        sb.Append('\n');
    }

    private bool WaitUntilListening(Process p)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (p.HasExited) return false;
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }
        return false;
    }

    private static void Run(string file, string args)
    {
        var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {err.Result}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
