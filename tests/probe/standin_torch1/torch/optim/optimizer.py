"""Test double of torch.optim.optimizer 1.x: no register_optimizer_step_post_hook."""


class Optimizer(object):
    def __init__(self, params, defaults):
        self.param_groups = [dict(defaults, params=list(params))]

    def step(self, closure=None):
        raise NotImplementedError
