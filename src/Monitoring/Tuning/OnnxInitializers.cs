using System.Buffers.Binary;
using System.Text;

namespace Monitoring.Tuning;

/// <summary>One float32 initializer (a weight tensor) of an ONNX graph.</summary>
/// <param name="Offset">Where its values start in the model file (little-endian float32, back to back), for <see cref="OnnxInitializers.Patch"/>.</param>
public sealed record Initializer(string Name, long[] Shape, float[] Values, long Offset = -1)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Reads the float32 initializers of an ONNX model file (the protobuf <c>ModelProto.graph.initializer</c> list) — the
/// weights <see cref="PredictorTuner"/> starts from. ONNX Runtime's C# API runs a model but does not hand its weights out,
/// and the ONNX schema needs five fields here, so this reads the protobuf wire format directly instead of generating
/// the whole schema.
/// </summary>
public static class OnnxInitializers
{
    private const int ModelGraph = 7, GraphInitializer = 5;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9, TensorDataLocation = 14;
    private const int OnnxFloat = 1;

    /// <summary>The float32 initializers of <paramref name="path"/> whose names start with <paramref name="prefix"/>, in graph order.</summary>
    /// <exception cref="InvalidDataException">The file is not an ONNX model this can read (the message names it).</exception>
    public static IReadOnlyList<Initializer> Read(string path, string prefix = "")
    {
        var bytes = File.ReadAllBytes(path);
        return Read(bytes, path, prefix);
    }

    /// <summary>
    /// A copy of <paramref name="model"/> (the bytes of an ONNX file) with each initializer of <paramref name="values"/>
    /// holding the new values: written in place, so the layout — every other byte — stays that of the file.
    /// </summary>
    public static byte[] Patch(byte[] model, string path, IReadOnlyList<Initializer> values)
    {
        var found = Read(model, path).ToDictionary(i => i.Name, StringComparer.Ordinal);
        var patched = (byte[])model.Clone();
        foreach (var v in values)
        {
            if (!found.TryGetValue(v.Name, out var at) || at.Values.Length != v.Values.Length || at.Offset < 0)
                throw new InvalidDataException($"'{path}' has no float32 initializer '{v.Name}' of {v.Values.Length} values to replace");
            for (var i = 0; i < v.Values.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(patched.AsSpan((int)(at.Offset + 4L * i), 4), v.Values[i]);
        }
        return patched;
    }

    private static IReadOnlyList<Initializer> Read(byte[] bytes, string path, string prefix = "")
    {
        try
        {
            var found = new List<Initializer>();
            var model = new Reader(bytes);
            while (model.Next(out var field, out var wire))
            {
                if (field != ModelGraph || wire != 2) { model.Skip(wire); continue; }
                var graph = new Reader(model.Bytes(), model.Offset(-1));
                while (graph.Next(out var gf, out var gw))
                {
                    if (gf != GraphInitializer || gw != 2) { graph.Skip(gw); continue; }
                    var t = ReadTensor(graph.Bytes(), graph.Offset(-1), path);
                    if (t is not null && t.Name.StartsWith(prefix, StringComparison.Ordinal)) found.Add(t);
                }
            }
            return found;
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new InvalidDataException($"'{path}' is not a readable ONNX model (its protobuf ends early or is malformed); export it again with models/training/montrain/export.py", e);
        }
    }

    private static Initializer? ReadTensor(ReadOnlyMemory<byte> bytes, long start, string path)
    {
        var r = new Reader(bytes, start);
        long offset = -1;
        var dims = new List<long>();
        var type = 0;
        var name = "";
        float[]? values = null;
        var external = false;
        while (r.Next(out var f, out var w))
        {
            switch (f)
            {
                case TensorDims when w == 0: dims.Add((long)r.Varint()); break;
                case TensorDims when w == 2:
                    var packed = new Reader(r.Bytes());
                    while (!packed.AtEnd) dims.Add((long)packed.Varint());
                    break;
                case TensorDataType when w == 0: type = (int)r.Varint(); break;
                case TensorName when w == 2: name = Encoding.UTF8.GetString(r.Bytes().Span); break;
                case TensorRawData or TensorFloatData when w == 2:
                    var data = r.Bytes();
                    offset = r.Offset(data.Length);
                    values = Floats(data.Span);
                    break;
                case TensorDataLocation when w == 0: external = r.Varint() == 1; break;
                default: r.Skip(w); break;
            }
        }
        if (type != OnnxFloat) return null;
        if (external)
            throw new InvalidDataException($"'{path}': initializer '{name}' is stored outside the model file; export the model with its weights inside");
        var t = new Initializer(name, [.. dims], values ?? [], offset);
        if (t.Values.Length != t.Count)
            throw new InvalidDataException($"'{path}': initializer '{name}' has {t.Values.Length} values for shape [{string.Join(",", t.Shape)}]");
        return t;
    }

    private static float[] Floats(ReadOnlySpan<byte> raw)
    {
        var v = new float[raw.Length / 4];
        for (var i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(4 * i, 4));
        return v;
    }

    /// <summary>The protobuf wire format: tags, varints, fixed-size and length-delimited fields.</summary>
    private struct Reader(ReadOnlyMemory<byte> data, long start = 0)
    {
        private int _at;

        /// <summary>The file offset of the field just read, given its length (-1: the length of the last <see cref="Bytes"/>).</summary>
        public readonly long Offset(int length) => start + _at - (length < 0 ? _lastLength : length);
        private int _lastLength;
        public readonly bool AtEnd => _at >= data.Length;

        public bool Next(out int field, out int wire)
        {
            if (AtEnd) { field = wire = 0; return false; }
            var tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong v = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (shift > 63) throw new OverflowException("varint longer than 10 bytes");
                var b = data.Span[_at++];
                v |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return v;
            }
        }

        public ReadOnlyMemory<byte> Bytes()
        {
            var n = checked((int)Varint());
            var m = data.Slice(_at, n);
            _at += n;
            _lastLength = n;
            return m;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _at += 8; break;
                case 2: Bytes(); break;
                case 5: _at += 4; break;
                default: throw new OverflowException($"protobuf wire type {wire} is not one ONNX uses");
            }
            if (_at > data.Length) throw new IndexOutOfRangeException();
        }
    }
}
