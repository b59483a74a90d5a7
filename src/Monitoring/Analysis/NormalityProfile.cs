using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitoring.Analysis;

/// <summary>
/// A camera's learned normal: per-cell mean and (population) variance of the model's <c>features</c>
/// over normal footage, and the camera's <see cref="ProfileCalibration"/> (feature scale, derived alert threshold,
/// frame-score distribution). Tied to the model it was learned with by the model file's SHA-256.
/// </summary>
public sealed partial class NormalityProfile
{
    /// <summary>3: with the camera's own predictor (optional); 2: with the per-camera calibration, read as before; format 1
    /// had no calibration and is refused.</summary>
    public const int FormatVersion = 3;

    public required string CameraId { get; init; }
    public required string ModelSha256 { get; init; }
    public required string ModelVersion { get; init; }
    public required int D { get; init; }
    public required int CellsH { get; init; }
    public required int CellsW { get; init; }
    public required long Frames { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    /// <summary>Where the footage came from (URIs masked).</summary>
    public required string Source { get; init; }
    public required float[] Mean { get; init; }
    /// <summary>Per-cell population variance of the features (raw; the model is fed <see cref="FedVar"/>).</summary>
    public required float[] Var { get; init; }
    public required ProfileCalibration Calibration { get; init; }
    /// <summary>
    /// Analysed frames between two frames of the model's window, chosen by learning from the camera's motion
    /// (<see cref="MotionScale"/>, decision 0017); 1 for profiles learned before it was measured.
    /// </summary>
    public int FrameStride { get; init; } = 1;
    /// <summary>What learning measured of the camera's motion (null for profiles learned before it was measured).</summary>
    public string? Motion { get; init; }
    /// <summary>
    /// The camera's own predictor: the model's <c>pred.*</c> weights fine-tuned on this footage (<see cref="Tuning.PredictorTuner"/>,
    /// in the model's initializer order); null: the model's own. The statistics were learned with it, so the camera runs with it.
    /// </summary>
    public float[]? Predictor { get; init; }
    /// <summary>How the predictor was tuned (steps, loss, time), for people; null without one.</summary>
    public string? Tuning { get; init; }

    /// <summary>This profile with the camera's own predictor it was learned with, and the version of the model that ran it.</summary>
    public NormalityProfile WithPredictor(float[] predictor, string tuning, string modelVersion) => new()
    {
        CameraId = CameraId, ModelSha256 = ModelSha256, ModelVersion = modelVersion, D = D, CellsH = CellsH, CellsW = CellsW,
        Frames = Frames, CreatedUtc = CreatedUtc, Source = Source, Mean = Mean, Var = Var, Calibration = Calibration,
        FrameStride = FrameStride, Motion = Motion, Predictor = predictor, Tuning = tuning,
    };

    private string? _version;
    private float[]? _fedVar;

    /// <summary>What the model is fed as <c>profile_var</c>: <see cref="Var"/> in the camera's feature scale (<see cref="ProfileCalibration.FedVariance"/>).</summary>
    public float[] FedVar => _fedVar ??= Calibration.FedVariance(Var, CellsH * CellsW);

    /// <summary>Short id carried in alerts: camera, creation time and a hash of the statistics.</summary>
    public string Version => _version ??= ComputeVersion();

    private string ComputeVersion()
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(MemoryMarshal.AsBytes(Mean.AsSpan()));
        sha.AppendData(MemoryMarshal.AsBytes(Var.AsSpan()));
        return $"{CameraId}-{CreatedUtc:yyyyMMddHHmmss}-{Convert.ToHexStringLower(sha.GetHashAndReset())[..12]}";
    }

