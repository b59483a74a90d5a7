namespace Monitoring.Configuration;

/// <summary>"alerts.events": confirmation, tracking, updates, cooldown, grace, stale cameras.</summary>
public sealed class EventOptionsValidator : OptionsValidator<EventOptions>
{
    public override string DefaultPath => "alerts.events";

    public override void Validate(EventOptions o, string path, ValidationErrors errors)
    {
        if (o.WindowFrames is < 1 or > 32) errors.Add($"{path}.windowFrames is {o.WindowFrames}: use 1 to 32.");
        if (o.ConfirmFrames < 1 || o.ConfirmFrames > o.WindowFrames) errors.Add($"{path}.confirmFrames is {o.ConfirmFrames}: use 1 to windowFrames ({o.WindowFrames}).");
        if (o.EndAfterQuietFrames < 1) errors.Add($"{path}.endAfterQuietFrames is {o.EndAfterQuietFrames}: use 1 or more.");
        if (!(o.IouThreshold > 0 && o.IouThreshold <= 1)) errors.Add($"{path}.iouThreshold is {o.IouThreshold}: use a value in (0, 1], e.g. 0.25.");
        if (!(o.UpdateIntervalSeconds >= 0)) errors.Add($"{path}.updateIntervalSeconds is {o.UpdateIntervalSeconds}: use 0 or more.");
        if (!(o.MinUpdateGapSeconds >= 0)) errors.Add($"{path}.minUpdateGapSeconds is {o.MinUpdateGapSeconds}: use 0 or more.");
        if (!(o.UpdatePeakRise >= 0)) errors.Add($"{path}.updatePeakRise is {o.UpdatePeakRise}: use 0 or more.");
        if (!(o.CooldownSeconds >= 0)) errors.Add($"{path}.cooldownSeconds is {o.CooldownSeconds}: use 0 or more.");
        if (!(o.EndGraceSeconds >= 0 && o.EndGraceSeconds <= 3600)) errors.Add($"{path}.endGraceSeconds is {o.EndGraceSeconds}: use 0 to 3600.");
        if (!(o.StaleEndSeconds >= 1 && o.StaleEndSeconds <= 3600)) errors.Add($"{path}.staleEndSeconds is {o.StaleEndSeconds}: use 1 to 3600.");
    }
}
