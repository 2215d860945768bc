using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RecordsExchange.Core.Requests;
using RecordsExchange.Protos.V1;
using Domain = RecordsExchange.Core.Records;

namespace RecordsExchange.Server.Services;

/// <summary>The agency-facing records service: map the request, ask the domain, map the answer.</summary>
public sealed class RecordsGrpcService(RecordsQueries queries) : RecordsService.RecordsServiceBase
{
    public override async Task<GetCriminalHistoryResponse> GetCriminalHistory(GetCriminalHistoryRequest request, ServerCallContext context)
    {
        var person = await queries.GetCriminalHistoryAsync(request, context.CancellationToken);
        var response = new GetCriminalHistoryResponse { Person = MapToSummary(person) };
        response.Charges.AddRange(person.Charges.Select(MapToCharge));
        return response;
    }

    public override async Task<GetReleaseInfoResponse> GetReleaseInfo(GetReleaseInfoRequest request, ServerCallContext context)
    {
        var (person, booking) = await queries.GetReleaseInfoAsync(request, context.CancellationToken);
        var response = new GetReleaseInfoResponse { Person = MapToSummary(person), CustodyStatus = CustodyStatus.Unspecified };
        if (booking is not null)
        {
            response.BookingNumber = booking.BookingNumber;
            response.CustodyStatus = (CustodyStatus)(int)booking.Custody;
            response.ScheduledReleaseDate = booking.ScheduledReleaseDate?.ToCalendarDate();
            response.ReleasedAt = booking.ReleasedAt is { } released ? Timestamp.FromDateTimeOffset(released) : null;
        }
        return response;
    }

    // Identifying fields only: address, phone and anything else non-public never leave the server.
    private static PersonSummary MapToSummary(Domain.Person person) => new()
    {
        CountyPersonNumber = person.CountyPersonNumber,
        LastName = person.LastName,
        FirstName = person.FirstName,
        DateOfBirth = person.DateOfBirth.ToCalendarDate(),
        FbiNumber = person.FbiNumber ?? "",
        StateId = person.StateId ?? "",
        Synthetic = person.Synthetic,
    };

    private static Charge MapToCharge(Domain.Charge charge) => new()
    {
        BookingNumber = charge.Booking?.BookingNumber ?? "",
        Statute = charge.Statute,
        Description = charge.Description,
        OffenseCategory = (OffenseCategory)(int)charge.Category,
        Level = (OffenseLevel)(int)charge.Level,
        SeriousFelony = charge.SeriousFelony,
        ViolentFelony = charge.ViolentFelony,
        OffenseDate = charge.OffenseDate.ToCalendarDate(),
        Disposition = charge.Disposition is { } d ? MapToDisposition(d) : null,
    };

    private static Disposition MapToDisposition(Domain.Disposition disposition) => new()
    {
        Result = (DispositionResult)(int)disposition.Result,
        DispositionDate = disposition.DispositionDate.ToCalendarDate(),
        ConvictedLevel = disposition.ConvictedLevel is { } level ? (OffenseLevel)(int)level : OffenseLevel.Unspecified,
        Prop47Reduced = disposition.Prop47Reduced,
        Sentence = (SentenceType)(int)disposition.Sentence,
    };
}
