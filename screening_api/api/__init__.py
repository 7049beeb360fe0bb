"""The HTTP service: a thin FastAPI shell around ``screen()``."""
