"""Tables as files, in one place: the spreadsheet CSV people open (spreadsheet.py), and the files
programs read (files.py: the tools' CSV dialect that the data package declares, Parquet, JSON Lines
written by jsonl.py, all atomically)."""
