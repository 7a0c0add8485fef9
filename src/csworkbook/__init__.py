"""Customer Service Workbook: the package behind the notebooks.

One import gives a lesson what it needs::

    from csworkbook import load_dataset, metrics, plots

Submodules load on first use, so the ``csworkbook`` command starts quickly and a
notebook pays only for what it touches.
"""

from importlib import import_module

__version__ = "0.1.0"

_LAZY = {
    "metrics": ("csworkbook.metrics", None),
    "plots": ("csworkbook.plots", None),
    "roleplay": ("csworkbook.roleplay", None),
    "load_dataset": ("csworkbook.datasets", "load_dataset"),
    "list_datasets": ("csworkbook.datasets", "list_datasets"),
    "describe": ("csworkbook.datasets", "describe"),
    "ready_to_hand_in": ("csworkbook.handin", "ready_to_hand_in"),
}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module 'csworkbook' has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
