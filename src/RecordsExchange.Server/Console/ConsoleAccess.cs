using Microsoft.AspNetCore.Http.HttpResults;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Certificates;
using RecordsExchange.Core.Clients;
using RecordsExchange.Data;

namespace RecordsExchange.Server.Console;

/// <summary>Who is looking: the registered client behind the browser's certificate.</summary>
public sealed record ConsoleViewer(AgencyClient Client)
{
    public bool Oversight => Client.HasScope(Scopes.Oversight);
    public bool Staff => Client.HasScope(Scopes.CountyStaff);
}

/// <summary>Which scope a console page needs.</summary>
public enum ConsoleRole
{
    /// <summary>Oversight bodies: the ledger, policies, detainers (read-only).</summary>
    Oversight,

    /// <summary>Jail staff: recording that a notice was served.</summary>
    Staff,

    /// <summary>Either: the overview, notices and subject access reports.</summary>
    Either,
}

/// <summary>What a page view or action is about, for its ledger entry.</summary>
public sealed record ConsoleSubject(string Description, string? Identifier = null, long? SubjectKey = null);

/// <summary>
/// Admits a browser to a console page. The TLS handshake already required a certificate that chains to
/// the county CA; here the client register decides, as for an agency call: the certificate must belong
/// to an active client holding the page's scope. Every view and action, admitted or refused, is a
/// ledger entry (method <c>web/PAGE</c>), durable before the page is sent, so the overseers are in
/// the same record as those they oversee. A form post must come from the console's own pages (its
/// Origin): the browser sends the client certificate with any site's request, so that is what stops
/// another site from posting on a staff member's behalf.
/// </summary>
public sealed class ConsoleAccess(AgencyClientRegistry registry, IAuditLedger ledger, TimeProvider time, ILogger<ConsoleAccess> logger)
{
    /// <summary>Where the view's ledger sequence number is kept for the page to show.</summary>
    public const string EntryKey = "console.entry";

    public async Task<(ConsoleViewer? Viewer, IResult? Refusal)> AdmitAsync(HttpContext http, string page, ConsoleRole role, ConsoleSubject subject)
    {
        var certificate = http.Connection.ClientCertificate ?? throw new InvalidOperationException("The agency listener requires a client certificate at the handshake.");
        var thumbprint = CertificateAuthority.Thumbprint(certificate);
        var client = await registry.FindActiveByThumbprintAsync(thumbprint, http.RequestAborted);
        var entry = new AuditEntry
        {
            RecordedAt = time.GetUtcNow(),
            RequestId = Guid.NewGuid().ToString("N"),
            TraceId = System.Diagnostics.Activity.Current?.TraceId.ToString(),
            Method = "web/" + page,
            ClientId = client?.ClientId,
            AgencyIdentifier = client?.AgencyIdentifier,
            CertificateThumbprint = thumbprint,
            SubjectIdentifier = Pipeline.CallAudit.Clip(subject.Identifier, Pipeline.CallAudit.TextLimit),
            SubjectKey = subject.SubjectKey,
            StatusCode = "OK",
        };
        string? refusal = null;
        if (client is null)
        {
            (entry.Decision, entry.StatusCode, entry.RuleId) = (AuditDecision.Unauthenticated, "Unauthenticated", "console.unregistered");
            refusal = "This certificate is not registered to an active client of the county.";
        }
        else if (!Allowed(new ConsoleViewer(client), role))
        {
            (entry.Decision, entry.StatusCode, entry.RuleId) = (AuditDecision.Deny, "PermissionDenied", "console.scope");
            refusal = role switch
            {
                ConsoleRole.Oversight => "This page needs the oversight scope.",
                ConsoleRole.Staff => "This action needs the county.staff scope.",
                _ => "The console needs the oversight or county.staff scope.",
            };
        }
        else if (AgencyScopes.Any(client.HasScope))
        {
            // One certificate for asking about people and for overseeing those who ask is a mistake in the register.
            (entry.Decision, entry.StatusCode, entry.RuleId) = (AuditDecision.Deny, "PermissionDenied", "console.agency-scopes");
            refusal = "This client also holds agency scopes; a console certificate must hold only oversight or county.staff.";
        }
        else if (CrossSite(http.Request))
        {
            (entry.Decision, entry.StatusCode, entry.RuleId) = (AuditDecision.Deny, "PermissionDenied", "console.cross-site");
            refusal = "A console request must come from the console's own pages.";
        }
        else
        {
            (entry.Decision, entry.RuleId) = (AuditDecision.Permit, role == ConsoleRole.Staff ? "console.staff" : "console.view");
        }
        entry.Reason = Pipeline.CallAudit.Clip(refusal ?? subject.Description, Pipeline.CallAudit.LongTextLimit);
        try
        {
            http.Items[EntryKey] = await ledger.AppendAsync(entry, http.RequestAborted);
        }
        catch (RecordsExchangeException ex) when (ex is AuditUnavailableException or Data.Ledger.LedgerBusyException)
        {
            logger.LogError(ex, "Audit append failed for console page {Page}; nothing was shown", page);
            return (null, Results.Text("The audit ledger is unavailable; nothing was shown. Retry later.\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable));
        }
        return refusal is null
            ? (new ConsoleViewer(client!), null)
            : (null, new RazorComponentResult<Pages.Refused>(new { Message = refusal, Sequence = entry.Sequence }) { StatusCode = StatusCodes.Status403Forbidden });
    }

    private static bool Allowed(ConsoleViewer viewer, ConsoleRole role) => role switch
    {
        ConsoleRole.Oversight => viewer.Oversight,
        ConsoleRole.Staff => viewer.Staff,
        _ => viewer.Oversight || viewer.Staff,
    };

    private static readonly string[] AgencyScopes = [Scopes.History, Scopes.Release, Scopes.Detainers, Scopes.Notifications, Scopes.Interviews, Scopes.Ingest];

    /// <summary>
    /// A request another site made the browser send: a form post whose Origin is not the console's, or
    /// anything but a top-level navigation from another site (an image or script pointing here would
    /// otherwise write page views, even make reports, in a staff member's name).
    /// </summary>
    private static bool CrossSite(HttpRequest request)
    {
        if (HttpMethods.IsPost(request.Method))
        {
            return request.Headers.Origin.ToString() is not { Length: > 0 } origin
                || !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
        }
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        return site is "cross-site" or "same-site"
            && !(request.Headers["Sec-Fetch-Mode"] == "navigate" && request.Headers["Sec-Fetch-Dest"] == "document");
    }
}
