"""PyTorch CUDA peers of bench/gpu/gpu_bench: the 784-512-512-10 MLP training step (SGD with
momentum) and the LSTM(256) over 35 steps with a softmax head, on the same GPU, one JSON line per
measurement. Prints a 'skipped' line where torch or CUDA is missing."""
import json
import time

try:
    import torch
except ImportError:
    print(json.dumps({"bench": "torch_gpu", "skipped": "torch is not installed"}))
    raise SystemExit(0)
if not torch.cuda.is_available():
    print(json.dumps({"bench": "torch_gpu", "skipped": "torch.cuda.is_available() is False"}))
    raise SystemExit(0)

dev = torch.device("cuda:0")
torch.backends.cuda.matmul.allow_tf32 = False  # full float32 products, as symgrad's cuBLAS calls
torch.backends.cudnn.allow_tf32 = False


def median_ms(step, reps):
    for _ in range(3):
        step()
    torch.cuda.synchronize()
    t = []
    for _ in range(reps):
        a = time.perf_counter()
        step()
        torch.cuda.synchronize()
        t.append((time.perf_counter() - a) * 1e3)
    t.sort()
    return t[len(t) // 2]


for batch in (128, 512, 2048):
    net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                              torch.nn.ReLU(), torch.nn.Linear(512, 10)).to(dev)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    x = torch.rand(batch, 784, device=dev)
    y = torch.randint(0, 10, (batch,), device=dev)

    def step():
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()

    ms = median_ms(step, 50)
    print(json.dumps({"bench": "torch_gpu_mlp", "batch": batch, "step_ms": round(ms, 4),
                      "samples_per_s": round(batch / ms * 1e3)}))

N, T, C, H = 64, 35, 128, 256
lstm = torch.nn.LSTM(C, H, batch_first=True).to(dev)
head = torch.nn.Linear(H, 10).to(dev)
x = torch.rand(N, T, C, device=dev)
y = torch.randint(0, 10, (N * T,), device=dev)


def lstm_step():
    out, _ = lstm(x)
    loss = torch.nn.functional.cross_entropy(head(out.reshape(-1, H)), y)
    loss.backward()


ms = median_ms(lstm_step, 20)
print(json.dumps({"bench": "torch_gpu_lstm", "batch": N, "steps": T, "hidden": H, "step_ms": round(ms, 3),
                  "note": "cuDNN's fused LSTM"}))
