using Google.Protobuf;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Core.Ledger;

/// <summary>
/// The export file: length-delimited protobuf messages, one <see cref="LedgerExportHeader"/> then one
/// <see cref="LedgerExportEntry"/> per entry, so any protobuf library can read it and it streams.
/// </summary>
public static class LedgerExportFile
{
    public static void WriteHeader(Stream stream, LedgerExportHeader header) => header.WriteDelimitedTo(stream);

    public static void WriteEntry(Stream stream, byte[] canonicalBytes) =>
        new LedgerExportEntry { CanonicalBytes = ByteString.CopyFrom(canonicalBytes) }.WriteDelimitedTo(stream);

    public static LedgerExportHeader ReadHeader(Stream stream) => LedgerExportHeader.Parser.ParseDelimitedFrom(stream);

    /// <summary>The entries' canonical bytes, in file order.</summary>
    public static IEnumerable<byte[]> ReadEntries(Stream stream, ulong count)
    {
        for (ulong i = 0; i < count; i++)
        {
            yield return LedgerExportEntry.Parser.ParseDelimitedFrom(stream).CanonicalBytes.ToByteArray();
        }
    }
}
