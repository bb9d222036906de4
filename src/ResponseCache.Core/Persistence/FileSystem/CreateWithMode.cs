using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ResponseCache.Core.Persistence;

/// <summary>
/// Creates files and directories on Unix with their final mode in the create call itself (open(2) with O_CREAT|O_EXCL
/// and the mode, mkdir(2) with the mode), so there is never a moment in which the umask's wider mode lets another user
/// open what was just created; nothing is chmod-ed afterwards. The umask can only narrow the mode further, except in
/// a shared cache, whose members may have umask 022, which would keep the rest of the group from writing the lock file
/// and the journal: there the mode is then widened to the group's, never beyond it.
/// </summary>
/// <remarks>
/// Files go through .NET's own FileStreamOptions.UnixCreateMode (.NET 7+, in every supported PowerShell 7), bound once
/// by reflection as netstandard2.0 lacks it: FileStream then keeps its OS locking, which <see cref="FileLock"/> relies
/// on. Where that API is missing (Mono, which runs the engine's net48 suite), open(2) is called directly and the file
/// reopened through its descriptor, as <see cref="RegularFile"/> does. O_EXCL needs no O_NOFOLLOW: it fails on any
/// name that exists, a symbolic link included.
/// </remarks>
internal static class CreateWithMode
{
    private const int WriteOnly = 1;
    private const int ReadWrite = 2;
    private const int AlreadyExists = 17;
    private const int NoSuchFile = 2;
    private const int NoPermission = 1;
    private const int AccessDenied = 13;

    // The same on x64 and arm64 Linux; macOS has its own (and always has the .NET API).
    private static readonly int s_createExclusiveCloseOnExec = Platform.IsMacOS ? 0x200 | 0x800 | 0x1000000 : 0x40 | 0x80 | 0x80000;

    private static readonly Func<string, FileAccess, FileShare, int, int, FileStream>? s_dotNetCreate = BindDotNetCreate();

    /// <summary>
    /// A new file (never an existing name) with <paramref name="mode"/>; an existing name throws <see cref="IOException"/>.
    /// <paramref name="regardlessOfUmask"/> then gives it all of <paramref name="mode"/>, for a shared cache.
    /// </summary>
    public static FileStream NewFile(string path, FileAccess access, FileShare share, int bufferSize, int mode, bool regardlessOfUmask)
    {
        if (s_dotNetCreate is not null)
        {
            FileStream stream = s_dotNetCreate(path, access, share, bufferSize, mode);
            if (regardlessOfUmask && fchmod((int)stream.SafeFileHandle.DangerousGetHandle(), mode) != 0)
            {
                int error = Marshal.GetLastWin32Error();
                stream.Dispose();
                throw CreateFailure(path, error);
            }

            return stream;
        }

        int descriptor = open(path, (access == FileAccess.Write ? WriteOnly : ReadWrite) | s_createExclusiveCloseOnExec, mode);
        if (descriptor < 0)
        {
            throw CreateFailure(path, Marshal.GetLastWin32Error());
        }

        if (regardlessOfUmask && fchmod(descriptor, mode) != 0)
        {
            int error = Marshal.GetLastWin32Error();
            close(descriptor);
            throw CreateFailure(path, error);
        }

        return RegularFile.Reopen(descriptor, path, access, share, bufferSize);
    }

    /// <summary>The directory and each missing level above it, each made by mkdir(2) with <paramref name="mode"/>.</summary>
    public static void NewDirectory(string path, int mode, bool regardlessOfUmask)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        string? parent = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(parent))
        {
            NewDirectory(parent!, mode, regardlessOfUmask);
        }

        if (mkdir(path, mode) != 0)
        {
            int error = Marshal.GetLastWin32Error();
            if (error == AlreadyExists && Directory.Exists(path))
            {
                return; // another process made it in the meantime
            }

            throw CreateFailure(path, error);
        }

        if (regardlessOfUmask)
        {
            // chmod would clear the setgid bit the directory inherited from its parent, which keeps it the group's.
            int inherited = (UnixFileStatus.Of(path)?.Mode ?? 0) & UnixFileStatus.SetGroupId;
            if (chmod(path, mode | inherited) != 0)
            {
                throw CreateFailure(path, Marshal.GetLastWin32Error());
            }
        }
    }

    private static Exception CreateFailure(string path, int error) => error switch
    {
        AlreadyExists => new IOException($"The file '{path}' already exists."),
        NoSuchFile => new DirectoryNotFoundException($"Could not find a part of the path '{path}'."),
        NoPermission or AccessDenied => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
        _ => new IOException($"Could not create '{path}' (errno {error})."),
    };

    private static Func<string, FileAccess, FileShare, int, int, FileStream>? BindDotNetCreate()
    {
        Assembly platform = typeof(FileStream).Assembly;
        Type? optionsType = platform.GetType("System.IO.FileStreamOptions");
        Type? modeType = platform.GetType("System.IO.UnixFileMode");
        PropertyInfo? createMode = optionsType?.GetProperty("UnixCreateMode");
        ConstructorInfo? constructor = optionsType is null ? null : typeof(FileStream).GetConstructor(new[] { typeof(string), optionsType });
        if (optionsType is null || modeType is null || createMode is null || constructor is null)
        {
            return null;
        }

        PropertyInfo fileMode = optionsType.GetProperty("Mode")!;
        PropertyInfo fileAccess = optionsType.GetProperty("Access")!;
        PropertyInfo fileShare = optionsType.GetProperty("Share")!;
        PropertyInfo bufferSize = optionsType.GetProperty("BufferSize")!;
        return (path, access, share, buffer, mode) =>
        {
            object options = Activator.CreateInstance(optionsType)!;
            fileMode.SetValue(options, FileMode.CreateNew);
            fileAccess.SetValue(options, access);
            fileShare.SetValue(options, share);
            bufferSize.SetValue(options, buffer);
            createMode.SetValue(options, Enum.ToObject(modeType, mode));
            try
            {
                return (FileStream)constructor.Invoke(new[] { path, options });
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        };
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int descriptor);

    [DllImport("libc", SetLastError = true)]
    private static extern int fchmod(int descriptor, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int chmod([MarshalAs(UnmanagedType.LPStr)] string path, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int mkdir([MarshalAs(UnmanagedType.LPStr)] string path, int mode);
}
