"""Customer Service Workbook: the package behind the notebooks.

One import gives a lesson what it needs::

    from csworkbook import load_dataset, metrics, plots
"""

from . import metrics, plots
from .datasets import describe, list_datasets, load_dataset

__version__ = "0.1.0"
__all__ = ["load_dataset", "list_datasets", "describe", "metrics", "plots", "__version__"]
