"""Benchmark sections. Each module has `NAME`, `TITLE` and `run(ctx) -> SectionResult`.

Add a section: write a module here and list it in `SECTIONS` in `bench/run.py`.
"""
