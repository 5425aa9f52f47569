using System.Buffers;
using System.Buffers.Text;
using System.IO.Compression;
using System.Reflection;

namespace TokenPortal.Core.Gateway;

/// <summary>
/// Reads a tiktoken ranks file: a line per rank from 0 up, each the token's bytes in base64, optionally followed by a
/// space and the rank; Microsoft.ML.Tokenizers' data packages put a "Capacity: N" line first. Parsed from the UTF-8
/// bytes in a small reused buffer: no string per line.
/// </summary>
internal static class TiktokenRanksReader
{
    private const string DataAssembly = "Microsoft.ML.Tokenizers.Data.O200kBase";
    private const string DataResource = "o200k_base.tiktoken.deflate";
    private const int BufferSize = 64 * 1024;

    private static ReadOnlySpan<byte> CapacityPrefix => "Capacity: "u8;

    /// <summary>
    /// o200k_base from the data package's embedded resource. Its only type (O200kBaseTokenizerData) is internal, so the
    /// assembly is loaded by name; it references nothing but the runtime, so Microsoft.ML.Tokenizers itself stays unloaded.
    /// </summary>
    public static O200kVocabulary ReadO200kBase()
    {
        var assembly = Assembly.Load(new AssemblyName(DataAssembly));
        using var compressed = assembly.GetManifestResourceStream(DataResource)
            ?? throw new InvalidDataException($"{DataAssembly} holds no resource {DataResource}.");
        using var ranks = new DeflateStream(compressed, CompressionMode.Decompress);
        return Read(ranks);
    }

    public static O200kVocabulary Read(Stream ranks)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var tokens = new TokenListBuilder();
            var filled = 0;
            var lineNumber = 0;
            while (true)
            {
                var read = ranks.Read(buffer, filled, buffer.Length - filled);
                filled += read;
                var unread = buffer.AsSpan(0, filled);
                for (var end = unread.IndexOf((byte)'\n'); end >= 0; end = unread.IndexOf((byte)'\n'))
                {
                    ReadLine(unread[..end], lineNumber++, tokens);
                    unread = unread[(end + 1)..];
                }
                if (read == 0)
                {
                    // The last line may end without a line break.
                    if (!unread.IsEmpty)
                        ReadLine(unread, lineNumber, tokens);
                    return tokens.ToVocabulary();
                }
                if (unread.Length == buffer.Length)
                    throw new InvalidDataException($"Line {lineNumber + 1} of the ranks is longer than {buffer.Length} bytes.");
                unread.CopyTo(buffer);
                filled = unread.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ReadLine(ReadOnlySpan<byte> line, int lineNumber, TokenListBuilder tokens)
    {
        line = line.TrimEnd((byte)'\r');
        if (lineNumber == 0 && line.StartsWith(CapacityPrefix))
        {
            if (!int.TryParse(line[CapacityPrefix.Length..], out var capacity) || capacity < 0)
                throw new InvalidDataException("The ranks' capacity line holds no count.");
            tokens.EnsureCapacity(capacity);
            return;
        }
        var space = line.IndexOf((byte)' ');
        var base64 = space < 0 ? line : line[..space];
        if (space >= 0 && (!int.TryParse(line[(space + 1)..], out var rank) || rank != tokens.Count))
            throw new InvalidDataException($"Line {lineNumber + 1} of the ranks does not hold rank {tokens.Count}.");
        var destination = tokens.Reserve(Base64.GetMaxDecodedFromUtf8Length(base64.Length));
        if (base64.IsEmpty || Base64.DecodeFromUtf8(base64, destination, out _, out var written) != OperationStatus.Done)
            throw new InvalidDataException($"Line {lineNumber + 1} of the ranks is not a token in base64.");
        tokens.Add(written);
    }
}
