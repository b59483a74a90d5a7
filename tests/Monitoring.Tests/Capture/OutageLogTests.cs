using Monitoring.Capture;
using Xunit;

namespace Monitoring.Tests.Capture;

public class OutageLogTests
{
    [Fact]
    public void A_long_outage_warns_once_then_once_per_interval_and_recovers_with_one_line()
    {
        var log = new OutageLog(summaryIntervalMs: 600_000);
        var warnings = 0;
        var debug = 0;
        // 30 min of failures, one every 30 s (the backoff cap): 61 attempts.
        for (long t = 0; t <= 30 * 60_000; t += 30_000)
        {
            var e = log.Failure("connection refused", t);
            if (e.Level == OutageLevel.Warning) warnings++; else debug++;
        }
        Assert.Equal(4, warnings);           // the first, then at 10, 20 and 30 min
        Assert.Equal(57, debug);
        Assert.Equal(61, log.Attempts);
        var back = log.Recovered(30 * 60_000 + 5_000);
        Assert.NotNull(back);
        Assert.Equal(OutageLevel.Information, back.Value.Level);
        Assert.Equal(61, back.Value.Attempts);
        Assert.Equal(30 * 60_000 + 5_000, back.Value.DownMs);
        Assert.False(log.InOutage);
        Assert.Null(log.Recovered(40 * 60_000));   // no outage, nothing to say
    }

    [Fact]
    public void A_different_error_is_a_warning_at_once_and_a_new_outage_starts_afresh()
    {
        var log = new OutageLog(summaryIntervalMs: 600_000);
        Assert.Equal(OutageKind.First, log.Failure("connection refused", 0).Kind);
        Assert.Equal(OutageKind.Repeated, log.Failure("connection refused", 1_000).Kind);
        var changed = log.Failure("401 Unauthorized", 2_000);
        Assert.Equal((OutageLevel.Warning, OutageKind.Changed, 3, 2_000L), (changed.Level, changed.Kind, changed.Attempts, changed.DownMs));
        Assert.Equal(OutageKind.Repeated, log.Failure("401 Unauthorized", 3_000).Kind);
        log.Recovered(4_000);
        var again = log.Failure("401 Unauthorized", 100_000);
        Assert.Equal((OutageLevel.Warning, OutageKind.First, 1, 0L), (again.Level, again.Kind, again.Attempts, again.DownMs));
    }
}
