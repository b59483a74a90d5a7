using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Monitoring.Inference;
using Monitoring.Tuning;

namespace Monitoring.Analysis;

/// <summary>
/// The anomaly model behind its contract (models/README.md): input <c>frames</c> [N,T,H,W] plus the
/// camera's profile <c>profile_mean</c>/<c>profile_var</c> [N,D,h,w]; outputs <c>features</c> [N,D,h,w],
/// <c>anomaly_map</c> and <c>attention</c> [N,1,h,w], <c>score</c> [N]. The sizes are read from the model.
/// </summary>
public sealed class AnomalyModel : IDisposable
{
    public const string FramesInput = "frames";
    public const string ProfileMeanInput = "profile_mean";
    public const string ProfileVarInput = "profile_var";
    public const string FeaturesOutput = "features";
    public const string AnomalyMapOutput = "anomaly_map";
    public const string AttentionOutput = "attention";
    public const string ScoreOutput = "score";

    private readonly OnnxSession _session;
    private readonly OnnxSessionOptions _options;
    private readonly ILogger? _logger;

    private AnomalyModel(OnnxSession session, string path, string sha256, OnnxSessionOptions options, ILogger? logger, PredictorWeights? predictor = null)
    {
        _session = session;
        _options = options;
        _logger = logger;
        Path = path;
        Sha256 = sha256;
        Predictor = predictor;
        var frames = Find(session.Inputs, FramesInput, 4, path);
        var mean = Find(session.Inputs, ProfileMeanInput, 4, path);
        Find(session.Inputs, ProfileVarInput, 4, path);
        Find(session.Outputs, FeaturesOutput, 4, path);
        Find(session.Outputs, AnomalyMapOutput, 4, path);
        Find(session.Outputs, AttentionOutput, 4, path);
        Find(session.Outputs, ScoreOutput, 1, path);
        T = Fixed(frames, 1, path); H = Fixed(frames, 2, path); W = Fixed(frames, 3, path);
        D = Fixed(mean, 1, path); CellsH = Fixed(mean, 2, path); CellsW = Fixed(mean, 3, path);
        ScoreWindow = ReadScoreWindow(session.Metadata, path);
        MotionReference = ReadMotionReference(session.Metadata, path);
        Head = ModelHead.FromMetadata(session.Metadata, D, path);
        Version = session.Metadata.TryGetValue("model_version", out var v)
            ? $"{(session.Metadata.TryGetValue("model_name", out var n) ? n : "model")}-{v}-{sha256[..12]}"
            : sha256[..12];
        if (predictor is not null) Version += $"+pred-{predictor.Hash()}";
    }

    public string Path { get; }
    /// <summary>The camera's own predictor this session runs with (<see cref="WithPredictor"/>); null: the model's own.</summary>
    public PredictorWeights? Predictor { get; }
    /// <summary>
    /// Analysed frames the frame score is averaged over (metadata <c>score_window</c>; 1 when the model does not
    /// say): see <see cref="ScoreSmoother"/>.
    /// </summary>
    public int ScoreWindow { get; }
    /// <summary>
    /// The motion of the model's training footage, in model pixels per frame as <see cref="MotionScale"/> measures it
    /// (metadata <c>motion_reference</c>; <see cref="DefaultMotionReference"/> for models exported without it). Learning
    /// chooses each camera's frame stride to bring the camera's motion near it.
    /// </summary>
    public float MotionReference { get; }
    /// <summary>
    /// UCSD Ped2's training clips (the footage of models v1–v7) measured by <see cref="MotionScale"/> at 192×128:
    /// `monitoring learn` over ../shared/datasets/ped2/training prints it (decision 0017).
    /// </summary>
    public const float DefaultMotionReference = 0.429f;
    /// <summary>The scoring head as the metadata describes it (null when it does not: no held-out calibration then).</summary>
    public ModelHead? Head { get; }
    /// <summary>SHA-256 of the model file (hex): profiles are tied to it.</summary>
    public string Sha256 { get; }
    /// <summary>Human-readable version carried in alerts: name-version-hash.</summary>
    public string Version { get; }
    public ExecutionProvider ActiveProvider => _session.ActiveProvider;
    /// <summary>Frames per window (current + T−1 past).</summary>
    public int T { get; }
    public int H { get; }
    public int W { get; }
    /// <summary>Per-cell feature dimension.</summary>
    public int D { get; }
    public int CellsH { get; }
    public int CellsW { get; }
    public int Cells => CellsH * CellsW;
    public int FrameInputLength => T * H * W;
    public int ProfileLength => D * Cells;

