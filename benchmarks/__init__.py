"""In-process benchmarks of the CORS middlewares against their peers.

Run ``uv run python -m benchmarks`` (``--quick``, ``--only NAME``, ``--json PATH``);
``uv run python -m benchmarks.e2e`` for the end-to-end throughput check under uvicorn.
"""
