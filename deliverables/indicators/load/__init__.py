"""Loading indicator history and benchmarking comparators from files, with a preview of
exactly what will be written (table: reading a file by its columns' meanings; history and
comparators: the two previews; services: the recorded preview and its confirmation)."""
