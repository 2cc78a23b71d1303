"""Stage 3, DTRB on disk and in batches.

Modules: :mod:`~.dtrb` (``gt.txt`` + images folders and LMDBs), :mod:`~.writer` (the split writer and output
folder rules of ``gen`` and ``import``), :mod:`~.importers` (real datasets -> crops) and :mod:`~.batches`
(scanning datasets, width-grouped training batches).
"""

__all__: list[str] = []  # import the modules themselves
