namespace Monitoring.Configuration;

/// <summary>One entry of "cameras".</summary>
public sealed class CameraOptionsValidator : OptionsValidator<CameraOptions>
{
    public override string DefaultPath => "cameras[0]";

    public override void Validate(CameraOptions o, string path, ValidationErrors e)
    {
        if (string.IsNullOrWhiteSpace(o.Id)) e.Add($"{path}.id", "is empty; give the camera a unique id such as \"gate\"");
        else if (o.Id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            e.Add($"{path}.id", $"'{o.Id}' may hold only letters, digits, '-', '_' and '.'");
        if (string.IsNullOrWhiteSpace(o.Url)) e.Add($"{path}.url", "is empty; set a video file, image sequence (dir/%03d.jpg), rtsp:// URL or /dev/videoN");
        if (o.AnalysisFps < 0 || o.AnalysisFps > 120) e.Add($"{path}.analysisFps", $"{o.AnalysisFps} is out of range; use 0..120 (0 = every frame)");
        if (o.Fps is < 0 or > 1000) e.Add($"{path}.fps", $"{o.Fps} is out of range; use 0 (as the source reports) .. 1000");
        if (o.AutoLearnFrames < 0) e.Add($"{path}.autoLearnFrames", "must be >= 0");
        if (!(o.FalseAlarmRate is > 0 and <= 0.5))
            e.Add($"{path}.falseAlarmRate", $"{o.FalseAlarmRate} is out of range; use a share of normal frames in (0, 0.5], e.g. 0.001 (one alerting frame per 1,000)");
        if (o.TuneSteps is < 0 or > Tuning.TuningOptions.MaxSteps)
            e.Add($"{path}.tuneSteps", $"{o.TuneSteps} is out of range; use 0 (the model's own predictor) to {Tuning.TuningOptions.MaxSteps}, e.g. {Tuning.TuningOptions.DefaultSteps}");
        if (o.TreatAsLive && !o.Realtime)
            e.Add($"{path}.treatAsLive", "needs \"realtime\": true (an unpaced file read as live would drop almost every frame)");
        if (string.IsNullOrWhiteSpace(o.Profile) && o.AutoLearnFrames == 0)
            e.Add($"{path}.profile", "is not set and autoLearnFrames is 0: run `monitoring learn` for this camera and set \"profile\", or set \"autoLearnFrames\"");
    }
}
