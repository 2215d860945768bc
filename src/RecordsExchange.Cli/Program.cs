using RecordsExchange.Cli;

return await RxCommand.BuildRootCommand().Parse(args).InvokeAsync();
