namespace RecordsExchange.Core.Ledger;

/// <summary>Reads the ledger signing key from its file, creating it (and the public .vkey beside it) when allowed.</summary>
public static class LedgerKeyFile
{
    public static LedgerSigningKey Load(LedgerOptions options) => LedgerSigningKey.Parse(File.ReadAllText(options.SigningKeyPath));

    /// <summary>Creates the key files when the signing key does not exist; returns true when it created them.</summary>
    public static bool EnsureCreated(LedgerOptions options)
    {
        if (File.Exists(options.SigningKeyPath))
        {
            return false;
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.SigningKeyPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        using var key = LedgerSigningKey.Generate(options.Origin);
        File.WriteAllText(options.VerifierKeyPath, key.VerifierKey + "\n");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var writer = new StreamWriter(options.SigningKeyPath, fileOptions);
        writer.WriteLine(key.ToPrivateText());
        return true;
    }
}
