using System.Security.Claims;
using Dashboard.Alerts;
using Dashboard.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Api;

/// <summary>Body of an acknowledge request.</summary>
public sealed record AcknowledgeRequest(string? Note);

/// <summary>Body of a bulk acknowledge request.</summary>
public sealed record BulkAcknowledgeRequest(IReadOnlyList<long> Ids, string? Note);

/// <summary>Body of a shelve request; <see cref="Minutes"/> is the shelve duration.</summary>
public sealed record ShelveRequest(string? Reason, double Minutes);

/// <summary>An alert as the API returns it.</summary>
public sealed record AlertDto(
    long Id,
    long RuleId,
    string Site,
    string Asset,
    string Metric,
    string State,
    string Priority,
    string Message,
    double? Value,
    DateTimeOffset? ActivatedAt,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    string? ShelvedBy,
    DateTimeOffset? ShelvedUntil,
    string? ShelveReason,
    DateTimeOffset UpdatedAt)
{
    public static AlertDto From(AlertRecord alert) => new(
        alert.Id, alert.RuleId, alert.Asset.Site, alert.Asset.Asset, alert.Metric, alert.State.ToString(), alert.Priority.ToString(),
        alert.Message, alert.Value, alert.ActivatedAt, alert.AcknowledgedBy, alert.AcknowledgedAt, alert.ShelvedBy, alert.ShelvedUntil,
        alert.ShelveReason, alert.UpdatedAt);
}

/// <summary>A page of alerts and the number the filter matches.</summary>
public sealed record AlertPageDto(int Total, int Offset, IReadOnlyList<AlertDto> Items);

/// <summary>Outcome of one command, with the alert as it is now.</summary>
public sealed record AlertCommandDto(bool Succeeded, string Status, string Message, AlertDto? Alert);

