using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace RecordsExchange.Core.Ledger;

/// <summary>
/// The ledger's Ed25519 checkpoint-signing key, in the signed-note text form
/// (PRIVATE+KEY+name+keyid+base64(0x01 ‖ seed)) that public note tools read.
/// </summary>
public sealed class LedgerSigningKey : IDisposable
{
    private const string Prefix = "PRIVATE+KEY+";
    private static readonly SignatureAlgorithm s_ed25519 = SignatureAlgorithm.Ed25519;
    private readonly Key _key;

    private LedgerSigningKey(string name, Key key)
    {
        Name = name;
        _key = key;
        VerifierKey = new LedgerVerifierKey(name, key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public string Name { get; }
    public LedgerVerifierKey VerifierKey { get; }

    /// <summary>A new random key; <paramref name="name"/> is the ledger's origin.</summary>
    public static LedgerSigningKey Generate(string name) =>
        new(LedgerVerifierKey.CheckName(name), Key.Create(s_ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>Reads the text form written by <see cref="ToPrivateText"/>.</summary>
    public static LedgerSigningKey Parse(string text)
    {
        // Base64 may itself contain '+', so only the leading fields are split off.
        var parts = text.Trim().Split('+', 5);
        if (parts.Length != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY")
        {
            throw new FormatException("A ledger signing key reads PRIVATE+KEY+name+keyid+base64(0x01 || seed).");
        }
        var blob = Convert.FromBase64String(parts[4]);
        if (blob.Length != 33 || blob[0] != 0x01)
        {
            throw new FormatException("The signing key is not an Ed25519 key.");
        }
        var key = Key.Import(s_ed25519, blob.AsSpan(1), KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var signing = new LedgerSigningKey(parts[2], key);
        if (!string.Equals(parts[3], signing.VerifierKey.KeyIdHex, StringComparison.Ordinal))
        {
            signing.Dispose();
            throw new FormatException("The signing key's id does not match its name and key.");
        }
        return signing;
    }

    public string ToPrivateText() =>
        $"{Prefix}{Name}+{VerifierKey.KeyIdHex}+{Convert.ToBase64String([0x01, .. _key.Export(KeyBlobFormat.RawPrivateKey)])}";

    /// <summary>Signs a note's text; returns the 64-byte Ed25519 signature.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => s_ed25519.Sign(_key, message);

    public void Dispose() => _key.Dispose();
}

/// <summary>The public half, in signed-note verifier-key form: name+keyid+base64(0x01 ‖ public key).</summary>
public sealed class LedgerVerifierKey
{
    private static readonly SignatureAlgorithm s_ed25519 = SignatureAlgorithm.Ed25519;
    private readonly PublicKey _publicKey;

    public LedgerVerifierKey(string name, byte[] publicKey)
    {
        Name = CheckName(name);
        _publicKey = PublicKey.Import(s_ed25519, publicKey, KeyBlobFormat.RawPublicKey);
        // Key id: the first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), as the note format defines it.
        var hash = SHA256.HashData([.. Encoding.UTF8.GetBytes(name), (byte)'\n', 0x01, .. publicKey]);
        KeyId = BinaryPrimitives.ReadUInt32BigEndian(hash);
        PublicKeyBytes = publicKey;
    }

    public string Name { get; }
    public uint KeyId { get; }
    public string KeyIdHex => KeyId.ToString("x8", CultureInfo.InvariantCulture);
    public byte[] PublicKeyBytes { get; }

    public static LedgerVerifierKey Parse(string text)
    {
        var parts = text.Trim().Split('+', 3);
        if (parts.Length != 3)
        {
            throw new FormatException("A ledger verifier key reads name+keyid+base64(0x01 || public key).");
        }
        var blob = Convert.FromBase64String(parts[2]);
        if (blob.Length != 33 || blob[0] != 0x01)
        {
            throw new FormatException("The verifier key is not an Ed25519 key.");
        }
        var key = new LedgerVerifierKey(parts[0], blob[1..]);
        return key.KeyIdHex == parts[1] ? key : throw new FormatException("The verifier key's id does not match its name and key.");
    }

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => s_ed25519.Verify(_publicKey, message, signature);

    public override string ToString() => $"{Name}+{KeyIdHex}+{Convert.ToBase64String([0x01, .. PublicKeyBytes])}";

    internal static string CheckName(string name) =>
        name.Length > 0 && !name.Any(c => char.IsWhiteSpace(c) || c == '+' || char.IsControl(c))
            ? name
            : throw new FormatException("A key name is non-empty and has no spaces or '+'.");
}
