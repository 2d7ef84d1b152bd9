using System.Net;

namespace Pipeline.Common.Sources;

/// <summary>
/// Addresses an image URL must not reach unless <see cref="UriPolicyOptions.AllowPrivateNetworks"/> is on:
/// loopback, private, link-local, shared (CGNAT), cloud metadata and other non-public ranges, in IPv4 and IPv6,
/// including IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4).
/// </summary>
internal static class NonPublicNetworks
{
    private static readonly IPNetwork[] V4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this network"; 0.0.0.0 reaches the local host on Linux
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),    // shared address space (CGNAT); Alibaba's metadata is 100.100.100.200
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),   // link-local; 169.254.169.254 is the AWS, Azure and GCP metadata service
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),     // IETF protocol assignments; Oracle's metadata is 192.0.0.192
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved and broadcast
        IPNetwork.Parse("168.63.129.16/32"), // Azure's platform wire server: public-looking, host-local
    ];

    private static readonly IPNetwork[] V6 =
    [
        IPNetwork.Parse("::/96"),            // unspecified, loopback and the deprecated IPv4-compatible form
        IPNetwork.Parse("100::/64"),         // discard-only
        IPNetwork.Parse("64:ff9b:1::/48"),   // local-use NAT64
        IPNetwork.Parse("fc00::/7"),         // unique local; AWS's IPv6 metadata is fd00:ec2::254
        IPNetwork.Parse("fe80::/10"),        // link-local
        IPNetwork.Parse("fec0::/10"),        // deprecated site-local
        IPNetwork.Parse("ff00::/8"),         // multicast
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    public static bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return Contains(address.MapToIPv4());
        }
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return V4.Any(network => network.Contains(address));
        }
        if (V6.Any(network => network.Contains(address)))
        {
            return true;
        }

        // Translators and relays forward to the IPv4 address inside; judge that one.
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        if (Nat64.Contains(address))
        {
            return Contains(new IPAddress(bytes[12..]));
        }
        return SixToFour.Contains(address) && Contains(new IPAddress(bytes[2..6]));
    }
}
