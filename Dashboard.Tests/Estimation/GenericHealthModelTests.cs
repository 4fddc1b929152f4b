using Dashboard.Estimation;

namespace Dashboard.Tests.Estimation;

public sealed class GenericHealthModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AssetKey Pump = new("north", "pump-1");

    private readonly GenericHealthOptions _options = new();

    [Fact]
    public void Health_TooFewReadings_IsUnknown()
    {
        var history = History();
        var model = new GenericHealthModel(_options);
        for (var i = 0; i < _options.BaselineReadings - 1; i++)
        {
            history.Add(Reading(i, 10 + Noise(i)));
        }

        Assert.Null(model.Health(history));
    }

    [Fact]
    public void Health_FlatSignal_StaysHealthyWithUnknownRul()
    {
        var (history, scores) = Run(cycles: 200, drift: _ => 0);

        Assert.All(scores, score => Assert.Equal(100, score));
        Assert.Null(new GenericHealthModel(_options).Rul(history, RulUnit.Cycles));
    }

    [Fact]
    public void Health_DegradingSignal_FallsAndGivesFiniteRul()
    {
        // After cycle 60 the signal drifts upward by 0.02 per cycle, about 1.5 baseline deviations every 25 cycles.
        var (history, scores) = Run(cycles: 160, drift: cycle => Math.Max(0, cycle - 60) / 50.0);

        Assert.Equal(100, scores[10]);
        Assert.True(scores[^1] < 60, $"health after the drift is {scores[^1]:F1}, expected below 60");
        Assert.True(scores[^1] < scores[^31], $"health {scores[^1]:F1} did not fall below {scores[^31]:F1} of 30 cycles earlier");

        var rul = new GenericHealthModel(_options).Rul(history, RulUnit.Cycles);
        Assert.NotNull(rul);
        Assert.InRange(rul.Value, 1, 200);
        Assert.NotNull(rul.Lower);
        Assert.True(rul.Lower <= rul.Value, "lower bound above the estimate");
        Assert.True(rul.Upper is null || rul.Upper >= rul.Value, "upper bound below the estimate");
        Assert.Equal(RulUnit.Cycles, rul.Unit);
    }

    [Fact]
    public void Rul_FailureFarBeyondData_IsUnknown()
    {
        // A slope this shallow reaches the failure threshold only far beyond the fitted span.
        var history = History();
        for (var cycle = 1; cycle <= 60; cycle++)
        {
            history.AddHealth(cycle, 90 - (0.01 * cycle) + (0.001 * Noise(cycle)), _options.TrendReadings);
        }

        Assert.Null(new GenericHealthModel(_options).Rul(history, RulUnit.Cycles));
    }

    [Fact]
    public void Estimator_NewLife_StartsNewBaseline()
    {
        var history = History();
        for (var cycle = 1; cycle <= 50; cycle++)
        {
            history.Add(Reading(cycle, 10 + Noise(cycle)));
        }

        history.Add(Reading(1, 10, T0.AddSeconds(100)));

        Assert.Single(history.Baseline);
        Assert.Equal(1, history.Count);
    }

    [Theory]
    [InlineData(1, 3.078)]
    [InlineData(10, 1.372)]
    [InlineData(1000, 1.282)]
    public void StudentT90_KnownDegrees_MatchTable(int degrees, double expected) =>
        Assert.Equal(expected, GenericHealthModel.StudentT90(degrees));

    private (AssetHistory History, List<double> Scores) Run(int cycles, Func<int, double> drift)
    {
        var history = History();
        var estimator = new GenericEstimator(Microsoft.Extensions.Options.Options.Create(new EstimationOptions { Generic = _options }));
        var scores = new List<double>();
        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            history.Add(Reading(cycle, 10 + Noise(cycle) + drift(cycle)));
            if (estimator.Estimate(history).Health is { } health)
            {
                scores.Add(health);
            }
        }

        return (history, scores);
    }

    private AssetHistory History() => new(400, _options.BaselineReadings);

    private static TelemetryReading Reading(int cycle, double value, DateTimeOffset? timestamp = null) =>
        new(Pump, timestamp ?? T0.AddSeconds(cycle), [new MetricValue(WellKnownMetrics.Cycle, cycle), new MetricValue("vibration", value), new MetricValue("steady", 5 + Noise(cycle + 7))]);

    /// <summary>Returns deterministic noise with a standard deviation near 0.3 of one baseline deviation unit.</summary>
    private static double Noise(int i) => Math.Sin(i * 12.9898) * 0.5;
}
