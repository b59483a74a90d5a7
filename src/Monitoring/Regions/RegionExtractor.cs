using Monitoring.Configuration;

namespace Monitoring.Regions;

/// <summary>
/// Turns one camera's anomaly maps into regions: per-cell threshold (the first listed zone containing the cell centre
/// that sets one, else the configured camera threshold, else the threshold the camera's profile derived), masks zero cells whose centre lies in a mask polygon, 8-connected
/// labelling, boxes scaled from cells to source pixels and clamped to the frame, minimum area filter.
/// A region's zone is the zone containing its peak cell's centre (first listed zone wins where zones overlap).
/// When no cell reaches its threshold, a frame whose frame score is improbable for the camera still alerts on the cells
/// that carry the score (<see cref="FrameScoreAlerts"/>, decision 0020).
/// One instance per camera, not thread-safe: it keeps its working buffers between frames, and rebuilds its per-cell
/// tables only when the map or frame size changes.
/// </summary>
public sealed class RegionExtractor
{
    private readonly RegionOptions _options;
    private readonly Polygon[] _masks;
    private readonly Polygon[] _zones;

    private int _mapWidth = -1, _mapHeight = -1, _frameWidth = -1, _frameHeight = -1;
    private float _threshold = float.NaN;
    private float[] _cellThreshold = [];
    private int[] _cellZone = [];
    private int[] _labels = [];
    private int[] _stack = [];

    public RegionExtractor(RegionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _masks = options.Masks.Select(m => new Polygon(m.Points)).ToArray();
        _zones = options.Zones.Select(z => new Polygon(z.Points)).ToArray();
    }

    public RegionObservation Observe(FrameAnalysis frame) => new(frame, Extract(frame));

    public IReadOnlyList<Region> Extract(FrameAnalysis frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int w = frame.MapWidth, h = frame.MapHeight;
        if (w <= 0 || h <= 0 || frame.AnomalyMap.Length < w * h)
            throw new ArgumentException($"Anomaly map of camera '{frame.CameraId}' has {frame.AnomalyMap.Length} values, expected {w}×{h}.", nameof(frame));
        if (frame.FrameWidth <= 0 || frame.FrameHeight <= 0)
            throw new ArgumentException($"Frame size of camera '{frame.CameraId}' is {frame.FrameWidth}×{frame.FrameHeight}.", nameof(frame));
        Prepare(w, h, frame.FrameWidth, frame.FrameHeight, _options.Threshold ?? frame.ProfileThreshold ?? RegionOptions.DefaultThreshold);

        var map = frame.AnomalyMap;
        var labels = _labels;
        int n = w * h;
        for (int i = 0; i < n; i++) labels[i] = map[i] >= _cellThreshold[i] ? 0 : -1; // 0 = unvisited foreground
        var regions = Label(frame, RegionTrigger.Map);
        if (regions.Count == 0 && FrameScoreAlerts(frame)) regions = Label(frame, RegionTrigger.FrameScore);
        return regions;
    }

    /// <summary>
    /// The frame-score rule (decision 0020): the frame's score is settled (no padded past in its window), its tail
    /// probability is at or below the camera's frame tail threshold (the config's, else the profile's; 0 = off), and the
    /// cells outside masks carry at least half of the score (Σ attention · map), so a masked area cannot raise it. Then the
    /// foreground is the unmasked cells holding at least <see cref="HotAttentionShare"/> of the largest unmasked cell's attention.
    /// </summary>
    private bool FrameScoreAlerts(FrameAnalysis frame)
    {
        if (!frame.ScoreSettled || frame.Attention is not { } attention || frame.FrameTailProbability is not { } p) return false;
        var limit = _options.FrameTailProbability ?? frame.FrameTailThreshold;
        if (limit is not > 0 || !(p <= limit)) return false;
        int n = frame.MapWidth * frame.MapHeight;
        if (attention.Length < n) return false;
        var map = frame.AnomalyMap;
        double total = 0, open = 0;
        float top = 0;
        for (int i = 0; i < n; i++)
        {
            double part = attention[i] * map[i];
            total += part;
            if (float.IsPositiveInfinity(_cellThreshold[i])) continue; // masked
            open += part;
            if (attention[i] > top) top = attention[i];
        }
        if (!(top > 0) || open < 0.5 * total) return false;
        var cut = HotAttentionShare * top;
        for (int i = 0; i < n; i++)
            _labels[i] = !float.IsPositiveInfinity(_cellThreshold[i]) && attention[i] >= cut ? 0 : -1;
        return true;
    }

