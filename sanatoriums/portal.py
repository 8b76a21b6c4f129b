"""The sanatorium app's contributions to the register (members.registry)."""

from members.registry import registry
from sanatoriums import demo


@registry.register_demo(20)
def seed_demo(*, federations, scale, rng):
    demo.seed(federations=federations, agreement=None, scale=scale, rng=rng)


# member page section: see below


# --- excel --- sanatorium bases are importable (members.imports)
from sanatoriums import imports as _imports  # noqa: E402, F401
