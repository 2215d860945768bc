using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core;
using RecordsExchange.Core.Ledger;
using RecordsExchange.Core.Reports;

namespace RecordsExchange.Data.Ledger;

/// <summary>
/// Makes a person's subject access report: found by booking number, every entry whose subject is that
/// person up to the checkpoint, each with its inclusion proof from the ledger's tree. Used by the
/// console and by <c>rx report subject</c>, so both give the same report.
/// </summary>
public static class SubjectReports
{
    public static async Task<SubjectReport> BuildAsync(IDbContextFactory<RecordsDbContext> contexts, MerkleTree tree, StoredCheckpoint checkpoint,
        string bookingNumber, string? language, IReadOnlyDictionary<string, ReportTexts> texts, string county, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Person).SingleOrDefaultAsync(b => b.BookingNumber == bookingNumber, cancellationToken)
            ?? throw new NotFoundException($"No booking {bookingNumber}.");
        var person = booking.Person!;
        var code = language ?? person.Language;
        var chosen = texts.GetValueOrDefault(code)
            ?? (language is null ? texts[ReportTexts.DefaultLanguage] : throw new ArgumentException($"No subject report texts for '{code}'; available: {string.Join(", ", texts.Keys.Order())}."));
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.SubjectKey == person.Id && e.Sequence <= checkpoint.TreeSize)
            .OrderBy(e => e.Sequence).Select(e => new { e.Sequence, e.CanonicalBytes }).ToListAsync(cancellationToken);
        return SubjectReport.Build(county, chosen, now, $"{person.FirstName} {person.LastName}", bookingNumber, person.Id, checkpoint.Note,
            entries.Select(e => (e.CanonicalBytes, (IReadOnlyList<byte[]>)tree.InclusionProof(e.Sequence - 1, checkpoint.TreeSize))));
    }
}
