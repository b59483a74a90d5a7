using Monitoring.Analysis;
using Xunit;

namespace Monitoring.Tests.Analysis;

public class ModelHeadTests
{
    private static ModelHead Head(string calibration) =>
        ModelHead.FromMetadata(new Dictionary<string, string> { ["calibration"] = calibration }, 1, "test.onnx")!;

    [Fact]
    public void A_model_without_score_constants_pools_its_map_as_v1_to_v7()
    {
        var head = Head("""{ "eps": 8.0, "cal_a": 3.0, "cal_b": 1.5, "beta": 2.0 }""");
        Assert.Equal(head.A, head.ScoreA);
        Assert.Equal(head.B, head.ScoreB);
        float[] s = [0.2f, 1.0f, 2.5f];
        var weights = s.Select(v => Math.Exp(2.0 * v)).ToArray();
        var expected = s.Select((v, i) => weights[i] * head.Map(v)).Sum() / weights.Sum();
        Assert.Equal(expected, head.Score(s), 5);
        Assert.Equal(ProfileCalibration.FallbackThreshold, head.DefaultThreshold);
    }

    [Fact]
    public void A_model_with_score_constants_pools_their_sigmoid_and_keeps_the_map_on_its_own()
    {
        // v8 (decision 0019): anomaly_map = sigmoid(cal_a (s - cal_b)), score = sum softmax(beta s) sigmoid(score_a (s - score_b))
        var head = Head("""{ "eps": 64.0, "cal_a": 7.5, "cal_b": 0.6, "beta": 8.0, "score_a": 3.0, "score_b": 1.5 }""");
        Assert.Equal(7.5f, head.A);
        Assert.Equal(3.0f, head.ScoreA);
        Assert.Equal(1.5f, head.ScoreB);
        Assert.Equal(0.5f, head.Map(0.6f), 5);
        Assert.Equal(0.5f, head.Pooled(1.5f), 5);
        float[] s = [0.2f, 0.9f, 1.4f];
        var weights = s.Select(v => Math.Exp(8.0 * v)).ToArray();
        var pooled = s.Select((v, i) => weights[i] / (1 + Math.Exp(-3.0 * (v - 1.5)))).Sum() / weights.Sum();
        var ofMap = s.Select((v, i) => weights[i] * head.Map(v)).Sum() / weights.Sum();
        Assert.Equal(pooled, head.Score(s), 5);
        Assert.NotEqual(ofMap, head.Score(s), 2);
        Assert.Contains("score a 3", head.ToString());
    }

    [Fact]
    public void The_fallback_threshold_comes_from_the_metadata_and_a_value_outside_the_map_is_refused()
    {
        Assert.Equal(0.95f, Head("""{ "eps": 64.0, "cal_a": 7.5, "cal_b": 0.6, "beta": 8.0, "default_threshold": 0.95 }""").DefaultThreshold);
        var e = Assert.Throws<ModelContractException>(() => Head("""{ "eps": 64.0, "cal_a": 7.5, "cal_b": 0.6, "beta": 8.0, "default_threshold": 1.5 }"""));
        Assert.Contains("default_threshold is 1.5", e.Message);
        Assert.Contains("re-export", e.Message);
    }
}
