using OpenCvSharp;

namespace Pipeline.Common.Decoding;

/// <summary>Resizes to a square with the right filter per axis.</summary>
internal static class Resampler
{
    /// <summary>
    /// INTER_AREA when shrinking (it averages every source pixel, so no aliasing, and it is what OpenCV recommends for
    /// decimation); INTER_LINEAR when enlarging (INTER_AREA degenerates to near-nearest there). When one axis shrinks and
    /// the other grows (e.g. squashing 2000×20) each axis gets its own pass, because OpenCV's mixed-direction INTER_AREA
    /// does not average the shrinking axis.
    /// </summary>
    public static void ResizeSquare(Mat source, int size, Mat destination, Mat scratch)
    {
        var shrinks = source.Width > size || source.Height > size;
        var grows = source.Width < size || source.Height < size;
        if (shrinks && grows)
        {
            var shrunk = new Size(Math.Min(source.Width, size), Math.Min(source.Height, size));
            Cv2.Resize(source, scratch, shrunk, 0, 0, InterpolationFlags.Area);
            Cv2.Resize(scratch, destination, new Size(size, size), 0, 0, InterpolationFlags.Linear);
            return;
        }

        Cv2.Resize(source, destination, new Size(size, size), 0, 0, grows ? InterpolationFlags.Linear : InterpolationFlags.Area);
    }
}
