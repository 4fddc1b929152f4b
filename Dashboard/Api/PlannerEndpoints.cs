using System.Globalization;
using CsvHelper;
using Dashboard.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Api;

/// <summary>One row of the maintenance plan in the API.</summary>
public sealed record PlanRowDto(string Site, string Asset, string Model, DateTimeOffset EstimatedAt, double? Health, double Rul, double? RulLower, double? RulUpper, string Unit, double Due)
{
    public static PlanRowDto From(PlanRow row) => new(
        row.Asset.Site, row.Asset.Asset, row.Model, row.EstimatedAt, row.Health, row.Rul.Value, row.Rul.Lower, row.Rul.Upper,
        row.Rul.Unit.ToString().ToLowerInvariant(), row.Due);
}

public static class PlannerEndpoints
{
    public static RouteGroupBuilder MapPlannerEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/planner").WithTags("Planner");
        api.MapGet("/", (double? within, string? unit, MaintenancePlan plan) => Query(within, unit, plan, rows => TypedResults.Ok(rows.Select(PlanRowDto.From).ToArray())))
            .WithName("GetMaintenancePlan")
            .WithSummary("Assets ranked by the lower bound of their RUL; 'within' and 'unit' (cycles, hours, days) keep those due within a horizon.");
        api.MapGet("/plan.csv", (double? within, string? unit, MaintenancePlan plan) => Query(within, unit, plan, rows => TypedResults.File(Csv(rows), "text/csv", "maintenance-plan.csv")))
            .WithName("ExportMaintenancePlan")
            .WithSummary("The maintenance plan as CSV.");
        return api;
    }

    /// <summary>
    /// Writes the plan as CSV with a header row, invariant number format and ISO-8601 UTC times. Text that a
    /// spreadsheet would run as a formula (a leading =, +, - or @) is escaped.
    /// </summary>
    public static byte[] Csv(IEnumerable<PlanRow> rows)
    {
        using var buffer = new MemoryStream();
        var options = new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture, Injection = CsvInjection.Escape };
        using (var csv = CsvWriter.Create(buffer, options, true))
        {
            csv.WriteHeader(["site", "asset", "model", "estimated_at", "health", "rul", "rul_lower", "rul_upper", "unit", "due"]);
            foreach (var row in rows)
            {
                csv.WriteField(row.Asset.Site);
                csv.WriteField(row.Asset.Asset);
                csv.WriteField(row.Model);
                csv.WriteField(row.EstimatedAt.ToUniversalTime(), "yyyy-MM-dd'T'HH:mm:ss'Z'");
                csv.WriteField((object?)row.Health);
                csv.WriteField(row.Rul.Value);
                csv.WriteField((object?)row.Rul.Lower);
                csv.WriteField((object?)row.Rul.Upper);
                csv.WriteField(row.Rul.Unit.ToString().ToLowerInvariant());
                csv.WriteField(row.Due);
                csv.EndRecord();
            }
        }

        return buffer.ToArray();
    }

    private static Results<T, ValidationProblem> Query<T>(double? within, string? unit, MaintenancePlan plan, Func<IReadOnlyList<PlanRow>, T> respond)
        where T : IResult
    {
        var parsedUnit = RulUnit.Cycles;
        if (unit is not null && !Enum.TryParse(unit, ignoreCase: true, out parsedUnit))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["unit"] = [$"'unit' must be cycles, hours or days, but is '{unit}'."] });
        }

        if (within is { } horizon && (!double.IsFinite(horizon) || horizon < 0))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["within"] = [$"'within' must be a number of at least 0, but is {horizon}."] });
        }

        return respond(plan.Rows(within, parsedUnit));
    }
}
