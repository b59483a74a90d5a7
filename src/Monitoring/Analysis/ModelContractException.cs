namespace Monitoring.Analysis;

/// <summary>The ONNX model does not follow the contract in models/README.md; the message says what differs.</summary>
public sealed class ModelContractException(string message) : Exception(message);