public static class AlertEndpoints
{
    public static RouteGroupBuilder MapAlertEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/alerts").WithTags("Alerts");
        api.MapGet("/", ListAsync).WithName("ListAlerts")
            .WithSummary("Alerts filtered by state (comma-separated: Normal, ActiveUnacknowledged, …), priority, site, asset and update time, most urgent first.");
        api.MapGet("/{id:long}", Get).WithName("GetAlert");
        api.MapGet("/{id:long}/events", EventsAsync).WithName("GetAlertEvents").WithSummary("The journal of one alert: every transition with time, user and note.");
        api.MapPost("/{id:long}/ack", AcknowledgeAsync).WithName("AcknowledgeAlert").RequireAuthorization(Policies.Acknowledge)
            .WithSummary("Acknowledges an alert. 409 tells who acknowledged it first.");
        api.MapPost("/ack", AcknowledgeManyAsync).WithName("AcknowledgeAlerts").RequireAuthorization(Policies.Acknowledge).WithSummary("Acknowledges several alerts with one note.");
        api.MapPost("/{id:long}/shelve", ShelveAsync).WithName("ShelveAlert").RequireAuthorization(Policies.Shelve).WithSummary("Shelves an alert for a time with a reason.");
        api.MapPost("/{id:long}/unshelve", UnshelveAsync).WithName("UnshelveAlert").RequireAuthorization(Policies.Shelve);
        return api;
    }

    /// <summary>Returns the name recorded in the journal for the caller.</summary>
    public static string UserName(ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? name : "anonymous";

    private static async Task<Results<Ok<AlertPageDto>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? state, string? priority, string? site, string? asset, DateTimeOffset? from, DateTimeOffset? to, int? offset, int? limit,
        IServiceProvider services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var states = ParseList<AlertState>(state, "state", errors);
        var priorities = ParseList<AlertPriority>(priority, "priority", errors);
        var pageSize = limit ?? 50;
        if (pageSize is < 1 or > 1000)
        {
            errors["limit"] = [$"'limit' must be between 1 and 1000, but is {pageSize}."];
        }

        if (offset is < 0)
        {
            errors["offset"] = [$"'offset' must not be negative, but is {offset}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (services.GetService<AlertStore>() is not { } store)
        {
            return Unavailable();
        }

        var (items, total) = await store.QueryAsync(new AlertQuery(states, priorities, site, asset, from, to, offset ?? 0, pageSize), cancellationToken);
        return TypedResults.Ok(new AlertPageDto(total, offset ?? 0, items.Select(AlertDto.From).ToArray()));
    }

    private static Results<Ok<AlertDto>, ProblemHttpResult> Get(long id, AlertBoard board) =>
        board.Get(id) is { } alert ? TypedResults.Ok(AlertDto.From(alert)) : NotFound(id);

    private static async Task<Results<Ok<AlertEvent[]>, ProblemHttpResult>> EventsAsync(long id, AlertBoard board, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (board.Get(id) is null || services.GetService<AlertStore>() is not { } store)
        {
            return NotFound(id);
        }

        return TypedResults.Ok((await store.GetEventsAsync(id, cancellationToken)).ToArray());
    }

    private static async Task<Results<Ok<AlertCommandDto>, ProblemHttpResult, JsonHttpResult<AlertCommandDto>>> AcknowledgeAsync(
        long id, [FromBody] AcknowledgeRequest? request, ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<AlertService>() is not { } alerts)
        {
            return Unavailable();
        }

        return ToResult(await alerts.AcknowledgeAsync(id, UserName(user), request?.Note, cancellationToken));
    }

    private static async Task<Results<Ok<AlertCommandDto[]>, ProblemHttpResult>> AcknowledgeManyAsync(
        [FromBody] BulkAcknowledgeRequest request, ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<AlertService>() is not { } alerts)
        {
            return Unavailable();
        }

        if (request.Ids is null || request.Ids.Count == 0)
        {
            return TypedResults.Problem(title: "No alerts selected", detail: "'ids' must list at least one alert id.", statusCode: StatusCodes.Status400BadRequest);
        }

        var results = await alerts.AcknowledgeManyAsync(request.Ids, UserName(user), request.Note, cancellationToken);
        return TypedResults.Ok(results.Select(ToDto).ToArray());
    }

    private static async Task<Results<Ok<AlertCommandDto>, ProblemHttpResult, JsonHttpResult<AlertCommandDto>>> ShelveAsync(
        long id, [FromBody] ShelveRequest request, ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<AlertService>() is not { } alerts)
        {
            return Unavailable();
        }

        // Checked here in minutes, the unit of the request, because TimeSpan.FromMinutes throws on values
        // beyond about 1.5e10 minutes and would turn such a request into a 500.
        var maxShelve = alerts.Options.MaxShelveDuration;
        if (!double.IsFinite(request.Minutes) || request.Minutes <= 0 || request.Minutes > maxShelve.TotalMinutes)
        {
            var detail = FormattableString.Invariant(
                $"'minutes' must be more than 0 and at most {maxShelve.TotalMinutes} (Alerts:MaxShelveDuration is {maxShelve}), but is {request.Minutes}.");
            return TypedResults.Problem(title: "Invalid duration", detail: detail, statusCode: StatusCodes.Status400BadRequest);
        }

        return ToResult(await alerts.ShelveAsync(id, UserName(user), request.Reason, TimeSpan.FromMinutes(request.Minutes), cancellationToken));
    }

    private static async Task<Results<Ok<AlertCommandDto>, ProblemHttpResult, JsonHttpResult<AlertCommandDto>>> UnshelveAsync(
        long id, [FromBody] AcknowledgeRequest? request, ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<AlertService>() is not { } alerts)
        {
            return Unavailable();
        }

        return ToResult(await alerts.UnshelveAsync(id, UserName(user), request?.Note, cancellationToken));
    }

    private static Results<Ok<AlertCommandDto>, ProblemHttpResult, JsonHttpResult<AlertCommandDto>> ToResult(AlertCommandResult result) => result.Status switch
    {
        AlertCommandStatus.Succeeded => TypedResults.Ok(ToDto(result)),
        AlertCommandStatus.NotFound => TypedResults.Problem(title: "Alert not found", detail: result.Message, statusCode: StatusCodes.Status404NotFound),
        AlertCommandStatus.Invalid => TypedResults.Problem(title: "Invalid request", detail: result.Message, statusCode: StatusCodes.Status400BadRequest),
        AlertCommandStatus.Conflict => TypedResults.Json(ToDto(result), statusCode: StatusCodes.Status409Conflict),
        _ => TypedResults.Problem(title: "Alert store unavailable", detail: result.Message, statusCode: StatusCodes.Status503ServiceUnavailable),
    };

    private static AlertCommandDto ToDto(AlertCommandResult result) =>
        new(result.Succeeded, result.Status.ToString(), result.Message, result.Alert is { } alert ? AlertDto.From(alert) : null);

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(title: "Alert not found", detail: $"Alert {id} does not exist.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult Unavailable() =>
        TypedResults.Problem(title: "Alerts are disabled", detail: "This dashboard runs without alerts (Alerts:Enabled or Storage:Enabled is false).", statusCode: StatusCodes.Status503ServiceUnavailable);

    private static T[]? ParseList<T>(string? text, string name, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var values = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<T>(part, ignoreCase: true, out var value) || !Enum.IsDefined(value))
            {
                errors[name] = [$"'{part}' is not a valid {name}; use one or more of {string.Join(", ", Enum.GetNames<T>())}, separated by commas."];
                return null;
            }

            values.Add(value);
        }

        return values.ToArray();
    }
}
