"""Multi-process training with ``torch.distributed``: the process group torchrun describes, a BatchNorm whose
statistics span all ranks (also on the CPU), and the few collectives ``finetune`` needs.

``finetune`` runs as one process per device under torchrun (``torchrun --nproc_per_node N -m easyocr_ko.cli
finetune ...`` or ``easyocr-ko finetune --nproc N``), which sets ``WORLD_SIZE``, ``RANK``, ``LOCAL_RANK`` and the
rendezvous variables.  Backend: nccl on CUDA, gloo on the CPU.  Every rank reads its own slice of each global
batch of ``world_size * batch_size`` samples, gradients are averaged by ``DistributedDataParallel``, and BatchNorm
statistics are computed over the global batch (:class:`SyncBatchNorm2d`), so a step of N ranks x batch B
computes what one process computes with batch N * B, to float rounding.  Rank 0 validates, logs and writes the
run folder; the others wait.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import torch
import torch.distributed as dist
from torch import nn

from easyocr_ko.errors import EasyOcrKoError

T = TypeVar("T")

# Rank 0 validates while the other ranks wait in a collective: allow a long validation (gloo's and nccl's
# defaults are 30 and 10 minutes).
TIMEOUT = timedelta(hours=2)


@dataclass(frozen=True)
class DistContext:
    """Where this process stands in the process group.

    Attributes:
        rank: global rank, 0 .. world_size - 1.
        world_size: processes in the group (1: no process group, plain single-process training).
        local_rank: rank on this machine (selects ``cuda:LOCAL_RANK``).
    """

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        """Rank 0: the process that validates, logs and writes the run folder."""
        return self.rank == 0

    @property
    def active(self) -> bool:
        """More than one process."""
        return self.world_size > 1


def env_world_size() -> int:
    """``WORLD_SIZE`` set by torchrun (1 when not launched by it).

    Raises:
        EasyOcrKoError: ``WORLD_SIZE`` is set but not a positive integer.
    """
    value = os.environ.get("WORLD_SIZE", "1")
    try:
        size = int(value)
    except ValueError:
        size = 0
    if size < 1:
        raise EasyOcrKoError(f"WORLD_SIZE={value!r} is not a positive integer (torchrun sets it)")
    return size


def init_distributed(device: torch.device) -> tuple[DistContext, torch.device]:
    """Join the process group torchrun describes, or stay single-process.

    Args:
        device: the device ``--device`` resolved to; under torchrun a CUDA device becomes ``cuda:LOCAL_RANK``.

    Returns:
        (context, device).  Backend nccl for CUDA, gloo otherwise; :func:`shutdown` leaves the group.

    Raises:
        EasyOcrKoError: torchrun's variables are incomplete, or a CUDA rank has no GPU of its own.
    """
    world_size = env_world_size()
    if world_size == 1:
        return DistContext(), device
    try:
        rank, local_rank = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    except (KeyError, ValueError):
        raise EasyOcrKoError("WORLD_SIZE > 1 but RANK is not set: launch with torchrun or easyocr-ko finetune "
                             "--nproc N") from None
    _check_rendezvous_env(world_size, rank)
    if device.type == "cuda":
        if local_rank >= torch.cuda.device_count():
            raise EasyOcrKoError(f"LOCAL_RANK {local_rank} has no GPU of its own ({torch.cuda.device_count()} "
                                 "visible): use --nproc_per_node <= the number of GPUs")
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    if not dist.is_initialized():
        try:
            dist.init_process_group("nccl" if device.type == "cuda" else "gloo", timeout=TIMEOUT)
        except ValueError as err:  # torch's word on a torchrun variable it cannot use
            raise EasyOcrKoError(f"cannot join the process group: {str(err).splitlines()[0]}") from None
    return DistContext(rank, world_size, local_rank), device


def _check_rendezvous_env(world_size: int, rank: int) -> None:
    """The variables ``init_process_group`` reads (torchrun sets them all), checked up front so that a half-set
    environment is one line instead of torch's ``ValueError`` traceback.

    Raises:
        EasyOcrKoError: ``RANK`` outside 0 .. WORLD_SIZE - 1, or ``MASTER_ADDR`` / ``MASTER_PORT`` missing or
            ``MASTER_PORT`` not a port number.
    """
    if not 0 <= rank < world_size:
        raise EasyOcrKoError(f"RANK={rank} is not in 0 .. WORLD_SIZE - 1 = {world_size - 1}")
    missing = [name for name in ("MASTER_ADDR", "MASTER_PORT") if not os.environ.get(name, "").strip()]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise EasyOcrKoError(f"WORLD_SIZE={world_size} but {' and '.join(missing)} {verb} not set: launch with "
                             "torchrun or easyocr-ko finetune --nproc N")
    port = os.environ["MASTER_PORT"].strip()
    if not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise EasyOcrKoError(f"MASTER_PORT={port!r} is not a port number (1 .. 65535)")


def data_parallel(model: nn.Module, device: torch.device) -> nn.Module:
    """``DistributedDataParallel`` around ``model`` (gradients averaged over ranks), without DDP's broadcast of
    rank 0's buffers before every forward pass: BatchNorm statistics are already taken over all ranks
    (:func:`convert_sync_batchnorm`).  Uses ``forward_sync_buffers=False`` where torch has it (torch's
    ``broadcast_buffers`` is deprecated there, with a FutureWarning on every rank), else ``broadcast_buffers=False``.
    The newer option also copies rank 0's buffers once, when wrapping; every rank holds the same values then (the
    same checkpoint, or the same seed), so training is the same.
    """
    import inspect

    from torch.nn.parallel import DistributedDataParallel

    new_api = "forward_sync_buffers" in inspect.signature(DistributedDataParallel.__init__).parameters
    options: dict[str, Any] = {"forward_sync_buffers": False} if new_api else {"broadcast_buffers": False}
    return DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None, **options)


def shutdown(ctx: DistContext) -> None:
    """Leave the process group (no-op for a single process)."""
    if ctx.active and dist.is_initialized():
        dist.destroy_process_group()


def barrier(ctx: DistContext) -> None:
    """Wait for every rank (no-op for a single process)."""
    if ctx.active:
        dist.barrier()


def on_main(ctx: DistContext, fn: Callable[[], T]) -> T | None:
    """Run ``fn`` on rank 0 only; if it raises :class:`EasyOcrKoError` or ``OSError`` there, every rank raises
    the same one-line :class:`EasyOcrKoError`, so no rank waits forever for a rank that already stopped.

    Returns:
        ``fn()`` on rank 0, ``None`` elsewhere.
    """
    result, message = None, None
    if ctx.is_main:
        try:
            result = fn()
        except (EasyOcrKoError, OSError) as err:
            if not ctx.active:
                raise
            message = str(err)
    if ctx.active:
        box = [message]
        dist.broadcast_object_list(box, src=0)
        message = box[0]
    if message is not None:
        raise EasyOcrKoError(message)
    return result


def all_max(ctx: DistContext, values: list[float]) -> list[float]:
    """Element-wise maximum of ``values`` over all ranks (``values`` itself for a single process)."""
    if not ctx.active:
        return values
    t = torch.tensor(values, dtype=torch.float64, device=_collective_device(ctx))
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return t.tolist()


def all_mean(ctx: DistContext, value: torch.Tensor) -> float:
    """Mean of a scalar tensor over all ranks, as a Python float."""
    if not ctx.active:
        return float(value.detach())
    t = value.detach().reshape(1).to(dtype=torch.float64, device=_collective_device(ctx))
    dist.all_reduce(t)
    return float(t) / ctx.world_size


def gather_objects(ctx: DistContext, obj: Any) -> list[Any]:
    """``[obj of rank 0, obj of rank 1, ...]`` on every rank (``[obj]`` for a single process)."""
    if not ctx.active:
        return [obj]
    out: list[Any] = [None] * ctx.world_size
    dist.all_gather_object(out, obj)
    return out


def _collective_device(ctx: DistContext) -> torch.device:
    return torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else torch.device("cpu")


# ---------------------------------------------------------------- BatchNorm over all ranks

class _SyncBatchNormFn(torch.autograd.Function):
    """Batch normalisation of (N, C, H, W) with mean and (biased) variance over the samples of all ranks
    (Ioffe & Szegedy 2015, eq. of Algorithm 1; the backward pass reduces sum(dy) and sum(dy * x_hat) over ranks,
    as ``torch.nn.SyncBatchNorm`` does on GPUs).  Computed in float32."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
                eps: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x32 = x.float()
        channels = x32.shape[1]
        local = torch.cat([x32.sum((0, 2, 3)), x32.new_tensor([x32.numel() / channels])])
        dist.all_reduce(local)
        count = local[-1]
        mean = local[:channels] / count
        centred = x32 - mean[None, :, None, None]
        sq = centred.square().sum((0, 2, 3))
        dist.all_reduce(sq)
        var = sq / count
        invstd = torch.rsqrt(var + eps)
        x_hat = centred * invstd[None, :, None, None]
        y = x_hat * weight.float()[None, :, None, None] + bias.float()[None, :, None, None]
        ctx.save_for_backward(x_hat, weight, invstd, count)
        ctx.input_dtype = x.dtype
        var_unbiased = var * count / (count - 1).clamp_min(1)
        ctx.mark_non_differentiable(mean, var_unbiased)
        return y.to(x.dtype), mean, var_unbiased

    @staticmethod
    def backward(ctx: Any, dy: torch.Tensor, _dmean: Any, _dvar: Any):
        x_hat, weight, invstd, count = ctx.saved_tensors
        dy = dy.float()
        sum_dy = dy.sum((0, 2, 3))
        sum_dy_xhat = (dy * x_hat).sum((0, 2, 3))
        grad_weight, grad_bias = sum_dy_xhat.clone(), sum_dy.clone()  # local: DDP averages parameter grads
        both = torch.cat([sum_dy, sum_dy_xhat])
        dist.all_reduce(both)
        channels = sum_dy.shape[0]
        mean_dy = (both[:channels] / count)[None, :, None, None]
        mean_dy_xhat = (both[channels:] / count)[None, :, None, None]
        dx = (weight.float() * invstd)[None, :, None, None] * (dy - mean_dy - x_hat * mean_dy_xhat)
        return dx.to(ctx.input_dtype), grad_weight.to(weight.dtype), grad_bias.to(weight.dtype), None