    /// <summary>Whether this profile was learned with <paramref name="model"/> (the model file's SHA-256).</summary>
    public bool LearnedWith(AnomalyModel model) => string.Equals(ModelSha256, model.Sha256, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Where a camera with autoLearnFrames keeps this profile when it learns again for another model:
    /// <c>PROFILE.model-SHA12.bak</c> (the <paramref name="copy"/>th such file: <c>-N</c> before <c>.bak</c>).
    /// </summary>
    public string SetAsidePath(string profilePath, int copy = 1) =>
        $"{profilePath}.model-{ModelSha256[..Math.Min(12, ModelSha256.Length)]}{(copy > 1 ? $"-{copy}" : "")}.bak";

    /// <summary>Refuses a profile learned with another model (or of other sizes), naming both and the fix.</summary>
    public void EnsureMatches(AnomalyModel model, string profilePath)
    {
        if (!LearnedWith(model))
            throw new ProfileException(
                $"Profile '{profilePath}' was learned with model {ModelVersion} (sha256 {ModelSha256[..12]}…), " +
                $"but the configured model is {model.Version} (sha256 {model.Sha256[..12]}…). " +
                $"Learn it again: monitoring learn --camera {CameraId} --config CONFIG (or set the camera's autoLearnFrames: it then learns again by itself and keeps this file as '{SetAsidePath(profilePath)}').");
        if (D != model.D || CellsH != model.CellsH || CellsW != model.CellsW || Mean.Length != model.ProfileLength || Var.Length != model.ProfileLength
            || Calibration.FeatureScale.Length != model.D)
            throw new ProfileException($"Profile '{profilePath}' has shape [{D},{CellsH},{CellsW}], the model wants [{model.D},{model.CellsH},{model.CellsW}]; learn it again.");
    }

    public void Save(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var dto = new Dto(FormatVersion, CameraId, ModelSha256, ModelVersion, D, CellsH, CellsW, Frames, CreatedUtc, Source,
            Convert.ToBase64String(MemoryMarshal.AsBytes(Mean.AsSpan())),
            Convert.ToBase64String(MemoryMarshal.AsBytes(Var.AsSpan())), Calibration, FrameStride, Motion,
            Predictor is null ? null : Convert.ToBase64String(MemoryMarshal.AsBytes(Predictor.AsSpan())), Tuning);
        // Write to a temporary file and rename: a crash never leaves half a profile behind.
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(dto, DtoContext.Default.Dto));
        File.Move(tmp, path, overwrite: true);
    }

    public static NormalityProfile Load(string path)
    {
        if (!File.Exists(path))
            throw new ProfileException($"Profile '{path}' does not exist; create it with `monitoring learn --camera ID --config CONFIG`, or set the camera's autoLearnFrames.");
        Dto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(File.ReadAllText(path), DtoContext.Default.Dto);
        }
        catch (JsonException e)
        {
            throw new ProfileException($"Profile '{path}' is not a readable profile ({e.Message}); learn it again: monitoring learn --camera ID --config CONFIG", e);
        }
        if (dto is null || dto.Format is not (2 or FormatVersion) || dto.Calibration is null)
            throw new ProfileException(
                $"Profile '{path}' has format {dto?.Format}" + (dto?.Format == 1 ? " (learned before per-camera calibration: no feature scale and no derived threshold)" : "") +
                $", this build reads formats 2 and {FormatVersion}; learn it again: monitoring learn --camera {dto?.CameraId ?? "ID"} --config CONFIG (or delete it and set autoLearnFrames).");
        var stride = dto.FrameStride == 0 ? 1 : dto.FrameStride; // absent in profiles learned before the stride (decision 0017)
        if (stride is < 1 or > MotionScale.MaxStride)
            throw new ProfileException($"Profile '{path}' has frameStride {dto.FrameStride}, expected 1 to {MotionScale.MaxStride}; learn it again: " +
                                       $"monitoring learn --camera {dto.CameraId} --config CONFIG");
        if (dto.Calibration.WarmUp is { } w && !w.IsWellFormed(stride))
            throw new ProfileException($"Profile '{path}' has a calibration.warmUp that is not 101 ascending percentiles for the " +
                                       $"real past and for each of (T − 1)·frameStride warm-up positions, with an agreement in [0, 1] per position (decision 0022); learn it again: monitoring learn --camera {dto.CameraId} --config CONFIG");
        // The enum converter also takes numbers: one that names no smoothing is refused here, never met when the camera starts.
        if (dto.Calibration.ScoreSmoothing is { } smoothing && !Enum.IsDefined(smoothing))
            throw new ProfileException($"Profile '{path}' has calibration.scoreSmoothing {(int)smoothing}, expected \"mean\" or \"exponential\" (decision 0023); " +
                                       $"learn it again: monitoring learn --camera {dto.CameraId} --config CONFIG");
        float[] Floats(string b64) => MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(b64)).ToArray();
        return new NormalityProfile
        {
            CameraId = dto.CameraId, ModelSha256 = dto.ModelSha256, ModelVersion = dto.ModelVersion,
            D = dto.D, CellsH = dto.CellsH, CellsW = dto.CellsW, Frames = dto.Frames, CreatedUtc = dto.CreatedUtc,
            Source = dto.Source, Mean = Floats(dto.Mean), Var = Floats(dto.Var), Calibration = dto.Calibration,
            FrameStride = stride, Motion = dto.Motion,
            Predictor = dto.Predictor is null ? null : Floats(dto.Predictor), Tuning = dto.Tuning,
        };
    }

    internal sealed record Dto(int Format, string CameraId, string ModelSha256, string ModelVersion, int D, int CellsH, int CellsW,
        long Frames, DateTimeOffset CreatedUtc, string Source, string Mean, string Var, ProfileCalibration? Calibration,
        int FrameStride = 1, string? Motion = null, string? Predictor = null, string? Tuning = null);

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    [JsonSerializable(typeof(Dto))]
    [JsonSerializable(typeof(ProfileCalibration))]
    internal sealed partial class DtoContext : JsonSerializerContext;
}
