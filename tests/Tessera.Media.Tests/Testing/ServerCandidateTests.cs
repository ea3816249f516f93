using System.Net;
using Tessera.Media.Testing;

namespace Tessera.Media.Tests.Testing;

public sealed class ServerCandidateTests
{
    [Fact]
    public void First_ipv4_udp_candidate_is_chosen_over_tcp_and_ipv6_ones()
    {
        const string sdp = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
            + "a=candidate:1 1 tcp 2105458943 127.0.0.1 9 typ host tcptype passive\r\n"
            + "a=candidate:2 1 udp 2122262783 ::1 40000 typ host\r\n"
            + "a=candidate:3 1 UDP 2122194687 127.0.0.1 40001 typ host\r\n"
            + "a=candidate:4 1 udp 2122194687 127.0.0.2 40002 typ host\r\n";
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 40001), ServerCandidate.FirstIpv4Udp(sdp));
    }

    [Fact]
    public void Candidate_with_a_malformed_port_is_skipped()
    {
        const string sdp = "a=candidate:1 1 udp 1 127.0.0.1 70000 typ host\na=candidate:2 1 udp 1 127.0.0.1 x typ host\n"
            + "a=candidate:3 1 udp 1 127.0.0.1 5000 typ host\n";
        Assert.Equal(5000, ServerCandidate.FirstIpv4Udp(sdp).Port);
    }

    [Fact]
    public void Sdp_without_an_ipv4_udp_candidate_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() =>
            ServerCandidate.FirstIpv4Udp("a=candidate:2 1 udp 2122262783 ::1 40000 typ host\r\n"));
    }
}