class SyncBatchNorm2d(nn.BatchNorm2d):
    """``nn.BatchNorm2d`` whose training statistics span all ranks of the default process group, on any device
    (``torch.nn.SyncBatchNorm`` runs on GPUs only).  Same parameters, buffers and state-dict keys as
    ``BatchNorm2d``; in eval mode, or without a process group of more than one rank, it *is* ``BatchNorm2d``.

    Input and output: (N, C, H, W), any float dtype (statistics in float32).
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not (self.training and dist.is_initialized() and dist.get_world_size() > 1):
            return super().forward(x)
        y, mean, var_unbiased = _SyncBatchNormFn.apply(x, self.weight, self.bias, self.eps)
        if self.track_running_stats and self.running_mean is not None and self.running_var is not None:
            with torch.no_grad():
                tracked = self.num_batches_tracked
                assert tracked is not None  # track_running_stats buffers
                tracked.add_(1)
                factor = self.momentum if self.momentum is not None else 1.0 / float(tracked)
                self.running_mean.mul_(1 - factor).add_(mean.to(self.running_mean.dtype), alpha=factor)
                self.running_var.mul_(1 - factor).add_(var_unbiased.to(self.running_var.dtype), alpha=factor)
        return y


def convert_sync_batchnorm(module: nn.Module, device: torch.device) -> nn.Module:
    """Replace every ``BatchNorm2d`` of ``module`` (in place) by one whose statistics span all ranks: torch's
    ``SyncBatchNorm`` on CUDA, :class:`SyncBatchNorm2d` elsewhere.  Parameters and buffers are kept (the same
    tensors), so state-dict keys and values are unchanged.

    Returns:
        ``module`` (or the replacement if ``module`` itself is a BatchNorm).
    """
    if device.type == "cuda":
        return nn.SyncBatchNorm.convert_sync_batchnorm(module)
    if isinstance(module, nn.BatchNorm2d) and not isinstance(module, SyncBatchNorm2d):
        new = SyncBatchNorm2d(module.num_features, module.eps, module.momentum, module.affine,
                              module.track_running_stats)
        if module.affine:
            new.weight, new.bias = module.weight, module.bias
        new.running_mean, new.running_var = module.running_mean, module.running_var
        new.num_batches_tracked = module.num_batches_tracked
        new.train(module.training)
        return new
    for name, child in module.named_children():
        setattr(module, name, convert_sync_batchnorm(child, device))
    return module
