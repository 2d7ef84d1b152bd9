using System.Runtime.InteropServices;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Creates files and folders by byte name through libc, so names that are not UTF-8 (which no .NET string
/// can spell) can be made too.
/// </summary>
internal static partial class RawFiles
{
    private const int WriteOnly = 0x1, Create = 0x40, Exclusive = 0x80;

    /// <summary>Creates <paramref name="path"/> (bytes, no NUL) holding <paramref name="content"/>.</summary>
    public static void Write(byte[] path, byte[] content)
    {
        var fd = Open([.. path, 0], WriteOnly | Create | Exclusive, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            throw new IOException($"open failed: errno {Marshal.GetLastPInvokeError()}");
        }
        try
        {
            if (WriteBytes(fd, content, content.Length) != content.Length)
            {
                throw new IOException($"write failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Creates the folder <paramref name="path"/> unless it exists.</summary>
    public static void CreateFolder(byte[] path)
    {
        const int AlreadyExists = 17;
        if (MakeDirectory([.. path, 0], Convert.ToInt32("755", 8)) != 0 && Marshal.GetLastPInvokeError() != AlreadyExists)
        {
            throw new IOException($"mkdir failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte[] path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteBytes(int fd, byte[] buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static partial int MakeDirectory(byte[] path, int mode);
}
