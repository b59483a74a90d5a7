namespace Monitoring.Inference;

/// <summary>Where a session runs (config <c>provider</c>: <c>auto</c> | <c>cpu</c> | <c>cuda</c>).</summary>
public enum ExecutionProvider
{
    /// <summary>Try CUDA; when it cannot be enabled, log one warning and use the CPU.</summary>
    Auto,
    /// <summary>ONNX Runtime's CPU execution provider only.</summary>
    Cpu,
    /// <summary>CUDA or fail with an error that names what is missing.</summary>
    Cuda,
}

public static class ExecutionProviders
{
    /// <summary>The config's or command line's <c>provider</c> value: "cpu", "cuda" (or "gpu"); anything else is <see cref="ExecutionProvider.Auto"/>.</summary>
    public static ExecutionProvider Parse(string provider) => provider.Trim().ToLowerInvariant() switch
    {
        "cpu" => ExecutionProvider.Cpu,
        "cuda" or "gpu" => ExecutionProvider.Cuda,
        _ => ExecutionProvider.Auto,
    };
}