    /// <summary>A frame-score alert's cells: those with at least this share of the hottest unmasked cell's attention.</summary>
    public const float HotAttentionShare = 0.5f;

    /// <summary>8-connected labelling of the foreground marked 0 in <see cref="_labels"/> (-1 = background), boxes, minimum areas.</summary>
    private IReadOnlyList<Region> Label(FrameAnalysis frame, RegionTrigger trigger)
    {
        int w = frame.MapWidth, h = frame.MapHeight;
        double sx = (double)frame.FrameWidth / w, sy = (double)frame.FrameHeight / h;
        var map = frame.AnomalyMap;
        var labels = _labels;
        int n = w * h;
        List<Region>? regions = null;
        int next = 1;
        for (int start = 0; start < n; start++)
        {
            if (labels[start] != 0) continue;
            int label = next++;
            int top = 0;
            _stack[top++] = start;
            labels[start] = label;
            int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1, count = 0, peakIndex = start;
            double sum = 0;
            float peak = float.MinValue;
            while (top > 0)
            {
                int i = _stack[--top];
                int cx = i % w, cy = i / w;
                float p = map[i];
                count++;
                sum += p;
                if (p > peak) { peak = p; peakIndex = i; }
                if (cx < minX) minX = cx;
                if (cx > maxX) maxX = cx;
                if (cy < minY) minY = cy;
                if (cy > maxY) maxY = cy;
                for (int dy = -1; dy <= 1; dy++)
                {
                    int ny = cy + dy;
                    if ((uint)ny >= (uint)h) continue;
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = cx + dx;
                        if ((uint)nx >= (uint)w) continue;
                        int j = ny * w + nx;
                        if (labels[j] != 0) continue;
                        labels[j] = label;
                        _stack[top++] = j;
                    }
                }
            }

            long areaPixels = (long)Math.Round(count * sx * sy);
            if (count < _options.MinAreaCells || areaPixels < _options.MinAreaPixels) continue;

            int x0 = Math.Clamp((int)Math.Floor(minX * sx), 0, frame.FrameWidth);
            int y0 = Math.Clamp((int)Math.Floor(minY * sy), 0, frame.FrameHeight);
            int x1 = Math.Clamp((int)Math.Ceiling((maxX + 1) * sx), 0, frame.FrameWidth);
            int y1 = Math.Clamp((int)Math.Ceiling((maxY + 1) * sy), 0, frame.FrameHeight);
            int zone = _cellZone[peakIndex];
            (regions ??= []).Add(new Region(
                new PixelBox(x0, y0, x1 - x0, y1 - y0),
                peak,
                (float)(sum / count),
                count,
                areaPixels,
                zone >= 0 ? _options.Zones[zone].Name : null,
                trigger));
        }
        return regions is null ? Array.Empty<Region>() : regions;
    }

    /// <summary>The camera threshold the last frame was cut at (configured, or its profile's).</summary>
    public float Threshold => _threshold;

    private void Prepare(int w, int h, int frameWidth, int frameHeight, float cameraThreshold)
    {
        if (w == _mapWidth && h == _mapHeight && frameWidth == _frameWidth && frameHeight == _frameHeight && cameraThreshold == _threshold) return;
        int n = w * h;
        _cellThreshold = new float[n];
        _cellZone = new int[n];
        _labels = new int[n];
        _stack = new int[n];
        double sx = (double)frameWidth / w, sy = (double)frameHeight / h;
        for (int cy = 0; cy < h; cy++)
        {
            double py = (cy + 0.5) * sy;
            for (int cx = 0; cx < w; cx++)
            {
                double px = (cx + 0.5) * sx;
                int i = cy * w + cx;
                _cellZone[i] = -1;
                float threshold = cameraThreshold;
                for (int z = 0; z < _zones.Length; z++)
                {
                    if (!_zones[z].Contains(px, py)) continue;
                    _cellZone[i] = z;
                    threshold = _options.Zones[z].Threshold ?? cameraThreshold;
                    break;
                }
                foreach (var mask in _masks)
                {
                    if (mask.Contains(px, py)) { threshold = float.PositiveInfinity; break; }
                }
                _cellThreshold[i] = threshold;
            }
        }
        (_mapWidth, _mapHeight, _frameWidth, _frameHeight, _threshold) = (w, h, frameWidth, frameHeight, cameraThreshold);
    }
}
