using System.Net;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

/// <summary>The address half of the URI policy: literal IPs in URLs, and what host names resolve to.</summary>
public sealed class UriPolicyAddressTests
{
    private static UriPolicy Policy(bool allowPrivateNetworks = false) =>
        new(new UriPolicyOptions { AllowPrivateNetworks = allowPrivateNetworks }, BlobEndpoints.PublicCloudOnly);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("169.254.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("100.64.0.1")]
    [InlineData("100.100.100.200")]
    [InlineData("192.0.0.192")]
    [InlineData("168.63.129.16")]
    [InlineData("198.18.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    public void Check_NonPublicIpv4Literal_IsRefused(string address)
    {
        var ex = Assert.Throws<ImageFailureException>(() => Policy().Check($"http://{address}:8080/a.jpg"));

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Contains("AllowPrivateNetworks", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2130706433")] // 127.0.0.1 as one decimal number
    [InlineData("0x7f.1")]
    [InlineData("017700000001")]
    [InlineData("127.1")]
    public void Check_ObfuscatedLoopbackLiteral_IsRefused(string host)
    {
        var ex = Assert.Throws<ImageFailureException>(() => Policy().Check($"http://{host}/a.jpg"));

        Assert.Equal(FailureReason.Refused, ex.Reason);
    }

    [Theory]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("::7f00:1")]          // IPv4-compatible 127.0.0.1
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]     // AWS metadata over IPv6
    [InlineData("fe80::1")]
    [InlineData("febf:ffff::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]  // IPv4-mapped forms of the IPv4 ranges
    [InlineData("::ffff:7f00:1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:192.168.1.1")]
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("64:ff9b:1::1")]
    [InlineData("2002:7f00:1::")]     // 6to4 of 127.0.0.1
    [InlineData("2002:a00:1::1")]     // 6to4 of 10.0.0.1
    public void Check_NonPublicIpv6Literal_IsRefused(string address)
    {
        var ex = Assert.Throws<ImageFailureException>(() => Policy().Check($"http://[{address}]/a.jpg"));

        Assert.Equal(FailureReason.Refused, ex.Reason);
    }

    [Theory]
    [InlineData("http://8.8.8.8/a.jpg")]
    [InlineData("http://172.32.0.1/a.jpg")]
    [InlineData("http://172.15.255.255/a.jpg")]
    [InlineData("http://192.169.0.1/a.jpg")]
    [InlineData("http://100.128.0.1/a.jpg")]
    [InlineData("http://169.255.0.1/a.jpg")]
    [InlineData("https://[2606:4700:4700::1111]/a.jpg")]
    [InlineData("https://[::ffff:8.8.8.8]/a.jpg")]
    [InlineData("https://[64:ff9b::808:808]/a.jpg")]
    [InlineData("https://[2002:808:808::1]/a.jpg")]
    [InlineData("https://images.example.com/a.jpg")]
    public void Check_PublicAddressOrName_IsAllowed(string uri)
    {
        var image = Policy().Check(uri);

        Assert.Equal(ImageUriKind.Http, image.Kind);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/a.jpg")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]/a.jpg")]
    public void Check_NonPublicLiteralWithAllowPrivateNetworks_IsAllowed(string uri)
    {
        Policy(allowPrivateNetworks: true).Check(uri);
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("::1")]
    [InlineData("::ffff:192.168.0.10")]
    [InlineData("fd12:3456::1")]
    public void CheckAddresses_NameResolvingToANonPublicAddress_IsRefused(string resolved)
    {
        // A public answer next to a private one does not help: one bad address refuses the host.
        IPAddress[] addresses = [IPAddress.Parse("93.184.216.34"), IPAddress.Parse(resolved)];

        var ex = Assert.Throws<ImageFailureException>(() => Policy().CheckAddresses("images.example.com", addresses));

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Contains("images.example.com", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAddresses_PublicAddressesOnly_IsAllowed()
    {
        Policy().CheckAddresses("images.example.com", [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("2606:2800:220:1::248")]);
    }

    [Fact]
    public void CheckAddresses_PrivateAddressWithAllowPrivateNetworks_IsAllowed()
    {
        Policy(allowPrivateNetworks: true).CheckAddresses("db.internal", [IPAddress.Parse("10.0.0.5")]);
    }

    [Fact]
    public async Task ConnectAsync_LoopbackLiteral_IsRefusedBeforeConnecting()
    {
        // Nothing listens on port 1: a connection attempt would fail differently.
        var ex = await Assert.ThrowsAsync<ImageFailureException>(() =>
            CheckedConnector.ConnectAsync(Policy(), new DnsEndPoint("127.0.0.1", 1), CancellationToken.None).AsTask());

        Assert.Equal(FailureReason.Refused, ex.Reason);
    }
}
