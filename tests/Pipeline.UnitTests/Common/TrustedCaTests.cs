using System.Net.Security;
using Pipeline.Common;
using Pipeline.UnitTests.Messaging;

namespace Pipeline.UnitTests.Common;

public sealed class TrustedCaTests
{
    [Fact]
    public void Validator_CertificateIssuedByTheConfiguredCa_IsAccepted()
    {
        using var ca = Certificates.Authority("Broker CA");
        using var broker = Certificates.Issue(ca, "mq.internal");
        var validate = TrustedCa.Validator([ca]);

        Assert.True(validate(this, broker, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.True(validate(this, broker, null, SslPolicyErrors.None));
    }

    [Fact]
    public void Validator_OtherCaOrWrongNameOrNoCertificate_IsRejected()
    {
        using var ca = Certificates.Authority("Broker CA");
        using var other = Certificates.Authority("Other CA");
        using var broker = Certificates.Issue(other, "mq.internal");
        using var trusted = Certificates.Issue(ca, "mq.internal");
        var validate = TrustedCa.Validator([ca]);

        Assert.False(validate(this, broker, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(validate(this, trusted, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(validate(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }
}
