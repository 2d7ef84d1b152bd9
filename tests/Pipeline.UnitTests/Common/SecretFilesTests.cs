using System.Collections;
using Pipeline.Common;
using Pipeline.UnitTests.Sources;

namespace Pipeline.UnitTests.Common;

public sealed class SecretFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_FileVariable_SetsTheSettingToTheFileContent()
    {
        var path = _dir.File("pg", "Host=db;Password=from-a-file\n");
        var environment = new Hashtable
        {
            ["PIPELINE_Postgres__ConnectionString_FILE"] = path,
            ["PIPELINE_Model__Id"] = "mobilenetv2",
            ["OTHER_Thing_FILE"] = "/nonexistent",
        };

        var settings = SecretFiles.Read(environment, "PIPELINE_");

        var (key, value) = Assert.Single(settings);
        Assert.Equal("Postgres:ConnectionString", key);
        Assert.Equal("Host=db;Password=from-a-file", value);
    }

    [Fact]
    public void Read_BothVariableAndFile_FailsNamingThemButNotTheSecret()
    {
        var path = _dir.File("pg", "Password=SECRET");
        var environment = new Hashtable
        {
            ["PIPELINE_Postgres__ConnectionString"] = "Password=ALSOSECRET",
            ["PIPELINE_Postgres__ConnectionString_FILE"] = path,
        };

        var ex = Assert.Throws<InvalidOperationException>(() => SecretFiles.Read(environment, "PIPELINE_"));

        Assert.Contains("PIPELINE_Postgres__ConnectionString_FILE", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_FailsAtStartUp()
    {
        var environment = new Hashtable { ["PIPELINE_Blob__ConnectionString_FILE"] = Path.Combine(_dir.Path, "missing") };

        var ex = Assert.Throws<InvalidOperationException>(() => SecretFiles.Read(environment, "PIPELINE_"));

        Assert.Contains("cannot read", ex.Message, StringComparison.Ordinal);
    }
}
