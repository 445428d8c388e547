"""A layer with its own ``torch.autograd.Function`` whose backward has a bug.

    fdgui-cli netcheck --probe examples/torch_custom_function.py     # exit 1: it fails

``ScaledLinear`` computes x·Wᵀ + b in ``forward`` and writes its gradients by hand in
``backward``. The bias gradient there averages over the batch (``mean``) where the forward
pass adds the bias to every example (so the gradient is a ``sum``): every entry of
``custom.bias`` is too small by the batch size. autograd runs that backward, so the probe's
gradient is wrong exactly there, and the check's worst entries all sit in ``custom.bias``.
(The fix: ``grad_output.sum(0)``.)
"""

import torch

from fdgui.probe import torch_probe


class LinearFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return x @ weight.t() + bias

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        grad_x = grad_output @ weight
        grad_weight = grad_output.t() @ x
        grad_bias = grad_output.mean(0)  # the bug: the bias is added per example, so .sum(0)
        return grad_x, grad_weight, grad_bias


class CustomLinear(torch.nn.Module):
    def __init__(self, inputs, outputs):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(outputs, inputs) / inputs**0.5)
        self.bias = torch.nn.Parameter(0.1 * torch.randn(outputs))

    def forward(self, x):
        return LinearFunction.apply(x, self.weight, self.bias)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.first = torch.nn.Linear(12, 16)
        self.custom = CustomLinear(16, 16)
        self.last = torch.nn.Linear(16, 4)

    def forward(self, x):
        return self.last(torch.tanh(self.custom(torch.tanh(self.first(x)))))


torch.manual_seed(0)
x, y = torch.randn(32, 12), torch.randint(0, 4, (32,))
probe = torch_probe(Net(), torch.nn.functional.cross_entropy, (x, y))
