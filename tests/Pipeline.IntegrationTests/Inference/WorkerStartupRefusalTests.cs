using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Inference;

/// <summary>
/// A worker process refuses to start, with the reason, when its name would run another model's weights or a setting
/// would be ignored: the cases a new user meets by setting environment variables.
/// </summary>
public sealed class WorkerStartupRefusalTests
{
    [Theory]
    // EfficientNetB0 has the bundled MobileNetV2's width (1280): it used to load it and store its vectors as 'efficientnetb0'.
    [InlineData("PIPELINE_Model__Id", "efficientnetb0", "catalogue entry 'efficientnetb0', EfficientNetB0) has no model file")]
    [InlineData("PIPELINE_Model__Id", "resnet34", "Model 'resnet34' names no catalogue entry and Model:Path is empty")]
    [InlineData("PIPELINE_Model__Backbone", "vgg16", "catalogue entry 'vgg16', VGG16) has no model file")]
    [InlineData("PIPELINE_Model__Poolling", "Max", "Model:Poolling (PIPELINE_Model__Poolling) is not a setting: did you mean Model:Pooling?")]
    [InlineData("PIPELINE_Worker__InferenceBachSize", "8", "did you mean Worker:InferenceBatchSize?")]
    [InlineData("PIPELINE_Inference__ExecutionProvidr", "Cuda", "did you mean Inference:ExecutionProvider?")]
    public async Task Start_SettingThatWouldRunTheWrongModelOrBeIgnored_ExitsNonZeroWithTheReason(string variable, string value, string reason)
    {
        var environment = ServiceEndpoints.ProcessEnvironment("mobilenetv2", "test." + Guid.NewGuid().ToString("N"));
        environment.Remove("PIPELINE_Model__Backbone");
        environment[variable] = value;
        await using var worker = WorkerProcess.Start(environment);

        var code = await worker.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.True(code != 0, worker.Log);
        Assert.Contains(reason, worker.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Worker ready", worker.Log, StringComparison.Ordinal);
    }
}
