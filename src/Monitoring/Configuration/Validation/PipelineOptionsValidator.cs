namespace Monitoring.Configuration;

/// <summary>The "pipeline" section: queues between capture and analysis, the drain at stop.</summary>
public sealed class PipelineOptionsValidator : OptionsValidator<PipelineOptions>
{
    public override string DefaultPath => "pipeline";

    public override void Validate(PipelineOptions o, string path, ValidationErrors e)
    {
        if (o.QueueCapacity is < 1 or > 1024) e.Add($"{path}.queueCapacity", $"{o.QueueCapacity} is out of range; use 1..1024");
        if (o.MaxFrameAgeMs < 0) e.Add($"{path}.maxFrameAgeMs", "must be >= 0 (0 = no limit)");
        if (o.DrainSeconds is < 0 or > 600) e.Add($"{path}.drainSeconds", $"{o.DrainSeconds} is out of range; use 0..600");
    }
}
