using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Core.Tests;

public sealed class CheckpointTests
{
    private static readonly byte[] s_root = MerkleHash.Leaf([42]);

    public static TheoryData<int> ManyKeys => [.. Enumerable.Range(0, 50)];

    [Fact]
    public void Sign_ThenOpenWithTheVerifierKey_ReturnsTheCheckpoint()
    {
        using var key = LedgerSigningKey.Generate("county.example/ledger");
        var note = new Checkpoint("county.example/ledger", 1234, s_root).Sign(key);

        var opened = Checkpoint.Open(note, LedgerVerifierKey.Parse(key.VerifierKey.ToString()));

        Assert.Equal(("county.example/ledger", 1234L), (opened.Origin, opened.Size));
        Assert.Equal(s_root, opened.RootHash);
        Assert.StartsWith($"county.example/ledger\n1234\n{Convert.ToBase64String(s_root)}\n\n\u2014 county.example/ledger ", note);
    }

    [Theory]
    [InlineData("1234\n", "1235\n")]
    [InlineData("county.example/ledger\n", "county.example/other\n")]
    public void Open_AlteredBody_Refused(string original, string altered)
    {
        using var key = LedgerSigningKey.Generate("county.example/ledger");
        var note = new Checkpoint("county.example/ledger", 1234, s_root).Sign(key);

        Assert.Throws<FormatException>(() => Checkpoint.Open(note.Replace(original, altered), key.VerifierKey));
    }

    [Fact]
    public void Open_SignedByAnotherKeyWithTheSameName_Refused()
    {
        using var key = LedgerSigningKey.Generate("county.example/ledger");
        using var impostor = LedgerSigningKey.Generate("county.example/ledger");
        var note = new Checkpoint("county.example/ledger", 1, s_root).Sign(impostor);

        Assert.Throws<FormatException>(() => Checkpoint.Open(note, key.VerifierKey));
    }

    [Theory]
    [MemberData(nameof(ManyKeys))]
    public void SigningKey_TextRoundTrip_KeepsTheSameKey(int attempt)
    {
        // Many fresh keys, because a key's base64 may contain '+', the field separator.
        _ = attempt;
        using var key = LedgerSigningKey.Generate("county.example/ledger");
        using var again = LedgerSigningKey.Parse(key.ToPrivateText());

        Assert.Equal(key.VerifierKey.ToString(), again.VerifierKey.ToString());
        var note = new Checkpoint("county.example/ledger", 9, s_root).Sign(again);
        Assert.Equal(9, Checkpoint.Open(note, key.VerifierKey).Size);
    }

    [Fact]
    public void VerifierKey_WrongKeyId_Refused()
    {
        using var key = LedgerSigningKey.Generate("county.example/ledger");
        var parts = key.VerifierKey.ToString().Split('+', 3);

        Assert.Throws<FormatException>(() => LedgerVerifierKey.Parse($"{parts[0]}+00000000+{parts[2]}"));
    }
}
