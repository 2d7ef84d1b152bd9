using System.Text;
using System.Text.Json;
using Pipeline.Common.Messaging;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Messaging;

public sealed class BatchMessageSerializerTests
{
    [Fact]
    public void RoundTrip_MessageWithAndWithoutIdentity_IsUnchanged()
    {
        var message = new BatchMessage(
            Guid.NewGuid(), 7, "mobilenetv2", Force: true,
            [new ImageRef("file:///data/a%20b.jpg", "stat:10:20"), new ImageRef("https://example.test/x.png", null)]);

        var back = BatchMessageSerializer.Deserialize(BatchMessageSerializer.Serialize(message));

        Assert.Equal(message.JobId, back.JobId);
        Assert.Equal(message.BatchNo, back.BatchNo);
        Assert.Equal(message.ModelId, back.ModelId);
        Assert.True(back.Force);
        Assert.Equal(message.Items, back.Items);
    }

    [Fact]
    public void Serialize_Message_UsesCamelCaseFieldNames()
    {
        var json = Encoding.UTF8.GetString(BatchMessageSerializer.Serialize(new BatchMessage(Guid.Empty, 1, "m", false, [])));
        Assert.Contains("\"jobId\"", json, StringComparison.Ordinal);
        Assert.Contains("\"items\":[]", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    public void Deserialize_Garbage_ThrowsJsonException(string body) =>
        Assert.ThrowsAny<JsonException>(() => BatchMessageSerializer.Deserialize(Encoding.UTF8.GetBytes(body)));
}
