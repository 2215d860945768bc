using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using RecordsExchange.Core;
using RecordsExchange.Core.Audit;
using RecordsExchange.Core.Ledger;

namespace RecordsExchange.Data.Ledger;

/// <summary>
/// The audit ledger's single writer. Calls enqueue their entry in a bounded queue; the writer takes
/// everything waiting (up to a batch), assigns the next sequence numbers inside one database
/// transaction, seals each entry (canonical bytes and leaf hash), commits durably, extends the
/// in-memory Merkle tree, and only then releases the waiting calls. If the commit fails, every call
/// in the batch fails and nothing of the batch is in the tree. One fsync serves a whole batch.
/// </summary>
public sealed class GroupCommitLedger : IAuditLedger, IAsyncDisposable
{
    private readonly IDbContextFactory<RecordsDbContext> _contexts;
    private readonly Channel<Pending> _queue;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _enqueueTimeout;
    private TaskCompletionSource _committed = NewSignal();
    private Task? _writer;

    private readonly LedgerWriteGate? _gate;

    public GroupCommitLedger(IDbContextFactory<RecordsDbContext> contexts, LedgerOptions options, LedgerWriteGate? gate = null)
    {
        _contexts = contexts;
        _gate = gate;
        _maxBatchSize = options.MaxBatchSize;
        _enqueueTimeout = options.EnqueueTimeout;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The Merkle tree of every committed entry; leaf i is sequence i + 1.</summary>
    public MerkleTree Tree { get; } = new();

    /// <summary>Loads the committed leaves, checking that sequence numbers run from 1 without gaps, and starts the writer.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_writer is not null)
        {
            return;
        }
        await using (var db = _contexts.CreateDbContext())
        {
            await LoadLeavesAsync(db, cancellationToken);
        }
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
    }

    public async Task<long> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        if (_writer is null)
        {
            throw new InvalidOperationException("The ledger is not initialized.");
        }
        var pending = new Pending(entry);
        if (!_queue.Writer.TryWrite(pending))
        {
            using var timeout = new CancellationTokenSource(_enqueueTimeout);
            try
            {
                await _queue.Writer.WriteAsync(pending, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new LedgerBusyException();
            }
            catch (ChannelClosedException ex)
            {
                throw new AuditUnavailableException(ex);
            }
        }
        return await pending.Completion.Task;
    }