    public static AnomalyModel Load(string path, OnnxSessionOptions options, ILogger? logger = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"Model file '{full}' does not exist; set model.path to models/anomaly.onnx or train one with ./build.sh train", full);
        string sha;
        using (var fs = File.OpenRead(full)) sha = Convert.ToHexStringLower(SHA256.HashData(fs));
        var session = OnnxSession.Load(full, options, logger);
        try
        {
            return new AnomalyModel(session, full, sha, options, logger);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The same model with a camera's tuned predictor (<see cref="PredictorTuner"/>) in place of its own: a session of its
    /// own, with the same contract, head and <see cref="Sha256"/> (profiles stay tied to the model file), and a
    /// <see cref="Version"/> that names the predictor. Dispose it apart from this one.
    /// </summary>
    public AnomalyModel WithPredictor(PredictorWeights predictor)
    {
        var file = File.ReadAllBytes(Path);
        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(file)), Sha256, StringComparison.Ordinal))
            throw new ModelContractException($"model '{Path}' changed on disk since it was loaded (sha256 {Sha256[..12]}…); restart to use the new model");
        var bytes = OnnxInitializers.Patch(file, Path, predictor.Tensors);
        var session = OnnxSession.Load(Path, _options with { CpuMemoryArena = false }, null, bytes);
        try
        {
            return new AnomalyModel(session, Path, Sha256, _options, _logger, predictor);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The model file's own predictor weights (read once; throws <see cref="ModelContractException"/> for a model without the U-Net).</summary>
    public PredictorWeights OwnPredictor => _own ??= PredictorWeights.FromModel(Path);
    private PredictorWeights? _own;

    /// <summary>
    /// The model a camera with <paramref name="profile"/> runs: this one, or — when the profile carries the camera's own
    /// predictor — a new session with it (<see cref="WithPredictor"/>; the caller disposes it).
    /// </summary>
    /// <exception cref="ProfileException">The profile's predictor does not fit this model (the message says to learn again).</exception>
    public AnomalyModel For(NormalityProfile profile, string profilePath)
    {
        if (profile.Predictor is null) return this;
        return WithPredictor(OwnPredictor.WithValues(profile.Predictor,
            $"profile '{profilePath}' (learn it again: monitoring learn --camera {profile.CameraId} --config CONFIG)"));
    }

    public AnalysisBatch CreateBatch(int capacity) => new(this, capacity);

    /// <summary>
    /// A frame-score smoother for one camera or clip: the model's window, in analysed frames at stride 1, stretched by
    /// the camera's frame stride so that it spans the same stretch of the scene's motion; the smoothing <c>learn</c>
    /// calibrates new profiles with unless named.
    /// </summary>
    public ScoreSmoother CreateScoreSmoother(int stride = 1, ScoreSmoothing smoothing = ScoreSmoother.Learned) => new(ScoreWindow * stride, smoothing);

    /// <summary>The frame-score smoother of a camera with <paramref name="profile"/>: its stride, and the smoothing its calibration was learned with.</summary>
    public ScoreSmoother CreateScoreSmoother(NormalityProfile profile) => CreateScoreSmoother(profile.FrameStride, profile.Calibration.Smoothing);

    /// <summary>A camera's frame window at its frame stride.</summary>
    public FrameWindow CreateWindow(int stride = 1) => new(T, H, W, stride);

    internal static float ReadMotionReference(IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (!metadata.TryGetValue("motion_reference", out var text)) return DefaultMotionReference;
        if (float.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v is > 0 and < 1000)
            return v;
        throw new ModelContractException(
            $"model '{path}': metadata motion_reference is '{text}', expected model pixels per frame (a number above 0); re-export the model (models/training/montrain/export.py)");
    }

    internal static int ReadScoreWindow(IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (!metadata.TryGetValue("score_window", out var text)) return 1;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k) && k is >= 1 and <= 1000)
            return k;
        throw new ModelContractException(
            $"model '{path}': metadata score_window is '{text}', expected a whole number of frames from 1 to 1000; re-export the model (models/training/montrain/export.py)");
    }

    /// <summary>Runs the model on the first <see cref="AnalysisBatch.Count"/> entries of <paramref name="batch"/>
    /// (through the batch's binding for that count: no allocation).</summary>
    public void Run(AnalysisBatch batch)
    {
        var n = batch.Count;
        if (n == 0) return;
        batch.BindingFor(n).Run();
    }

    internal OnnxBinding Bind(AnalysisBatch batch, int n)
    {
        ReadOnlySpan<NamedTensor> inputs =
        [
            new(FramesInput, batch.Frames.AsMemory(0, n * FrameInputLength), [n, T, H, W]),
            new(ProfileMeanInput, batch.ProfileMean.AsMemory(0, n * ProfileLength), [n, D, CellsH, CellsW]),
            new(ProfileVarInput, batch.ProfileVar.AsMemory(0, n * ProfileLength), [n, D, CellsH, CellsW]),
        ];
        ReadOnlySpan<NamedTensor> outputs =
        [
            new(FeaturesOutput, batch.Features.AsMemory(0, n * ProfileLength), [n, D, CellsH, CellsW]),
            new(AnomalyMapOutput, batch.AnomalyMap.AsMemory(0, n * Cells), [n, 1, CellsH, CellsW]),
            new(AttentionOutput, batch.Attention.AsMemory(0, n * Cells), [n, 1, CellsH, CellsW]),
            new(ScoreOutput, batch.Score.AsMemory(0, n), [n]),
        ];
        return _session.Bind(inputs, outputs);
    }

    public void Dispose() => _session.Dispose();

    private static TensorInfo Find(IReadOnlyList<TensorInfo> list, string name, int rank, string path)
    {
        foreach (var t in list)
        {
            if (t.Name != name) continue;
            if (t.Shape.Length != rank)
                throw new ModelContractException($"Model '{path}': tensor '{name}' has rank {t.Shape.Length}, the contract (models/README.md) wants rank {rank}.");
            if (!t.IsFloatTensor)
                throw new ModelContractException($"Model '{path}': tensor '{name}' is {(t.IsTensor ? t.ElementType.ToString() : "not a tensor")}, the contract wants float32.");
            return t;
        }
        throw new ModelContractException(
            $"Model '{path}' has no tensor '{name}' (it has: {string.Join(", ", list.Select(t => t.Name))}); " +
            "it does not follow the anomaly-model contract in models/README.md.");
    }

    private static int Fixed(TensorInfo t, int dim, string path)
    {
        var v = t.Shape[dim];
        if (v <= 0)
            throw new ModelContractException($"Model '{path}': dimension {dim} of '{t.Name}' is dynamic; the contract wants it fixed (only N is dynamic).");
        return checked((int)v);
    }
}
