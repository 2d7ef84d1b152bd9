using OpenCvSharp;

namespace Pipeline.UnitTests.Decoding;

/// <summary>
/// EXIF orientation: OpenCV's imdecode applies it for IMREAD_COLOR and every IMREAD_REDUCED_COLOR_N, so the
/// preprocessor relies on it; these tests would catch an OpenCV upgrade that stopped doing so.
/// </summary>
public sealed class ImagePreprocessorExifTests
{
    // Orientation 6: stored image must be turned 90° clockwise to display; 8: 90° counter-clockwise; 3: 180°.
    public static TheoryData<ushort, RotateFlags> Orientations() => new()
    {
        { 6, RotateFlags.Rotate90Clockwise },
        { 8, RotateFlags.Rotate90Counterclockwise },
        { 3, RotateFlags.Rotate180 },
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void DecodeInto_ExifOrientationFullDecode_EqualsRotatedPixels(ushort orientation, RotateFlags rotation)
    {
        // 64×32 stored; with short side 32 = ResizeShortSide there is no reduction and no resize, only the crop.
        using var card = TestImages.Card(64, 32);
        var jpeg = TestImages.Encode(card, ".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 95));
        var spec = TestImages.Crop(32, 32);

        var tensor = TestImages.Tensor(ExifJpeg.WithOrientation(jpeg, orientation), spec);

        Assert.Equal(RotatedReference(jpeg, ImreadModes.Color, rotation, spec), tensor);
    }

    [Theory]
    [MemberData(nameof(Orientations))]
    public void DecodeInto_ExifOrientationReducedDecode_EqualsRotatedPixels(ushort orientation, RotateFlags rotation)
    {
        // 512×256 with short side 64 needed: decoded at 1/4 (128×64), then rotated by OpenCV.
        using var card = TestImages.Card(512, 256);
        var jpeg = TestImages.Encode(card, ".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 95));
        var spec = TestImages.Crop(64, 64);

        var tensor = TestImages.Tensor(ExifJpeg.WithOrientation(jpeg, orientation), spec);

        Assert.Equal(RotatedReference(jpeg, ImreadModes.ReducedColor4, rotation, spec), tensor);
    }

    [Theory]
    [MemberData(nameof(Orientations))]
    public void DecodeInto_ExifOrientation_MatchesJpegOfPhysicallyRotatedImage(ushort orientation, RotateFlags rotation)
    {
        using var card = TestImages.Card(64, 32);
        using var rotated = new Mat();
        Cv2.Rotate(card, rotated, rotation);
        var quality = new ImageEncodingParam(ImwriteFlags.JpegQuality, 95);
        var spec = TestImages.Squash(32);

        var tagged = TestImages.Tensor(ExifJpeg.WithOrientation(TestImages.Encode(card, ".jpg", quality), orientation), spec);
        var physical = TestImages.Tensor(TestImages.Encode(rotated, ".jpg", quality), spec);

        // Different 8×8 block alignment after rotation: JPEG noise only. A wrong or missing rotation is ~50+.
        Assert.InRange(TestImages.MeanAbsDiff(tagged, physical), 0, 3);
    }

    [Fact]
    public void DecodeInto_ExifOrientation6_MovesTopLeftMarkerToTopRight()
    {
        // Card has a red block top-left; turned 90° clockwise it must sit top-right.
        using var card = TestImages.Card(64, 32);
        var jpeg = ExifJpeg.WithOrientation(TestImages.Encode(card, ".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 95)), 6);

        var tensor = TestImages.Tensor(jpeg, TestImages.Squash(32));

        var topRight = (2 * 32 + 29) * 3; // row 2, column 29, NHWC
        Assert.InRange(tensor[topRight], 200, 255); // R
        Assert.InRange(tensor[topRight + 2], 0, 60); // B
    }

    private static float[] RotatedReference(byte[] jpeg, ImreadModes mode, RotateFlags rotation, Pipeline.Common.Decoding.PreprocessSpec spec)
    {
        using var decoded = Cv2.ImDecode(jpeg, mode);
        using var rotated = new Mat();
        Cv2.Rotate(decoded, rotated, rotation);
        return TestImages.Tensor(TestImages.Png(rotated), spec);
    }
}
