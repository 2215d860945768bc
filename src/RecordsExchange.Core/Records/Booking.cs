namespace RecordsExchange.Core.Records;

/// <summary>One stay in county custody, from booking to release or transfer.</summary>
public sealed class Booking
{
    public long Id { get; set; }
    public long PersonId { get; set; }
    public Person? Person { get; set; }
    public required string BookingNumber { get; set; }
    public DateTimeOffset BookedAt { get; set; }
    public CustodyState Custody { get; set; }

    /// <summary>Null while no release date has been set.</summary>
    public DateOnly? ScheduledReleaseDate { get; set; }

    public DateTimeOffset? ReleasedAt { get; set; }
}

/// <summary>Where a booking stands.</summary>
public enum CustodyState
{
    InCustody = 1,
    Released = 2,
    Transferred = 3,
}
