using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RecordsExchange.Core.Ledger;

/// <summary>
/// A C2SP tlog-checkpoint: the ledger's origin, tree size and root hash, signed as a C2SP signed
/// note with the ledger's Ed25519 key. Anyone holding the verifier key can check it with public tools.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, byte[] RootHash)
{
    /// <summary>The checkpoint body: origin, size and base64 root, each on its own line.</summary>
    public string Body => $"{Origin}\n{Size.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(RootHash)}\n";

    /// <summary>The signed note: the body, a blank line, and one signature line.</summary>
    public string Sign(LedgerSigningKey key) => SignedNote.Sign(Body, key);

    /// <summary>Checks the note's signature by <paramref name="key"/> and reads the checkpoint; throws <see cref="FormatException"/> otherwise.</summary>
    public static Checkpoint Open(string note, LedgerVerifierKey key)
    {
        var body = SignedNote.Open(note, key);
        var lines = body.Split('\n');
        if (lines.Length < 4 || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw new FormatException("The checkpoint body must be origin, size and root hash lines.");
        }
        var root = Convert.FromBase64String(lines[2]);
        if (root.Length != MerkleHash.Size)
        {
            throw new FormatException("The checkpoint's root hash is not 32 bytes.");
        }
        return new Checkpoint(lines[0], size, root);
    }
}

/// <summary>
/// A C2SP signed note: a text body, a blank line, and signature lines ("— name base64(keyid ‖ Ed25519
/// signature)"). Checkpoints are one; the county's statements about a subject access report are another.
/// </summary>
public static class SignedNote
{
    private const string SignaturePrefix = "\u2014 ";

    public static string Sign(string body, LedgerSigningKey key)
    {
        var signature = key.Sign(Encoding.UTF8.GetBytes(body));
        var blob = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, key.VerifierKey.KeyId);
        signature.CopyTo(blob, 4);
        return $"{body}\n{SignaturePrefix}{key.Name} {Convert.ToBase64String(blob)}\n";
    }

    /// <summary>The body of a note signed by <paramref name="key"/>; throws <see cref="FormatException"/> when it is not.</summary>
    public static string Open(string note, LedgerVerifierKey key)
    {
        var split = note.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new FormatException("The note has no signature block.");
        }
        var body = note[..(split + 1)];
        var signed = false;
        foreach (var line in note[(split + 2)..].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
            {
                throw new FormatException("A signature line must start with an em dash and a space.");
            }
            var fields = line[SignaturePrefix.Length..].Split(' ');
            if (fields.Length != 2 || fields[0] != key.Name)
            {
                continue;
            }
            var blob = Convert.FromBase64String(fields[1]);
            if (blob.Length == 68 && BinaryPrimitives.ReadUInt32BigEndian(blob) == key.KeyId
                && key.Verify(Encoding.UTF8.GetBytes(body), blob.AsSpan(4)))
            {
                signed = true;
            }
        }
        return signed ? body : throw new FormatException($"The note is not signed by {key.Name}+{key.KeyIdHex}.");
    }
}
