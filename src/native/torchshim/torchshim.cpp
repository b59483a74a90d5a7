// Monitoring's libtorch shim: fine-tunes the model's future-frame predictor (montrain.network.Predictor, a small U-Net)
// on one camera's frames, and runs it, on the CPU. C ABI for src/Monitoring/Tuning/TorchShim.cs.
//
// Weights travel as one flat float array in the order of the layer table below (each layer: weight, then bias), with a
// shape table of 4 + 1 numbers per layer (out, in, k, k; out). Frames travel as uint8 grey images of h×w, runs of
// consecutive analysed frames back to back; `run_lengths` says where each run ends.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#define API extern "C" __attribute__((visibility("default")))

namespace {

thread_local std::string last_error;

struct Layer { int stride; bool relu; };
// montrain.network.Predictor, in forward order: e1 (2), e2 (2), e3 (2), b (conv + 1x1), bu, d3, d2, d1, out.
const Layer kLayers[] = {
    {1, true}, {1, true}, {2, true}, {1, true}, {2, true}, {1, true},
    {2, true}, {1, false}, {1, true}, {1, true}, {1, true}, {1, true}, {1, false},
};
constexpr int kLayerCount = sizeof(kLayers) / sizeof(kLayers[0]);

struct Net {
    std::vector<torch::Tensor> w, b;

    torch::Tensor layer(int k, const torch::Tensor& x) const {
        auto pad = (w[k].size(2) - 1) / 2;
        auto y = torch::conv2d(x, w[k], b[k], kLayers[k].stride, pad);
        return kLayers[k].relu ? torch::relu(y) : y;
    }

    torch::Tensor forward(const torch::Tensor& past) const {
        auto up = [](const torch::Tensor& z) { return torch::upsample_nearest2d(z, {z.size(2) * 2, z.size(3) * 2}); };
        auto e1 = layer(1, layer(0, past));
        auto e2 = layer(3, layer(2, e1));
        auto e3 = layer(5, layer(4, e2));
        auto code = layer(7, layer(6, e3));
        auto z = layer(9, torch::cat({up(layer(8, code)), e3}, 1));
        z = layer(10, torch::cat({up(z), e2}, 1));
        z = layer(11, torch::cat({up(z), e1}, 1));
        return past.narrow(1, past.size(1) - 1, 1) + layer(12, z);
    }
};

int64_t numel(const int64_t* shape, int rank) {
    int64_t n = 1;
    for (int i = 0; i < rank; i++) n *= shape[i];
    return n;
}

// Builds the net from the flat weights (copies them; gradients on when `train`).
Net load(const float* flat, const int64_t* shapes, bool train) {
    Net net;
    const float* at = flat;
    for (int k = 0; k < kLayerCount; k++) {
        const int64_t* ws = shapes + 5 * k;
        if (ws[0] != ws[4] || ws[2] != ws[3] || ws[2] % 2 == 0)
            throw std::runtime_error("layer " + std::to_string(k) + " has a weight/bias shape the predictor does not have");
        auto w = torch::from_blob(const_cast<float*>(at), {ws[0], ws[1], ws[2], ws[3]}, torch::kFloat32).clone();
        at += numel(ws, 4);
        auto b = torch::from_blob(const_cast<float*>(at), {ws[4]}, torch::kFloat32).clone();
        at += ws[4];
        net.w.push_back(w.set_requires_grad(train));
        net.b.push_back(b.set_requires_grad(train));
    }
    return net;
}

void store(const Net& net, float* flat) {
    float* at = flat;
    for (int k = 0; k < kLayerCount; k++) {
        for (const auto& t : {net.w[k], net.b[k]}) {
            auto c = t.detach().contiguous();
            std::memcpy(at, c.data_ptr<float>(), sizeof(float) * c.numel());
            at += c.numel();
        }
    }
}

// PyTorch's OneCycleLR (anneal "cos", two phases, cycle_momentum): the learning rate and Adam's beta1 at step `i`.
void one_cycle(int i, int total, double max_lr, double pct_start, double& lr, double& beta1) {
    const double div = 25.0, final_div = 1e4, base_m = 0.85, max_m = 0.95;
    const double initial = max_lr / div, minimum = initial / final_div;
    const double end1 = pct_start * total - 1, end2 = total - 1;
    auto cosine = [](double start, double end, double pct) { return end + (start - end) / 2.0 * (std::cos(M_PI * pct) + 1); };
    if (i <= end1) {
        double pct = end1 > 0 ? i / end1 : 1.0;
        lr = cosine(initial, max_lr, pct);
        beta1 = cosine(max_m, base_m, pct);
    } else {
        double pct = (i - end1) / (end2 - end1);
        lr = cosine(max_lr, minimum, pct);
        beta1 = cosine(base_m, max_m, pct);
    }
}

}  // namespace

API const char* mts_last_error() { return last_error.c_str(); }

API const char* mts_torch_version() { return TORCH_VERSION; }

