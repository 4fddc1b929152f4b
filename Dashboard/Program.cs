using Dashboard.Cli;
using Dashboard.Hosting;

if (Commands.IsCommand(args))
{
    return await Commands.RunAsync(args);
}

await DashboardApp.Build(args).RunAsync();
return 0;
