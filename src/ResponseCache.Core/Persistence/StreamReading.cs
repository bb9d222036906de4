using System.IO;

namespace ResponseCache.Core.Persistence;

internal static class StreamReading
{
    /// <summary>Fills <paramref name="buffer"/> from the stream's position, stopping early only at its end; returns the bytes read.</summary>
    public static int ReadAtMost(Stream stream, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read;
    }
}