API int mts_layer_count() { return kLayerCount; }

// Progress: called every `report_every` steps and after the last with (step, smoothed loss); a nonzero return stops.
typedef int (*mts_progress)(int step, double loss);

// Fine-tunes the predictor. 0 = done (tuned weights in `out`), 1 = error (mts_last_error), 2 = stopped by `progress`.
API int mts_tune(const float* weights, const int64_t* shapes, int64_t weight_count, float* out,
                 const uint8_t* frames, const int32_t* run_lengths, int runs, int h, int w, int t, int stride,
                 int steps, double lr, int batch, int crop_h, int crop_w, uint32_t seed, int threads,
                 mts_progress progress, int report_every) {
    try {
        torch::set_num_threads(std::max(1, threads));
        torch::manual_seed(seed);
        auto net = load(weights, shapes, true);
        std::vector<torch::Tensor> params;
        int64_t total_values = 0;
        for (int k = 0; k < kLayerCount; k++) {
            params.push_back(net.w[k]);
            params.push_back(net.b[k]);
            total_values += net.w[k].numel() + net.b[k].numel();
        }
        if (total_values != weight_count) throw std::runtime_error("the shapes describe " + std::to_string(total_values) + " values, the weights hold " + std::to_string(weight_count));
        if (runs <= 0 || h < crop_h || w < crop_w || t < 2 || stride < 1 || batch < 1) throw std::runtime_error("bad footage or settings");

        // Every frame is the current frame of one window: (first frame of its run, index in the run).
        std::vector<std::pair<int64_t, int32_t>> windows;
        int64_t start = 0;
        for (int r = 0; r < runs; r++) {
            for (int32_t i = 0; i < run_lengths[r]; i++) windows.emplace_back(start, i);
            start += run_lengths[r];
        }
        if (windows.empty()) throw std::runtime_error("no frame to tune on");
        const int64_t plane = int64_t(h) * w;

        torch::optim::Adam adam(params, torch::optim::AdamOptions(lr));
        std::mt19937 rng(seed);
        auto pick = [&](int n) { return int(std::uniform_int_distribution<int>(0, n - 1)(rng)); };
        auto x = torch::empty({batch, t, crop_h, crop_w}, torch::kFloat32);
        double smoothed = 0;
        for (int step = 0; step < steps; step++) {
            float* dst = x.data_ptr<float>();
            for (int b = 0; b < batch; b++) {
                auto [first, i] = windows[pick(int(windows.size()))];
                int y0 = pick(h - crop_h + 1), x0 = pick(w - crop_w + 1);
                bool mirror = pick(2) == 1;
                for (int j = 0; j < t; j++) {
                    // Oldest first; before its run's start a window repeats the run's first frame (as FrameWindow pads).
                    int32_t idx = std::max<int32_t>(0, i - (t - 1 - j) * stride);
                    const uint8_t* f = frames + (first + idx) * plane;
                    for (int yy = 0; yy < crop_h; yy++) {
                        const uint8_t* row = f + int64_t(y0 + yy) * w + x0;
                        for (int xx = 0; xx < crop_w; xx++) *dst++ = row[mirror ? crop_w - 1 - xx : xx] * (1.0f / 255.0f);
                    }
                }
            }
            double step_lr, beta1;
            one_cycle(step, steps, lr, 0.1, step_lr, beta1);
            for (auto& group : adam.param_groups()) {
                auto& o = static_cast<torch::optim::AdamOptions&>(group.options());
                o.lr(step_lr);
                o.betas({beta1, 0.999});
            }
            auto pred = net.forward(x.narrow(1, 0, t - 1));
            auto loss = torch::mse_loss(pred, x.narrow(1, t - 1, 1));
            adam.zero_grad();
            loss.backward();
            adam.step();
            double v = loss.item<double>();
            smoothed = step == 0 ? v : 0.98 * smoothed + 0.02 * v;
            if (progress && (step % std::max(1, report_every) == 0 || step == steps - 1) && progress(step, smoothed) != 0) return 2;
        }
        store(net, out);
        return 0;
    } catch (const std::exception& e) {
        last_error = e.what();
        return 1;
    }
}

// The prediction of the current frame [n, h, w] for windows [n, t, h, w] (values in [0, 1]).
API int mts_predict(const float* weights, const int64_t* shapes, const float* windows, int n, int t, int h, int w, float* out, int threads) {
    try {
        torch::set_num_threads(std::max(1, threads));
        torch::NoGradGuard no_grad;
        auto net = load(weights, shapes, false);
        auto x = torch::from_blob(const_cast<float*>(windows), {n, t, h, w}, torch::kFloat32);
        auto p = net.forward(x.narrow(1, 0, t - 1)).contiguous();
        std::memcpy(out, p.data_ptr<float>(), sizeof(float) * p.numel());
        return 0;
    } catch (const std::exception& e) {
        last_error = e.what();
        return 1;
    }
}
