using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitoring.Analysis;

/// <summary>
/// A camera's learned normal: per-cell mean and (population) variance of the model's <c>features</c>
/// over normal footage. Tied to the model it was learned with by the model file's SHA-256.
/// </summary>
public sealed partial class NormalityProfile
{
    public const int FormatVersion = 1;

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
    public required float[] Var { get; init; }

    private string? _version;

    /// <summary>Short id carried in alerts: camera, creation time and a hash of the statistics.</summary>
    public string Version => _version ??= ComputeVersion();

    private string ComputeVersion()
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(MemoryMarshal.AsBytes(Mean.AsSpan()));
        sha.AppendData(MemoryMarshal.AsBytes(Var.AsSpan()));
        return $"{CameraId}-{CreatedUtc:yyyyMMddHHmmss}-{Convert.ToHexStringLower(sha.GetHashAndReset())[..12]}";
    }

    /// <summary>Refuses a profile learned with another model (or of other sizes), naming both and the fix.</summary>
    public void EnsureMatches(AnomalyModel model, string profilePath)
    {
        if (!string.Equals(ModelSha256, model.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new ProfileException(
                $"Profile '{profilePath}' was learned with model {ModelVersion} (sha256 {ModelSha256[..12]}…), " +
                $"but the configured model is {model.Version} (sha256 {model.Sha256[..12]}…). " +
                $"Learn it again: monitoring learn --camera {CameraId} --config CONFIG (or delete it and set autoLearnFrames).");
        if (D != model.D || CellsH != model.CellsH || CellsW != model.CellsW || Mean.Length != model.ProfileLength || Var.Length != model.ProfileLength)
            throw new ProfileException($"Profile '{profilePath}' has shape [{D},{CellsH},{CellsW}], the model wants [{model.D},{model.CellsH},{model.CellsW}]; learn it again.");
    }

    public void Save(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var dto = new Dto(FormatVersion, CameraId, ModelSha256, ModelVersion, D, CellsH, CellsW, Frames, CreatedUtc, Source,
            Convert.ToBase64String(MemoryMarshal.AsBytes(Mean.AsSpan())),
            Convert.ToBase64String(MemoryMarshal.AsBytes(Var.AsSpan())));
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
            throw new ProfileException($"Profile '{path}' is not a readable profile ({e.Message}); learn it again.", e);
        }
        if (dto is null || dto.Format != FormatVersion)
            throw new ProfileException($"Profile '{path}' has format {dto?.Format}, this build reads format {FormatVersion}; learn it again.");
        float[] Floats(string b64) => MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(b64)).ToArray();
        return new NormalityProfile
        {
            CameraId = dto.CameraId, ModelSha256 = dto.ModelSha256, ModelVersion = dto.ModelVersion,
            D = dto.D, CellsH = dto.CellsH, CellsW = dto.CellsW, Frames = dto.Frames, CreatedUtc = dto.CreatedUtc,
            Source = dto.Source, Mean = Floats(dto.Mean), Var = Floats(dto.Var),
        };
    }

    internal sealed record Dto(int Format, string CameraId, string ModelSha256, string ModelVersion, int D, int CellsH, int CellsW,
        long Frames, DateTimeOffset CreatedUtc, string Source, string Mean, string Var);

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
    [JsonSerializable(typeof(Dto))]
    internal sealed partial class DtoContext : JsonSerializerContext;
}
