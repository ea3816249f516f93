using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Tessera.Auth.Files;

namespace Tessera.Server.Hosting;

/// <summary>
/// The TLS certificate: <c>cert.pem</c> and <c>key.pem</c> from the data directory, re-read when
/// they change; when absent, a self-signed one is generated once and kept there so browsers
/// see the same certificate after a restart.
/// </summary>
public sealed class Certificates
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);
    private readonly string _certPath;
    private readonly string _keyPath;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private X509Certificate2? _current;
    private (DateTime, DateTime) _stamp;
    private DateTime _checkedAt;

    public Certificates(string dataDirectory, ILogger logger)
    {
        _certPath = Path.Combine(dataDirectory, "cert.pem");
        _keyPath = Path.Combine(dataDirectory, "key.pem");
        _logger = logger;
        if (!File.Exists(_certPath) || !File.Exists(_keyPath)) GenerateSelfSigned(dataDirectory);
    }

    public X509Certificate2 Current()
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            if (_current is not null && now - _checkedAt < CheckEvery) return _current;
            _checkedAt = now;
            var stamp = (File.GetLastWriteTimeUtc(_certPath), File.GetLastWriteTimeUtc(_keyPath));
            if (_current is not null && stamp == _stamp) return _current;
            try
            {
                _current = X509Certificate2.CreateFromPemFile(_certPath, _keyPath);
                _stamp = stamp;
            }
            catch (Exception e) when (e is CryptographicException or IOException)
            {
                if (_current is null) throw;
                _logger.LogError("cannot reload the TLS certificate ({Error}); keeping the previous one", e.Message);
            }
            return _current;
        }
    }

    private void GenerateSelfSigned(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + Environment.MachineName, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(Environment.MachineName);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        AtomicFile.Write(_keyPath, key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        AtomicFile.Write(_certPath, cert.ExportCertificatePem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        _logger.LogWarning("no TLS certificate in {Dir}: generated a self-signed one", dataDirectory);
    }
}
