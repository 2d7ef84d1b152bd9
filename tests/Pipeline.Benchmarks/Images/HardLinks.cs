namespace Pipeline.Benchmarks.Images;

using System.Runtime.InteropServices;

internal static partial class HardLinks
{
    public static void Create(string existing, string link)
    {
        if (Link(existing, link) != 0)
        {
            throw new IOException($"link({existing}, {link}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string link);
}
