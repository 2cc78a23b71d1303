"""Stage 3, DTRB on disk and in batches: gt.txt + images and LMDB, the split writer, importers of real datasets, width-grouped batches."""
