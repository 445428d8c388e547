"""A PyTorch MLP checked through the helper: the three lines at the bottom are the probe.

    fdgui-cli netcheck --probe examples/torch_mlp.py

``torch_probe`` converts the module and the batch to float64, switches dropout off (eval
mode), names the parameters as ``named_parameters()`` does, takes the gradient under check
from autograd and evaluates many perturbed points at once with ``torch.func.vmap``.
Needs ``pip install "fdgui[torch]"`` (torch 2.13.0, CPU) in the Python that runs the probe.
"""

import torch

from fdgui.probe import torch_probe

torch.manual_seed(0)
x, y = torch.randn(64, 20), torch.randint(0, 10, (64,))

net = torch.nn.Sequential(torch.nn.Linear(20, 64), torch.nn.Tanh(), torch.nn.Linear(64, 10))
probe = torch_probe(net, torch.nn.functional.cross_entropy, (x, y))
