using Monitoring.Evaluation;

namespace Monitoring.Tests.Evaluation;

public sealed class RocAucTests
{
    [Fact]
    public void Perfect_inverse_and_random_orders()
    {
        bool[] labels = [false, false, true, true];
        Assert.Equal(1.0, RocAuc.Compute([0.1, 0.2, 0.8, 0.9], labels), 10);
        Assert.Equal(0.0, RocAuc.Compute([0.9, 0.8, 0.2, 0.1], labels), 10);
        Assert.Equal(0.5, RocAuc.Compute([0.5, 0.5, 0.5, 0.5], labels), 10);
    }

    [Fact]
    public void Matches_pairwise_counting_with_ties()
    {
        var rng = new Random(7);
        var scores = Enumerable.Range(0, 300).Select(_ => Math.Round(rng.NextDouble(), 1)).ToArray();
        var labels = scores.Select(s => rng.NextDouble() < s).ToArray();
        double wins = 0, pairs = 0;
        for (var i = 0; i < scores.Length; i++)
            for (var j = 0; j < scores.Length; j++)
                if (labels[i] && !labels[j])
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
        Assert.Equal(wins / pairs, RocAuc.Compute(scores, labels), 10);
    }

    [Fact]
    public void Curve_runs_from_origin_to_one_one()
    {
        var c = RocAuc.Curve([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
        Assert.Equal((0.0, 0.0), c[0]);
        Assert.Equal((1.0, 1.0), c[^1]);
    }

    [Fact]
    public void Clip_normalisation_rescales_each_clip_to_unit_range()
    {
        var n = RocAuc.ClipNormalised([1, 3, 10, 20, 30], [0, 0, 1, 1, 1]);
        Assert.Equal([0, 1, 0, 0.5, 1], n);
    }

    [Fact]
    public void Labels_follow_inclusive_ranges()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, """{"01": {"frames": 10, "abnormal": [[2, 4], [8, 9]]}}""");
        try
        {
            var l = FrameLabels.Load(path);
            Assert.Equal([false, false, true, true, true, false, false, false, true, true], Enumerable.Range(0, 10).Select(i => l.IsAbnormal("01", i)));
            File.WriteAllText(path, """{"01": {"frames": 10}}""");
            var e = Assert.Throws<InvalidDataException>(() => FrameLabels.Load(path));
            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