    /// <summary>Completes when an entry after <paramref name="sequence"/> is committed (at once if one already is).</summary>
    public Task WaitForEntriesAfterAsync(long sequence, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _committed);
        return Tree.Size > sequence ? Task.CompletedTask : signal.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_maxBatchSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            await CommitAsync(batch);
            batch.Clear();
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        using var turn = _gate is null ? null : await _gate.EnterAsync(CancellationToken.None);
        try
        {
            await using var db = _contexts.CreateDbContext();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var transaction = await db.Database.BeginTransactionAsync();
            // The sequence is taken inside the transaction that holds the write lock, so two
            // writers (another process, another node) can never assign the same number.
            var last = await LastSequenceAsync(db);
            if (last != Tree.Size)
            {
                await LoadLeavesAsync(db, CancellationToken.None);
            }
            foreach (var pending in batch)
            {
                pending.Entry.Sequence = ++last;
                AuditCanonical.Seal(pending.Entry);
            }
            if (db.Database.IsSqlite())
            {
                await InsertSqliteAsync(db, batch);
            }
            else
            {
                db.AuditEntries.AddRange(batch.Select(p => p.Entry));
                await db.SaveChangesAsync();
            }
            await transaction.CommitAsync();
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Entry.Sequence = 0;
                pending.Completion.TrySetException(new AuditUnavailableException(ex));
            }
            return;
        }

        foreach (var pending in batch)
        {
            Tree.Append(pending.Entry.LeafHash);
        }
        Interlocked.Exchange(ref _committed, NewSignal()).TrySetResult();
        foreach (var pending in batch)
        {
            pending.Completion.TrySetResult(pending.Entry.Sequence);
        }
    }

    /// <summary>
    /// SQLite: one prepared INSERT run for each entry of the batch inside the transaction, the columns and
    /// their conversions taken from EF's model of the table (so the rows are those SaveChanges would
    /// write), without EF's per-entity change tracking and command building, the writer's main cost.
    /// </summary>
    private static async Task InsertSqliteAsync(RecordsDbContext db, List<Pending> batch)
    {
        var columns = s_sqliteColumns ??= SqliteColumns(db);
        await using var command = (Microsoft.Data.Sqlite.SqliteCommand)db.Database.GetDbConnection().CreateCommand();
        command.Transaction = (Microsoft.Data.Sqlite.SqliteTransaction)Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(db.Database.CurrentTransaction!);
        command.CommandText = $"INSERT INTO \"{s_sqliteTable}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
        var parameters = columns.Select((_, i) => command.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("$p" + i, null))).ToArray();
        command.Prepare();
        foreach (var pending in batch)
        {
            for (var i = 0; i < columns.Length; i++)
            {
                var value = columns[i].Get(pending.Entry);
                parameters[i].Value = (value is null ? null : columns[i].Convert is { } convert ? convert.ConvertToProvider(value) : value) ?? DBNull.Value;
            }
            await command.ExecuteNonQueryAsync();
        }
    }

    // What SaveChanges would write, property by property; a model this simple mapping cannot write as
    // SaveChanges would (a shadow or owned property, a database default) is refused rather than half-written.
    private static (string, Func<AuditEntry, object?>, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter?)[] SqliteColumns(RecordsDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(AuditEntry))!;
        var properties = entity.GetProperties().ToList();
        if (entity.GetNavigations().Any() || properties.Any(p => p.IsShadowProperty() || p.GetDefaultValueSql() is not null || p.TryGetDefaultValue(out _)))
        {
            throw new InvalidOperationException("The audit entry's model has a shadow, owned or defaulted property; the ledger's direct insert does not write those.");
        }
        s_sqliteTable = entity.GetTableName()!;
        return [.. properties.Select(p => (p.GetColumnName(), (Func<AuditEntry, object?>)(e => p.GetGetter().GetClrValue(e)), p.GetTypeMapping().Converter))];
    }

    private static string s_sqliteTable = "";

    private static (string Name, Func<AuditEntry, object?> Get, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Convert)[]? s_sqliteColumns;

    // SQLite's write transaction already excludes other writers; SQL Server needs the range locked
    // until commit, or two nodes could read the same maximum.
    private static async Task<long> LastSequenceAsync(RecordsDbContext db) => db.Database.IsSqlServer()
        ? await db.Database.SqlQueryRaw<long?>("SELECT MAX([Sequence]) AS [Value] FROM [AuditEntries] WITH (UPDLOCK, HOLDLOCK)").SingleAsync() ?? 0
        : await db.AuditEntries.MaxAsync(e => (long?)e.Sequence) ?? 0;

    // Appends to the tree every committed leaf it does not hold yet.
    private async Task LoadLeavesAsync(RecordsDbContext db, CancellationToken cancellationToken)
    {
        var from = Tree.Size;
        var leaves = db.AuditEntries.AsNoTracking()
            .Where(e => e.Sequence > from)
            .OrderBy(e => e.Sequence)
            .Select(e => new { e.Sequence, e.LeafHash })
            .AsAsyncEnumerable();
        await foreach (var leaf in leaves.WithCancellation(cancellationToken))
        {
            if (leaf.Sequence != Tree.Size + 1)
            {
                throw new InvalidOperationException($"The audit ledger has a gap: entry {Tree.Size + 1} is missing. Run `rx audit verify --db`.");
            }
            Tree.Append(leaf.LeafHash);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record Pending(AuditEntry Entry)
    {
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The ledger's queue stayed full: the call is refused rather than left to pile up.</summary>
public sealed class LedgerBusyException()
    : RecordsExchangeException("The audit ledger is saturated; nothing was disclosed. Retry with backoff.");
