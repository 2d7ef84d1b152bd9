using Pipeline.Common.Decoding;

namespace Pipeline.UnitTests.Decoding;

public sealed class ImagePreprocessorNormalisationTests
{
    // (R, G, B) per pixel, row-major 2×2.
    private static readonly byte[][] Pixels = [[255, 0, 10], [0, 128, 255], [12, 34, 56], [200, 100, 50]];

    public static TheoryData<PreprocessMode, TensorLayout> AllModesAndLayouts()
    {
        var data = new TheoryData<PreprocessMode, TensorLayout>();
        foreach (var mode in Enum.GetValues<PreprocessMode>())
        {
            data.Add(mode, TensorLayout.Nchw);
            data.Add(mode, TensorLayout.Nhwc);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllModesAndLayouts))]
    public void DecodeInto_TwoByTwoPng_MatchesKerasFormulaForEveryValue(PreprocessMode mode, TensorLayout layout)
    {
        using var image = TestImages.FromRgb(new[,] { { Pixels[0], Pixels[1] }, { Pixels[2], Pixels[3] } });
        var tensor = TestImages.Tensor(TestImages.Png(image), TestImages.Squash(2, mode, layout));

        for (var pixel = 0; pixel < 4; pixel++)
        {
            for (var c = 0; c < 3; c++)
            {
                var index = layout == TensorLayout.Nchw ? (c * 4) + pixel : (pixel * 3) + c;
                Assert.Equal(Expected(Pixels[pixel], c, mode), tensor[index], 1e-5);
            }
        }
    }

    [Fact]
    public void DecodeInto_TorchRedPixel_GivesHandComputedChannels()
    {
        using var image = TestImages.FromRgb(new[,] { { new byte[] { 255, 0, 10 } } });
        var tensor = TestImages.Tensor(TestImages.Png(image), TestImages.Squash(1, PreprocessMode.Torch, TensorLayout.Nchw));

        Assert.Equal((1 - 0.485) / 0.229, tensor[0], 1e-5);
        Assert.Equal((0 - 0.456) / 0.224, tensor[1], 1e-5);
        Assert.Equal(((10 / 255.0) - 0.406) / 0.225, tensor[2], 1e-5);
    }

    [Fact]
    public void DecodeInto_CaffeRedPixel_IsBgrMinusMean()
    {
        using var image = TestImages.FromRgb(new[,] { { new byte[] { 255, 0, 10 } } });
        var tensor = TestImages.Tensor(TestImages.Png(image), TestImages.Squash(1, PreprocessMode.Caffe, TensorLayout.Nhwc));

        Assert.Equal(10 - 103.939, tensor[0], 1e-4);
        Assert.Equal(0 - 116.779, tensor[1], 1e-4);
        Assert.Equal(255 - 123.68, tensor[2], 1e-4);
    }

    /// <summary>Keras preprocess_input, written out independently of the implementation.</summary>
    private static double Expected(byte[] rgb, int channel, PreprocessMode mode) => mode switch
    {
        // Caffe emits BGR: channel 0 is blue.
        PreprocessMode.Caffe => rgb[2 - channel] - new[] { 103.939, 116.779, 123.68 }[channel],
        PreprocessMode.Tf => (rgb[channel] / 127.5) - 1,
        PreprocessMode.Torch => ((rgb[channel] / 255.0) - new[] { 0.485, 0.456, 0.406 }[channel]) / new[] { 0.229, 0.224, 0.225 }[channel],
        PreprocessMode.Raw => rgb[channel],
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };
}
