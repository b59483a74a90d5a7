using System.Text;
using Monitoring.Snapshots;

namespace Monitoring.Tests.TestSupport;

/// <summary>Test-only renderer: JPEG markers around a description of the request, so tests can see what was asked.</summary>
internal sealed class FakeJpegRenderer : ISnapshotRenderer
{
    public List<SnapshotRequest> Requests { get; } = [];

    public byte[] RenderJpeg(SnapshotRequest request)
    {
        Requests.Add(request);
        var text = Encoding.ASCII.GetBytes($"{(request.Annotated ? "annotated" : "clean")} {request.Frame.Width}x{request.Frame.Height} boxes={request.Boxes.Count}");
        return [0xFF, 0xD8, .. text, 0xFF, 0xD9];
    }
}
