"""Train, calibrate and export the Monitoring anomaly model on UCSD Ped2 training/ (normal only).

    cd models/training && /usr/bin/python3 -m montrain.train     # defaults reproduce the card (= ./build.sh train)

Steps: (1) train the future-frame predictor on training clips except --val-clips; (2) compute the
per-cell raw features, their global standardisation and a per-cell profile on the fit clips;
(3) on the held-out normal clips (+ synthetic anomalies pasted into them) fix the calibration
(sigmoid offset/slope) and report validation figures; (4) export models/anomaly.onnx + reference.
No test clip is read here.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import data as dt
from . import export as ex
from . import network as net
from . import scoring
from . import synthetic

# v5 and v7 (v3: the first three; v2: perr_mean,perr_max3,perr_cellmax,mot1,mot2,mot4,mot1_max3)
DEFAULT_FEATURES = "perr_mean,perr_max3,perr_c4max,spdp1r2_c4max"


def parse(argv=None):
    root = dt.repo_root()
    p = argparse.ArgumentParser(prog="montrain.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=dt.default_data(), help="a folder with training/<clip>/NNN.jpg (UCSD Ped2)")
    p.add_argument("--out", default=os.path.join(root, "models"), help="where anomaly.onnx + reference/ go")
    p.add_argument("--runs", default=os.path.join(root, "models", "training", "runs"))
    p.add_argument("--name", default="main", help="run name (folder under --runs)")
    p.add_argument("--val-clips", default="14,15,16", help="training clips held out for validation/calibration")
    p.add_argument("--cal-clips", default="01,02,03", help="busy training clips left out of the calibration "
                   "profile and used (with --val-clips) as unseen normal footage for calibration")
    p.add_argument("--iters", type=int, default=10000, help="predictor training steps (v7: 10000; v2-v6: 2500)")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--crop", default="64x96", help="random training crop HxW (multiples of 8)")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--features", default=DEFAULT_FEATURES, help="raw feature channels exported, from "
                   + ",".join(net.RAW_NAMES))
    p.add_argument("--eps", type=float, default=8.0, help="variance floor added in the graph (v2-v7: 8; v8: 64)")
    p.add_argument("--beta", type=float, default=2.0, help="attention softmax temperature on the cell z-score "
                   "(v2-v7: 2; v8: 8)")
    p.add_argument("--score-eps", type=float, default=0.0, help="the frame score pools its own sigmoid of s, fitted "
                   "by the calibration rule on the distance at this floor (v8: 8, i.e. v7's constants on v8's distance); "
                   "0 (default) = the score pools anomaly_map itself (v1-v7)")
    p.add_argument("--default-threshold", type=float, default=0.0, help="region threshold the daemon falls back to "
                   "for a camera that learned too few frames to derive its own (metadata calibration.default_threshold; "
                   "v8: 0.95, from decision 0006's command; 0 (default) = none written, the daemon's 0.9 as for v1-v7)")
    p.add_argument("--two-sided", action="store_true", help="count deviations below the mean on every channel")
    p.add_argument("--grad-loss", type=float, default=0.0, help="weight of a gradient-difference loss (L1 between the "
                   "image gradients' magnitudes of prediction and frame, Frame-Pred's Lgd) beside the MSE; 0 = v5")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2, help="torch threads for features, calibration and export")
    p.add_argument("--train-threads", type=int, default=1, help="torch threads while training the predictor (v7 was "
                   "trained with 1; another count gives other float rounding, so other weights; v2-v6: 2)")
    p.add_argument("--no-export", action="store_true")
    p.add_argument("--pred", default="", help="reuse a trained predictor state (skip training; for re-calibration)")
    p.add_argument("--version", default="7")
    p.add_argument("--model-name", default="monitoring-ped2-predcell", help="metadata model_name")
    p.add_argument("--score-window", type=int, default=5, help="frame score = causal mean of the model's score "
                   "over this many analysed frames (metadata score_window; applied by the daemon and eval)")
    return p.parse_args(argv)


def log(fh, msg):
    line = f"[{time.strftime('%H:%M:%S')}] {msg}"
    print(line, flush=True)
    fh.write(line + "\n")
    fh.flush()


def grad_difference(pred, target):
    """mean |(|dx pred| - |dx target|)| + the same in y (Liu et al. 2018's gradient constraint, alpha = 1)."""
    dx = lambda z: (z[..., :, 1:] - z[..., :, :-1]).abs()
    dy = lambda z: (z[..., 1:, :] - z[..., :-1, :]).abs()
    return (dx(pred) - dx(target)).abs().mean() + (dy(pred) - dy(target)).abs().mean()


def train_predictor(model, clips, args, fh):
    rng = np.random.RandomState(args.seed)
    ch, cw = (int(v) for v in args.crop.split("x"))
    wins = [(c, i) for c in clips for i in range(len(clips[c]))]
    opt = torch.optim.Adam(model.pred.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.iters, pct_start=0.1)
    model.train()
    torch.set_num_threads(args.train_threads)
    t0 = time.time()
    run = 0.0
    for it in range(args.iters):
        xs = np.empty((args.batch, dt.T, ch, cw), np.float32)
        for b in range(args.batch):
            c, i = wins[rng.randint(len(wins))]
            w = clips[c][np.clip(np.arange(i - dt.T + 1, i + 1), 0, None)]
            y, x = rng.randint(0, dt.H - ch + 1), rng.randint(0, dt.W - cw + 1)
            w = w[:, y:y + ch, x:x + cw]
            if rng.rand() < 0.5:
                w = w[:, :, ::-1]
            xs[b] = w
        x = torch.from_numpy(xs)
        pred, _ = model.pred(x[:, :-1])
        loss = F.mse_loss(pred, x[:, -1:])
        if args.grad_loss:
            loss = loss + args.grad_loss * grad_difference(pred, x[:, -1:])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        run = 0.98 * run + 0.02 * loss.item() if it else loss.item()
        if it % 250 == 0 or it == args.iters - 1:
            log(fh, f"iter {it:5d}  loss {run:.6f}  ({time.time() - t0:.0f}s)")
    model.eval()
    torch.set_num_threads(args.threads)


def main(argv=None):
    args = parse(argv)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    run_dir = os.path.join(args.runs, args.name)
    os.makedirs(run_dir, exist_ok=True)
    fh = open(os.path.join(run_dir, "train.log"), "w")
    log(fh, f"args {vars(args)}")
    t_start = time.time()

    clips = dt.load_split(args.data, "training", cache_dir=args.runs)
    val_names = [c for c in args.val_clips.split(",") if c] if args.val_clips else []
    fit = {c: v for c, v in clips.items() if c not in val_names}
    log(fh, f"fit clips {sorted(fit)} ({sum(len(v) for v in fit.values())} frames), val clips {val_names}")

    full = net.AnomalyModel()                       # all raw channels, for training + analysis
    if args.pred:
        full.pred.load_state_dict(torch.load(args.pred))
        log(fh, f"predictor loaded from {args.pred}")
    else:
        train_predictor(full, fit, args, fh)
    torch.save(full.pred.state_dict(), os.path.join(run_dir, "pred.pt"))
    log(fh, f"predictor trained in {time.time() - t_start:.0f}s")

    # ---- raw features of every training clip, and of synthetic anomalies pasted into the calibration clips.
    # Calibration clips = the busiest training clips (--cal-clips) + the held-out clips (--val-clips): the
    # calibration profile is learned WITHOUT them, so they are unseen normal footage of the same camera,
    # quiet and crowded, for choosing the sigmoid constants and for validation figures.
    # only the exported channels are computed (some candidates, e.g. block matching, are slow in torch)
    names = args.features.split(",")
    raw = {c: scoring.clip_features(full, v, raw=True, names=names) for c, v in clips.items()}
    cal_names = [c for c in args.cal_clips.split(",") if c] + val_names
    prof_names = [c for c in clips if c not in cal_names]
    rng = np.random.RandomState(args.seed + 1)
    syn = {}
    for c in cal_names:
        for kind in ("fast", "foreign"):
            donor = clips[prof_names[rng.randint(len(prof_names))]]
            sc, mask, boxes = synthetic.paste_anomaly(clips[c], donor, rng, kind)
            syn[f"{c}_{kind}"] = (scoring.clip_features(full, sc, raw=True, names=names), mask, boxes)
    # v3: realistic far-field fast anomalies (own RNG stream, so the draws above are those of v2);
    # reported only, the calibration constants use fast + foreign as in v2
    rng_far = np.random.RandomState(args.seed + 2)
    for c in cal_names:
        donor = clips[prof_names[rng_far.randint(len(prof_names))]]
        sc, mask, boxes = synthetic.paste_far_fast(clips[c], donor, rng_far)
        syn[f"{c}_farfast"] = (scoring.clip_features(full, sc, raw=True, names=names), mask, boxes)
    np.savez_compressed(os.path.join(run_dir, "raw_features.npz"),
                        **{f"{'val' if c in val_names else 'fit'}_{c}": f for c, f in raw.items()},
                        **{f"syn_{k}": f for k, (f, _, _) in syn.items()},
                        **{f"synmask_{k}": m for k, (_, m, _) in syn.items()},
                        **{f"synbox_{k}": np.array([b if b else (-1, -1, -1, -1) for b in bx])
                           for k, (_, _, bx) in syn.items()})

    # ---- the exported model: selected channels, global standardisation from the predictor's fit clips
    sel = list(range(len(names)))                     # raw[...] holds exactly the selected channels
    model = net.AnomalyModel(select=[net.RAW_NAMES.index(n) for n in names], onesided=not args.two_sided)
    osv = model.onesided.numpy()
    model.pred.load_state_dict(full.pred.state_dict())
    allfit = np.concatenate([raw[c][:, sel] for c in fit])
    g_mean = allfit.mean((0, 2, 3))
    g_std = allfit.std((0, 2, 3)) + 1e-6
    model.g_mean.copy_(torch.from_numpy(g_mean))
    model.g_std.copy_(torch.from_numpy(g_std))
    model.eps.fill_(args.eps)
    model.beta.fill_(args.beta)
    stdz = lambda f: (f[:, sel] - g_mean[None, :, None, None]) / g_std[None, :, None, None]
    mean, var = scoring.welford_profile([stdz(raw[c]) for c in prof_names])
    dist = lambda f, eps=args.eps: net.distances_np(stdz(f), mean, var, eps, osv)

    report = {"features": names, "onesided": osv.tolist(), "eps": args.eps, "beta": args.beta,
              "score_eps": args.score_eps, "calibration_profile_clips": prof_names, "calibration_clips": cal_names}

    def fit_sigmoid(s_cal, s_anom):
        """The calibration rule on per-cell distances (one floor): b = the 99.9th percentile of s over the calibration
        clips' normal cells (1 unseen normal cell in 1000 above 0.5); a puts the 99th percentile of the synthetic
        anomalies' frame-max s at sigmoid(+6) (no saturation below it)."""
        cells = np.concatenate([s_cal[c] for c in cal_names])
        q = {p: float(np.quantile(cells, p)) for p in (0.5, 0.99, 0.999)}
        syn_max = np.concatenate([s_anom[k].reshape(len(m), -1).max(1)[m] for k, (_, m, _) in syn.items()
                                  if not k.endswith("farfast")])
        b = q[0.999]
        return 6.0 / max(float(np.quantile(syn_max, 0.99)) - b, 1e-3), b, q, syn_max

    s_norm = {c: dist(raw[c]) for c in cal_names}
    s_syn = {k: dist(f) for k, (f, _, _) in syn.items()}
    a, b, q, syn_max = fit_sigmoid(s_norm, s_syn)       # anomaly_map, on the graph's own distance
    if args.score_eps:                                  # v8: the frame score's own constants, on the distance at --score-eps
        sa, sb, _, _ = fit_sigmoid({c: dist(raw[c], args.score_eps) for c in cal_names},
                                   {k: dist(f, args.score_eps) for k, (f, _, _) in syn.items()})
        model.score_ab = (float(np.float32(sa)), float(np.float32(sb)))
        report.update(score_a=model.score_ab[0], score_b=model.score_ab[1])
    model.default_threshold = args.default_threshold or None
    report["default_threshold"] = model.default_threshold
    model.cal_a.fill_(a)
    model.cal_b.fill_(b)
    report.update(cell_quantiles=q, synthetic_frame_max_s_q50_q99=[float(np.quantile(syn_max, 0.5)),
                  float(np.quantile(syn_max, 0.99))], cal_a=a, cal_b=b)
    normal = np.concatenate([scoring.score_np(s, a, b, args.beta, model.score_ab)[2] for s in s_norm.values()])
    # the frame score the daemon reports: the model's score averaged over --score-window frames of each clip
    fscore = lambda s: scoring.smooth_scores(scoring.score_np(s, a, b, args.beta, model.score_ab)[2], args.score_window)
    normal_fs = np.concatenate([fscore(s) for s in s_norm.values()])
    for kind in ("fast", "foreign", "farfast"):
        pos, pos_fs, hits = [], [], []
        for k, (_, m, bx) in syn.items():
            if k.split("_")[1] != kind:
                continue
            s = s_syn[k]
            pos.append(scoring.score_np(s, a, b, args.beta, model.score_ab)[2][m])
            pos_fs.append(fscore(s)[m])
            hits += [scoring.top_cell_hit(s[t], bx[t]) for t in np.where(m)[0]]
        pos, pos_fs = np.concatenate(pos), np.concatenate(pos_fs)
        report[f"val_synthetic_{kind}_auc"] = scoring.auc(np.r_[normal, pos],
                                                         np.r_[np.zeros(len(normal)), np.ones(len(pos))])
        report[f"val_synthetic_{kind}_auc_frame_score"] = scoring.auc(
            np.r_[normal_fs, pos_fs], np.r_[np.zeros(len(normal_fs)), np.ones(len(pos_fs))])
        report[f"val_synthetic_{kind}_top_cell_hit"] = float(np.mean(hits))
    report["val_normal_score_quantiles"] = {p: float(np.quantile(normal, p)) for p in (0.5, 0.9, 0.99)}
    report["val_normal_cells_above_0.5"] = float(np.mean(
        np.concatenate([scoring.score_np(s, a, b, args.beta)[0].ravel() for s in s_norm.values()]) > 0.5))
    log(fh, "validation " + json.dumps(report))
    report["train_seconds"] = time.time() - t_start
    with open(os.path.join(run_dir, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    torch.save(model.state_dict(), os.path.join(run_dir, "model.pt"))

    if not args.no_export:
        path, meta = ex.export(model, args.out, args.model_name, args.version,
                               f"Ped2 future-frame-prediction error per-cell features ({args.features}), diagonal Gaussian "
                               f"profile distance; trained on UCSD Ped2 training clips except {val_names}",
                               score_window=args.score_window)
        log(fh, f"exported {path} {meta}")
    log(fh, f"total {time.time() - t_start:.0f}s")
    fh.close()
    return report


if __name__ == "__main__":
    main()
