using System.CommandLine;
using Grpc.Core;
using RecordsExchange.Client;
using RecordsExchange.Protos.V1;

namespace RecordsExchange.Cli.Commands;

/// <summary>`rx query notifications`: receive release notifications as an agency, acknowledging each if asked.</summary>
internal static class NotificationsCommand
{
    public static Command Create()
    {
        var arguments = new QueryArguments();
        var after = new Option<ulong>("--after") { Description = "Resume after this notification id (0: every unacknowledged one).", DefaultValueFactory = _ => 0 };
        var acknowledge = new Option<bool>("--ack") { Description = "Acknowledge each notification once printed, so it is not delivered again." };
        var idle = new Option<int>("--idle-seconds") { Description = "Stop after this many seconds without a new notification.", DefaultValueFactory = _ => 3 };
        var command = new Command("notifications", "Watch release notifications (for the agency's honored notification requests) and interview updates, from a resume cursor.");
        foreach (var option in new Option[] { arguments.Server, arguments.Certificate, arguments.CountyCa, after, acknowledge, idle })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(parse.InvocationConfiguration.Error, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            using var agency = AgencyConnection.Open(AgencyConnectionOptions.FromFiles(arguments.ServerFrom(parse), parse.GetRequiredValue(arguments.Certificate), parse.GetRequiredValue(arguments.CountyCa)));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var stream = agency.Records.WatchReleaseNotifications(new WatchReleaseNotificationsRequest { AfterNotificationId = parse.GetValue(after) }, cancellationToken: stop.Token);
            var received = 0;
            try
            {
                while (true)
                {
                    // Each wait for the next notification gets the idle budget afresh.
                    stop.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(idle)));
                    if (!await stream.ResponseStream.MoveNext(stop.Token))
                    {
                        break;
                    }
                    var message = stream.ResponseStream.Current;
                    received++;
                    var notificationId = message.Notification?.NotificationId ?? message.InterviewUpdate.NotificationId;
                    await output.WriteLineAsync(message.Notification is { } notification
                        ? QueryCommand.Describe(notification)
                        : $"notification {notificationId}: interview request {message.InterviewUpdate.InterviewRequestId} is {QueryCommand.Status(message.InterviewUpdate.Status)}");
                    if (parse.GetValue(acknowledge))
                    {
                        var ack = await agency.Records.AcknowledgeReleaseNotificationAsync(new AcknowledgeReleaseNotificationRequest { NotificationId = notificationId }, cancellationToken: cancellationToken);
                        await output.WriteLineAsync($"  acknowledged (decision {ack.DecisionId})");
                    }
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && !cancellationToken.IsCancellationRequested)
            {
                // The idle time ran out: the stream is caught up.
            }
            await output.WriteLineAsync($"{received} notification(s) received; resume with --after <last notification id>.");
            return 0;
        }));
        return command;
    }
}
