namespace Monitoring.Native.Onnx;

/// <summary>ONNX Runtime's <c>GraphOptimizationLevel</c> (values as in onnxruntime_c_api.h).</summary>
public enum GraphOptimization
{
    None = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}
