using Monitoring.Configuration;

namespace Monitoring.Regions;

/// <summary>An immutable simple polygon in source-frame pixels with an even-odd point test.</summary>
public sealed class Polygon
{
    private readonly double[] _xs;
    private readonly double[] _ys;

    public Polygon(IReadOnlyList<PolygonPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 3) throw new ArgumentException("A polygon needs at least 3 points.", nameof(points));
        _xs = new double[points.Count];
        _ys = new double[points.Count];
        for (int i = 0; i < points.Count; i++)
        {
            _xs[i] = points[i].X;
            _ys[i] = points[i].Y;
        }
    }

    /// <summary>True when (x, y) lies inside (even-odd rule; points exactly on an edge may fall either way).</summary>
    public bool Contains(double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = _xs.Length - 1; i < _xs.Length; j = i++)
        {
            if ((_ys[i] > y) != (_ys[j] > y) &&
                x < (_xs[j] - _xs[i]) * (y - _ys[i]) / (_ys[j] - _ys[i]) + _xs[i])
            {
                inside = !inside;
            }
        }
        return inside;
    }
}
