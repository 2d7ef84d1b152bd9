namespace Pipeline.Common.Decoding;

/// <summary>
/// Pillow's resizing of 8-bit 3-channel images, bit for bit: <c>Image.resize(size, BILINEAR)</c> (Resample.c: the triangle
/// filter widened by the scale when shrinking, i.e. antialiased; coefficients normalised in double, then 22-bit fixed
/// point with rounding; horizontal pass then vertical) and <c>Image.resize(size, NEAREST)</c> (an affine scale in
/// Geometry.c: source = floor(scale × (x + 0.5)), accumulated in double as Pillow does).
/// </summary>
/// <remarks>
/// Only the output window <c>[left, left + width) × [top, top + height)</c> is computed: each output pixel depends only on
/// its own coefficients, so resizing and then cropping (torchvision's Resize + CenterCrop) gives the same bytes.
/// Pixels are interleaved 3-byte triples in any channel order (the order is kept).
/// </remarks>
internal static class PillowResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Bilinear (antialiased) resize of a <paramref name="inWidth"/>×<paramref name="inHeight"/>
    /// image to <paramref name="outWidth"/>×<paramref name="outHeight"/>, window only.</summary>
    /// <param name="source">Rows of <paramref name="inWidth"/> × 3 bytes, <paramref name="sourceStride"/> bytes apart.</param>
    /// <param name="destination">Receives the window: <paramref name="window"/>.Height rows of Width × 3 bytes.</param>
    public static void Bilinear(
        ReadOnlySpan<byte> source, int sourceStride, int inWidth, int inHeight, int outWidth, int outHeight,
        (int Left, int Top, int Width, int Height) window, Span<byte> destination)
    {
        var (hBounds, hCoeffs, hSize) = Coefficients(inWidth, outWidth);
        var (vBounds, vCoeffs, vSize) = Coefficients(inHeight, outHeight);
        var needHorizontal = outWidth != inWidth;
        var needVertical = outHeight != inHeight;

        // Source rows the window's output rows read (all of them when there is no vertical pass).
        var firstRow = needVertical ? vBounds[window.Top * 2] : window.Top;
        var lastRow = needVertical
            ? vBounds[(window.Top + window.Height - 1) * 2] + vBounds[((window.Top + window.Height - 1) * 2) + 1]
            : window.Top + window.Height;
        var rows = lastRow - firstRow;
        var temp = new byte[rows * window.Width * 3];
        for (var r = 0; r < rows; r++)
        {
            var input = source.Slice((firstRow + r) * sourceStride, inWidth * 3);
            var output = temp.AsSpan(r * window.Width * 3, window.Width * 3);
            for (var x = 0; x < window.Width; x++)
            {
                var xx = window.Left + x;
                if (!needHorizontal)
                {
                    input.Slice(xx * 3, 3).CopyTo(output.Slice(x * 3, 3));
                    continue;
                }

                int min = hBounds[xx * 2], count = hBounds[(xx * 2) + 1];
                var k = hCoeffs.AsSpan(xx * hSize, hSize);
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (var i = 0; i < count; i++)
                {
                    var p = (min + i) * 3;
                    s0 += input[p] * k[i];
                    s1 += input[p + 1] * k[i];
                    s2 += input[p + 2] * k[i];
                }

                output[x * 3] = Clip8(s0);
                output[(x * 3) + 1] = Clip8(s1);
                output[(x * 3) + 2] = Clip8(s2);
            }
        }

        var rowBytes = window.Width * 3;
        for (var y = 0; y < window.Height; y++)
        {
            var yy = window.Top + y;
            var output = destination.Slice(y * rowBytes, rowBytes);
            if (!needVertical)
            {
                temp.AsSpan((yy - firstRow) * rowBytes, rowBytes).CopyTo(output);
                continue;
            }

            int min = vBounds[yy * 2] - firstRow, count = vBounds[(yy * 2) + 1];
            var k = vCoeffs.AsSpan(yy * vSize, vSize);
            for (var b = 0; b < rowBytes; b++)
            {
                var s = 1 << (PrecisionBits - 1);
                for (var i = 0; i < count; i++)
                {
                    s += temp[((min + i) * rowBytes) + b] * k[i];
                }

                output[b] = Clip8(s);
            }
        }
    }

    /// <summary>Nearest-neighbour resize (Pillow's affine scale), whole output.</summary>
    public static void Nearest(
        ReadOnlySpan<byte> source, int sourceStride, int inWidth, int inHeight, int outWidth, int outHeight, Span<byte> destination)
    {
        // Geometry.c ImagingScaleAffine with a = [in/out, 0, 0, 0, in/out, 0]: xo = a[2] + a[0] * 0.5, then xo += a[0].
        double ax = (double)inWidth / outWidth, ay = (double)inHeight / outHeight;
        var columns = new int[outWidth];
        var xo = ax * 0.5;
        for (var x = 0; x < outWidth; x++)
        {
            columns[x] = Math.Clamp(Coord(xo), 0, inWidth - 1);
            xo += ax;
        }

        var yo = ay * 0.5;
        for (var y = 0; y < outHeight; y++)
        {
            var input = source.Slice(Math.Clamp(Coord(yo), 0, inHeight - 1) * sourceStride, inWidth * 3);
            var output = destination.Slice(y * outWidth * 3, outWidth * 3);
            for (var x = 0; x < outWidth; x++)
            {
                input.Slice(columns[x] * 3, 3).CopyTo(output.Slice(x * 3, 3));
            }

            yo += ay;
        }
    }

    // Resample.c precompute_coeffs + normalize_coeffs_8bpc for the bilinear filter (support 1), box [0, inSize).
    private static (int[] Bounds, int[] Coeffs, int KSize) Coefficients(int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = 1.0 * filterScale;
        var kSize = ((int)Math.Ceiling(support) * 2) + 1;
        var bounds = new int[outSize * 2];
        var coeffs = new int[outSize * kSize];
        var k = new double[kSize];
        for (var xx = 0; xx < outSize; xx++)
        {
            var center = (xx + 0.5) * scale;
            var ss = 1.0 / filterScale;
            var xmin = Math.Max((int)(center - support + 0.5), 0);
            var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var ww = 0.0;
            for (var x = 0; x < xmax; x++)
            {
                var w = Triangle((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }

            for (var x = 0; x < xmax; x++)
            {
                var v = ww != 0.0 ? k[x] / ww : k[x];
                coeffs[(xx * kSize) + x] = v < 0
                    ? (int)(-0.5 + (v * (1 << PrecisionBits)))
                    : (int)(0.5 + (v * (1 << PrecisionBits)));
            }

            bounds[xx * 2] = xmin;
            bounds[(xx * 2) + 1] = xmax;
        }

        return (bounds, coeffs, kSize);
    }

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static byte Clip8(int value) => (byte)Math.Clamp(value >> PrecisionBits, 0, 255);

    // Geometry.c COORD: -1 below zero, else truncation.
    private static int Coord(double v) => v < 0.0 ? -1 : (int)v;
}
