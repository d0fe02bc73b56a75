"""vidbench timing probe: the TensorFlow 1.x / ``tf.compat.v1`` iteration marker (BSN).

A ``Session.run`` whose fetches hold a training op (what ``Optimizer.apply_gradients`` returned,
or a group with one among its control inputs) marks an iteration (the rules: ``_vidbench_probe``'s
docstring). Installed by ``_vidbench_probe.start`` when TensorFlow's modules are imported.
Injected into the training's interpreter (Python 2.7 for BSN): Python 2.7 and 3.x syntax only.
"""
from __future__ import absolute_import, division

def patch_tf_optimizer(module, probe):
    """``tensorflow.python.training.optimizer``: remember the ops apply_gradients returns."""
    optimizer_cls = module.Optimizer
    original = optimizer_cls.apply_gradients

    def apply_gradients(self, *args, **kwargs):
        op = original(self, *args, **kwargs)
        try:
            if op is not None:
                probe.tf_train_ops[id(op)] = op
        except Exception:
            probe.report('tf apply_gradients')
        return op

    apply_gradients.__doc__ = original.__doc__
    optimizer_cls.apply_gradients = apply_gradients


def patch_tf_session(module, probe):
    """``tensorflow.python.client.session``: mark after a run that ran a training op."""
    session_cls = module.BaseSession
    original = session_cls.run

    def run(self, fetches, *args, **kwargs):
        out = original(self, fetches, *args, **kwargs)
        if probe.tf_train_ops:
            try:
                is_train = fetches_train_op(fetches, probe.tf_train_ops, 0)
            except Exception:
                probe.report('tf session run')
                is_train = False
            if is_train:
                probe.mark('tf_session_run')
        return out

    run.__doc__ = original.__doc__
    session_cls.run = run
    probe.markers_installed.append('tf_session_run')


def fetches_train_op(fetches, train_ops, depth):
    if depth > 6 or fetches is None or isinstance(fetches, (str, bytes)):
        return False
    if isinstance(fetches, dict):
        return any(fetches_train_op(v, train_ops, depth + 1) for v in fetches.values())
    if isinstance(fetches, (list, tuple)):
        return any(fetches_train_op(v, train_ops, depth + 1) for v in fetches)
    op = fetches if hasattr(fetches, 'control_inputs') else getattr(fetches, 'op', None)
    return op is not None and is_train_op(op, train_ops, 0)


def is_train_op(op, train_ops, level):
    if id(op) in train_ops:
        return True
    if level >= 3 or getattr(op, 'type', None) != 'NoOp':
        return False
    return any(is_train_op(c, train_ops, level + 1) for c in op.control_inputs)
