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
    /// <remarks>
    /// The entries are chosen by the table's subject column, then the finished report is verified as an
    /// attorney would (<see cref="SubjectReport.Verify"/>): a stored column that disagrees with its signed
    /// record refuses the report rather than handing over an entry about someone else.
    /// </remarks>
    public static async Task<SubjectReport> BuildAsync(IDbContextFactory<RecordsDbContext> contexts, MerkleTree tree, StoredCheckpoint checkpoint,
        Func<string, string> sign, LedgerVerifierKey verifier,
        string bookingNumber, string? language, IReadOnlyDictionary<string, ReportTexts> texts, string county, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (checkpoint.TreeSize > tree.Size)
        {
            throw new InvalidOperationException($"The latest checkpoint covers {checkpoint.TreeSize} entries; this ledger has loaded {tree.Size}. Try again in a moment.");
        }
        await using var db = contexts.CreateDbContext();
        var booking = await db.Bookings.AsNoTracking().Include(b => b.Person).SingleOrDefaultAsync(b => b.BookingNumber == bookingNumber, cancellationToken)
            ?? throw new NotFoundException($"No booking {bookingNumber}.");
        var person = booking.Person!;
        var code = language ?? person.Language;
        var chosen = texts.GetValueOrDefault(code)
            ?? (language is null ? texts[ReportTexts.DefaultLanguage] : throw new ArgumentException($"No subject report texts for '{code}'; available: {string.Join(", ", texts.Keys.Order())}."));
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.SubjectKey == person.Id && e.Sequence <= checkpoint.TreeSize)
            .OrderBy(e => e.Sequence).Select(e => new { e.Sequence, e.CanonicalBytes }).ToListAsync(cancellationToken);
        var report = SubjectReport.Build(county, chosen, now, $"{person.FirstName} {person.LastName}", bookingNumber, person.Id, checkpoint.Note,
            Checkpoint.Open(checkpoint.Note, verifier), sign, entries.Select(e => (e.CanonicalBytes, (IReadOnlyList<byte[]>)tree.InclusionProof(e.Sequence - 1, checkpoint.TreeSize))));
        var problems = report.Verify(verifier, texts);
        return problems.Count == 0 ? report : throw new InvalidOperationException($"The subject access report does not verify, so it is not given out: {string.Join("; ", problems)}");
    }
}
