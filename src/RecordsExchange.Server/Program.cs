using RecordsExchange.Server.Extensions;

// Settings files ship beside the binary; relative paths inside them (database, certificates)
// are relative to the working directory, which `dotnet run` sets to the repository root.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddRecordsExchange();

var app = builder.Build();
app.MapRecordsExchange();
app.Run();
