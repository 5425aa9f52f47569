using System.IO.MemoryMappedFiles;

namespace TokenPortal.Core.Data;

/// <summary>
/// A number that every process sharing the database sees change when cached state goes stale: whoever edits keys,
/// users, the catalog or settings (the portal or the admin CLI) writes a new one after committing, and the server
/// compares it on every API request. It is 8 bytes of a small file beside the SQLite database, mapped into each
/// process, so the check is one memory read, not a query.
/// </summary>
public sealed class ChangeStamp : IDisposable
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private long _local;

    /// <param name="path">The shared file; null keeps the stamp in this process (an in-memory database has no other).</param>
    public ChangeStamp(string? path)
    {
        if (path is null)
            return;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.OpenOrCreate, mapName: null, capacity: sizeof(long), MemoryMappedFileAccess.ReadWrite);
        _view = _file.CreateViewAccessor(0, sizeof(long));
    }

    /// <summary>The stamp file for a database: beside the SQLite file, else in the binary's folder.</summary>
    public static string? PathFor(string? sqliteFile, string baseDirectory) => sqliteFile switch
    {
        null => Path.Combine(baseDirectory, "tokenportal.changes"),
        "" or ":memory:" => null,
        _ when sqliteFile.StartsWith("file:", StringComparison.OrdinalIgnoreCase) => null,
        _ => sqliteFile + "-changes",
    };

    public long Current => _view?.ReadInt64(0) ?? Volatile.Read(ref _local);

    /// <summary>Raised after each <see cref="Publish"/>, for other machines' instances (Redis).</summary>
    public event Action? Published;

    /// <summary>Tells every process that something it may cache changed; call after the change is committed.</summary>
    public void Publish()
    {
        // Any new value will do: readers compare, they do not count. Aligned 8-byte writes are atomic.
        var next = Random.Shared.NextInt64(1, long.MaxValue);
        if (_view is null)
            Volatile.Write(ref _local, next);
        else
            _view.Write(0, next);
        Published?.Invoke();
    }

    public void Dispose()
    {
        _view?.Dispose();
        _file?.Dispose();
    }
}
