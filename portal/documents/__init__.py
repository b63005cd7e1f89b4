"""Documents on a case: who may see them, their versions, and the files behind them.

The pure parts (no Flask, no database) live in their own modules so they can be tested alone:
`filetypes` (what a file really is), `filenames` (safe names to show and download),
`storage` (where files are kept) and `scanning` (virus scanning with ClamAV).
"""
