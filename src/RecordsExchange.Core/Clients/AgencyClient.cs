namespace RecordsExchange.Core.Clients;

/// <summary>An agency system the county has registered, and the certificates it may present.</summary>
public sealed class AgencyClient
{
    /// <summary>County-assigned client id, for example "ice-sf-ero".</summary>
    public required string ClientId { get; set; }
    public required string DisplayName { get; set; }

    /// <summary>The agency's own identifier, such as its NCIC Originating Agency Identifier (ORI).</summary>
    public required string AgencyIdentifier { get; set; }

    public ClientStatus Status { get; set; } = ClientStatus.Active;

    /// <summary>Space-separated capabilities, for example "records.history records.release"; see <see cref="Scopes"/>.</summary>
    public string Scopes { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
    public List<AgencyCertificate> Certificates { get; set; } = [];

    public bool HasScope(string scope) =>
        scope == Clients.Scopes.AnyClient || Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal);
}

/// <summary>A client certificate registered to an agency client, known by its SHA-256 thumbprint.</summary>
public sealed class AgencyCertificate
{
    /// <summary>Lower-case hex SHA-256 of the DER certificate.</summary>
    public required string Thumbprint { get; set; }
    public required string ClientId { get; set; }
    public required string Subject { get; set; }
    public DateTimeOffset NotBefore { get; set; }
    public DateTimeOffset NotAfter { get; set; }
    public ClientStatus Status { get; set; } = ClientStatus.Active;
    public DateTimeOffset AddedAt { get; set; }
}

public enum ClientStatus
{
    Active = 1,
    Revoked = 2,
}
